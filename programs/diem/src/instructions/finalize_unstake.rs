use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::UnstakeFinalized;
use crate::instructions::owner_payout::check_vvv_destination;
use crate::state::{Config, TicketKind, UnstakeTicket};
use crate::token_ops;

/// Pays a due sVVV ticket out in VVV to the account its owner names and closes it. Never
/// paused: a way out is never blocked.
#[event_cpi]
#[derive(Accounts)]
pub struct FinalizeUnstake<'info> {
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = vvv_vault,
        has_one = vvv_mint @ DiemError::WrongMint, has_one = vvv_token_program @ DiemError::WrongTokenProgram)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = rent_payer @ DiemError::WrongRentPayer, close = rent_payer)]
    pub ticket: Box<Account<'info, UnstakeTicket>>,
    /// CHECK: pinned to the ticket's rent payer by `has_one`; receives the rent.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// CHECK: any VVV account the owner names, checked in `validate`.
    #[account(mut)]
    pub destination: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's vault by `has_one`; the token program validates it.
    #[account(mut)]
    pub vvv_vault: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's VVV mint by `has_one`; the token program validates it.
    pub vvv_mint: UncheckedAccount<'info>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
}

impl FinalizeUnstake<'_> {
    pub fn validate(&self) -> Result<()> {
        self.ticket.require_owned(TicketKind::Svvv, self.owner.key)?;
        check_vvv_destination(&self.destination, &self.config)
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn finalize_unstake_handler(mut ctx: Context<FinalizeUnstake>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    accounts.ticket.require_due(now)?;
    let amount = accounts.ticket.amount;
    accounts.config.pool.finalize_unstake(amount)?;
    let config = &accounts.config;
    token_ops::withdraw(
        &accounts.vvv_token_program.to_account_info(),
        &accounts.vvv_mint.to_account_info(),
        &accounts.vvv_vault.to_account_info(),
        &accounts.destination.to_account_info(),
        &config.to_account_info(),
        &config.signer_seeds(),
        amount,
        config.vvv_decimals,
    )?;
    let event = UnstakeFinalized {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        ticket: accounts.ticket.key(),
        amount,
        destination: accounts.destination.key(),
        timestamp: now,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
