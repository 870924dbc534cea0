//! Token CPIs shared by the instructions. Tokens always move with `transfer_checked`.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, BurnChecked, MintTo, TransferChecked};

use crate::constants::DIEM_DECIMALS;
use crate::errors::DiemError;

/// Length of the base token-account layout shared by SPL Token and Token-2022.
const TOKEN_ACCOUNT_LEN: usize = 165;
/// Offset of `AccountState` in that layout (0 uninitialized, 1 initialized, 2 frozen).
const STATE_OFFSET: usize = 108;
/// Token-2022's account-type byte after the base layout: 2 for a token account.
const ACCOUNT_TYPE_TOKEN_ACCOUNT: u8 = 2;

/// Checks that `account` is an initialized token account of `token_program` holding `mint`,
/// and, when `owner` is given, owned by it. Reads only the base layout (mint, owner, state)
/// instead of unpacking the account and its extensions: the token program validates everything
/// else in the transfer itself, and these are the checks that need named errors.
/// Errors come in the order a user can act on: not a token account, the wrong mint, the wrong
/// owner (a mint's accounts all belong to the mint's token program, so that check is last).
pub fn check_token_account(
    account: &AccountInfo,
    token_program: &Pubkey,
    mint: &Pubkey,
    owner: Option<&Pubkey>,
) -> Result<()> {
    let program = *account.owner;
    require!(program == anchor_spl::token::ID || program == anchor_spl::token_2022::ID, DiemError::InvalidTokenAccount);
    let data = account.try_borrow_data()?;
    let is_account = data.len() == TOKEN_ACCOUNT_LEN
        || (data.len() > TOKEN_ACCOUNT_LEN && data[TOKEN_ACCOUNT_LEN] == ACCOUNT_TYPE_TOKEN_ACCOUNT);
    require!(is_account && data[STATE_OFFSET] != 0, DiemError::InvalidTokenAccount);
    require!(data[0..32] == mint.to_bytes(), DiemError::WrongMint);
    if let Some(owner) = owner {
        require!(data[32..64] == owner.to_bytes(), DiemError::TokenAccountNotOwned);
    }
    require_keys_eq!(program, *token_program, DiemError::WrongTokenProgram);
    Ok(())
}

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
