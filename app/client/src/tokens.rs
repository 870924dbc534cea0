//! Instructions that create a mint or a token account (for local networks, the demo and the
//! tests). Token-2022's builders accept either token program's id and build the same layout.
use anchor_lang::prelude::{Pubkey, Rent};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_error::ProgramError;
use solana_program_pack::Pack;
use spl_token_2022_interface::instruction as token;

/// Creates `mint` (a new keypair account, rent-exempt at the default rent) and initializes it.
pub fn create_mint(
    payer: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
    token_program: &Pubkey,
) -> Result<[Instruction; 2], ProgramError> {
    let len = spl_token_interface::state::Mint::LEN;
    let rent = Rent::default().minimum_balance(len);
    Ok([
        solana_system_interface::instruction::create_account(payer, mint, rent, len as u64, token_program),
        token::initialize_mint2(token_program, mint, authority, None, decimals)?,
    ])
}

/// Creates `account` (a new keypair account) as a token account of `mint` owned by `owner`.
pub fn create_token_account(
    payer: &Pubkey,
    account: &Pubkey,
    mint: &Pubkey,
    owner: &Pubkey,
    token_program: &Pubkey,
) -> Result<[Instruction; 2], ProgramError> {
    let len = spl_token_interface::state::Account::LEN;
    let rent = Rent::default().minimum_balance(len);
    Ok([
        solana_system_interface::instruction::create_account(payer, account, rent, len as u64, token_program),
        token::initialize_account3(token_program, account, mint, owner)?,
    ])
}
