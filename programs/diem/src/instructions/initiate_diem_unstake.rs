use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::DiemUnstakeInitiated;
use crate::state::{Config, DiemStake};

/// Accounts of the owner-only DIEM stake changes that move no tokens: `initiate_diem_unstake`
/// and `cancel_diem_unstake`. `has_one = owner` identifies the signer's one stake account (only
/// `stake_diem` creates them, at `[DIEM_STAKE_SEED, owner]`).
#[event_cpi]
#[derive(Accounts)]
pub struct OwnerDiemStake<'info> {
    pub owner: Signer<'info>,
    #[account(mut, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, has_one = owner @ DiemError::NotPositionOwner)]
    pub diem_stake: Box<Account<'info, DiemStake>>,
}

/// Moves staked DIEM into the owner's single bucket; the whole bucket's timer restarts. Its
/// checks (amount, staked DIEM) are `DiemStake::initiate_unstake`'s own.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn initiate_diem_unstake_handler(mut ctx: Context<OwnerDiemStake>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let cooldown_secs = accounts.config.params.diem_cooldown_secs;
    let cooldown_end = accounts.diem_stake.initiate_unstake(&mut accounts.config.pool, amount, now, cooldown_secs)?;
    let event = DiemUnstakeInitiated {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        amount,
        cooldown_end,
        timestamp: now,
        stake: accounts.diem_stake.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
