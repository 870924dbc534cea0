//! `initialize`: what it creates, who may call it, and which VVV mints it accepts (SPEC §2, §8).
use anchor_spl::token_2022::spl_token_2022::extension::{
    BaseStateWithExtensions, BaseStateWithExtensionsMut, Extension, ExtensionType, StateWithExtensions,
    StateWithExtensionsMut, confidential_mint_burn::ConfidentialMintBurn,
    confidential_transfer::ConfidentialTransferMint, confidential_transfer_fee::ConfidentialTransferFeeConfig,
    default_account_state::DefaultAccountState, metadata_pointer::MetadataPointer,
    mint_close_authority::MintCloseAuthority, non_transferable::NonTransferable, pausable::PausableConfig,
    permanent_delegate::PermanentDelegate, transfer_fee::TransferFeeConfig, transfer_hook::TransferHook,
};
use anchor_spl::token_2022::spl_token_2022::state::Mint as Mint2022;
use anchor_spl::token_2022_extensions::spl_token_metadata_interface::state::TokenMetadata;
use bytemuck::Pod;
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::Initialized;
use diem_client::{ix, pda};
use diem_tests::*;
use solana_account::Account;
use solana_program_option::COption;
use solana_signer::Signer;

#[tokio::test]
async fn initialize_creates_config_vaults_and_a_named_diem_mint() {
    let mut env = Env::new().await;
    let out = env.initialize(launch_params(), pause::ALL).await.unwrap();
    let ev: Initialized = out.event();
    assert_eq!(
        (ev.authority, ev.vvv_mint, ev.treasury, ev.params, ev.paused),
        (env.authority.pubkey(), env.deployment.vvv_mint, env.treasury, launch_params(), pause::ALL)
    );
    assert!(env.config().await.in_launch(), "the launch is on until an inflow opens");
    let config = env.config().await;
    assert_eq!(config.authority, env.authority.pubkey());
    assert_eq!(
        (config.vvv_mint, config.vvv_token_program, config.vvv_decimals),
        (env.deployment.vvv_mint, spl_token_interface::ID, VVV_DECIMALS)
    );
    assert_eq!(
        (config.diem_mint, config.vvv_vault, config.diem_vault),
        (pda::diem_mint(), pda::vvv_vault(), pda::diem_vault())
    );
    assert_eq!((config.curve, config.curve_staging, config.curve_version), (pda::curve(), pda::curve_staging(), 0));
    assert_eq!(config.params, launch_params());
    assert_eq!(config.params.treasury_share_locked_bps, 2_000);
    assert_eq!(config.params.svvv_cooldown_secs, 7 * 86_400);
    assert_eq!(config.params.diem_cooldown_secs, 86_400);

    // The DIEM mint: Token-2022, 9 decimals, the config PDA mints, nobody can freeze, and the
    // name and symbol are in the mint's own metadata, pointed to by the mint itself.
    let mint = env.account(pda::diem_mint()).await.unwrap();
    assert_eq!(mint.owner, anchor_spl::token_2022::ID);
    let state = StateWithExtensions::<Mint2022>::unpack(&mint.data).unwrap();
    assert_eq!(state.base.decimals, DIEM_DECIMALS);
    assert_eq!(state.base.mint_authority, COption::Some(pda::config()));
    assert_eq!(state.base.freeze_authority, COption::None);
    assert_eq!(state.base.supply, 0);
    let pointer = state.get_extension::<MetadataPointer>().unwrap();
    assert_eq!(Option::<anchor_lang::prelude::Pubkey>::from(pointer.metadata_address), Some(pda::diem_mint()));
    let metadata = state.get_variable_len_extension::<TokenMetadata>().unwrap();
    assert_eq!((metadata.name.as_str(), metadata.symbol.as_str()), ("DIEM", "DIEM"));
    assert_eq!(metadata.uri, "https://example.org/diem.json");

    // Both vaults belong to the config PDA.
    for (vault, mint) in [(pda::vvv_vault(), env.deployment.vvv_mint), (pda::diem_vault(), pda::diem_mint())] {
        let data = env.account(vault).await.unwrap().data;
        assert_eq!(&data[0..32], mint.as_ref());
        assert_eq!(&data[32..64], pda::config().as_ref());
    }
}

#[tokio::test]
async fn initialize_runs_once_and_only_for_the_upgrade_authority() {
    let mut env = Env::new().await;
    // Someone other than the upgrade authority cannot front-run the deployment.
    let stranger = env.wallet().await;
    let args = env.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    let ix = swap_account(
        ix::initialize(env.deployer.pubkey(), &env.deployment, env.treasury, args.clone()),
        env.deployer.pubkey(),
        stranger.pubkey(),
    );
    // Refused with the error that says why (finding 5 of the assurance issue: it used to say
    // "not the config authority").
    assert_diem_err(env.send_err(&[ix], &[&stranger]).await, DiemError::NotUpgradeAuthority);
    env.initialize(launch_params(), pause::LAUNCH_INFLOWS).await.unwrap();
    // A second initialize fails where Anchor creates the config account (the system program
    // refuses to allocate an account that already holds data) and changes nothing.
    let before = env.account(pda::config()).await.unwrap();
    let mut other = launch_params();
    other.emission_rate = 7;
    env.initialize(other, pause::LAUNCH_INFLOWS).await.unwrap_err();
    assert_eq!(env.account(pda::config()).await.unwrap(), before);
}

