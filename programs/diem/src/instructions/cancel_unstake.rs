use anchor_lang::prelude::*;

use crate::constants::pause;
use crate::events::UnstakeCancelled;
use crate::instructions::OwnerPosition;

/// Returns the pending cooldown to the active stake (beyond the EVM original). It puts value
/// back in, so it honours the stake pause; the cooldown itself can always be finalized.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn cancel_unstake_handler(mut ctx: Context<OwnerPosition>) -> Result<()> {
    ctx.accounts.config.require_not_paused(pause::STAKE)?;
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let amount = accounts.position.cancel_unstake(&mut config.pool)?;
    let event = UnstakeCancelled {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        amount,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
