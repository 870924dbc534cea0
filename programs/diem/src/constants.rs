//! Seeds and protocol-wide constants. The client crate imports these; nothing else may spell a seed.
//! Each top-level one is `#[constant]`, so the IDL (and the clients generated from it) carry it too.
use anchor_lang::prelude::constant;

/// Singleton configuration; also the PDA that owns both vaults and is the DIEM mint authority.
#[constant]
pub const CONFIG_SEED: &[u8] = b"config";
/// The config's address and bump, `[CONFIG_SEED]` derived at compile time: instructions check
/// the config by address, a comparison, instead of re-deriving it (1,500 CU each).
pub const CONFIG_ADDRESS_AND_BUMP: (anchor_lang::prelude::Pubkey, u8) = {
    let (address, bump) = anchor_lang::derive_program_address(&[CONFIG_SEED], &crate::ID_CONST.to_bytes());
    (anchor_lang::prelude::Pubkey::new_from_array(address), bump)
};
/// [`CONFIG_ADDRESS_AND_BUMP`]'s address, named as a constant so the IDL carries it as the
/// config account's fixed address.
pub const CONFIG_ADDRESS: anchor_lang::prelude::Pubkey = CONFIG_ADDRESS_AND_BUMP.0;
/// Per-owner sVVV position: `[POSITION_SEED, owner]`.
#[constant]
pub const POSITION_SEED: &[u8] = b"position";
/// A DIEM stake (the inference-credit balance) that `owner` controls and credits to
/// `beneficiary`: `[DIEM_STAKE_SEED, owner, beneficiary]`.
#[constant]
pub const DIEM_STAKE_SEED: &[u8] = b"diem-stake";
/// An unstake ticket: `[TICKET_SEED, source, number]`, where `source` is the position or DIEM
/// stake it was opened from and `number` (8 bytes, little-endian) that account's count of
/// tickets opened before it. Counting per source keeps two owners' requests from ever racing
/// for one address.
#[constant]
pub const TICKET_SEED: &[u8] = b"ticket";
/// The live mint-rate curve (zero-copy).
#[constant]
pub const CURVE_SEED: &[u8] = b"curve";
/// The staging table a new curve is written into before `commit_curve` swaps it in.
#[constant]
pub const CURVE_STAGING_SEED: &[u8] = b"curve-staging";
/// VVV vault: staked sVVV, cooldowns, reward reserve, owed rewards and the treasury's accrual.
#[constant]
pub const VVV_VAULT_SEED: &[u8] = b"vvv-vault";
/// DIEM vault: staked DIEM and DIEM in cooldown.
#[constant]
pub const DIEM_VAULT_SEED: &[u8] = b"diem-vault";
/// The DIEM mint (Token-2022, metadata extension).
#[constant]
pub const DIEM_MINT_SEED: &[u8] = b"diem-mint";
/// The change delay and the queued changes (SPEC §8).
#[constant]
pub const GOVERNANCE_SEED: &[u8] = b"governance";
/// Slots for pending changes, one per kind; kinds beyond today's are reserved.
pub const MAX_CHANGE_KINDS: usize = 16;
/// Longest change delay: a year.
#[constant]
pub const MAX_CHANGE_DELAY_SECS: i64 = 365 * SECONDS_PER_DAY;

/// The event authority that signs the program's event self-CPIs, as Anchor's `#[event_cpi]`
/// derives it (a test checks that it yields the address `#[event_cpi]` computes).
#[constant]
pub const EVENT_AUTHORITY_SEED: &[u8] = b"__event_authority";

/// DIEM has 9 decimals, like SOL and most Solana tokens.
#[constant]
pub const DIEM_DECIMALS: u8 = 9;
/// One whole DIEM in base units; curve rates are quoted per whole DIEM.
#[constant]
pub const ONE_DIEM: u64 = 1_000_000_000;

#[constant]
pub const DIEM_NAME: &str = "DIEM";
#[constant]
pub const DIEM_SYMBOL: &str = "DIEM";
/// Longest metadata URI `initialize` accepts (keeps the mint account bounded).
pub const MAX_URI_LEN: usize = 200;

/// Number of buckets in the mint-rate curve.
pub const CURVE_LEN: usize = 256;
/// Most curve entries one `stage_curve` instruction carries: 32 × 24 bytes keeps the
/// transaction under the 1,232-byte packet limit with room for the accounts.
pub const MAX_CURVE_CHUNK: usize = 32;
/// Highest rate (VVV base units per whole DIEM) a curve may hold. A bucket at this rate costs
/// more than the whole `u64` range of VVV per DIEM, so it is unreachable: the generator
/// saturates here instead of overflowing, and the quote maths stays within `u128`.
#[constant]
pub const MAX_RATE: u128 = u64::MAX as u128;

