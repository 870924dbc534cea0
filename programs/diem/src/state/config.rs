use anchor_lang::prelude::*;

use crate::constants::*;
use crate::errors::DiemError;
use crate::math::curve::MintQuote;
use crate::state::{Curve, Pool};

/// Parameters the authority may change, each within documented bounds (see [`Params::validate`]).
/// Plain old data (no padding on any target) so the config can hold it in place.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct Params {
    /// VVV base units emitted per second, shared by all active sVVV.
    pub emission_rate: u64,
    /// Treasury's cut of what unlocked sVVV earns, in basis points (launch: 0).
    pub treasury_share_unlocked_bps: u32,
    /// Treasury's cut of what locked sVVV earns, in basis points (launch: 2,000 = 20 %).
    pub treasury_share_locked_bps: u32,
    /// sVVV unstake cooldown in seconds (launch: 7 days).
    pub svvv_cooldown_secs: i64,
    /// DIEM unstake cooldown in seconds (launch: 1 day).
    pub diem_cooldown_secs: i64,
}

impl Params {
    pub fn validate(&self) -> Result<()> {
        require!(self.emission_rate <= MAX_EMISSION_RATE, DiemError::EmissionRateTooHigh);
        require!(
            self.treasury_share_unlocked_bps <= BPS_DENOMINATOR && self.treasury_share_locked_bps <= BPS_DENOMINATOR,
            DiemError::ShareOutOfBounds
        );
        for cooldown in [self.svvv_cooldown_secs, self.diem_cooldown_secs] {
            require!((0..=MAX_COOLDOWN_SECS).contains(&cooldown), DiemError::CooldownOutOfBounds);
        }
        Ok(())
    }
}

/// The singleton configuration and global ledger. PDA `[CONFIG_SEED]`; it signs for both vaults
/// and is the DIEM mint authority.
///
/// Every instruction reads and writes it, so its layout is plain old data (`repr(C)`, no padding
/// on SBF or natively: the `u128`s of the pool sit at multiples of 16), read with one copy and
/// written back with one (`plain_account_serialize!`) instead of Borsh field by field:
/// about 2,300 compute units less on every instruction (LEAN.md). Fields are ordered for that.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Config {
    pub authority: Pubkey,
    /// Proposed next authority (`Pubkey::default()` when none); it must accept to take over.
    pub pending_authority: Pubkey,
    pub vvv_mint: Pubkey,
    pub vvv_token_program: Pubkey,
    pub diem_mint: Pubkey,
    pub vvv_vault: Pubkey,
    pub diem_vault: Pubkey,
    pub curve: Pubkey,
    pub curve_staging: Pubkey,
    /// VVV token account the treasury's accrued share is paid to.
    pub treasury: Pubkey,
    pub pool: Pool,
    pub params: Params,
    /// Sequence number of the last event emitted (SPEC §9); 0 before `initialize`'s.
    pub event_seq: u64,
    /// Bumped on every curve commit; 0 until the first one (minting refused until then).
    pub curve_version: u32,
    /// `constants::pause` bits.
    pub paused: u16,
    pub vvv_decimals: u8,
    pub bump: u8,
    pub vvv_vault_bump: u8,
    pub diem_vault_bump: u8,
    pub diem_mint_bump: u8,
    /// `constants::trust` bits: the VVV mint authorities the deployer accepted at `initialize`.
    pub vvv_trust: u8,
    /// 1 once, and for good, the first time `set_pause` opens an inflow: the launch is over
    /// (SPEC §8). Until then only the authority acts and its changes apply at once. (A byte,
    /// not a `bool`, so every bit pattern of the account is a valid `Config`.)
    pub launched: u8,
    /// Room for later fields without a migration (and the size a multiple of 16).
    pub reserved: [u8; 123],
}

impl Config {
    /// The account's size: discriminator and the plain-old-data layout.
    pub const SPACE: usize = 8 + std::mem::size_of::<Config>();

    pub fn signer_seeds(&self) -> [&[u8]; 2] {
        [CONFIG_SEED, std::slice::from_ref(&self.bump)]
    }

