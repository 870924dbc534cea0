use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::constants::CURVE_LEN;
use crate::errors::DiemError;
use crate::events::CurveCommitted;
use crate::math::curve::{curve_hash, fill_cumulative_costs, validate_curve};
use crate::state::{Config, Curve, CurveStaging};

#[event_cpi]
#[derive(Accounts)]
pub struct CommitCurve<'info> {
    pub authority: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = authority @ DiemError::Unauthorized, has_one = curve, has_one = curve_staging)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub curve: AccountLoader<'info, Curve>,
    #[account(mut)]
    pub curve_staging: AccountLoader<'info, CurveStaging>,
}

/// At the launch only (afterwards a curve is proposed and applied after the change delay):
/// commits the staged table if it is the one `expected_hash` names.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn commit_curve_handler(mut ctx: Context<CommitCurve>, expected_hash: [u8; 32]) -> Result<()> {
    ctx.accounts.config.require_launch()?;
    let a = &mut ctx.accounts;
    let mut event = commit_staged_curve(&mut a.config, &a.curve, &a.curve_staging, expected_hash)?;
    event.seq = a.config.next_event_seq()?;
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}

/// Validates the fully staged table, checks that it is the one `expected_hash` names
/// (`math::curve::curve_hash`), and swaps it in atomically; the staging table is then marked
/// empty so the next curve must be staged in full again. The event it returns is unnumbered
/// (`seq` 0): only a caller that emits it takes a sequence number, so none is skipped.
pub fn commit_staged_curve(
    config: &mut Config,
    curve: &AccountLoader<Curve>,
    staging: &AccountLoader<CurveStaging>,
    expected_hash: [u8; 32],
) -> Result<CurveCommitted> {
    let mut staging = staging.load_mut()?;
    require!(staging.is_complete(), DiemError::CurveIncomplete);
    let hash = curve_hash(&staging.entries);
    require!(hash == expected_hash, DiemError::CurveHashMismatch);
    validate_curve(&staging.entries, config.pool.outstanding_diem)?;
    let version = config.curve_version.checked_add(1).ok_or_else(|| error!(DiemError::MathOverflow))?;
    let mut curve = curve.load_mut()?;
    curve.entries.copy_from_slice(&staging.entries);
    fill_cumulative_costs(&staging.entries, &mut curve.cumulative_costs)?;
    curve.version = version;
    staging.clear();
    config.curve_version = version;
    Ok(CurveCommitted {
        seq: 0,
        version,
        supply_cap: curve.entries[CURVE_LEN - 1].supply_bound,
        first_rate: curve.entries[0].rate(),
        last_rate: curve.entries[CURVE_LEN - 1].rate(),
        hash,
    })
}
