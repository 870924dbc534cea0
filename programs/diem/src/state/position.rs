use anchor_lang::prelude::*;

use crate::errors::DiemError;
use crate::math::burn::{BurnOutcome, unlock_for_burn};
use crate::math::rewards::earned;
use crate::math::{add, sub};
use crate::state::Pool;

/// A position's balances. Events carry a copy of it after every change.
///
/// Invariants kept by [`Position`]'s methods: `locked <= active`;
/// `outstanding_diem == 0 => locked == 0`. sVVV in cooldown is not here: each unstake request
/// is an `UnstakeTicket` of its own.
///
/// Plain old data (the `u128`s last, at multiples of 16): positions hold it in place.
#[derive(AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace, bytemuck::Pod, bytemuck::Zeroable)]
#[cfg_attr(any(test, feature = "idl-build"), derive(AnchorSerialize))]
#[repr(C)]
pub struct PositionBalances {
    /// Active sVVV, unlocked plus locked; earns emissions.
    pub active: u64,
    /// The part of `active` that backs minted DIEM; only burning releases it.
    pub locked: u64,
    /// DIEM minted against this position and not yet burned.
    pub outstanding_diem: u64,
    /// Rewards settled and not yet claimed.
    pub pending_rewards: u64,
    pub acc_unlocked_snapshot: u128,
    pub acc_locked_snapshot: u128,
}

/// Per-owner sVVV position. PDA `[POSITION_SEED, owner]`.
///
/// Plain old data like the config (`repr(C)`, no padding on any target, one copy in and one
/// out; `plain_account_serialize!`), its bytes its Borsh encoding.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Position {
    pub owner: Pubkey,
    pub balances: PositionBalances,
    /// How many unstake tickets this position has opened: the next one's address seed.
    pub tickets_opened: u64,
    pub bump: u8,
    /// 1 once [`Position::open`] ran. An open position is marked by this byte, not by its
    /// owner: no key (the default one included) can make an open position look fresh.
    pub opened: u8,
    /// Room for later fields without a migration (and the size a multiple of 16).
    pub reserved: [u8; 70],
}

impl Position {
    /// A position as `stake` opens it for `owner` (the state `open` leaves an all-zero account in).
    pub fn new(owner: Pubkey, bump: u8, pool: &Pool) -> Self {
        let mut position: Self = bytemuck::Zeroable::zeroed();
        position.open(owner, bump, pool);
        position
    }

    /// Sets up a fresh position; it starts earning from the current accumulators.
    pub fn open(&mut self, owner: Pubkey, bump: u8, pool: &Pool) {
        self.owner = owner;
        self.bump = bump;
        self.opened = 1;
        self.balances = PositionBalances {
            acc_unlocked_snapshot: pool.acc_unlocked,
            acc_locked_snapshot: pool.acc_locked,
            ..PositionBalances::default()
        };
    }

    pub fn is_open(&self) -> bool {
        self.opened != 0
    }

    pub fn unlocked(&self) -> u64 {
        // locked <= active is an invariant; saturating keeps a reader total even if it were not.
        self.balances.active.saturating_sub(self.balances.locked)
    }

    /// Rewards this position would have pending if settled against `pool` now.
    #[inline(always)]
    pub fn pending_rewards_at(&self, pool: &Pool) -> Option<u64> {
        let b = &self.balances;
        let from_unlocked = earned(self.unlocked(), pool.acc_unlocked, b.acc_unlocked_snapshot)?;
        let from_locked = earned(b.locked, pool.acc_locked, b.acc_locked_snapshot)?;
        b.pending_rewards.checked_add(from_unlocked)?.checked_add(from_locked)
    }

    /// Credits what the balances earned since the last settlement. The pool must already be
    /// accrued to now; every method below settles first, so no change skips it. Settling alone
    /// is always a valid state (it only moves earnings into `pending_rewards`).
    /// Always inlined: as a call, LLVM passes the two `u128` accumulators by value, more
    /// argument registers than SBF has.
    #[inline(always)]
    pub fn settle(&mut self, pool: &Pool) -> Result<()> {
        self.balances.pending_rewards = self.pending_rewards_at(pool).ok_or_else(|| error!(DiemError::MathOverflow))?;
        self.balances.acc_unlocked_snapshot = pool.acc_unlocked;
        self.balances.acc_locked_snapshot = pool.acc_locked;
        Ok(())
    }

    // Every method below settles, then computes each new value with checked arithmetic, and
    // only then writes: an error leaves the position and the pool exactly as they were.

