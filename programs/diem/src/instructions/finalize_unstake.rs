use anchor_lang::prelude::*;

use crate::events::UnstakeFinalized;
use crate::instructions::OwnerPayout;

/// Pays out the cooldown once it has ended.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn finalize_unstake_handler(mut ctx: Context<OwnerPayout>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let amount = accounts.position.finalize_unstake(&mut config.pool, now)?;
    accounts.pay_out(amount)?;
    let event = UnstakeFinalized {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        amount,
        destination: accounts.destination.key(),
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
