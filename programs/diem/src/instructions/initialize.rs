use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable;
use anchor_lang::system_program;
use anchor_spl::token_2022::Token2022;
use anchor_spl::token_2022_extensions::spl_token_metadata_interface::state::TokenMetadata;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TokenMetadataInitialize};

use crate::constants::*;
use crate::errors::DiemError;
use crate::events::Initialized;
use crate::mint_checks::{check_vvv_mint, vvv_mint_authorities};
use crate::state::{Config, Curve, CurveStaging, Governance, Params, Pool, check_change_delay};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializeArgs {
    /// The config authority (in production a multisig); may differ from the deployer.
    pub authority: Pubkey,
    pub params: Params,
    /// Pause flags to launch with: every inflow (`pause::LAUNCH_INFLOWS`) must be paused, so
    /// nobody acts before the curve and parameters are final; the first `set_pause` that opens
    /// one ends the launch (SPEC §8).
    pub paused: u16,
    /// Metadata URI of the DIEM mint (JSON with name, symbol, image).
    pub diem_uri: String,
    /// Accept a VVV mint with a freeze authority or a set close authority. Refused otherwise;
    /// when accepted, recorded in `Config::vvv_trust` and shown to users as a trust assumption.
    pub accept_freeze_authority: bool,
    /// How long a proposed change waits before it may apply: at least the sVVV cooldown plus the
    /// DIEM cooldown plus a day (9 days at launch), so every user can leave first.
    pub change_delay_secs: i64,
}

/// Creates the config, curve accounts, vaults and the DIEM mint. Only the program's upgrade
/// authority may call it, so nobody can front-run the deployment with their own parameters.
#[event_cpi]
#[derive(Accounts)]
pub struct Initialize<'info> {
    #[account(mut)]
    pub deployer: Signer<'info>,
    #[account(init, payer = deployer, space = Config::SPACE, seeds = [CONFIG_SEED], bump)]
    pub config: Box<Account<'info, Config>>,
    #[account(init, payer = deployer, space = 8 + Governance::INIT_SPACE, seeds = [GOVERNANCE_SEED], bump)]
    pub governance: Box<Account<'info, Governance>>,
    #[account(init, payer = deployer, space = Curve::SPACE, seeds = [CURVE_SEED], bump)]
    pub curve: AccountLoader<'info, Curve>,
    #[account(init, payer = deployer, space = CurveStaging::SPACE, seeds = [CURVE_STAGING_SEED], bump)]
    pub curve_staging: AccountLoader<'info, CurveStaging>,
    #[account(mint::token_program = vvv_token_program)]
    pub vvv_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init, payer = deployer, seeds = [VVV_VAULT_SEED], bump,
        token::mint = vvv_mint, token::authority = config, token::token_program = vvv_token_program,
    )]
    pub vvv_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init, payer = deployer, seeds = [DIEM_MINT_SEED], bump,
        mint::decimals = DIEM_DECIMALS, mint::authority = config, mint::token_program = diem_token_program,
        extensions::metadata_pointer::authority = config,
        extensions::metadata_pointer::metadata_address = diem_mint,
    )]
    pub diem_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init, payer = deployer, seeds = [DIEM_VAULT_SEED], bump,
        token::mint = diem_mint, token::authority = config, token::token_program = diem_token_program,
    )]
    pub diem_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        constraint = treasury.mint == vvv_mint.key() @ DiemError::WrongMint,
        constraint = *treasury.to_account_info().owner == vvv_token_program.key() @ DiemError::WrongTokenProgram,
    )]
    pub treasury: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        seeds = [crate::ID.as_ref()], bump, seeds::program = bpf_loader_upgradeable::ID,
        constraint = program_data.upgrade_authority_address == Some(deployer.key()) @ DiemError::NotUpgradeAuthority,
    )]
    pub program_data: Box<Account<'info, ProgramData>>,
    pub vvv_token_program: Interface<'info, TokenInterface>,
    pub diem_token_program: Program<'info, Token2022>,
    pub system_program: Program<'info, System>,
}

