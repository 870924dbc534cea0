use anchor_lang::prelude::*;

use crate::constants::*;
use crate::errors::DiemError;
use crate::math::curve::MintQuote;
use crate::state::{Curve, Pool};

/// Parameters the authority may change, each within documented bounds (see [`Params::validate`]).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub struct Params {
    /// VVV base units emitted per second, shared by all active sVVV.
    pub emission_rate: u64,
    /// Treasury's cut of what unlocked sVVV earns, in basis points (launch: 0).
    pub treasury_share_unlocked_bps: u16,
    /// Treasury's cut of what locked sVVV earns, in basis points (launch: 2,000 = 20 %).
    pub treasury_share_locked_bps: u16,
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
#[account]
#[derive(InitSpace, Debug)]
pub struct Config {
    pub authority: Pubkey,
    /// Proposed next authority (`Pubkey::default()` when none); it must accept to take over.
    pub pending_authority: Pubkey,
    pub vvv_mint: Pubkey,
    pub vvv_token_program: Pubkey,
    pub vvv_decimals: u8,
    pub diem_mint: Pubkey,
    pub vvv_vault: Pubkey,
    pub diem_vault: Pubkey,
    pub curve: Pubkey,
    pub curve_staging: Pubkey,
    /// VVV token account the treasury's accrued share is paid to.
    pub treasury: Pubkey,
    pub params: Params,
    /// `constants::pause` bits.
    pub paused: u16,
    /// Bumped on every curve commit; 0 until the first one (minting refused until then).
    pub curve_version: u32,
    pub pool: Pool,
    pub bump: u8,
    pub vvv_vault_bump: u8,
    pub diem_vault_bump: u8,
    pub diem_mint_bump: u8,
    /// `constants::trust` bits: the VVV mint authorities the deployer accepted at `initialize`.
    pub vvv_trust: u8,
    /// Sequence number of the last event emitted (SPEC §9); 0 before `initialize`'s.
    pub event_seq: u64,
    /// Set, once and for good, the first time `set_pause` opens an inflow: the launch is over
    /// (SPEC §8). Until then only the authority acts and its changes apply at once.
    pub launched: bool,
    /// Room for later fields without a migration.
    pub reserved: [u8; 118],
}

impl Config {
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
        !self.launched
    }

    /// Sets the pause flags; the first time an inflow opens, the launch ends. Returns whether
    /// this call ended it.
    pub fn set_paused(&mut self, paused: u16) -> Result<bool> {
        require!(paused & !pause::ALL == 0, DiemError::UnknownPauseFlag);
        self.paused = paused;
        let opens_inflow = !pause::inflows_closed(paused);
        let ends_launch = !self.launched && opens_inflow;
        self.launched |= opens_inflow;
        Ok(ends_launch)
    }

    /// During the launch only the authority acts (a donation to the reserve included).
    pub fn require_launched_or_authority(&self, signer: &Pubkey) -> Result<()> {
        require!(self.launched || *signer == self.authority, DiemError::LaunchInProgress);
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
