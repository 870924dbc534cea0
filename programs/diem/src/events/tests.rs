//! Tests of `events`.
use anchor_lang::Event;

use super::*;

/// The self-CPI instruction `emit_cpi!` builds for `event` (anchor-attribute-event 1.2.2): the
/// event tag, then `Event::data` (discriminator and Borsh body); the event authority signs.
fn as_emit_cpi_builds<E: Event>(event: &E) -> Instruction {
    let data: Vec<u8> = anchor_lang::event::EVENT_IX_TAG_LE.iter().copied().chain(Event::data(event)).collect();
    let authority = crate::EVENT_AUTHORITY_AND_BUMP.0;
    Instruction::new_with_bytes(crate::ID, &data, vec![AccountMeta::new_readonly(authority, true)])
}

/// `emit` must be indistinguishable from `emit_cpi!`: this rebuilds the instruction the way
/// the macro does (anchor-attribute-event 1.2.2) and compares it byte for byte.
#[test]
fn emit_builds_exactly_the_instruction_emit_cpi_builds() {
    let (authority, bump) = crate::EVENT_AUTHORITY_AND_BUMP;
    assert_eq!(Pubkey::find_program_address(&[EVENT_AUTHORITY_SEED], &crate::ID), (authority, bump));
    let event = UnstakeInitiated {
        seq: 7,
        owner: Pubkey::new_unique(),
        ticket: Pubkey::new_unique(),
        rent_payer: Pubkey::new_unique(),
        amount: 42,
        unlock_at: 7,
        position: PositionBalances { active: 5, locked: 1, outstanding_diem: 3, ..Default::default() },
        pool: Pool { total_active: 9, ..Default::default() },
    };
    assert_eq!(event_instruction(&authority, &event).unwrap(), as_emit_cpi_builds(&event));
}

/// The largest events (a staged curve chunk, a metadata URI change at the longest URIs) fit the
/// event buffer, and are built byte for byte as `emit_cpi!` builds them; one byte more than the
/// buffer holds is refused, not written past it.
#[test]
fn the_largest_events_fit_and_a_larger_one_is_refused() {
    use crate::constants::{MAX_CURVE_CHUNK, MAX_URI_LEN};
    let (authority, _) = crate::EVENT_AUTHORITY_AND_BUMP;
    let curve = CurveStaged {
        seq: u64::MAX,
        start_index: u16::MAX,
        entries: vec![CurvePoint { supply_bound: u64::MAX, rate: u128::MAX }; MAX_CURVE_CHUNK],
    };
    let ix = event_instruction(&authority, &curve).unwrap();
    assert_eq!(ix, as_emit_cpi_builds(&curve));
    let uri = MetadataUriUpdated { seq: u64::MAX, old_uri: "o".repeat(MAX_URI_LEN), new_uri: "n".repeat(MAX_URI_LEN) };
    assert_eq!(event_instruction(&authority, &uri).unwrap(), as_emit_cpi_builds(&uri));
    assert!(ix.data.len() <= MAX_EVENT_BYTES, "{} bytes", ix.data.len());
    // Tag 8 + discriminator 8 + seq 8 + two 4-byte lengths: URIs filling the rest exactly fit.
    let room = MAX_EVENT_BYTES - 32;
    let exact = MetadataUriUpdated { seq: 1, old_uri: "o".repeat(room / 2), new_uri: "n".repeat(room - room / 2) };
    assert_eq!(event_instruction(&authority, &exact).unwrap(), as_emit_cpi_builds(&exact));
    let over = MetadataUriUpdated { seq: 1, old_uri: "o".repeat(room / 2), new_uri: "n".repeat(room - room / 2 + 1) };
    assert!(event_instruction(&authority, &over).is_err());
}
