use anchor_lang::prelude::*;

use crate::constants::{CONFIG_ADDRESS, GOVERNANCE_SEED};
use crate::errors::DiemError;
use crate::events::{CurveStaged, CurveStagingCleared};
use crate::state::{Change, Config, CurvePoint, CurveStaging, Governance};

/// The authority and the staging table: `stage_curve` and `clear_curve_staging`.
#[event_cpi]
#[derive(Accounts)]
pub struct StageCurve<'info> {
    pub authority: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = authority @ DiemError::Unauthorized, has_one = curve_staging)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub curve_staging: AccountLoader<'info, CurveStaging>,
    /// Read for a pending curve change, which binds the staged table (SPEC §8).
    #[account(seeds = [GOVERNANCE_SEED], bump = governance.bump)]
    pub governance: Box<Account<'info, Governance>>,
}

impl StageCurve<'_> {
    /// A pending curve change names the staged table by its hash: rewriting it would void the
    /// change silently when it applies, so the table is frozen until the change applies or is
    /// cancelled.
    pub fn validate(&self) -> Result<()> {
        require!(!self.governance.is_pending(Change::CURVE_KIND), DiemError::CurveChangePending);
        Ok(())
    }
}

/// Writes up to `MAX_CURVE_CHUNK` entries of the next curve at `start_index`. Nothing is live
/// until `commit_curve` validates the whole table.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn stage_curve_handler(ctx: Context<StageCurve>, start_index: u16, entries: Vec<CurvePoint>) -> Result<()> {
    ctx.accounts.curve_staging.load_mut()?.write(start_index as usize, &entries)?;
    crate::events::emit(
        &ctx.accounts.event_authority,
        &CurveStaged { seq: ctx.accounts.config.next_event_seq()?, start_index, entries },
    )?;
    Ok(())
}

/// Empties the staging table, so an abandoned curve can never leak into the next one.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn clear_curve_staging_handler(ctx: Context<StageCurve>) -> Result<()> {
    let mut staging = ctx.accounts.curve_staging.load_mut()?;
    let cleared_entries = staging.written_count();
    staging.clear();
    drop(staging);
    crate::events::emit(
        &ctx.accounts.event_authority,
        &CurveStagingCleared { seq: ctx.accounts.config.next_event_seq()?, cleared_entries },
    )?;
    Ok(())
}
