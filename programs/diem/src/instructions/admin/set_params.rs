use anchor_lang::prelude::*;

use crate::constants::{CONFIG_ADDRESS, GOVERNANCE_SEED};
use crate::errors::DiemError;
use crate::events::ParamsUpdated;
use crate::state::{Config, Governance, Params};

#[event_cpi]
#[derive(Accounts)]
pub struct SetParams<'info> {
    pub authority: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = authority @ DiemError::Unauthorized)]
    pub config: Box<Account<'info, Config>>,
    /// Read for the change delay, which must keep covering the slowest exit.
    #[account(seeds = [GOVERNANCE_SEED], bump = governance.bump)]
    pub governance: Box<Account<'info, Governance>>,
}

/// At the launch only (afterwards each parameter is proposed and applied after the change
/// delay): replaces all parameters at once. Emissions up to now accrue under the old ones first.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn set_params_handler(ctx: Context<SetParams>, params: Params) -> Result<()> {
    ctx.accounts.config.require_launch()?;
    params.validate()?;
    let governance = &ctx.accounts.governance;
    governance.check_exit_covered(&params, governance.change_delay, None)?;
    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.config;
    config.accrue(now)?;
    let old = config.params;
    config.params = params;
    let event = ParamsUpdated { seq: config.next_event_seq()?, old, new: params, pool: config.pool };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
