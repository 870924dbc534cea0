use anchor_lang::prelude::*;
use anchor_spl::token_2022::Token2022;

use crate::constants::CONFIG_ADDRESS;
use crate::constants::DIEM_DECIMALS;
use crate::errors::DiemError;
use crate::events::DiemUnstakeFinalized;
use crate::state::{Config, TicketKind, UnstakeTicket};
use crate::token_ops;

/// Pays a due DIEM ticket out to the DIEM account its owner names and closes it. Never paused.
#[event_cpi]
#[derive(Accounts)]
pub struct FinalizeDiemUnstake<'info> {
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = diem_vault, has_one = diem_mint)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = rent_payer @ DiemError::WrongRentPayer, close = rent_payer)]
    pub ticket: Box<Account<'info, UnstakeTicket>>,
    /// CHECK: pinned to the ticket's rent payer by `has_one`; receives the rent.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// CHECK: any DIEM account the owner names, checked in `validate`.
    #[account(mut)]
    pub destination: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's vault by `has_one`; the token program validates it.
    #[account(mut)]
    pub diem_vault: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's DIEM mint by `has_one`; the token program validates it.
    pub diem_mint: UncheckedAccount<'info>,
    pub diem_token_program: Program<'info, Token2022>,
}

impl FinalizeDiemUnstake<'_> {
    pub fn validate(&self) -> Result<()> {
        self.ticket.require_owned(TicketKind::Diem, self.owner.key)?;
        require_keys_neq!(self.destination.key(), self.config.diem_vault, DiemError::DestinationIsVault);
        token_ops::check_token_account(&self.destination, &anchor_spl::token_2022::ID, &self.config.diem_mint, None)
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn finalize_diem_unstake_handler(mut ctx: Context<FinalizeDiemUnstake>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    accounts.ticket.require_due(now)?;
    let amount = accounts.ticket.amount;
    accounts.config.pool.finalize_diem_unstake(amount)?;
    let seeds = accounts.config.signer_seeds();
    token_ops::withdraw(
        &accounts.diem_token_program.to_account_info(),
        &accounts.diem_mint.to_account_info(),
        &accounts.diem_vault.to_account_info(),
        &accounts.destination.to_account_info(),
        &accounts.config.to_account_info(),
        &seeds,
        amount,
        DIEM_DECIMALS,
    )?;
    let event = DiemUnstakeFinalized {
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
