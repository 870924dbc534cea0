//! Which VVV mints the vault can safely hold (SPEC §2).
use anchor_lang::prelude::*;
use anchor_spl::token_2022::spl_token_2022::extension::{BaseStateWithExtensions, ExtensionType, StateWithExtensions};
use anchor_spl::token_2022::spl_token_2022::state::Mint as Mint2022;

use crate::errors::DiemError;

/// Token-2022 mint extensions that neither change the amounts a transfer delivers nor let
/// anyone but the owner move or freeze vault funds. Anything else, including extensions added
/// to Token-2022 after this list was written, is refused: an allow-list fails closed.
const ALLOWED_MINT_EXTENSIONS: &[ExtensionType] = &[
    ExtensionType::MintCloseAuthority, // closable only at zero supply
    ExtensionType::MetadataPointer,
    ExtensionType::TokenMetadata,
    ExtensionType::GroupPointer,
    ExtensionType::TokenGroup,
    ExtensionType::GroupMemberPointer,
    ExtensionType::TokenGroupMember,
    ExtensionType::InterestBearingConfig, // display only: base-unit amounts are unchanged
    ExtensionType::ScaledUiAmount,        // display only
];

/// The `constants::trust` bits of what could let someone but the owner freeze or replace the
/// VVV mint: a freeze authority, and (Token-2022) a mint close authority that is set.
pub fn vvv_mint_authorities(mint: &AccountInfo) -> Result<u8> {
    use anchor_lang::solana_program::program_pack::Pack;
    use anchor_spl::token_2022::spl_token_2022::extension::mint_close_authority::MintCloseAuthority;
    use anchor_spl::token_2022::spl_token_2022::state::Mint as BaseMint;
    let data = mint.try_borrow_data()?;
    let base = data.get(..BaseMint::LEN).ok_or_else(|| error!(DiemError::InvalidVvvMint))?;
    let base = BaseMint::unpack_from_slice(base).map_err(|_| error!(DiemError::InvalidVvvMint))?;
    let mut found = 0;
    if base.freeze_authority.is_some() {
        found |= crate::constants::trust::VVV_FREEZE_AUTHORITY;
    }
    if *mint.owner == anchor_spl::token_2022::ID {
        let state = StateWithExtensions::<Mint2022>::unpack(&data).map_err(|_| error!(DiemError::InvalidVvvMint))?;
        if let Ok(close) = state.get_extension::<MintCloseAuthority>()
            && Option::<Pubkey>::from(close.close_authority).is_some()
        {
            found |= crate::constants::trust::VVV_CLOSE_AUTHORITY;
        }
    }
    Ok(found)
}

/// Accepts an SPL Token mint, or a Token-2022 mint whose extensions are all allowed.
/// Refused (by name): transfer fee, transfer hook, permanent delegate, confidential transfer
/// (and its fee and mint-burn variants), non-transferable, default account state, pausable.
pub fn check_vvv_mint(mint: &AccountInfo) -> Result<()> {
    if *mint.owner == anchor_spl::token::ID {
        return Ok(());
    }
    require_keys_eq!(*mint.owner, anchor_spl::token_2022::ID, DiemError::InvalidVvvMint);
    let data = mint.try_borrow_data()?;
    let state = StateWithExtensions::<Mint2022>::unpack(&data).map_err(|_| error!(DiemError::InvalidVvvMint))?;
    let extensions = state.get_extension_types().map_err(|_| error!(DiemError::InvalidVvvMint))?;
    for extension in extensions {
        if !ALLOWED_MINT_EXTENSIONS.contains(&extension) {
            msg!("VVV mint extension refused: {:?}", extension);
            return err!(DiemError::UnsupportedMintExtension);
        }
    }
    Ok(())
}
