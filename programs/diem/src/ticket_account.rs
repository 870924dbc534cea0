//! Opening an unstake ticket's account (`initiate_unstake`, `initiate_diem_unstake`). Closing
//! is Anchor's `close = rent_payer` on the instructions that end a ticket.
use anchor_lang::prelude::*;

use crate::constants::TICKET_SEED;
use crate::errors::DiemError;
use crate::owner_account;
use crate::state::{TicketOpening, UnstakeTicket};

/// Creates the ticket `opening` describes at `info`, which must be its address
/// `[TICKET_SEED, source, number]`, at `payer`'s expense, and writes it; returns it.
pub fn open<'info>(
    info: &AccountInfo<'info>,
    payer: &AccountInfo<'info>,
    opening: TicketOpening,
    now: i64,
    cooldown_secs: i64,
) -> Result<UnstakeTicket> {
    let number = opening.number.to_le_bytes();
    let source = opening.source;
    let (address, bump) = Pubkey::find_program_address(&[TICKET_SEED, source.as_ref(), &number], &crate::ID);
    require_keys_eq!(address, info.key(), DiemError::WrongTicketAddress);
    // The address is new: each source counts its tickets and never reuses a number.
    owner_account::create(info, payer, &[TICKET_SEED, source.as_ref(), &number, &[bump]], UnstakeTicket::SPACE)?;
    let ticket = UnstakeTicket::open(opening, now, cooldown_secs, bump)?;
    let mut data = info.try_borrow_mut_data()?;
    ticket.try_serialize(&mut &mut data[..])?;
    Ok(ticket)
}
