//! Regression tests of the assurance review's findings (SECURITY.md, "Findings"): each failed
//! before its fix.
use diem::constants::*;
use diem::errors::DiemError;
use diem_client::{ix, pda};
use diem_tests::*;
use solana_account::Account;
use solana_program_option::COption;
use solana_signer::Signer;

/// Finding 1: `stake(recipient = default key)` re-opened that position on every call, resetting
/// its balances while the pool total kept growing (§10.4 broken for good).
#[tokio::test]
async fn a_stake_to_the_default_key_is_refused_and_resets_nothing() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let default = anchor_lang::prelude::Pubkey::default();
    for _ in 0..2 {
        let err = env.by(&alice).stake(2, Some(default)).await.unwrap_err();
        assert_diem_err(err, DiemError::InvalidRecipient);
    }
    assert!(env.position(&default).await.is_none());
    assert_eq!(env.balance(alice.vvv).await, 1_000 * ONE_VVV);
    // A position is marked open by its own flag, not by its owner: a second stake adds to it.
    env.by(&alice).stake(100, None).await.unwrap();
    env.by(&alice).stake(100, None).await.unwrap();
    let p = env.position(&alice.pubkey()).await.unwrap();
    assert!(p.is_open());
    assert_eq!((p.balances.active, env.config().await.pool.total_active), (200, 200));
}

fn spl_mint(freeze_authority: COption<anchor_lang::prelude::Pubkey>) -> Account {
    use solana_program_pack::Pack;
    let mint = spl_token_interface::state::Mint {
        mint_authority: COption::Some(anchor_lang::prelude::Pubkey::new_unique()),
        supply: 0,
        decimals: VVV_DECIMALS,
        is_initialized: true,
        freeze_authority,
    };
    let mut data = vec![0u8; spl_token_interface::state::Mint::LEN];
    mint.pack_into_slice(&mut data);
    Account { lamports: 1_000_000_000, data, owner: spl_token_interface::ID, executable: false, rent_epoch: 0 }
}

/// A Token-2022 mint whose `MintCloseAuthority` names `close`.
fn token_2022_mint_closable_by(close: anchor_lang::prelude::Pubkey) -> Account {
    use anchor_spl::token_2022::spl_token_2022::extension::mint_close_authority::MintCloseAuthority;
    crate::initialize::token_2022_mint_configured::<MintCloseAuthority>(close, |e| {
        e.close_authority = Some(close).try_into().unwrap();
    })
}

async fn initialize_on(
    mint: Account,
    token_program: anchor_lang::prelude::Pubkey,
    accept: bool,
) -> (Env, Result<Outcome, diem_client::chain::ChainError>) {
    let mut env = Env::with_vvv_mint(Some((mint, token_program))).await;
    let mut args = env.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    args.accept_freeze_authority = accept;
    let ix = ix::initialize(env.deployer.pubkey(), &env.deployment, env.treasury, args);
    let deployer = env.deployer.insecure_clone();
    let result = env.send(&[ix], &[&deployer]).await;
    (env, result)
}

