//! Events, emitted by self-CPI in Anchor's `emit_cpi!` format (the event as the data of an
//! inner instruction of this program), through [`emit`] below, which builds the same instruction
//! more cheaply.
//!
//! Why a self-CPI and not `emit!`: `emit!` writes to the program log, which the runtime
//! truncates (10 KB per transaction) and which RPC nodes may drop; an indexer that misses one
//! event can no longer reproduce the ledger. Inner-instruction data is part of the transaction
//! record and is never truncated. The cost is one self-CPI per instruction.
//!
//! Every user event carries the resulting `PositionBalances` and `Pool`, so a replay can check
//! its own reconstruction against the program's figures after each step.
use anchor_lang::Discriminator;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program::invoke_signed;

use crate::constants::EVENT_AUTHORITY_SEED;

/// Emits `event` by self-CPI with exactly the instruction `emit_cpi!` builds (event tag,
/// discriminator, Borsh body; the event authority as the one signer), so indexers and the IDL see
/// no difference. It writes the data into one buffer allocated at its largest, where the macro
/// collects a chained byte iterator: on SBF that saves about 2,400 compute units per event.
pub fn emit<E: AnchorSerialize + Discriminator>(event_authority: &AccountInfo, event: &E) -> Result<()> {
    crate::cu_trace::mark();
    let ix = event_instruction(event_authority.key, event)?;
    let bump = [crate::EVENT_AUTHORITY_AND_BUMP.1];
    invoke_signed(&ix, std::slice::from_ref(event_authority), &[&[EVENT_AUTHORITY_SEED, &bump]])?;
    crate::cu_trace::mark();
    Ok(())
}

/// The self-CPI instruction that carries `event`: what [`emit`] invokes.
pub fn event_instruction<E: AnchorSerialize + Discriminator>(
    event_authority: &Pubkey,
    event: &E,
) -> Result<Instruction> {
    use std::io::Write;
    let mut data = EventData { bytes: vec![0; MAX_EVENT_BYTES], len: 0 };
    data.write_all(anchor_lang::event::EVENT_IX_TAG_LE)?;
    data.write_all(E::DISCRIMINATOR)?;
    event.serialize(&mut data)?;
    let EventData { bytes: mut data, len } = data;
    data.truncate(len);
    Ok(Instruction { program_id: crate::ID, accounts: vec![AccountMeta::new_readonly(*event_authority, true)], data })
}

/// The most bytes an event's instruction data may take. The largest events are a staged curve
/// chunk (`MAX_CURVE_CHUNK` entries) and a metadata URI change (two URIs of `MAX_URI_LEN`); the
/// tests serialize both at their largest and hold them within this. An event that did not fit
/// would fail its instruction with `BorshIoError`, never write past the buffer.
pub const MAX_EVENT_BYTES: usize = 1_024;

/// The instruction data being written: a buffer allocated once at its largest, filled by Borsh
/// field by field with plain copies. Borsh into a growing `Vec` checks capacity and calls a copy
/// for every field (about 500 CU for a 129-byte event on SBF); here each field is a few stores
/// (about 40 CU), measured in LEAN.md.
struct EventData {
    bytes: Vec<u8>,
    len: usize,
}

