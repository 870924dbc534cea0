use anchor_lang::prelude::*;

use crate::errors::DiemError;
use crate::math::{add, sub};
use crate::state::Pool;

/// A DIEM stake's balances; events carry a copy after every change.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct DiemStakeBalances {
    /// DIEM staked: what the service provider credits, $1 a day per DIEM (SPEC §7).
    pub staked: u64,
    /// DIEM in the single unstake bucket (no longer credited).
    pub cooldown_amount: u64,
    /// When the bucket may be withdrawn; every new request restarts it.
    pub cooldown_end: i64,
}

/// Per-owner DIEM stake. PDA `[DIEM_STAKE_SEED, owner]`. Independent of the sVVV position:
/// staking DIEM for credit does not require having minted it.
#[account]
#[derive(InitSpace, Debug)]
pub struct DiemStake {
    pub owner: Pubkey,
    pub bump: u8,
    /// Set once by [`DiemStake::open`]; marks an open stake whatever its owner's key.
    pub opened: bool,
    pub balances: DiemStakeBalances,
    pub reserved: [u8; 31],
}

impl DiemStake {
    pub fn open(&mut self, owner: Pubkey, bump: u8) {
        self.owner = owner;
        self.bump = bump;
        self.opened = true;
        self.balances = DiemStakeBalances::default();
    }

    pub fn is_open(&self) -> bool {
        self.opened
    }

    pub fn has_pending_unstake(&self) -> bool {
        self.balances.cooldown_amount > 0
    }

    // Each method computes every new value with checked arithmetic before writing any: an
    // error leaves the stake and the pool as they were.

    pub fn stake(&mut self, pool: &mut Pool, amount: u64) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        let staked = add(self.balances.staked, amount)?;
        let total = add(pool.total_diem_staked, amount)?;
        self.balances.staked = staked;
        pool.total_diem_staked = total;
        Ok(())
    }

    /// Moves `amount` staked DIEM into the bucket and restarts its timer; returns the new end.
    pub fn initiate_unstake(&mut self, pool: &mut Pool, amount: u64, now: i64, cooldown_secs: i64) -> Result<i64> {
        require!(amount > 0, DiemError::ZeroAmount);
        require!(amount <= self.balances.staked, DiemError::InsufficientDiemStaked);
        let end = now.checked_add(cooldown_secs).ok_or_else(|| error!(DiemError::MathOverflow))?;
        let staked = sub(self.balances.staked, amount)?;
        let bucket = add(self.balances.cooldown_amount, amount)?;
        let total_staked = sub(pool.total_diem_staked, amount)?;
        let total_cooldown = add(pool.total_diem_cooldown, amount)?;
        self.balances.staked = staked;
        self.balances.cooldown_amount = bucket;
        self.balances.cooldown_end = end;
        pool.total_diem_staked = total_staked;
        pool.total_diem_cooldown = total_cooldown;
        Ok(end)
    }

    /// Returns the whole bucket to the stake; returns the amount.
    pub fn cancel_unstake(&mut self, pool: &mut Pool) -> Result<u64> {
        require!(self.has_pending_unstake(), DiemError::NoPendingUnstake);
        let amount = self.balances.cooldown_amount;
        let staked = add(self.balances.staked, amount)?;
        let total_staked = add(pool.total_diem_staked, amount)?;
        let total_cooldown = sub(pool.total_diem_cooldown, amount)?;
        self.balances = DiemStakeBalances { staked, cooldown_amount: 0, cooldown_end: 0 };
        pool.total_diem_staked = total_staked;
        pool.total_diem_cooldown = total_cooldown;
        Ok(amount)
    }

    /// Empties a bucket whose cooldown has ended; returns the DIEM to pay out.
    pub fn finalize_unstake(&mut self, pool: &mut Pool, now: i64) -> Result<u64> {
        require!(self.has_pending_unstake(), DiemError::NoPendingUnstake);
        require!(now >= self.balances.cooldown_end, DiemError::CooldownNotElapsed);
        let amount = self.balances.cooldown_amount;
        let total_cooldown = sub(pool.total_diem_cooldown, amount)?;
        self.balances.cooldown_amount = 0;
        self.balances.cooldown_end = 0;
        pool.total_diem_cooldown = total_cooldown;
        Ok(amount)
    }
}
