use anchor_lang::prelude::*;

use crate::errors::DiemError;
use crate::math::{add, sub};
use crate::state::Pool;

/// DIEM staked by `owner` for `beneficiary`'s credit (SPEC §7). PDA
/// `[DIEM_STAKE_SEED, owner, beneficiary]`: one controller may hold stakes for many
/// beneficiaries (a vault names each depositor), and a beneficiary is credited the sum of every
/// stake that names it. Only the owner (the controller) may unstake or redirect it.
/// Independent of the sVVV position: staking DIEM for credit does not require having minted it.
///
/// Plain old data like the config (`repr(C)`, no padding, one copy in and one out;
/// `plain_account_serialize!`), its bytes its Borsh encoding.
#[account(zero_copy)]
#[derive(Debug)]
pub struct DiemStake {
    pub owner: Pubkey,
    /// Who receives this stake's credit, $1 a day per staked DIEM.
    pub beneficiary: Pubkey,
    /// DIEM staked: counts for the beneficiary's credit. DIEM in cooldown is in tickets.
    pub staked: u64,
    /// How many unstake tickets this stake has opened: the next one's address seed.
    pub tickets_opened: u64,
    pub bump: u8,
    /// 1 once [`DiemStake::open`] ran; marks an open stake whatever its keys.
    pub opened: u8,
    pub reserved: [u8; 30],
}

impl DiemStake {
    /// A stake as `stake_diem` opens it (the state `open` leaves an all-zero account in).
    pub fn new(owner: Pubkey, beneficiary: Pubkey, bump: u8) -> Self {
        let mut stake: Self = bytemuck::Zeroable::zeroed();
        stake.open(owner, beneficiary, bump);
        stake
    }

    pub fn open(&mut self, owner: Pubkey, beneficiary: Pubkey, bump: u8) {
        self.owner = owner;
        self.beneficiary = beneficiary;
        self.bump = bump;
        self.opened = 1;
        self.staked = 0;
        self.tickets_opened = 0;
    }

    pub fn is_open(&self) -> bool {
        self.opened != 0
    }

    // Each method computes every new value with checked arithmetic before writing any: an
    // error leaves the stake and the pool as they were.

    pub fn stake(&mut self, pool: &mut Pool, amount: u64) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        self.credit(pool, amount)
    }

    /// Adds `amount` to the stake and to the pool's staked total.
    fn credit(&mut self, pool: &mut Pool, amount: u64) -> Result<()> {
        let staked = add(self.staked, amount)?;
        let total = add(pool.total_diem_staked, amount)?;
        self.staked = staked;
        pool.total_diem_staked = total;
        Ok(())
    }

    /// Moves `amount` staked DIEM into a new ticket's cooldown; returns the ticket's number.
    pub fn initiate_unstake(&mut self, pool: &mut Pool, amount: u64) -> Result<u64> {
        require!(amount > 0, DiemError::ZeroAmount);
        require!(amount <= self.staked, DiemError::InsufficientDiemStaked);
        let staked = sub(self.staked, amount)?;
        let total_staked = sub(pool.total_diem_staked, amount)?;
        let total_cooldown = add(pool.total_diem_cooldown, amount)?;
        let number = self.tickets_opened;
        let tickets_opened = number.checked_add(1).ok_or_else(|| error!(DiemError::MathOverflow))?;
        self.staked = staked;
        self.tickets_opened = tickets_opened;
        pool.total_diem_staked = total_staked;
        pool.total_diem_cooldown = total_cooldown;
        Ok(number)
    }

    /// Returns a cancelled ticket's `amount` from the cooldown to this stake.
    pub fn cancel_unstake(&mut self, pool: &mut Pool, amount: u64) -> Result<()> {
        let total_cooldown = sub(pool.total_diem_cooldown, amount)?;
        let staked = add(self.staked, amount)?;
        let total_staked = add(pool.total_diem_staked, amount)?;
        pool.total_diem_cooldown = total_cooldown;
        self.staked = staked;
        pool.total_diem_staked = total_staked;
        Ok(())
    }

    /// Moves this whole stake to `to` (the same owner's stake for another beneficiary); returns
    /// the amount moved. Totals do not change: the DIEM stays staked.
    pub fn move_to(&mut self, to: &mut DiemStake) -> Result<u64> {
        require!(to.beneficiary != self.beneficiary, DiemError::SameBeneficiary);
        require_keys_eq!(to.owner, self.owner, DiemError::PositionOwnerMismatch);
        let amount = self.staked;
        require!(amount > 0, DiemError::InsufficientDiemStaked);
        to.staked = add(to.staked, amount)?;
        self.staked = 0;
        Ok(amount)
    }
}

#[cfg(test)]
mod plain_tests {
    use super::*;
    use crate::state::plain_tests::{numbered, round_trips};

    /// The IDL describes a DIEM stake as Borsh (`tools/idl`): its bytes must be its Borsh encoding.
    #[test]
    fn the_plain_layout_is_the_borsh_encoding() {
        let s: DiemStake = numbered(7);
        let borsh = borsh::to_vec(&(s.owner, s.beneficiary, s.staked, s.tickets_opened, s.bump, s.opened, s.reserved)).unwrap();
        assert_eq!(bytemuck::bytes_of(&s), borsh.as_slice());
        round_trips::<DiemStake>(11);
    }
}
