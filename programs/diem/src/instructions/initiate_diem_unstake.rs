use anchor_lang::prelude::*;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::DiemUnstakeInitiated;
use crate::state::{Config, DiemStake, TicketKind, TicketOpening};
use crate::ticket_account;

/// Opens a DIEM unstake ticket: staked DIEM leaves the stake (and its beneficiary's credit) at
/// once and waits in a ticket of its own until `now + DIEM cooldown`. Unlike the live system's
/// single bucket, no other request's timer moves.
#[event_cpi]
#[derive(Accounts)]
pub struct InitiateDiemUnstake<'info> {
    /// The stake's controller.
    pub owner: Signer<'info>,
    /// Pays the ticket's rent and gets it back when the ticket closes.
    #[account(mut)]
    pub rent_payer: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    /// `has_one = owner`: only `stake_diem` creates stakes, so this is one the signer controls.
    #[account(mut, dup, has_one = owner @ DiemError::NotPositionOwner)]
    pub diem_stake: Box<Account<'info, DiemStake>>,
    /// The new ticket, `[TICKET_SEED, diem_stake, diem_stake.tickets_opened]`.
    /// CHECK: address checked and account created by `ticket_account::open`.
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn initiate_diem_unstake_handler(mut ctx: Context<InitiateDiemUnstake>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let number = accounts.diem_stake.initiate_unstake(&mut accounts.config.pool, amount)?;
    let opening = TicketOpening {
        kind: TicketKind::Diem,
        owner: accounts.owner.key(),
        rent_payer: accounts.rent_payer.key(),
        source: accounts.diem_stake.key(),
        number,
        amount,
    };
    let cooldown_secs = accounts.config.params.diem_cooldown_secs;
    let ticket = ticket_account::open(
        &accounts.ticket.to_account_info(),
        &accounts.rent_payer.to_account_info(),
        opening,
        now,
        cooldown_secs,
    )?;
    let event = DiemUnstakeInitiated {
        seq: accounts.config.next_event_seq()?,
        owner: ticket.owner,
        beneficiary: accounts.diem_stake.beneficiary,
        ticket: accounts.ticket.key(),
        rent_payer: ticket.rent_payer,
        amount,
        unlock_at: ticket.unlock_at,
        timestamp: now,
        staked: accounts.diem_stake.staked,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