/// Fixed-point scale of the reward-per-share accumulators. With it an accumulator can absorb
/// about 3.4e20 base units of emissions per base unit staked before `checked_add` refuses:
/// thousands of times any VVV supply, even if a single base unit were staked throughout.
#[constant]
pub const REWARD_SCALE: u64 = 1_000_000_000_000_000_000_u64;

/// Treasury shares are in basis points.
#[constant]
pub const BPS_DENOMINATOR: u32 = 10_000;
/// Launch default: locked sVVV earns 80 % of what unlocked sVVV earns.
#[constant]
pub const DEFAULT_TREASURY_SHARE_LOCKED_BPS: u32 = 2_000;

/// Upper bound on `emission_rate` (VVV base units per second): 1e15/s is a million VVV a
/// second at 9 decimals, far beyond any schedule, yet keeps `elapsed * rate` tiny in `u128`.
#[constant]
pub const MAX_EMISSION_RATE: u64 = 1_000_000_000_000_000_u64;
/// Smallest stake that earns a day's credit: 0.1 DIEM (SPEC §7), applied off-chain.
#[constant]
pub const MIN_CREDIT_DIEM: u64 = ONE_DIEM / 10;
/// Longest cooldown either unstake may be given: 90 days.
#[constant]
pub const MAX_COOLDOWN_SECS: i64 = 90 * 86_400;
#[constant]
pub const SECONDS_PER_DAY: i64 = 86_400;
#[constant]
pub const DEFAULT_SVVV_COOLDOWN_SECS: i64 = 7 * SECONDS_PER_DAY;
#[constant]
pub const DEFAULT_DIEM_COOLDOWN_SECS: i64 = SECONDS_PER_DAY;

/// What the deployer accepted about the VVV mint at `initialize` (`Config::vvv_trust`), shown
/// to users as trust assumptions. Without `accept_freeze_authority` both are refused.
pub mod trust {
    /// The VVV mint has a freeze authority: its holder could freeze the vault.
    pub const VVV_FREEZE_AUTHORITY: u8 = 1 << 0;
    /// The VVV mint has a close authority: closed at zero supply, it could be re-created with
    /// other extensions.
    pub const VVV_CLOSE_AUTHORITY: u8 = 1 << 1;
}

/// Pause flags (a bit each). Only operations that move value *in* can be paused; every way
/// out (finalize unstake, burn, finalize DIEM unstake, claim, treasury payout) never checks them.
pub mod pause {
    pub const STAKE: u16 = 1 << 0;
    pub const MINT: u16 = 1 << 1;
    pub const STAKE_DIEM: u16 = 1 << 2;
    pub const CLAIM_AND_STAKE: u16 = 1 << 3;
    pub const ALL: u16 = STAKE | MINT | STAKE_DIEM | CLAIM_AND_STAKE;
    /// The inflows the launch keeps closed (SPEC §8): `initialize` must pause all three, and the
    /// launch ends, once and for good, the first time `set_pause` opens any of them.
    pub const LAUNCH_INFLOWS: u16 = STAKE | MINT | STAKE_DIEM;

    /// Whether `paused` keeps every launch inflow closed.
    pub const fn inflows_closed(paused: u16) -> bool {
        paused & LAUNCH_INFLOWS == LAUNCH_INFLOWS
    }
}

/// The pause and trust bits again at the top level, where the IDL can name them unambiguously.
#[constant]
pub const PAUSE_STAKE: u16 = pause::STAKE;
#[constant]
pub const PAUSE_MINT: u16 = pause::MINT;
#[constant]
pub const PAUSE_STAKE_DIEM: u16 = pause::STAKE_DIEM;
#[constant]
pub const PAUSE_CLAIM_AND_STAKE: u16 = pause::CLAIM_AND_STAKE;
#[constant]
pub const PAUSE_ALL: u16 = pause::ALL;
#[constant]
pub const PAUSE_LAUNCH_INFLOWS: u16 = pause::LAUNCH_INFLOWS;
#[constant]
pub const TRUST_VVV_FREEZE_AUTHORITY: u8 = trust::VVV_FREEZE_AUTHORITY;
#[constant]
pub const TRUST_VVV_CLOSE_AUTHORITY: u8 = trust::VVV_CLOSE_AUTHORITY;
/// The table sizes and bounds (`usize` above, which the IDL cannot carry) as IDL constants.
#[constant]
pub const CURVE_BUCKETS: u16 = CURVE_LEN as u16;
#[constant]
pub const CURVE_CHUNK_ENTRIES: u16 = MAX_CURVE_CHUNK as u16;
#[constant]
pub const METADATA_URI_MAX_LEN: u16 = MAX_URI_LEN as u16;
#[constant]
pub const CHANGE_KINDS: u16 = MAX_CHANGE_KINDS as u16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_address_is_its_seeds_pda() {
        let derived = anchor_lang::prelude::Pubkey::find_program_address(&[CONFIG_SEED], &crate::ID);
        assert_eq!(derived, CONFIG_ADDRESS_AND_BUMP);
    }
}
