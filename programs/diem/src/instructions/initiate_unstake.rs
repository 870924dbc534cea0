use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::UnstakeInitiated;
use crate::state::{Config, Position, TicketKind, TicketOpening};
use crate::ticket_account;

/// Opens an sVVV unstake ticket: unlocked sVVV leaves the stake at once (it stops earning) and
/// waits in a ticket of its own until `now + sVVV cooldown`. Other tickets are untouched.
#[event_cpi]
#[derive(Accounts)]
pub struct InitiateUnstake<'info> {
    pub owner: Signer<'info>,
    /// Pays the ticket's rent and gets it back when the ticket closes (often the owner; a
    /// program owner names a system account).
    #[account(mut)]
    pub rent_payer: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = owner @ DiemError::NotPositionOwner)]
    pub position: Box<Account<'info, Position>>,
    /// The new ticket, `[TICKET_SEED, position, position.tickets_opened]`.
    /// CHECK: address checked and account created by `ticket_account::open`.
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn initiate_unstake_handler(mut ctx: Context<InitiateUnstake>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let number = accounts.position.initiate_unstake(&mut config.pool, amount)?;
    let opening = TicketOpening {
        kind: TicketKind::Svvv,
        owner: accounts.owner.key(),
        rent_payer: accounts.rent_payer.key(),
        source: accounts.position.key(),
        number,
        amount,
    };
    let cooldown_secs = config.params.svvv_cooldown_secs;
    let ticket = ticket_account::open(
        &accounts.ticket.to_account_info(),
        &accounts.rent_payer.to_account_info(),
        opening,
        now,
        cooldown_secs,
    )?;
    let event = UnstakeInitiated {
        seq: accounts.config.next_event_seq()?,
        owner: ticket.owner,
        ticket: accounts.ticket.key(),
        rent_payer: ticket.rent_payer,
        amount,
        unlock_at: ticket.unlock_at,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
