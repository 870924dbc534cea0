use anchor_lang::prelude::*;

use crate::errors::DiemError;
use crate::math::rewards::{AccrualInput, accrue};
use crate::math::{add, sub};
use crate::state::Params;

/// Global totals and reward accounting. Every event carries a copy, so an indexer can check
/// its replay against the program's own figures after each step.
///
/// Conservation (SPEC §10.1): the VVV vault holds at least
/// `total_active + total_cooldown + reward_reserve + unclaimed_rewards + treasury_accrued`.
///
/// Plain old data: the config holds it in place (`last_accrual_ts` comes before the `u128`s so
/// they sit at multiples of 16 and no target pads the struct).
#[derive(AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace, bytemuck::Pod, bytemuck::Zeroable)]
#[cfg_attr(any(test, feature = "idl-build"), derive(AnchorSerialize))]
#[repr(C)]
pub struct Pool {
    /// Active sVVV (unlocked + locked) in all positions; this is `T` in the accrual.
    pub total_active: u64,
    /// Locked sVVV (backing minted DIEM); `L` in the accrual.
    pub total_locked: u64,
    /// sVVV in unstake cooldown (no longer earning).
    pub total_cooldown: u64,
    /// DIEM minted by this program and not yet burned; equals the mint's supply.
    pub outstanding_diem: u64,
    /// DIEM staked for inference credit.
    pub total_diem_staked: u64,
    /// DIEM in unstake cooldown.
    pub total_diem_cooldown: u64,
    /// Funded VVV not yet emitted.
    pub reward_reserve: u64,
    /// Emitted to holders and not yet claimed (includes never-payable rounding dust).
    pub unclaimed_rewards: u64,
    /// Treasury's share emitted and not yet paid out.
    pub treasury_accrued: u64,
    pub last_accrual_ts: i64,
    /// Reward per unlocked sVVV, scaled by `REWARD_SCALE`.
    pub acc_unlocked: u128,
    /// Reward per locked sVVV, scaled by `REWARD_SCALE`.
    pub acc_locked: u128,
}

impl Pool {
    /// Moves emissions from the reserve to holders and treasury for the time since the last
    /// accrual (SPEC §4). Time with nothing staked is skipped, not emitted.
    pub fn accrue(&mut self, now: i64, params: &Params) -> Result<()> {
        let elapsed = now.saturating_sub(self.last_accrual_ts).max(0) as u64;
        if elapsed == 0 {
            return Ok(());
        }
        let accrual = accrue(&AccrualInput {
            elapsed_seconds: elapsed,
            emission_rate: params.emission_rate,
            reward_reserve: self.reward_reserve,
            total_active: self.total_active,
            total_locked: self.total_locked,
            treasury_share_unlocked_bps: params.treasury_share_unlocked_bps,
            treasury_share_locked_bps: params.treasury_share_locked_bps,
        })
        .ok_or_else(|| error!(DiemError::MathOverflow))?;
        // All checked first, then written: an error changes nothing.
        let reward_reserve = sub(self.reward_reserve, accrual.emitted)?;
        let treasury_accrued = add(self.treasury_accrued, accrual.to_treasury)?;
        let unclaimed_rewards = add(self.unclaimed_rewards, accrual.to_holders)?;
        let acc_unlocked = self
            .acc_unlocked
            .checked_add(accrual.acc_unlocked_increment)
            .ok_or_else(|| error!(DiemError::MathOverflow))?;
        let acc_locked =
            self.acc_locked.checked_add(accrual.acc_locked_increment).ok_or_else(|| error!(DiemError::MathOverflow))?;
        self.reward_reserve = reward_reserve;
        self.treasury_accrued = treasury_accrued;
        self.unclaimed_rewards = unclaimed_rewards;
        self.acc_unlocked = acc_unlocked;
        self.acc_locked = acc_locked;
        self.last_accrual_ts = now;
        Ok(())
    }

    pub fn fund(&mut self, amount: u64) -> Result<()> {
        self.reward_reserve = add(self.reward_reserve, amount)?;
        Ok(())
    }

    /// A due sVVV ticket of `amount` is paid out: it leaves the cooldown.
    pub fn finalize_unstake(&mut self, amount: u64) -> Result<()> {
        self.total_cooldown = sub(self.total_cooldown, amount)?;
        Ok(())
    }

    /// A due DIEM ticket of `amount` is paid out: it leaves the DIEM cooldown.
    pub fn finalize_diem_unstake(&mut self, amount: u64) -> Result<()> {
        self.total_diem_cooldown = sub(self.total_diem_cooldown, amount)?;
        Ok(())
    }

    pub fn take_treasury(&mut self) -> Result<u64> {
        let amount = self.treasury_accrued;
        require!(amount > 0, DiemError::NothingToPay);
        self.treasury_accrued = 0;
        Ok(amount)
    }
}
