use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::RewardsFunded;
use crate::state::Config;
use crate::token_ops;

/// Anyone may add VVV to the reward reserve (during the launch, only the authority); emissions
/// are only ever paid from it.
#[event_cpi]
#[derive(Accounts)]
pub struct FundRewards<'info> {
    pub funder: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = vvv_vault,
        has_one = vvv_mint @ DiemError::WrongMint, has_one = vvv_token_program @ DiemError::WrongTokenProgram)]
    pub config: Box<Account<'info, Config>>,
    /// CHECK: the funder's VVV account, checked in `validate`.
    #[account(mut)]
    pub source: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's vault by `has_one`; the token program validates it.
    #[account(mut)]
    pub vvv_vault: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's VVV mint by `has_one`; the token program validates it.
    pub vvv_mint: UncheckedAccount<'info>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
}

impl FundRewards<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, DiemError::ZeroAmount);
        let c = &self.config;
        c.require_launched_or_authority(self.funder.key)?;
        token_ops::check_token_account(&self.source, &c.vvv_token_program, &c.vvv_mint, Some(self.funder.key))
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn fund_rewards_handler(mut ctx: Context<FundRewards>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    // Accrue first: time that passed while the reserve was empty must not draw on new funds.
    accounts.config.accrue(now)?;
    accounts.config.pool.fund(amount)?;
    token_ops::deposit(
        &accounts.vvv_token_program.to_account_info(),
        &accounts.vvv_mint.to_account_info(),
        &accounts.source.to_account_info(),
        &accounts.vvv_vault.to_account_info(),
        &accounts.funder.to_account_info(),
        amount,
        accounts.config.vvv_decimals,
    )?;
    let event = RewardsFunded {
        seq: accounts.config.next_event_seq()?,
        funder: accounts.funder.key(),
        amount,
        pool: accounts.config.pool,
    };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
