use anchor_lang::prelude::*;

use crate::constants::{CONFIG_ADDRESS, pause};
use crate::errors::DiemError;
use crate::events::UnstakeCancelled;
use crate::state::{Config, Position, TicketKind, UnstakeTicket};
use crate::owner_account;

/// Ends an sVVV ticket early (beyond the EVM original): its amount returns to the active stake
/// of the ticket's owner, whose position is opened if they have none (a handed-on ticket's new
/// owner may not). It puts value back in, so it honours the stake pause; the ticket itself can
/// always be finalized.
#[event_cpi]
#[derive(Accounts)]
pub struct CancelUnstake<'info> {
    /// The ticket's owner; pays for their position if it has to be opened.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = rent_payer @ DiemError::WrongRentPayer, close = rent_payer)]
    pub ticket: Box<Account<'info, UnstakeTicket>>,
    /// CHECK: pinned to the ticket's rent payer by `has_one`; receives the rent.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// The owner's position at `[POSITION_SEED, owner]`.
    /// CHECK: address and contents checked by `owner_account::load_or_create`.
    #[account(mut)]
    pub position: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl CancelUnstake<'_> {
    pub fn validate(&self) -> Result<()> {
        self.ticket.require_owned(TicketKind::Svvv, self.owner.key)?;
        self.config.require_not_paused(pause::STAKE)
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn cancel_unstake_handler(mut ctx: Context<CancelUnstake>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let owner = accounts.owner.key();
    let position_info = accounts.position.to_account_info();
    let loaded = owner_account::load_or_create::<Position>(&position_info, &accounts.owner.to_account_info(), &[owner])?;
    let mut position = loaded.value;
    if !position.is_open() {
        position.open(owner, loaded.bump, &config.pool);
    }
    let amount = accounts.ticket.amount;
    position.cancel_unstake(&mut config.pool, amount)?;
    owner_account::store(&position_info, &position)?;
    let event = UnstakeCancelled {
        seq: accounts.config.next_event_seq()?,
        owner,
        ticket: accounts.ticket.key(),
        amount,
        position: position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
