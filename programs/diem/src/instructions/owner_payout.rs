use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::constants::CONFIG_ADDRESS;
use crate::errors::DiemError;
use crate::state::{Config, Position};
use crate::token_ops;

/// Accounts of `claim_rewards`, which pays VVV out of the vault. The owner signs, so the VVV may
/// go to any VVV account they name. It checks no pause flag: a way out is never blocked.
#[event_cpi]
#[derive(Accounts)]
pub struct OwnerPayout<'info> {
    pub owner: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = vvv_vault,
        has_one = vvv_mint @ DiemError::WrongMint, has_one = vvv_token_program @ DiemError::WrongTokenProgram)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, dup, has_one = owner @ DiemError::NotPositionOwner)]
    pub position: Box<Account<'info, Position>>,
    /// CHECK: any VVV account the owner names, checked in `validate_destination`.
    #[account(mut)]
    pub destination: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's vault by `has_one`; the token program validates it.
    #[account(mut)]
    pub vvv_vault: UncheckedAccount<'info>,
    /// CHECK: pinned to the config's VVV mint by `has_one`; the token program validates it.
    pub vvv_mint: UncheckedAccount<'info>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
}

impl<'info> OwnerPayout<'info> {
    pub fn validate_destination(&self) -> Result<()> {
        check_vvv_destination(&self.destination, &self.config)
    }

    pub(crate) fn pay_out(&self, amount: u64) -> Result<()> {
        let seeds = self.config.signer_seeds();
        token_ops::withdraw(
            &self.vvv_token_program.to_account_info(),
            &self.vvv_mint.to_account_info(),
            &self.vvv_vault.to_account_info(),
            &self.destination.to_account_info(),
            &self.config.to_account_info(),
            &seeds,
            amount,
            self.config.vvv_decimals,
        )
    }
}

/// A VVV payout may go to any VVV account but the vault it comes from.
pub fn check_vvv_destination(destination: &AccountInfo, config: &Config) -> Result<()> {
    require_keys_neq!(destination.key(), config.vvv_vault, DiemError::DestinationIsVault);
    token_ops::check_token_account(destination, &config.vvv_token_program, &config.vvv_mint, None)
}
