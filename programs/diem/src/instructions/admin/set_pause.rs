use anchor_lang::prelude::*;

use crate::events::{Launched, PauseUpdated};
use crate::instructions::admin::AdminConfig;

/// Sets the pause flags (`constants::pause`). Only inflows can be paused; no flag exists for
/// finalize-unstake, burn, claim or treasury payout. The first call that opens an inflow ends
/// the launch (`Launched`); pausing again later never brings it back.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn set_pause_handler(ctx: Context<AdminConfig>, paused: u16) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let old = config.paused;
    let ends_launch = config.set_paused(paused)?;
    crate::events::emit(
        &ctx.accounts.event_authority,
        &PauseUpdated { seq: config.next_event_seq()?, old, new: paused },
    )?;
    if ends_launch {
        let config = &mut ctx.accounts.config;
        let event = Launched { seq: config.next_event_seq()?, paused, timestamp: Clock::get()?.unix_timestamp };
        crate::events::emit(&ctx.accounts.event_authority, &event)?;
    }
    Ok(())
}
