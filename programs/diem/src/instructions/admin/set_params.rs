use anchor_lang::prelude::*;

use crate::events::ParamsUpdated;
use crate::instructions::admin::AdminConfig;
use crate::state::Params;

/// At the launch only (afterwards each parameter is proposed and applied after the change
/// delay): replaces all parameters at once. Emissions up to now accrue under the old ones first.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn set_params_handler(ctx: Context<AdminConfig>, params: Params) -> Result<()> {
    ctx.accounts.config.require_launch()?;
    params.validate()?;
    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.config;
    config.accrue(now)?;
    let old = config.params;
    config.params = params;
    let event = ParamsUpdated { old, new: params, pool: config.pool };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
