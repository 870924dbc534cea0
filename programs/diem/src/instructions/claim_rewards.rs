use anchor_lang::prelude::*;

use crate::constants::pause;
use crate::events::RewardsClaimed;
use crate::instructions::{OwnerPayout, OwnerPosition};

/// Pays all pending VVV rewards to the destination the owner names.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn claim_rewards_handler(mut ctx: Context<OwnerPayout>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let amount = accounts.position.claim_rewards(&mut config.pool)?;
    accounts.pay_out(amount)?;
    let event = RewardsClaimed {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        amount,
        compounded: false,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}

/// Compounds all pending rewards into active sVVV (the VVV is already in the vault).
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn claim_and_stake_handler(mut ctx: Context<OwnerPosition>) -> Result<()> {
    ctx.accounts.config.require_not_paused(pause::CLAIM_AND_STAKE)?;
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let amount = accounts.position.compound_rewards(&mut config.pool)?;
    let event = RewardsClaimed {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        amount,
        compounded: true,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