    /// Takes the next event sequence number (SPEC §9): one more than the last, so consumers
    /// order events by it and notice a missing one.
    pub fn next_event_seq(&mut self) -> Result<u64> {
        self.event_seq = self.event_seq.checked_add(1).ok_or(DiemError::MathOverflow)?;
        Ok(self.event_seq)
    }

    pub fn require_not_paused(&self, flag: u16) -> Result<()> {
        require!(self.paused & flag == 0, DiemError::OperationPaused);
        Ok(())
    }

    /// The launch: from `initialize` until an inflow first opens, whatever the totals later do.
    /// Until then every change applies at once; afterwards the ones that can hurt a user are
    /// queued.
    pub fn in_launch(&self) -> bool {
        self.launched == 0
    }

    /// Sets the pause flags; the first time an inflow opens, the launch ends. Returns whether
    /// this call ended it.
    pub fn set_paused(&mut self, paused: u16) -> Result<bool> {
        require!(paused & !pause::ALL == 0, DiemError::UnknownPauseFlag);
        self.paused = paused;
        let opens_inflow = !pause::inflows_closed(paused);
        let ends_launch = self.in_launch() && opens_inflow;
        self.launched |= u8::from(opens_inflow);
        Ok(ends_launch)
    }

    /// During the launch only the authority acts (a donation to the reserve included).
    pub fn require_launched_or_authority(&self, signer: &Pubkey) -> Result<()> {
        require!(!self.in_launch() || *signer == self.authority, DiemError::LaunchInProgress);
        Ok(())
    }

    /// Refuses an immediate change after the launch.
    pub fn require_launch(&self) -> Result<()> {
        require!(self.in_launch(), DiemError::ChangeMustBeProposed);
        Ok(())
    }

    pub fn require_curve(&self) -> Result<()> {
        require!(self.curve_version > 0, DiemError::CurveNotSet);
        Ok(())
    }

    /// What a lock of `svvv_amount` buys now on `curve` (which must be the committed one), at
    /// the program's outstanding supply. `mint_diem` and `quote_mint` use it, and so do clients
    /// that quote from the accounts they read.
    pub fn quote_mint(&self, curve: &Curve, svvv_amount: u64) -> Result<MintQuote> {
        self.require_curve()?;
        require!(curve.version == self.curve_version, DiemError::CurveNotSet);
        Ok(curve.quote(self.pool.outstanding_diem, svvv_amount)?)
    }

    /// Brings the reward accumulators up to `now` with the current parameters. Called before
    /// any balance or parameter that feeds the accrual changes.
    pub fn accrue(&mut self, now: i64) -> Result<()> {
        self.pool.accrue(now, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::plain_tests::{numbered, round_trips};

    /// The IDL describes the config as Borsh (`tools/idl`): its plain-old-data bytes must be its
    /// Borsh encoding, field by field in declaration order, nested types included.
    #[test]
    fn the_plain_layout_is_the_borsh_encoding() {
        let pool: Pool = numbered(3);
        assert_eq!(bytemuck::bytes_of(&pool), borsh::to_vec(&pool).unwrap().as_slice());
        let params: Params = numbered(5);
        assert_eq!(bytemuck::bytes_of(&params), borsh::to_vec(&params).unwrap().as_slice());
        let c: Config = numbered(7);
        let keys = [
            c.authority, c.pending_authority, c.vvv_mint, c.vvv_token_program, c.diem_mint, c.vvv_vault, c.diem_vault,
            c.curve, c.curve_staging, c.treasury,
        ];
        let mut borsh = borsh::to_vec(&keys).unwrap();
        borsh.extend(borsh::to_vec(&(c.pool, c.params, c.event_seq, c.curve_version, c.paused)).unwrap());
        let bytes = [c.vvv_decimals, c.bump, c.vvv_vault_bump, c.diem_vault_bump, c.diem_mint_bump, c.vvv_trust, c.launched];
        borsh.extend(borsh::to_vec(&(bytes, c.reserved)).unwrap());
        assert_eq!(bytemuck::bytes_of(&c), borsh.as_slice());
        assert_eq!(Config::SPACE, 8 + borsh.len());
    }

    #[test]
    fn the_config_round_trips_through_its_account_bytes() {
        round_trips::<Config>(11);
    }
}
