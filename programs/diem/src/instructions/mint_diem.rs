use anchor_lang::prelude::*;
use anchor_spl::token_2022::Token2022;

use crate::constants::CONFIG_ADDRESS;
use crate::constants::pause;
use crate::errors::DiemError;
use crate::events::DiemMinted;
use crate::state::{Config, Curve, Position};
use crate::token_ops;

/// Locks `svvv_amount` of the owner's unlocked sVVV and mints DIEM on the curve to the DIEM
/// account the owner names. Returns the DIEM minted as return data.
#[event_cpi]
#[derive(Accounts)]
pub struct MintDiem<'info> {
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = curve, has_one = diem_mint)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = owner @ DiemError::NotPositionOwner)]
    pub position: Box<Account<'info, Position>>,
    pub curve: AccountLoader<'info, Curve>,
    /// CHECK: any DIEM account the owner names, checked in `validate`.
    #[account(mut)]
    pub destination: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's DIEM mint by `has_one`; the token program validates it.
    #[account(mut)]
    pub diem_mint: UncheckedAccount<'info>,
    pub diem_token_program: Program<'info, Token2022>,
}

impl MintDiem<'_> {
    pub fn validate(&self, svvv_amount: u64) -> Result<()> {
        require!(svvv_amount > 0, DiemError::ZeroAmount);
        self.config.require_not_paused(pause::MINT)?;
        require!(svvv_amount <= self.position.unlocked(), DiemError::InsufficientUnlocked);
        require_keys_neq!(self.destination.key(), self.config.diem_vault, DiemError::DestinationIsVault);
        token_ops::check_token_account(&self.destination, &anchor_spl::token_2022::ID, &self.config.diem_mint, None)
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn mint_diem_handler(mut ctx: Context<MintDiem>, svvv_amount: u64, min_diem_out: u64) -> Result<u64> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let quote = accounts.config.quote_mint(&*accounts.curve.load()?, svvv_amount)?;
    require!(quote.diem_out > 0, DiemError::MintOutputZero);
    require!(quote.diem_out >= min_diem_out, DiemError::SlippageExceeded);
    let config = &mut accounts.config;
    config.accrue(now)?;
    accounts.position.lock_for_mint(&mut config.pool, svvv_amount, quote.diem_out)?;
    let seeds = accounts.config.signer_seeds();
    token_ops::diem_mint_to(
        &accounts.diem_token_program.to_account_info(),
        &accounts.diem_mint.to_account_info(),
        &accounts.destination.to_account_info(),
        &accounts.config.to_account_info(),
        &seeds,
        quote.diem_out,
    )?;
    let event = DiemMinted {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        destination: accounts.destination.key(),
        svvv_locked: svvv_amount,
        diem_out: quote.diem_out,
        marginal_rate: quote.marginal_rate,
        supply_before: quote.supply_before,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(crate::return_data::publish_u64(quote.diem_out))
}
