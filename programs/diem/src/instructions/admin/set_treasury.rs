use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::events::TreasuryUpdated;
use crate::state::Config;

#[event_cpi]
#[derive(Accounts)]
pub struct SetTreasury<'info> {
    pub authority: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = authority @ DiemError::Unauthorized)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        constraint = new_treasury.key() != config.vvv_vault @ DiemError::DestinationIsVault,
        constraint = new_treasury.mint == config.vvv_mint @ DiemError::WrongMint,
        constraint = *new_treasury.to_account_info().owner == config.vvv_token_program @ DiemError::WrongTokenProgram,
    )]
    pub new_treasury: Box<InterfaceAccount<'info, TokenAccount>>,
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
/// At the launch only (afterwards the treasury is proposed and applied after the change delay).
pub fn set_treasury_handler(ctx: Context<SetTreasury>) -> Result<()> {
    ctx.accounts.config.require_launch()?;
    let new = ctx.accounts.new_treasury.key();
    let config = &mut ctx.accounts.config;
    let old = config.treasury;
    config.treasury = new;
    crate::events::emit(&ctx.accounts.event_authority, &TreasuryUpdated { seq: config.next_event_seq()?, old, new })?;
    Ok(())
}
