//! Local-network helpers for `diem dev` (a test validator has no VVV): create a VVV mint, a
//! treasury account and funded wallets. Not for public clusters.
use anchor_lang::prelude::Pubkey;
use anchor_spl::associated_token::{get_associated_token_address_with_program_id, spl_associated_token_account as ata};
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_signer::Signer;

use crate::chain::{Chain, ChainError};

const TOKEN: Pubkey = anchor_spl::token::ID;

pub async fn mint_decimals<C: Chain>(chain: &mut C, mint: &Pubkey) -> Result<u8, ChainError> {
    let account = chain.account(mint).await?.ok_or_else(|| ChainError::Invalid(format!("no mint at {mint}")))?;
    account.data.get(44).copied().ok_or_else(|| ChainError::Invalid("not a mint".into()))
}

/// Creates a VVV mint with `signer` as mint authority, mints `amount` to the signer's associated
/// account, and creates a treasury account (a separate keypair account owned by the signer).
pub async fn setup_vvv<C: Chain>(
    chain: &mut C,
    signer: &Keypair,
    decimals: u8,
    amount: u64,
) -> Result<(Pubkey, Pubkey), ChainError> {
    let mint = Keypair::new();
    let treasury = Keypair::new();
    let me = signer.pubkey();
    let mint_len = spl_token_interface::state::Mint::LEN;
    let account_len = spl_token_interface::state::Account::LEN;
    // Rent-exempt minimums for 82 and 165 bytes at the default rent.
    let rent = anchor_lang::prelude::Rent::default();
    let ixs = vec![
        solana_system_interface::instruction::create_account(
            &me,
            &mint.pubkey(),
            rent.minimum_balance(mint_len),
            mint_len as u64,
            &TOKEN,
        ),
        spl_token_interface::instruction::initialize_mint2(&TOKEN, &mint.pubkey(), &me, None, decimals)
            .map_err(|e| ChainError::Invalid(e.to_string()))?,
        solana_system_interface::instruction::create_account(
            &me,
            &treasury.pubkey(),
            rent.minimum_balance(account_len),
            account_len as u64,
            &TOKEN,
        ),
        spl_token_interface::instruction::initialize_account3(&TOKEN, &treasury.pubkey(), &mint.pubkey(), &me)
            .map_err(|e| ChainError::Invalid(e.to_string()))?,
    ];
    chain.send(&ixs, &[signer, &mint, &treasury]).await?;
    fund(chain, signer, &mint.pubkey(), &me, amount).await?;
    Ok((mint.pubkey(), treasury.pubkey()))
}

/// Mints `amount` VVV to `owner`'s associated account (created if needed) and sends 1 SOL.
pub async fn fund<C: Chain>(
    chain: &mut C,
    signer: &Keypair,
    mint: &Pubkey,
    owner: &Pubkey,
    amount: u64,
) -> Result<Pubkey, ChainError> {
    let me = signer.pubkey();
    let account = get_associated_token_address_with_program_id(owner, mint, &TOKEN);
    let mut ixs = vec![ata::instruction::create_associated_token_account_idempotent(&me, owner, mint, &TOKEN)];
    if amount > 0 {
        ixs.push(
            spl_token_interface::instruction::mint_to(&TOKEN, mint, &account, &me, &[], amount)
                .map_err(|e| ChainError::Invalid(e.to_string()))?,
        );
    }
    if *owner != me {
        ixs.push(solana_system_interface::instruction::transfer(&me, owner, 1_000_000_000));
    }
    chain.send(&ixs, &[signer]).await?;
    Ok(account)
}