/// Finding 2: a VVV mint's freeze authority could freeze the vault and trap every way out; a
/// set close authority could close the mint and re-create it with a permanent delegate.
#[tokio::test]
async fn a_vvv_mint_that_could_freeze_or_vanish_is_refused_unless_accepted() {
    let freezer = COption::Some(anchor_lang::prelude::Pubkey::new_unique());
    let (_, refused) = initialize_on(spl_mint(freezer), spl_token_interface::ID, false).await;
    assert_diem_err(refused.unwrap_err(), DiemError::VvvMintFreezeAuthority);
    let closer = anchor_lang::prelude::Pubkey::new_unique();
    let (_, refused) = initialize_on(token_2022_mint_closable_by(closer), anchor_spl::token_2022::ID, false).await;
    assert_diem_err(refused.unwrap_err(), DiemError::VvvMintCloseAuthority);

    // Accepted explicitly: recorded in the config and the event, and shown to users.
    let (mut env, accepted) = initialize_on(spl_mint(freezer), spl_token_interface::ID, true).await;
    let ev: diem::events::Initialized = accepted.unwrap().event();
    assert_eq!(ev.vvv_trust, trust::VVV_FREEZE_AUTHORITY);
    assert_eq!(env.config().await.vvv_trust, trust::VVV_FREEZE_AUTHORITY);
    let alice = Keypair::new();
    let report = env.reader().position_report(&alice.pubkey()).await.unwrap();
    assert_eq!(report.trust_assumptions.len(), 1, "{:?}", report.trust_assumptions);
    assert!(report.trust_assumptions[0].contains("freeze authority"), "{:?}", report.trust_assumptions);
    let audit = env.reader().audit().await.unwrap();
    assert_eq!(audit.trust_assumptions, report.trust_assumptions);
    let (mut env, accepted) =
        initialize_on(token_2022_mint_closable_by(closer), anchor_spl::token_2022::ID, true).await;
    accepted.unwrap();
    assert_eq!(env.config().await.vvv_trust, trust::VVV_CLOSE_AUTHORITY);
    // A mint with neither records nothing, even with the flag set.
    let (mut env, plain) = initialize_on(spl_mint(COption::None), spl_token_interface::ID, true).await;
    plain.unwrap();
    assert_eq!(env.config().await.vvv_trust, 0);
    assert!(env.reader().audit().await.unwrap().trust_assumptions.is_empty());
}

use solana_keypair::Keypair;

/// Finding 3: staging bits were cleared only on commit, so all of curve A staged and later part
/// of curve B staged and committed put a hybrid of A and B live.
#[tokio::test]
async fn an_abandoned_staged_curve_never_leaks_into_the_next() {
    // During the launch, where a committed curve goes live at once.
    let mut env = Env::in_launch(Env::new().await).await;
    let authority = env.authority.insecure_clone();
    let launch = launch_curve();
    let a: Vec<_> = launch.iter().map(|e| diem::state::CurveEntry::new(e.supply_bound, e.rate() / 3)).collect();
    let b: Vec<_> = launch.iter().map(|e| diem::state::CurveEntry::new(e.supply_bound, e.rate() / 2)).collect();
    let stage = |curve: &[diem::state::CurveEntry]| ix::replace_curve(authority.pubkey(), curve);
    // All of A staged, never committed; then only B's first chunk, and a commit of B.
    for chunk in &stage(&a)[..CURVE_LEN / MAX_CURVE_CHUNK] {
        env.send(&[chunk.clone()], &[&authority]).await.unwrap();
    }
    env.send(&[stage(&b)[0].clone()], &[&authority]).await.unwrap();
    let commit_b = stage(&b).pop().unwrap();
    let err = env.send(&[commit_b.clone()], &[&authority]).await.unwrap_err();
    assert_diem_err(err, DiemError::CurveHashMismatch);
    assert_eq!(env.config().await.curve_version, 1, "nothing went live");
    assert_eq!(env.reader().curve().await.unwrap(), launch);
    // Cleared, B staged in full, committed under B's hash: exactly B is live.
    let cleared: diem::events::CurveStagingCleared =
        env.send(&[ix::clear_curve_staging(authority.pubkey())], &[&authority]).await.unwrap().event();
    assert_eq!(cleared.cleared_entries as usize, CURVE_LEN);
    let err = env.send(&[commit_b.clone()], &[&authority]).await.unwrap_err();
    assert_diem_err(err, DiemError::CurveIncomplete);
    for ix in stage(&b) {
        env.send(&[ix], &[&authority]).await.unwrap();
    }
    assert_eq!(env.reader().curve().await.unwrap(), b);
    // Only the authority clears the staging table.
    let stranger = env.wallet().await;
    let err = env.send(&[ix::clear_curve_staging(stranger.pubkey())], &[&stranger]).await.unwrap_err();
    assert_diem_err(err, DiemError::Unauthorized);
    // The event replay follows staging, clearing and the committed hash.
    let ledger = diem_client::ledger::Ledger::replay(&env.event_log).unwrap();
    assert_eq!(ledger.curve, b);
}