impl Initialize<'_> {
    pub fn validate(&self, args: &InitializeArgs) -> Result<()> {
        require!(args.authority != Pubkey::default(), DiemError::InvalidAuthority);
        require_keys_neq!(self.treasury.key(), self.vvv_vault.key(), DiemError::DestinationIsVault);
        args.params.validate()?;
        check_change_delay(args.change_delay_secs, &args.params)?;
        require!(args.paused & !pause::ALL == 0, DiemError::UnknownPauseFlag);
        require!(pause::inflows_closed(args.paused), DiemError::LaunchMustStartPaused);
        require!(args.diem_uri.len() <= MAX_URI_LEN, DiemError::UriTooLong);
        check_vvv_mint(&self.vvv_mint.to_account_info())?;
        if !args.accept_freeze_authority {
            let found = vvv_mint_authorities(&self.vvv_mint.to_account_info())?;
            require!(found & trust::VVV_FREEZE_AUTHORITY == 0, DiemError::VvvMintFreezeAuthority);
            require!(found & trust::VVV_CLOSE_AUTHORITY == 0, DiemError::VvvMintCloseAuthority);
        }
        Ok(())
    }
}

// Out of line: inlined into the entrypoint, all handlers together exceed SBPF v0's branch range.
#[inline(never)]
pub fn initialize_handler(mut ctx: Context<Initialize>, args: InitializeArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut ctx.accounts;
    // Only what `validate` accepted can be found here (or nothing, without the flag).
    let vvv_trust = vvv_mint_authorities(&accounts.vvv_mint.to_account_info())?;
    let config = &mut accounts.config;
    config.set_inner(Config {
        authority: args.authority,
        pending_authority: Pubkey::default(),
        vvv_mint: accounts.vvv_mint.key(),
        vvv_token_program: accounts.vvv_token_program.key(),
        vvv_decimals: accounts.vvv_mint.decimals,
        diem_mint: accounts.diem_mint.key(),
        vvv_vault: accounts.vvv_vault.key(),
        diem_vault: accounts.diem_vault.key(),
        curve: accounts.curve.key(),
        curve_staging: accounts.curve_staging.key(),
        treasury: accounts.treasury.key(),
        params: args.params,
        paused: args.paused,
        curve_version: 0,
        pool: Pool { last_accrual_ts: now, ..Pool::default() },
        bump: ctx.bumps.config,
        vvv_vault_bump: ctx.bumps.vvv_vault,
        diem_vault_bump: ctx.bumps.diem_vault,
        diem_mint_bump: ctx.bumps.diem_mint,
        vvv_trust,
        event_seq: 0,
        launched: 0,
        reserved: [0; 123],
    });
    accounts.governance.set_inner(Governance {
        change_delay: args.change_delay_secs,
        pending: [None; MAX_CHANGE_KINDS],
        bump: ctx.bumps.governance,
    });
    accounts.curve.load_init()?;
    accounts.curve_staging.load_init()?;

    // Name and symbol live in the mint itself (Token-2022 metadata extension), so every wallet
    // shows them without a third-party metadata program. Token-2022 grows the mint account
    // for the metadata but needs the rent for it up front.
    let metadata = TokenMetadata {
        name: DIEM_NAME.to_string(),
        symbol: DIEM_SYMBOL.to_string(),
        uri: args.diem_uri.clone(),
        ..TokenMetadata::default()
    };
    let extra = metadata.tlv_size_of().map_err(|_| error!(DiemError::MathOverflow))?;
    let mint_info = accounts.diem_mint.to_account_info();
    let new_len = mint_info.data_len().checked_add(extra).ok_or_else(|| error!(DiemError::MathOverflow))?;
    let shortfall = Rent::get()?.minimum_balance(new_len).saturating_sub(mint_info.lamports());
    if shortfall > 0 {
        system_program::transfer(
            CpiContext::new(
                accounts.system_program.key(),
                system_program::Transfer { from: accounts.deployer.to_account_info(), to: mint_info.clone() },
            ),
            shortfall,
        )?;
    }
    let config_info = accounts.config.to_account_info();
    let seeds = accounts.config.signer_seeds();
    token_interface::token_metadata_initialize(
        CpiContext::new_with_signer(
            accounts.diem_token_program.key(),
            TokenMetadataInitialize {
                program_id: accounts.diem_token_program.to_account_info(),
                metadata: mint_info.clone(),
                update_authority: config_info.clone(),
                mint_authority: config_info,
                mint: mint_info,
            },
            &[&seeds],
        ),
        metadata.name,
        metadata.symbol,
        metadata.uri,
    )?;

    let config = &mut ctx.accounts.config;
    crate::events::emit(
        &ctx.accounts.event_authority,
        &Initialized {
            seq: config.next_event_seq()?,
            authority: config.authority,
            vvv_mint: config.vvv_mint,
            vvv_token_program: config.vvv_token_program,
            diem_mint: config.diem_mint,
            treasury: config.treasury,
            params: config.params,
            paused: config.paused,
            vvv_trust: config.vvv_trust,
            change_delay: args.change_delay_secs,
            timestamp: now,
        },
    )?;
    Ok(())
}
