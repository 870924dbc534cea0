//! Program-derived addresses, from the program's seed constants.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use diem::constants::*;

fn find(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &diem::ID).0
}

pub fn config() -> Pubkey {
    find(&[CONFIG_SEED])
}
pub fn position(owner: &Pubkey) -> Pubkey {
    find(&[POSITION_SEED, owner.as_ref()])
}
/// The DIEM stake `owner` controls for `beneficiary`'s credit.
pub fn diem_stake(owner: &Pubkey, beneficiary: &Pubkey) -> Pubkey {
    find(&[DIEM_STAKE_SEED, owner.as_ref(), beneficiary.as_ref()])
}
/// The ticket numbered `number` opened from `source` (a position or a DIEM stake).
pub fn ticket(source: &Pubkey, number: u64) -> Pubkey {
    find(&[TICKET_SEED, source.as_ref(), &number.to_le_bytes()])
}
pub fn governance() -> Pubkey {
    find(&[GOVERNANCE_SEED])
}
pub fn curve() -> Pubkey {
    find(&[CURVE_SEED])
}
pub fn curve_staging() -> Pubkey {
    find(&[CURVE_STAGING_SEED])
}
pub fn vvv_vault() -> Pubkey {
    find(&[VVV_VAULT_SEED])
}
pub fn diem_vault() -> Pubkey {
    find(&[DIEM_VAULT_SEED])
}
pub fn diem_mint() -> Pubkey {
    find(&[DIEM_MINT_SEED])
}
/// The event authority Anchor's `emit_cpi!` signs with (precomputed by the program).
pub fn event_authority() -> Pubkey {
    diem::EVENT_AUTHORITY_AND_BUMP.0
}
/// The upgradeable loader's program-data account, whose upgrade authority may `initialize`.
pub fn program_data() -> Pubkey {
    Pubkey::find_program_address(&[diem::ID.as_ref()], &bpf_loader_upgradeable::ID).0
}
