//! Local-network helpers for `diem dev` (a test validator has no VVV): create a VVV mint, a
//! treasury account and funded wallets. Not for public clusters.
use anchor_lang::prelude::Pubkey;
use anchor_spl::associated_token::{get_associated_token_address_with_program_id, spl_associated_token_account as ata};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::{Chain, ChainError};

const TOKEN: Pubkey = anchor_spl::token::ID;

pub async fn mint_decimals<C: Chain>(chain: &mut C, mint: &Pubkey) -> Result<u8, ChainError> {
    let account = chain.account(mint).await?.ok_or_else(|| ChainError::Invalid(format!("no mint at {mint}")))?;
    crate::accounts::mint_decimals(&account.data).ok_or_else(|| ChainError::Invalid("not a mint".into()))
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
    let invalid = |e: anchor_lang::solana_program::program_error::ProgramError| ChainError::Invalid(e.to_string());
    let mut ixs = crate::tokens::create_mint(&me, &mint.pubkey(), &me, decimals, &TOKEN).map_err(invalid)?.to_vec();
    ixs.extend(
        crate::tokens::create_token_account(&me, &treasury.pubkey(), &mint.pubkey(), &me, &TOKEN).map_err(invalid)?,
    );
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
