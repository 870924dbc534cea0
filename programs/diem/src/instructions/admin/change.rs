use anchor_lang::prelude::*;

use crate::constants::{CONFIG_ADDRESS, GOVERNANCE_SEED};
use crate::errors::DiemError;
use crate::events::{ChangeApplied, ChangeCancelled, ChangeProposed};
use crate::instructions::admin::commit_staged_curve;
use crate::math::curve::{curve_hash, validate_curve};
use crate::state::{Change, Config, Curve, CurveStaging, Governance};
use crate::token_ops;

/// The accounts a change may touch: `propose_change` and `cancel_change` (signed by the config
/// authority) and `apply_change` (anyone). `treasury_candidate` is the account a `Treasury`
/// change names (any account otherwise); the curve accounts serve a `Curve` change.
#[event_cpi]
#[derive(Accounts)]
pub struct ChangeAccounts<'info> {
    /// The config authority for a proposal or a cancellation; anyone for `apply_change`.
    pub caller: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = curve, has_one = curve_staging)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, seeds = [GOVERNANCE_SEED], bump = governance.bump)]
    pub governance: Box<Account<'info, Governance>>,
    #[account(mut)]
    pub curve: AccountLoader<'info, Curve>,
    #[account(mut)]
    pub curve_staging: AccountLoader<'info, CurveStaging>,
    /// CHECK: only read by a `Treasury` change, which checks it is the VVV account it names.
    pub treasury_candidate: UncheckedAccount<'info>,
}

impl ChangeAccounts<'_> {
    fn require_authority(&self) -> Result<()> {
        require_keys_eq!(self.caller.key(), self.config.authority, DiemError::Unauthorized);
        Ok(())
    }

    /// Whether `change` may apply now, as it is: the checks run when it is proposed and again
    /// when it applies.
    fn validate(&self, change: &Change) -> Result<()> {
        let config = &self.config;
        if let Some(params) = change.applied_to(&config.params) {
            params.validate()?;
        }
        match *change {
            // The delay must still cover the slowest exit once this change applies, whatever the
            // other pending changes do.
            Change::SvvvCooldown { .. } | Change::DiemCooldown { .. } => self.governance.check_exit_covered(
                &change.applied_to(&config.params).unwrap_or(config.params),
                self.governance.change_delay,
                Some(change.kind()),
            ),
            Change::ChangeDelay { secs } => {
                self.governance.check_exit_covered(&config.params, secs, Some(change.kind()))
            }
            Change::Treasury { account } => {
                require_keys_eq!(self.treasury_candidate.key(), account, DiemError::WrongTreasury);
                require_keys_neq!(account, config.vvv_vault, DiemError::DestinationIsVault);
                token_ops::check_token_account(
                    &self.treasury_candidate,
                    &config.vvv_token_program,
                    &config.vvv_mint,
                    None,
                )
            }
            Change::Curve { hash } => {
                let staging = self.curve_staging.load()?;
                require!(staging.is_complete(), DiemError::CurveIncomplete);
                require!(curve_hash(&staging.entries) == hash, DiemError::CurveHashMismatch);
                Ok(validate_curve(&staging.entries, config.pool.outstanding_diem)?)
            }
            Change::EmissionRate { .. } | Change::TreasuryShares { .. } => Ok(()),
        }
    }

    /// Makes `change`; emissions up to `now` accrue under the old parameters first. A curve is
    /// checked by `commit_staged_curve` itself (the same checks, in the same order), not twice.
    fn apply(&mut self, change: Change, now: i64, immediate: bool) -> Result<ChangeApplied> {
        if !matches!(change, Change::Curve { .. }) {
            self.validate(&change)?;
        }
        let config = &mut self.config;
        config.accrue(now)?;
        if let Some(params) = change.applied_to(&config.params) {
            config.params = params;
        }
        match change {
            Change::Treasury { account } => config.treasury = account,
            Change::ChangeDelay { secs } => self.governance.change_delay = secs,
            Change::Curve { hash } => {
                commit_staged_curve(config, &self.curve, &self.curve_staging, hash)?;
            }
            _ => {}
        }
        let config = &mut self.config;
        Ok(ChangeApplied {
            seq: config.next_event_seq()?,
            kind: change.kind(),
            change,
            immediate,
            params: config.params,
            treasury: config.treasury,
            curve_version: config.curve_version,
            change_delay: self.governance.change_delay,
            pool: config.pool,
            timestamp: now,
        })
    }
}

/// The authority proposes `change`. At the launch, and for a longer delay, it applies at once
/// (a longer delay also voids a pending shorter one); otherwise it is queued until
/// `now + change_delay`, replacing a pending change of its kind.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn propose_change_handler(mut ctx: Context<ChangeAccounts>, change: Change) -> Result<()> {
    ctx.accounts.require_authority()?;
    let now = Clock::get()?.unix_timestamp;
    let a = &mut ctx.accounts;
    let raises_delay = change.raises_delay(a.governance.change_delay);
    if a.config.in_launch() || raises_delay {
        let event = a.apply(change, now, true)?;
        crate::events::emit(&ctx.accounts.event_authority, &event)?;
        if raises_delay {
            let a = &mut ctx.accounts;
            if let Some(voided) = a.governance.take(Change::CHANGE_DELAY_KIND)? {
                let event = ChangeCancelled {
                    seq: a.config.next_event_seq()?,
                    kind: Change::CHANGE_DELAY_KIND,
                    change: voided.change,
                };
                crate::events::emit(&ctx.accounts.event_authority, &event)?;
            }
        }
        return Ok(());
    }
    a.validate(&change)?;
    let (pending, replaced) = a.governance.propose(change, now)?;
    let event = ChangeProposed {
        seq: a.config.next_event_seq()?,
        kind: change.kind(),
        change,
        proposed_at: pending.proposed_at,
        eta: pending.eta,
        replaced,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)
}

/// Anyone applies the pending change of `kind` once it is due; it is validated again first.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn apply_change_handler(mut ctx: Context<ChangeAccounts>, kind: u8) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &mut ctx.accounts;
    let pending = a.governance.take_due(kind, now)?;
    let event = a.apply(pending.change, now, false)?;
    crate::events::emit(&ctx.accounts.event_authority, &event)
}

/// The authority withdraws the pending change of `kind` before anyone applies it.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn cancel_change_handler(ctx: Context<ChangeAccounts>, kind: u8) -> Result<()> {
    ctx.accounts.require_authority()?;
    let pending = ctx.accounts.governance.cancel(kind)?;
    crate::events::emit(
        &ctx.accounts.event_authority,
        &ChangeCancelled { seq: ctx.accounts.config.next_event_seq()?, kind, change: pending.change },
    )
}
