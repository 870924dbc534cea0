//! Tests of `events`.
use anchor_lang::Event;

use super::*;

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
    let macro_data: Vec<u8> = anchor_lang::event::EVENT_IX_TAG_LE.iter().copied().chain(Event::data(&event)).collect();
    let by_macro =
        Instruction::new_with_bytes(crate::ID, &macro_data, vec![AccountMeta::new_readonly(authority, true)]);
    assert_eq!(event_instruction(&authority, &event).unwrap(), by_macro);
}