impl std::io::Write for EventData {
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    #[inline(always)]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let end = self.len.checked_add(bytes.len()).ok_or(std::io::ErrorKind::WriteZero)?;
        let to = self.bytes.get_mut(self.len..end).ok_or(std::io::ErrorKind::WriteZero)?;
        to.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

use crate::state::{Change, CurvePoint, Params, Pool, PositionBalances, TicketKind};

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct Initialized {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub authority: Pubkey,
    pub vvv_mint: Pubkey,
    pub vvv_token_program: Pubkey,
    pub diem_mint: Pubkey,
    pub treasury: Pubkey,
    pub params: Params,
    pub paused: u16,
    /// `constants::trust` bits the deployer accepted about the VVV mint.
    pub vvv_trust: u8,
    pub change_delay: i64,
    pub timestamp: i64,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct Staked {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub payer: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub position_opened: bool,
    pub position: PositionBalances,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct UnstakeInitiated {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    /// The new ticket's address: its id.
    pub ticket: Pubkey,
    pub rent_payer: Pubkey,
    pub amount: u64,
    /// Fixed for the ticket's life.
    pub unlock_at: i64,
    pub position: PositionBalances,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct UnstakeCancelled {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    /// The ticket's owner, whose position the amount returns to.
    pub owner: Pubkey,
    pub ticket: Pubkey,
    pub amount: u64,
    pub position: PositionBalances,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct UnstakeFinalized {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    pub ticket: Pubkey,
    pub amount: u64,
    pub destination: Pubkey,
    pub timestamp: i64,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct RewardsClaimed {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    pub amount: u64,
    /// True for `claim_and_stake`: the VVV became active sVVV instead of leaving the vault.
    pub compounded: bool,
    pub position: PositionBalances,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct RewardsFunded {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub funder: Pubkey,
    pub amount: u64,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct TreasuryPaid {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub treasury: Pubkey,
    pub amount: u64,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct DiemMinted {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    pub destination: Pubkey,
    pub svvv_locked: u64,
    pub diem_out: u64,
    /// Rate of the bucket the lock ended in (VVV base units per whole DIEM).
    pub marginal_rate: u64,
    pub supply_before: u64,
    pub position: PositionBalances,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct DiemBurned {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    pub source: Pubkey,
    pub diem_burned: u64,
    pub svvv_unlocked: u64,
    pub position: PositionBalances,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct ParamsUpdated {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub old: Params,
    pub new: Params,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct TreasuryUpdated {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub old: Pubkey,
    pub new: Pubkey,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct PauseUpdated {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub old: u16,
    pub new: u16,
}

/// The launch is over (SPEC §8): the first `set_pause` that opened an inflow. Emitted once in
/// the program's life; from here on every change that can hurt a user is queued.
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct Launched {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    /// The pause flags the launch opened with.
    pub paused: u16,
    pub timestamp: i64,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct CurveStaged {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub start_index: u16,
    /// The entries written, so a replay can rebuild the curve and re-check every quote.
    pub entries: Vec<CurvePoint>,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct CurveCommitted {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub version: u32,
    /// The last bucket's bound: the most DIEM that can ever be outstanding.
    pub supply_cap: u64,
    pub first_rate: u128,
    pub last_rate: u128,
    /// `math::curve::curve_hash` of the table now live.
    pub hash: [u8; 32],
}

/// The staging table was emptied (`clear_curve_staging`): what was staged is gone.
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct CurveStagingCleared {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub cleared_entries: u16,
}

/// DIEM's metadata URI changed (`set_metadata_uri`); wallets read the new JSON from `new_uri`.
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct MetadataUriUpdated {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub old_uri: String,
    pub new_uri: String,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct AuthorityProposed {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub authority: Pubkey,
    pub proposed: Pubkey,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct AuthorityTransferred {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub old: Pubkey,
    pub new: Pubkey,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct DiemStaked {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    /// The controller: alone may unstake or redirect the stake.
    pub owner: Pubkey,
    /// Who the stake credits.
    pub beneficiary: Pubkey,
    pub amount: u64,
    /// Unix time of the change: the service provider reads each stake at 00:00 UTC.
    pub timestamp: i64,
    /// The stake's DIEM after the change.
    pub staked: u64,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct DiemUnstakeInitiated {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    /// The stake's beneficiary, whose credit falls by `amount`.
    pub beneficiary: Pubkey,
    pub ticket: Pubkey,
    pub rent_payer: Pubkey,
    pub amount: u64,
    /// Fixed for the ticket's life.
    pub unlock_at: i64,
    pub timestamp: i64,
    pub staked: u64,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct DiemUnstakeCancelled {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    /// The ticket's owner, controller of the stake the DIEM returns to.
    pub owner: Pubkey,
    /// The beneficiary of that stake.
    pub beneficiary: Pubkey,
    pub ticket: Pubkey,
    pub amount: u64,
    pub timestamp: i64,
    pub staked: u64,
    pub pool: Pool,
}

#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct DiemUnstakeFinalized {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    pub ticket: Pubkey,
    pub amount: u64,
    pub destination: Pubkey,
    pub timestamp: i64,
    pub pool: Pool,
}

/// A ticket changed hands (`transfer_ticket`); its amount and `unlock_at` did not change.
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct TicketTransferred {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub ticket: Pubkey,
    pub kind: TicketKind,
    pub from: Pubkey,
    pub to: Pubkey,
    pub amount: u64,
    pub unlock_at: i64,
    pub timestamp: i64,
}

/// A DIEM stake's whole amount now credits another beneficiary (`set_diem_beneficiary`): it
/// moved from the owner's stake for `from` to the owner's stake for `to`, and counts for `to`
/// from the next 00:00 UTC.
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct DiemBeneficiaryChanged {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub owner: Pubkey,
    pub from: Pubkey,
    pub to: Pubkey,
    pub amount: u64,
    pub timestamp: i64,
    /// The stake for `to` after the move (the one for `from` is now 0).
    pub to_staked: u64,
}

/// A change was proposed; anyone may apply it from `eta` on (SPEC §8).
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeProposed {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub kind: u8,
    pub change: Change,
    pub proposed_at: i64,
    pub eta: i64,
    /// A pending change of the same kind was replaced (its clock restarted).
    pub replaced: bool,
}

/// A change took effect: at once (the launch, or a raised delay), or when due.
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeApplied {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub kind: u8,
    pub change: Change,
    pub immediate: bool,
    /// The state the change produced.
    pub params: Params,
    pub treasury: Pubkey,
    pub curve_version: u32,
    pub change_delay: i64,
    pub pool: Pool,
    pub timestamp: i64,
}

/// The authority withdrew a pending change.
#[event]
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeCancelled {
    /// Global sequence number (SPEC §9): 1 for `Initialized`, then +1 per event.
    pub seq: u64,
    pub kind: u8,
    pub change: Change,
}

#[cfg(test)]
mod tests;
