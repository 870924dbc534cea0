use anchor_lang::prelude::*;

use crate::constants::pause;
use crate::errors::DiemError;
use crate::events::PauseUpdated;
use crate::instructions::admin::AdminConfig;

/// Sets the pause flags (`constants::pause`). Only inflows can be paused; no flag exists for
/// finalize-unstake, burn, claim or treasury payout.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn set_pause_handler(ctx: Context<AdminConfig>, paused: u16) -> Result<()> {
    require!(paused & !pause::ALL == 0, DiemError::UnknownPauseFlag);
    let config = &mut ctx.accounts.config;
    let old = config.paused;
    config.paused = paused;
    crate::events::emit(
        &ctx.accounts.event_authority,
        &PauseUpdated { seq: config.next_event_seq()?, old, new: paused },
    )?;
    Ok(())
}