#[tokio::test]
async fn initialize_checks_parameter_bounds() {
    let mut env = Env::new().await;
    let mut p = launch_params();
    p.treasury_share_locked_bps = 10_001;
    assert_diem_err(env.initialize(p, pause::LAUNCH_INFLOWS).await.unwrap_err(), DiemError::ShareOutOfBounds);
    let mut p = launch_params();
    p.svvv_cooldown_secs = MAX_COOLDOWN_SECS + 1;
    assert_diem_err(env.initialize(p, pause::LAUNCH_INFLOWS).await.unwrap_err(), DiemError::CooldownOutOfBounds);
    let mut p = launch_params();
    p.diem_cooldown_secs = -1;
    assert_diem_err(env.initialize(p, pause::LAUNCH_INFLOWS).await.unwrap_err(), DiemError::CooldownOutOfBounds);
    let mut p = launch_params();
    p.emission_rate = MAX_EMISSION_RATE + 1;
    assert_diem_err(env.initialize(p, pause::LAUNCH_INFLOWS).await.unwrap_err(), DiemError::EmissionRateTooHigh);
    assert_diem_err(env.initialize(launch_params(), 1 << 15).await.unwrap_err(), DiemError::UnknownPauseFlag);
    let mut args = env.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    args.diem_uri = "x".repeat(MAX_URI_LEN + 1);
    let ix = ix::initialize(env.deployer.pubkey(), &env.deployment, env.treasury, args);
    let deployer = env.deployer.insecure_clone();
    assert_diem_err(env.send_err(&[ix], &[&deployer]).await, DiemError::UriTooLong);
    // None of the refusals left anything behind: the valid call still succeeds.
    env.initialize(launch_params(), pause::LAUNCH_INFLOWS).await.unwrap();
}

/// A Token-2022 VVV mint carrying extension `E` (zeroed configuration), 6 decimals.
fn token_2022_mint_with<E: Extension + Pod + Default>(authority: anchor_lang::prelude::Pubkey) -> Account {
    token_2022_mint_configured::<E>(authority, |_| {})
}

/// As [`token_2022_mint_with`], with the extension's configuration set by `configure`.
pub(crate) fn token_2022_mint_configured<E: Extension + Pod + Default>(
    authority: anchor_lang::prelude::Pubkey,
    configure: impl FnOnce(&mut E),
) -> Account {
    let types: Vec<ExtensionType> = [E::TYPE].into_iter().filter(|t| *t != ExtensionType::Uninitialized).collect();
    let len = ExtensionType::try_calculate_account_len::<Mint2022>(&types).unwrap();
    let mut data = vec![0u8; len];
    let mut state = StateWithExtensionsMut::<Mint2022>::unpack_uninitialized(&mut data).unwrap();
    if !types.is_empty() {
        configure(state.init_extension::<E>(true).unwrap());
    }
    state.base = Mint2022 {
        mint_authority: COption::Some(authority),
        supply: 0,
        decimals: VVV_DECIMALS,
        is_initialized: true,
        freeze_authority: COption::None,
    };
    state.pack_base();
    state.init_account_type().unwrap();
    Account { lamports: 1_000_000_000, data, owner: anchor_spl::token_2022::ID, executable: false, rent_epoch: 0 }
}

async fn initialize_with_vvv(mint: Account) -> Result<Outcome, diem_client::chain::ChainError> {
    let mut env = Env::with_vvv_mint(Some((mint, anchor_spl::token_2022::ID))).await;
    env.initialize(launch_params(), pause::LAUNCH_INFLOWS).await
}

#[tokio::test]
async fn token_2022_vvv_without_harmful_extensions_is_accepted() {
    let owner = anchor_lang::prelude::Pubkey::new_unique();
    initialize_with_vvv(token_2022_mint_with::<MetadataPointer>(owner)).await.unwrap();
    initialize_with_vvv(token_2022_mint_with::<MintCloseAuthority>(owner)).await.unwrap();
}

#[tokio::test]
async fn token_2022_vvv_with_a_harmful_extension_is_refused_by_name() {
    let owner = anchor_lang::prelude::Pubkey::new_unique();
    let refused = [
        ("transfer fee", token_2022_mint_with::<TransferFeeConfig>(owner)),
        ("transfer hook", token_2022_mint_with::<TransferHook>(owner)),
        ("permanent delegate", token_2022_mint_with::<PermanentDelegate>(owner)),
        ("confidential transfer", token_2022_mint_with::<ConfidentialTransferMint>(owner)),
        ("confidential transfer fee", token_2022_mint_with::<ConfidentialTransferFeeConfig>(owner)),
        ("confidential mint/burn", token_2022_mint_with::<ConfidentialMintBurn>(owner)),
        ("non-transferable", token_2022_mint_with::<NonTransferable>(owner)),
        // New accounts start frozen (state 2); the extension is refused whatever its state.
        ("default account state", token_2022_mint_configured::<DefaultAccountState>(owner, |e| e.state = 2)),
        ("pausable", token_2022_mint_with::<PausableConfig>(owner)),
    ];
    for (name, mint) in refused {
        let err = initialize_with_vvv(mint).await.expect_err(name).tx_error();
        match err {
            solana_transaction_error::TransactionError::InstructionError(
                _,
                solana_instruction_error::InstructionError::Custom(c),
            ) if c == diem_code(DiemError::UnsupportedMintExtension) => {}
            other => panic!("{name}: expected UnsupportedMintExtension, got {other:?}"),
        }
    }
}
