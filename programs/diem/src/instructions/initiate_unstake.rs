use anchor_lang::prelude::*;

use crate::events::UnstakeInitiated;
use crate::instructions::OwnerPosition;

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
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        amount,
        cooldown_end,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