    pub fn stake(&mut self, pool: &mut Pool, amount: u64) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        self.settle(pool)?;
        let active = add(self.balances.active, amount)?;
        let total_active = add(pool.total_active, amount)?;
        self.balances.active = active;
        pool.total_active = total_active;
        Ok(())
    }

    /// Moves `amount` unlocked sVVV out of the stake into a new ticket's cooldown (it stops
    /// earning at once); returns the ticket's number, the next one's being counted.
    pub fn initiate_unstake(&mut self, pool: &mut Pool, amount: u64) -> Result<u64> {
        require!(amount > 0, DiemError::ZeroAmount);
        require!(amount <= self.unlocked(), DiemError::InsufficientUnlocked);
        self.settle(pool)?;
        let active = sub(self.balances.active, amount)?;
        let total_active = sub(pool.total_active, amount)?;
        let total_cooldown = add(pool.total_cooldown, amount)?;
        let number = self.tickets_opened;
        let tickets_opened = number.checked_add(1).ok_or_else(|| error!(DiemError::MathOverflow))?;
        self.balances.active = active;
        self.tickets_opened = tickets_opened;
        pool.total_active = total_active;
        pool.total_cooldown = total_cooldown;
        Ok(number)
    }

    /// Returns a cancelled ticket's `amount` from the cooldown to this position's active stake.
    pub fn cancel_unstake(&mut self, pool: &mut Pool, amount: u64) -> Result<()> {
        self.settle(pool)?;
        let active = add(self.balances.active, amount)?;
        let total_cooldown = sub(pool.total_cooldown, amount)?;
        let total_active = add(pool.total_active, amount)?;
        self.balances.active = active;
        pool.total_cooldown = total_cooldown;
        pool.total_active = total_active;
        Ok(())
    }

    /// Settles and removes all pending rewards; returns the VVV to pay out.
    pub fn claim_rewards(&mut self, pool: &mut Pool) -> Result<u64> {
        self.settle(pool)?;
        let amount = self.balances.pending_rewards;
        require!(amount > 0, DiemError::NothingToClaim);
        let unclaimed = sub(pool.unclaimed_rewards, amount)?;
        self.balances.pending_rewards = 0;
        pool.unclaimed_rewards = unclaimed;
        Ok(amount)
    }

    /// Settles and turns all pending rewards into active sVVV (no token moves: the VVV is
    /// already in the vault); returns the amount compounded.
    pub fn compound_rewards(&mut self, pool: &mut Pool) -> Result<u64> {
        self.settle(pool)?;
        let amount = self.balances.pending_rewards;
        require!(amount > 0, DiemError::NothingToClaim);
        let unclaimed = sub(pool.unclaimed_rewards, amount)?;
        let active = add(self.balances.active, amount)?;
        let total_active = add(pool.total_active, amount)?;
        self.balances.pending_rewards = 0;
        self.balances.active = active;
        pool.unclaimed_rewards = unclaimed;
        pool.total_active = total_active;
        Ok(amount)
    }

    /// Locks `svvv` unlocked sVVV behind `diem` newly minted DIEM.
    pub fn lock_for_mint(&mut self, pool: &mut Pool, svvv: u64, diem: u64) -> Result<()> {
        require!(svvv > 0, DiemError::ZeroAmount);
        require!(diem > 0, DiemError::MintOutputZero);
        require!(svvv <= self.unlocked(), DiemError::InsufficientUnlocked);
        self.settle(pool)?;
        let locked = add(self.balances.locked, svvv)?;
        let outstanding = add(self.balances.outstanding_diem, diem)?;
        let total_locked = add(pool.total_locked, svvv)?;
        let total_outstanding = add(pool.outstanding_diem, diem)?;
        self.balances.locked = locked;
        self.balances.outstanding_diem = outstanding;
        pool.total_locked = total_locked;
        pool.outstanding_diem = total_outstanding;
        Ok(())
    }

    /// Releases locked sVVV for `diem` burned, pro rata to the position's own history.
    pub fn burn(&mut self, pool: &mut Pool, diem: u64) -> Result<BurnOutcome> {
        let b = &self.balances;
        let outcome = unlock_for_burn(diem, b.locked, b.outstanding_diem)?;
        self.settle(pool)?;
        let total_locked = sub(pool.total_locked, outcome.svvv_unlocked)?;
        let total_outstanding = sub(pool.outstanding_diem, diem)?;
        self.balances.locked = outcome.locked_after;
        self.balances.outstanding_diem = outcome.outstanding_after;
        pool.total_locked = total_locked;
        pool.outstanding_diem = total_outstanding;
        Ok(outcome)
    }
}

#[cfg(test)]
mod plain_tests {
    use super::*;
    use crate::state::plain_tests::{numbered, round_trips};

    /// The IDL describes a position as Borsh (`tools/idl`): its bytes must be its Borsh encoding.
    #[test]
    fn the_plain_layout_is_the_borsh_encoding() {
        let b: PositionBalances = numbered(3);
        assert_eq!(bytemuck::bytes_of(&b), borsh::to_vec(&b).unwrap().as_slice());
        let p: Position = numbered(7);
        let borsh = borsh::to_vec(&(p.owner, p.balances, p.tickets_opened, p.bump, p.opened, p.reserved)).unwrap();
        assert_eq!(bytemuck::bytes_of(&p), borsh.as_slice());
        round_trips::<Position>(11);
    }
}
