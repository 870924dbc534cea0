use anchor_lang::prelude::*;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_2022::spl_token_2022::extension::{BaseStateWithExtensions, StateWithExtensions};
use anchor_spl::token_2022::spl_token_2022::state::Mint;
use anchor_spl::token_2022_extensions::spl_token_metadata_interface::state::{Field, TokenMetadata};
use anchor_spl::token_interface::{self, TokenMetadataUpdateField};

use crate::constants::{CONFIG_ADDRESS, MAX_URI_LEN};
use crate::errors::DiemError;
use crate::events::MetadataUriUpdated;
use crate::state::Config;

/// Points DIEM's Token-2022 metadata at a new URI (the JSON wallets read for the description
/// and logo). Name and symbol are fixed. Not queued behind the change delay: the URI moves no
/// value and holds no promise a user relies on; the event makes every change public.
#[event_cpi]
#[derive(Accounts)]
pub struct SetMetadataUri<'info> {
    /// Pays the rent of a longer URI.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(mut, dup, address = CONFIG_ADDRESS, has_one = authority @ DiemError::Unauthorized, has_one = diem_mint)]
    pub config: Box<Account<'info, Config>>,
    /// CHECK: pinned to the config's DIEM mint by `has_one`; Token-2022 validates it.
    #[account(mut)]
    pub diem_mint: UncheckedAccount<'info>,
    pub diem_token_program: Program<'info, Token2022>,
    pub system_program: Program<'info, System>,
}

impl SetMetadataUri<'_> {
    pub fn validate(&self, uri: &str) -> Result<()> {
        require!(uri.len() <= MAX_URI_LEN, DiemError::UriTooLong);
        Ok(())
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn set_metadata_uri_handler(mut ctx: Context<SetMetadataUri>, uri: String) -> Result<()> {
    let accounts = &mut ctx.accounts;
    let mint_info = accounts.diem_mint.to_account_info();
    let (old_uri, new_len) = {
        let data = mint_info.try_borrow_data()?;
        let mint = StateWithExtensions::<Mint>::unpack(&data).map_err(|_| error!(DiemError::InvalidTokenAccount))?;
        let metadata =
            mint.get_variable_len_extension::<TokenMetadata>().map_err(|_| error!(DiemError::InvalidTokenAccount))?;
        let updated = TokenMetadata { uri: uri.clone(), ..metadata.clone() };
        let old_size = metadata.tlv_size_of().map_err(|_| error!(DiemError::MathOverflow))?;
        let new_size = updated.tlv_size_of().map_err(|_| error!(DiemError::MathOverflow))?;
        let new_len = (data.len() + new_size).checked_sub(old_size).ok_or_else(|| error!(DiemError::MathOverflow))?;
        (metadata.uri, new_len)
    };
    // Token-2022 resizes the mint for the new value but needs its rent there first.
    let shortfall = Rent::get()?.minimum_balance(new_len).saturating_sub(mint_info.lamports());
    if shortfall > 0 {
        anchor_lang::system_program::transfer(
            CpiContext::new(
                accounts.system_program.key(),
                anchor_lang::system_program::Transfer {
                    from: accounts.authority.to_account_info(),
                    to: mint_info.clone(),
                },
            ),
            shortfall,
        )?;
    }
    let seeds = accounts.config.signer_seeds();
    token_interface::token_metadata_update_field(
        CpiContext::new_with_signer(
            accounts.diem_token_program.key(),
            TokenMetadataUpdateField {
                program_id: accounts.diem_token_program.to_account_info(),
                metadata: mint_info,
                update_authority: accounts.config.to_account_info(),
            },
            &[&seeds],
        ),
        Field::Uri,
        uri.clone(),
    )?;
    let event = MetadataUriUpdated { seq: ctx.accounts.config.next_event_seq()?, old_uri, new_uri: uri };
    crate::events::emit(&ctx.accounts.event_authority, &event)?;
    Ok(())
}
