use anchor_lang::prelude::*;

use crate::constants::{CONFIG_ADDRESS, pause};
use crate::errors::DiemError;
use crate::events::DiemUnstakeCancelled;
use crate::owner_account;
use crate::state::{Config, DiemStake, TicketKind, UnstakeTicket};

/// Ends a DIEM ticket early (beyond the original): its DIEM returns to the stake the ticket's
/// owner controls for `beneficiary` (opened if needed), and counts for it from the next 00:00
/// UTC. It puts value back in, so it honours the DIEM-stake pause; the ticket itself can always
/// be finalized.
#[event_cpi]
#[derive(Accounts)]
pub struct CancelDiemUnstake<'info> {
    /// The ticket's owner; pays for the stake if it has to be opened.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = rent_payer @ DiemError::WrongRentPayer, close = rent_payer)]
    pub ticket: Box<Account<'info, UnstakeTicket>>,
    /// CHECK: pinned to the ticket's rent payer by `has_one`; receives the rent.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// The stake at `[DIEM_STAKE_SEED, owner, beneficiary]`.
    /// CHECK: address and contents checked by `owner_account::load_or_create`.
    #[account(mut)]
    pub diem_stake: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl CancelDiemUnstake<'_> {
    pub fn validate(&self, beneficiary: &Pubkey) -> Result<()> {
        self.ticket.require_owned(TicketKind::Diem, self.owner.key)?;
        require!(*beneficiary != Pubkey::default(), DiemError::InvalidBeneficiary);
        self.config.require_not_paused(pause::STAKE_DIEM)
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn cancel_diem_unstake_handler(mut ctx: Context<CancelDiemUnstake>, beneficiary: Pubkey) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let owner = accounts.owner.key();
    let stake_info = accounts.diem_stake.to_account_info();
    let loaded = owner_account::load_or_create::<DiemStake>(
        &stake_info,
        &accounts.owner.to_account_info(),
        &[owner, beneficiary],
    )?;
    let mut diem_stake = loaded.value;
    if !diem_stake.is_open() {
        diem_stake.open(owner, beneficiary, loaded.bump);
    }
    let amount = accounts.ticket.amount;
    diem_stake.cancel_unstake(&mut accounts.config.pool, amount)?;
    owner_account::store(&stake_info, &diem_stake)?;
    let event = DiemUnstakeCancelled {
        seq: accounts.config.next_event_seq()?,
        owner,
        beneficiary,
        ticket: accounts.ticket.key(),
        amount,
        timestamp: now,
        staked: diem_stake.staked,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