/// Finding 4: holders' parts round down and the treasury receives exactly the rest (SPEC §4);
/// the program used to round the treasury's cut down instead.
#[tokio::test]
async fn the_treasury_receives_the_rounding_remainder() {
    let mut env = Env::new().await;
    let mut params = launch_params();
    params.emission_rate = 7; // 7 base units a second, all to locked sVVV: 20 % is 1.4
    env.initialize(params, pause::LAUNCH_INFLOWS).await.unwrap();
    env.replace_curve(&launch_curve()).await.unwrap();
    env.open().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    env.by(&alice).fund_rewards(1_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(900 * ONE_VVV, None).await.unwrap();
    env.by(&alice).mint(900 * ONE_VVV, 0).await.unwrap();
    let before = env.config().await.pool.treasury_accrued;
    env.advance(1).await;
    env.by(&alice).claim_and_stake().await.unwrap();
    let pool = env.config().await.pool;
    // Of the 7 emitted: holders floor(7 × 0.8) = 5, the treasury the remaining 2 (not floor(1.4) = 1).
    assert_eq!(pool.treasury_accrued - before, 2);
}

/// Finding 5: the config is checked against its address (its seeds' PDA, derived at compile
/// time), the authority cannot be the default
/// key, and no payout, mint or treasury destination may be one of the program's own vaults.
#[tokio::test]
async fn hardening_config_seeds_authority_and_vault_destinations() {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    env.by(&alice).stake(5_000 * ONE_VVV, None).await.unwrap();
    env.by(&alice).mint(1_000 * ONE_VVV, 0).await.unwrap();

    // A byte-for-byte copy of the config at another address, owned by the program: refused.
    let config = env.account(pda::config()).await.unwrap();
    let copy = anchor_lang::prelude::Pubkey::new_unique();
    env.bank.set_account(copy, config);
    let ix = swap_account(ix::initiate_unstake(alice.pubkey(), alice.pubkey(), 0, 1), pda::config(), copy);
    assert_anchor_err(env.send_err(&[ix], &[&alice.key]).await, anchor_lang::error::ErrorCode::ConstraintAddress);

    // Payouts and mints into the program's own vaults.
    let d = env.deployment;
    let ticket = opened_ticket(&env.by(&alice).unstake(100).await.unwrap()).unwrap();
    let ticket = TicketRef { address: ticket, owner: alice.pubkey(), rent_payer: alice.pubkey() };
    env.advance(7 * SECONDS_PER_DAY).await;
    for ix in [
        ix::finalize_unstake(&d, &ticket, pda::vvv_vault()),
        ix::claim_rewards(&d, alice.pubkey(), pda::vvv_vault()),
        ix::mint_diem(alice.pubkey(), pda::diem_vault(), ONE_VVV, 0),
    ] {
        assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::DestinationIsVault);
    }
    let staked = env.balance(alice.diem).await;
    env.by(&alice).stake_diem(staked, None).await.unwrap();
    let diem_ticket = opened_ticket(&env.by(&alice).unstake_diem(staked, None).await.unwrap()).unwrap();
    let diem_ticket = TicketRef { address: diem_ticket, owner: alice.pubkey(), rent_payer: alice.pubkey() };
    env.advance(SECONDS_PER_DAY).await;
    let ix = ix::finalize_diem_unstake(&diem_ticket, pda::diem_vault());
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::DestinationIsVault);
    let authority = env.authority.insecure_clone();
    let ix = ix::set_treasury(authority.pubkey(), pda::vvv_vault());
    assert_diem_err(env.send_err(&[ix], &[&authority]).await, DiemError::DestinationIsVault);
    // The right destinations still work.
    env.by(&alice).finalize_oldest_unstake().await.unwrap();
    env.by(&alice).finalize_oldest_diem_unstake().await.unwrap();

    // The default key as the config authority.
    let mut fresh = Env::new().await;
    let mut args = fresh.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    args.authority = anchor_lang::prelude::Pubkey::default();
    let ix = ix::initialize(fresh.deployer.pubkey(), &fresh.deployment, fresh.treasury, args);
    let deployer = fresh.deployer.insecure_clone();
    assert_diem_err(fresh.send_err(&[ix], &[&deployer]).await, DiemError::InvalidAuthority);
}
