use anchor_lang::prelude::*;

use crate::errors::DiemError;
use crate::events::CurveStaged;
use crate::state::{Config, CurvePoint, CurveStaging};

#[event_cpi]
#[derive(Accounts)]
pub struct StageCurve<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ DiemError::Unauthorized, has_one = curve_staging)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub curve_staging: AccountLoader<'info, CurveStaging>,
}

/// Writes up to `MAX_CURVE_CHUNK` entries of the next curve at `start_index`. Nothing is live
/// until `commit_curve` validates the whole table.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn stage_curve_handler(ctx: Context<StageCurve>, start_index: u16, entries: Vec<CurvePoint>) -> Result<()> {
    ctx.accounts.curve_staging.load_mut()?.write(start_index as usize, &entries)?;
    crate::events::emit(&ctx.accounts.event_authority, &CurveStaged { start_index, entries })?;
    Ok(())
}
