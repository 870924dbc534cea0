use anchor_lang::prelude::*;

use crate::errors::DiemError;
use crate::events::UnstakeInitiated;
use crate::state::{Config, Position};

/// Accounts of the owner-only instructions that change nothing but the owner's position and
/// the pool: `initiate_unstake` and `cancel_unstake`.
///
/// The position is not re-derived from its seeds: `Account<Position>` proves the program owns
/// it, only `stake` creates positions (at `[POSITION_SEED, owner]`), so `has_one = owner`
/// identifies the one position of the signer. Likewise only `initialize` creates a `Config`.
#[event_cpi]
#[derive(Accounts)]
pub struct OwnerPosition<'info> {
    pub owner: Signer<'info>,
    #[account(mut)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, has_one = owner @ DiemError::NotPositionOwner)]
    pub position: Box<Account<'info, Position>>,
}


/// Moves unlocked sVVV into the position's single cooldown; it stops earning at once. Its checks
/// (amount, one pending unstake, unlocked sVVV) are `Position::initiate_unstake`'s own.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn initiate_unstake_handler(mut ctx: Context<OwnerPosition>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let cooldown_secs = config.params.svvv_cooldown_secs;
    let cooldown_end = accounts.position.initiate_unstake(&mut config.pool, amount, now, cooldown_secs)?;
    let event = UnstakeInitiated {
        owner: accounts.owner.key(),
        amount,
        cooldown_end,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
