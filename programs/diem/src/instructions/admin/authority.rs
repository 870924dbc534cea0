use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::{AuthorityProposed, AuthorityTransferred};
use crate::instructions::admin::AdminConfig;
use crate::state::Config;

/// Step one of a transfer: the current authority names a successor (or `Pubkey::default()` to
/// withdraw a proposal). Nothing changes until the successor accepts.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn propose_authority_handler(ctx: Context<AdminConfig>, proposed: Pubkey) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.pending_authority = proposed;
    let authority = config.authority;
    crate::events::emit(
        &ctx.accounts.event_authority,
        &AuthorityProposed { seq: config.next_event_seq()?, authority, proposed },
    )?;
    Ok(())
}

#[event_cpi]
#[derive(Accounts)]
pub struct AcceptAuthority<'info> {
    pub new_authority: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
}

/// Step two: the proposed authority signs to take over, proving it can sign.
// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn accept_authority_handler(ctx: Context<AcceptAuthority>) -> Result<()> {
    let config = &mut ctx.accounts.config;
    require_keys_neq!(config.pending_authority, Pubkey::default(), DiemError::NoPendingAuthority);
    require_keys_eq!(ctx.accounts.new_authority.key(), config.pending_authority, DiemError::Unauthorized);
    let old = config.authority;
    config.authority = config.pending_authority;
    config.pending_authority = Pubkey::default();
    let new = config.authority;
    crate::events::emit(
        &ctx.accounts.event_authority,
        &AuthorityTransferred { seq: config.next_event_seq()?, old, new },
    )?;
    Ok(())
}
