use anchor_lang::prelude::*;

use crate::errors::DiemError;
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
    pub balances: DiemStakeBalances,
    pub reserved: [u8; 32],
}

fn add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b).ok_or_else(|| error!(DiemError::MathOverflow))
}

impl DiemStake {
    pub fn open(&mut self, owner: Pubkey, bump: u8) {
        self.owner = owner;
        self.bump = bump;
        self.balances = DiemStakeBalances::default();
    }

    pub fn is_open(&self) -> bool {
        self.owner != Pubkey::default()
    }

    pub fn has_pending_unstake(&self) -> bool {
        self.balances.cooldown_amount > 0
    }

    pub fn stake(&mut self, pool: &mut Pool, amount: u64) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        self.balances.staked = add(self.balances.staked, amount)?;
        pool.total_diem_staked = add(pool.total_diem_staked, amount)?;
        Ok(())
    }

    /// Moves `amount` staked DIEM into the bucket and restarts its timer; returns the new end.
    pub fn initiate_unstake(&mut self, pool: &mut Pool, amount: u64, now: i64, cooldown_secs: i64) -> Result<i64> {
        require!(amount > 0, DiemError::ZeroAmount);
        require!(amount <= self.balances.staked, DiemError::InsufficientDiemStaked);
        let end = now.checked_add(cooldown_secs).ok_or_else(|| error!(DiemError::MathOverflow))?;
        self.balances.staked -= amount;
        self.balances.cooldown_amount = add(self.balances.cooldown_amount, amount)?;
        self.balances.cooldown_end = end;
        pool.total_diem_staked = pool.total_diem_staked.checked_sub(amount).ok_or_else(|| error!(DiemError::MathOverflow))?;
        pool.total_diem_cooldown = add(pool.total_diem_cooldown, amount)?;
        Ok(end)
    }

    /// Returns the whole bucket to the stake; returns the amount.
    pub fn cancel_unstake(&mut self, pool: &mut Pool) -> Result<u64> {
        require!(self.has_pending_unstake(), DiemError::NoPendingUnstake);
        let amount = self.take_bucket(pool)?;
        self.balances.staked = add(self.balances.staked, amount)?;
        pool.total_diem_staked = add(pool.total_diem_staked, amount)?;
        Ok(amount)
    }

    /// Empties a bucket whose cooldown has ended; returns the DIEM to pay out.
    pub fn finalize_unstake(&mut self, pool: &mut Pool, now: i64) -> Result<u64> {
        require!(self.has_pending_unstake(), DiemError::NoPendingUnstake);
        require!(now >= self.balances.cooldown_end, DiemError::CooldownNotElapsed);
        self.take_bucket(pool)
    }

    fn take_bucket(&mut self, pool: &mut Pool) -> Result<u64> {
        let amount = self.balances.cooldown_amount;
        self.balances.cooldown_amount = 0;
        self.balances.cooldown_end = 0;
        pool.total_diem_cooldown =
            pool.total_diem_cooldown.checked_sub(amount).ok_or_else(|| error!(DiemError::MathOverflow))?;
        Ok(amount)
    }
}
