use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::TicketTransferred;
use crate::state::{Config, UnstakeTicket};

/// Hands a ticket (either kind) to `new_owner`, who alone may then finalize or cancel it. Its
/// amount, `unlock_at` and rent payer do not change.
#[event_cpi]
#[derive(Accounts)]
pub struct TransferTicket<'info> {
    pub owner: Signer<'info>,
    /// Written only for the event's sequence number.
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = owner @ DiemError::NotTicketOwner)]
    pub ticket: Box<Account<'info, UnstakeTicket>>,
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn transfer_ticket_handler(mut ctx: Context<TransferTicket>, new_owner: Pubkey) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let from = accounts.ticket.owner;
    accounts.ticket.transfer(new_owner)?;
    let ticket = &accounts.ticket;
    let event = TicketTransferred {
        seq: accounts.config.next_event_seq()?,
        ticket: ticket.key(),
        kind: ticket.kind,
        from,
        to: new_owner,
        amount: ticket.amount,
        unlock_at: ticket.unlock_at,
        timestamp: now,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
