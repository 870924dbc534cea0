use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::TreasuryPaid;
use crate::state::Config;
use crate::token_ops;

/// Permissionless: pays the treasury's accrued share to the configured treasury account.
#[event_cpi]
#[derive(Accounts)]
pub struct PayTreasury<'info> {
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = vvv_vault, has_one = treasury @ DiemError::WrongTreasury,
        has_one = vvv_mint @ DiemError::WrongMint, has_one = vvv_token_program @ DiemError::WrongTokenProgram)]
    pub config: Box<Account<'info, Config>>,
    /// CHECK: pinned to the config's treasury by `has_one` (checked when it was set).
    #[account(mut)]
    pub treasury: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's vault by `has_one`; the token program validates it.
    #[account(mut)]
    pub vvv_vault: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's VVV mint by `has_one`; the token program validates it.
    pub vvv_mint: UncheckedAccount<'info>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn pay_treasury_handler(mut ctx: Context<PayTreasury>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    accounts.config.accrue(now)?;
    let amount = accounts.config.pool.take_treasury()?;
    let seeds = accounts.config.signer_seeds();
    token_ops::withdraw(
        &accounts.vvv_token_program.to_account_info(),
        &accounts.vvv_mint.to_account_info(),
        &accounts.vvv_vault.to_account_info(),
        &accounts.treasury.to_account_info(),
        &accounts.config.to_account_info(),
        &seeds,
        amount,
        accounts.config.vvv_decimals,
    )?;
    let event = TreasuryPaid {
        seq: accounts.config.next_event_seq()?,
        treasury: accounts.treasury.key(),
        amount,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
