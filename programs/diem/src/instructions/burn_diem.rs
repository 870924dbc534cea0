use anchor_lang::prelude::*;
use anchor_spl::token_2022::Token2022;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::DiemBurned;
use crate::state::{Config, Position};
use crate::token_ops;

/// Burns DIEM the owner holds (minted, bought or received) and releases locked sVVV pro rata
/// at the position's own average rate. Never paused: it is the only way locked sVVV gets out.
#[event_cpi]
#[derive(Accounts)]
pub struct BurnDiem<'info> {
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = diem_mint)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = owner @ DiemError::NotPositionOwner)]
    pub position: Box<Account<'info, Position>>,
    /// CHECK: a DIEM account the owner owns, checked in `validate`.
    #[account(mut)]
    pub source: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's DIEM mint by `has_one`; the token program validates it.
    #[account(mut)]
    pub diem_mint: UncheckedAccount<'info>,
    pub diem_token_program: Program<'info, Token2022>,
}

impl BurnDiem<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        require!(amount <= self.position.balances.outstanding_diem, DiemError::BurnExceedsOutstanding);
        token_ops::check_token_account(
            &self.source,
            &anchor_spl::token_2022::ID,
            &self.config.diem_mint,
            Some(self.owner.key),
        )
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn burn_diem_handler(mut ctx: Context<BurnDiem>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    let config = &mut accounts.config;
    config.accrue(now)?;
    let outcome = accounts.position.burn(&mut config.pool, amount)?;
    token_ops::diem_burn(
        &accounts.diem_token_program.to_account_info(),
        &accounts.diem_mint.to_account_info(),
        &accounts.source.to_account_info(),
        &accounts.owner.to_account_info(),
        amount,
    )?;
    let event = DiemBurned {
        seq: accounts.config.next_event_seq()?,
        owner: accounts.owner.key(),
        source: accounts.source.key(),
        diem_burned: amount,
        svvv_unlocked: outcome.svvv_unlocked,
        position: accounts.position.balances,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
