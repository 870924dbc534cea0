//! Token CPIs shared by the instructions. Tokens always move with `transfer_checked`.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, BurnChecked, MintTo, TransferChecked};

use crate::constants::DIEM_DECIMALS;

/// Moves tokens from a user's account into a vault; `authority` signs as the token owner.
pub fn deposit<'info>(
    token_program: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    from: &AccountInfo<'info>,
    vault: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    amount: u64,
    decimals: u8,
) -> Result<()> {
    let accounts =
        TransferChecked { from: from.clone(), mint: mint.clone(), to: vault.clone(), authority: authority.clone() };
    token_interface::transfer_checked(CpiContext::new(token_program.key(), accounts), amount, decimals)
}

/// Moves tokens out of a vault; the config PDA signs.
#[allow(clippy::too_many_arguments)]
pub fn withdraw<'info>(
    token_program: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    vault: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    config: &AccountInfo<'info>,
    config_seeds: &[&[u8]],
    amount: u64,
    decimals: u8,
) -> Result<()> {
    let accounts =
        TransferChecked { from: vault.clone(), mint: mint.clone(), to: to.clone(), authority: config.clone() };
    let signer = &[config_seeds];
    token_interface::transfer_checked(
        CpiContext::new_with_signer(token_program.key(), accounts, signer),
        amount,
        decimals,
    )
}

/// Mints DIEM; the config PDA is the mint authority.
pub fn diem_mint_to<'info>(
    token_program: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    config: &AccountInfo<'info>,
    config_seeds: &[&[u8]],
    amount: u64,
) -> Result<()> {
    let accounts = MintTo { mint: mint.clone(), to: to.clone(), authority: config.clone() };
    let signer = &[config_seeds];
    token_interface::mint_to(CpiContext::new_with_signer(token_program.key(), accounts, signer), amount)
}

/// Burns DIEM from an account `authority` owns; `authority` signs.
pub fn diem_burn<'info>(
    token_program: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    from: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    let accounts = BurnChecked { mint: mint.clone(), from: from.clone(), authority: authority.clone() };
    token_interface::burn_checked(CpiContext::new(token_program.key(), accounts), amount, DIEM_DECIMALS)
}
