use anchor_lang::prelude::*;

use crate::constants::pause;
use crate::events::DiemUnstakeCancelled;
use crate::instructions::OwnerDiemStake;

/// Returns the whole bucket to the stake (beyond the original). It puts value back in, so it
/// honours the DIEM-stake pause; the bucket itself can always be finalized.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn cancel_diem_unstake_handler(mut ctx: Context<OwnerDiemStake>) -> Result<()> {
    ctx.accounts.config.require_not_paused(pause::STAKE_DIEM)?;
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let amount = accounts.diem_stake.cancel_unstake(&mut accounts.config.pool)?;
    let event = DiemUnstakeCancelled {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        amount,
        timestamp: now,
        stake: accounts.diem_stake.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
