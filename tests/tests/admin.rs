//! The authority's instructions: parameters, treasury, pause flags, curve staging and commit,
//! two-step authority transfer, and the launch sequence (SPEC §8).
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{
    AuthorityProposed, AuthorityTransferred, CurveCommitted, CurveStaged, ParamsUpdated, PauseUpdated, TreasuryUpdated,
};
use diem::state::CurveEntry;
use diem_client::{ix, pda};
use diem_tests::*;
use solana_signer::Signer;

async fn as_authority(env: &mut Env, ix: Instruction) -> Result<Outcome, diem_client::chain::ChainError> {
    let authority = env.authority.insecure_clone();
    env.send(&[ix], &[&authority]).await
}

#[tokio::test]
async fn set_params_checks_authority_and_bounds_and_reports_old_and_new() {
    // During the launch, where these apply at once.
    let mut env = Env::in_launch(Env::new().await).await;
    let stranger = env.wallet().await;
    let mut new = launch_params();
    new.emission_rate = 5;
    new.treasury_share_unlocked_bps = 100;
    new.svvv_cooldown_secs = 3 * SECONDS_PER_DAY;
    let err = env.send_err(&[ix::set_params(stranger.pubkey(), new)], &[&stranger]).await;
    assert_diem_err(err, DiemError::Unauthorized);
    let authority = env.authority.pubkey();
    let ev: ParamsUpdated = as_authority(&mut env, ix::set_params(authority, new)).await.unwrap().event();
    assert_eq!((ev.old, ev.new), (launch_params(), new));
    assert_eq!(env.config().await.params, new);
    for (bad, expected) in [
        (diem::state::Params { treasury_share_unlocked_bps: 10_001, ..new }, DiemError::ShareOutOfBounds),
        (diem::state::Params { treasury_share_locked_bps: u32::MAX, ..new }, DiemError::ShareOutOfBounds),
        (diem::state::Params { svvv_cooldown_secs: MAX_COOLDOWN_SECS + 1, ..new }, DiemError::CooldownOutOfBounds),
        (diem::state::Params { diem_cooldown_secs: -5, ..new }, DiemError::CooldownOutOfBounds),
        (diem::state::Params { emission_rate: MAX_EMISSION_RATE + 1, ..new }, DiemError::EmissionRateTooHigh),
    ] {
        assert_diem_err(as_authority(&mut env, ix::set_params(authority, bad)).await.unwrap_err(), expected);
    }
    // The bounds themselves are allowed.
    let edge = diem::state::Params {
        emission_rate: MAX_EMISSION_RATE,
        treasury_share_unlocked_bps: 10_000,
        treasury_share_locked_bps: 10_000,
        svvv_cooldown_secs: MAX_COOLDOWN_SECS,
        diem_cooldown_secs: 0,
    };
    // A 90-day cooldown needs a change delay longer by a day: refused until the delay is raised.
    let err = as_authority(&mut env, ix::set_params(authority, edge)).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
    let authority_key = env.authority.insecure_clone();
    let longer = diem::state::Change::ChangeDelay { secs: MAX_COOLDOWN_SECS + SECONDS_PER_DAY };
    env.by(&authority_key).propose_change(longer).await.unwrap();
    as_authority(&mut env, ix::set_params(authority, edge)).await.unwrap();
}

#[tokio::test]
async fn set_treasury_needs_a_vvv_account() {
    // During the launch, where these apply at once.
    let mut env = Env::in_launch(Env::new().await).await;
    let alice = env.user(0).await;
    let authority = env.authority.pubkey();
    let err = env.send_err(&[ix::set_treasury(alice.pubkey(), alice.vvv)], &[&alice.key]).await;
    assert_diem_err(err, DiemError::Unauthorized);
    assert_diem_err(
        as_authority(&mut env, ix::set_treasury(authority, alice.diem)).await.unwrap_err(),
        DiemError::WrongMint,
    );
    let ev: TreasuryUpdated = as_authority(&mut env, ix::set_treasury(authority, alice.vvv)).await.unwrap().event();
    assert_eq!((ev.old, ev.new), (env.treasury, alice.vvv));
    assert_eq!(env.config().await.treasury, alice.vvv);
}

#[tokio::test]
async fn pausing_stops_inflows_and_never_traps_funds() {
    let mut env = Env::launched().await;
    let funder = env.user(100_000 * ONE_VVV).await;
    let alice = env.user(10_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(10_000 * ONE_VVV, None).await.unwrap();
    let minted = env.by(&alice).mint(5_000 * ONE_VVV, 0).await.unwrap().return_u64();
    env.by(&alice).unstake(1_000 * ONE_VVV).await.unwrap();
    env.advance(100).await;
    let authority = env.authority.pubkey();
    assert_diem_err(
        as_authority(&mut env, ix::set_pause(authority, 1 << 9)).await.unwrap_err(),
        DiemError::UnknownPauseFlag,
    );
    let stranger = env.wallet().await;
    assert_diem_err(
        env.send_err(&[ix::set_pause(stranger.pubkey(), pause::ALL)], &[&stranger]).await,
        DiemError::Unauthorized,
    );
    let ev: PauseUpdated = as_authority(&mut env, ix::set_pause(authority, pause::ALL)).await.unwrap().event();
    assert_eq!((ev.old, ev.new), (0, pause::ALL));

    // Inflows are refused…
    assert_diem_err(env.by(&alice).stake(ONE_VVV, None).await.unwrap_err(), DiemError::OperationPaused);
    assert_diem_err(env.by(&alice).mint(ONE_VVV, 0).await.unwrap_err(), DiemError::OperationPaused);
    assert_diem_err(env.by(&alice).claim_and_stake().await.unwrap_err(), DiemError::OperationPaused);
    assert_diem_err(env.by(&alice).cancel_oldest_unstake().await.unwrap_err(), DiemError::OperationPaused);
    // …every way out works: claim, burn everything, unstake, finalize, treasury payout.
    env.by(&alice).claim().await.unwrap();
    env.by(&alice).burn(minted).await.unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    env.by(&alice).finalize_oldest_unstake().await.unwrap();
    env.by(&alice).unstake(9_000 * ONE_VVV).await.unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    env.by(&alice).finalize_oldest_unstake().await.unwrap();
    env.by(&alice).claim().await.unwrap();
    env.anyone().pay_treasury().await.unwrap();
    assert!(env.position(&alice.pubkey()).await.unwrap().balances.active == 0);
    // Alice got her whole stake back plus rewards.
    assert!(env.balance(alice.vvv).await > 10_000 * ONE_VVV);

    // Each flag pauses only its own operation (refill the reserve, drained by two weeks).
    env.by(&funder).fund_rewards(50_000 * ONE_VVV).await.unwrap();
    for (flag, blocked) in [(pause::STAKE, "stake"), (pause::MINT, "mint"), (pause::CLAIM_AND_STAKE, "claim_and_stake")]
    {
        as_authority(&mut env, ix::set_pause(authority, flag)).await.unwrap();
        let bob = env.user(1_000 * ONE_VVV).await;
        let staked = env.by(&bob).stake(1_000 * ONE_VVV, None).await;
        assert_eq!(staked.is_err(), blocked == "stake", "{blocked}");
        if blocked == "stake" {
            continue;
        }
        assert_eq!(env.by(&bob).mint(ONE_VVV, 0).await.is_err(), blocked == "mint", "{blocked}");
        env.advance(10).await;
        assert_eq!(env.by(&bob).claim_and_stake().await.is_err(), blocked == "claim_and_stake", "{blocked}");
    }
}

#[tokio::test]
async fn curve_is_staged_in_chunks_and_committed_atomically() {
    let mut env = Env::new().await;
    env.initialize(launch_params(), pause::LAUNCH_INFLOWS).await.unwrap();
    let authority = env.authority.pubkey();
    let curve = launch_curve();
    let stage = ix::replace_curve(authority, &curve);
    assert_eq!(stage.len(), CURVE_LEN / MAX_CURVE_CHUNK + 1);
    // Every chunk fits in one transaction (the harness adds a compute-budget instruction too).
    for ix in &stage[..stage.len() - 1] {
        let out = as_authority(&mut env, ix.clone()).await.unwrap();
        let ev: CurveStaged = out.event();
        assert_eq!(ev.entries.len(), MAX_CURVE_CHUNK);
    }
    let ev: CurveCommitted = as_authority(&mut env, stage[stage.len() - 1].clone()).await.unwrap().event();
    assert_eq!((ev.version, ev.supply_cap), (1, 128_000 * ONE_DIEM));
    assert_eq!((ev.first_rate, ev.last_rate), (curve[0].rate(), curve[255].rate()));
    assert_eq!(env.config().await.curve_version, 1);
    let q = env.quote(90 * ONE_VVV).await.unwrap();
    assert_eq!(q, diem_client::curve::quote_mint(&curve, 0, 90 * ONE_VVV).unwrap().diem_out);

    // Staging half of another curve changes nothing live; committing it is refused.
    let cheaper: Vec<CurveEntry> = curve.iter().map(|e| CurveEntry::new(e.supply_bound, e.rate() / 2)).collect();
    for ix in ix::replace_curve(authority, &cheaper).into_iter().take(4) {
        as_authority(&mut env, ix).await.unwrap();
    }
    assert_eq!(env.quote(90 * ONE_VVV).await.unwrap(), q);
    let commit = ix::commit_curve(authority, diem::math::curve::curve_hash(&cheaper));
    assert_diem_err(as_authority(&mut env, commit).await.unwrap_err(), DiemError::CurveIncomplete);
    // The rest staged: now it commits, and the staging table must be refilled for the next one.
    for ix in ix::replace_curve(authority, &cheaper).into_iter().skip(4) {
        as_authority(&mut env, ix).await.unwrap();
    }
    assert_eq!(env.config().await.curve_version, 2);
    assert!(env.quote(90 * ONE_VVV).await.unwrap() > q);
    let commit = ix::commit_curve(authority, diem::math::curve::curve_hash(&cheaper));
    assert_diem_err(as_authority(&mut env, commit).await.unwrap_err(), DiemError::CurveIncomplete);
}

#[tokio::test]
async fn malformed_chunks_and_invalid_curves_are_refused_by_name() {
    // During the launch, where these apply at once.
    let mut env = Env::in_launch(Env::new().await).await;
    let authority = env.authority.pubkey();
    let authority_key = env.authority.insecure_clone();
    let curve = launch_curve();
    let stranger = env.wallet().await;
    let err = env.send_err(&[ix::stage_curve(stranger.pubkey(), 0, &curve[..4])], &[&stranger]).await;
    assert_diem_err(err, DiemError::Unauthorized);
    let err = env.send_err(&[ix::commit_curve(stranger.pubkey(), [0; 32])], &[&stranger]).await;
    assert_diem_err(err, DiemError::Unauthorized);
    for (start, len) in [(0u16, 0usize), (250, 8), (0, MAX_CURVE_CHUNK + 1), (u16::MAX, 1)] {
        let chunk: Vec<CurveEntry> = curve.iter().cycle().take(len).copied().collect();
        let err = as_authority(&mut env, ix::stage_curve(authority, start, &chunk)).await.unwrap_err();
        assert_diem_err(err, DiemError::CurveChunkOutOfRange);
    }
    let mut cases: Vec<(Vec<CurveEntry>, DiemError)> = vec![];
    let mut c = curve.clone();
    c[100].supply_bound = c[99].supply_bound;
    cases.push((c, DiemError::CurveBoundsNotIncreasing));
    let mut c = curve.clone();
    c.swap(10, 11);
    cases.push((c, DiemError::CurveBoundsNotIncreasing));
    let mut c = curve.clone();
    let lower = c[49].rate() - 1;
    c[50].set_rate(lower);
    cases.push((c, DiemError::CurveRatesDecreasing));
    let mut c = curve.clone();
    c[0].set_rate(0);
    cases.push((c, DiemError::CurveRateZero));
    let mut c = curve.clone();
    c[255].set_rate(MAX_RATE + 1);
    cases.push((c, DiemError::CurveRateAboveCap));
    for (bad, expected) in cases {
        let ixs = ix::replace_curve(authority, &bad);
        let (commit, chunks) = ixs.split_last().unwrap();
        for ix in chunks {
            as_authority(&mut env, ix.clone()).await.unwrap();
        }
        assert_diem_err(as_authority(&mut env, commit.clone()).await.unwrap_err(), expected);
    }
    // A curve whose cap is below the DIEM already outstanding would strand holders.
    env.open().await;
    let alice = env.user(100_000 * ONE_VVV).await;
    env.by(&alice).stake(100_000 * ONE_VVV, None).await.unwrap();
    let minted = env.by(&alice).mint(100_000 * ONE_VVV, 0).await.unwrap().return_u64();
    let tiny: Vec<CurveEntry> = (0..CURVE_LEN as u64).map(|i| CurveEntry::new(i + 1, 1)).collect();
    assert!(tiny[255].supply_bound < minted);
    // After the launch a curve is proposed; the proposal itself is refused.
    let err = env.by(&authority_key).propose_curve(&tiny).await.unwrap_err();
    assert_diem_err(err, DiemError::CurveBelowSupply);
    assert_eq!(env.config().await.curve_version, 1);
}

#[tokio::test]
async fn authority_moves_in_two_steps() {
    let mut env = Env::launched().await;
    let next = env.wallet().await;
    let stranger = env.wallet().await;
    let old = env.authority.pubkey();
    // Accepting with nothing proposed, or as someone not proposed, fails.
    assert_diem_err(
        env.send_err(&[ix::accept_authority(next.pubkey())], &[&next]).await,
        DiemError::NoPendingAuthority,
    );
    let ev: AuthorityProposed =
        as_authority(&mut env, ix::propose_authority(old, next.pubkey())).await.unwrap().event();
    assert_eq!((ev.authority, ev.proposed), (old, next.pubkey()));
    assert_diem_err(
        env.send_err(&[ix::accept_authority(stranger.pubkey())], &[&stranger]).await,
        DiemError::Unauthorized,
    );
    // An unaccepted proposal grants nothing.
    assert_diem_err(env.send_err(&[ix::set_pause(next.pubkey(), pause::ALL)], &[&next]).await, DiemError::Unauthorized);
    // Proposals can be withdrawn, then made again.
    as_authority(&mut env, ix::propose_authority(old, anchor_lang::prelude::Pubkey::default())).await.unwrap();
    assert_diem_err(
        env.send_err(&[ix::accept_authority(next.pubkey())], &[&next]).await,
        DiemError::NoPendingAuthority,
    );
    as_authority(&mut env, ix::propose_authority(old, next.pubkey())).await.unwrap();
    let ev: AuthorityTransferred = env.send(&[ix::accept_authority(next.pubkey())], &[&next]).await.unwrap().event();
    assert_eq!((ev.old, ev.new), (old, next.pubkey()));
    let config = env.config().await;
    assert_eq!((config.authority, config.pending_authority), (next.pubkey(), anchor_lang::prelude::Pubkey::default()));
    // The old authority is powerless; the new one acts.
    assert_diem_err(as_authority(&mut env, ix::set_pause(old, pause::ALL)).await.unwrap_err(), DiemError::Unauthorized);
    env.send(&[ix::set_pause(next.pubkey(), pause::MINT)], &[&next]).await.unwrap();
}

#[tokio::test]
async fn launch_sequence_commits_the_curve_while_minting_is_paused() {
    let mut env = Env::new().await;
    env.initialize(launch_params(), pause::LAUNCH_INFLOWS).await.unwrap();
    env.replace_curve(&launch_curve()).await.unwrap();
    // The launch ends with staking open and minting still paused until the announcement.
    let authority = env.authority.pubkey();
    as_authority(&mut env, ix::set_pause(authority, pause::MINT)).await.unwrap();
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    // The curve is live and quotable, but nobody can mint before the announcement.
    assert!(env.quote(90 * ONE_VVV).await.unwrap() > 0);
    assert_diem_err(env.by(&alice).mint(90 * ONE_VVV, 0).await.unwrap_err(), DiemError::OperationPaused);
    as_authority(&mut env, ix::set_pause(authority, 0)).await.unwrap();
    env.by(&alice).mint(90 * ONE_VVV, 0).await.unwrap();
    assert!(env.supply(pda::diem_mint()).await > 0);
}

/// The URI wallets read DIEM's description and logo from: only the authority changes it, a
/// longer one is paid for, too long is refused by name, and the event carries old and new.
#[tokio::test]
async fn the_metadata_uri_is_changed_by_the_authority_with_an_event() {
    use anchor_spl::token_2022::spl_token_2022::extension::{BaseStateWithExtensions, StateWithExtensions};
    use anchor_spl::token_2022::spl_token_2022::state::Mint;
    use anchor_spl::token_2022_extensions::spl_token_metadata_interface::state::TokenMetadata;
    use diem::events::MetadataUriUpdated;
    let mut env = Env::launched().await;
    let stranger = env.wallet().await;
    let authority = env.authority.pubkey();
    let uri_now = |data: &[u8]| {
        let mint = StateWithExtensions::<Mint>::unpack(data).unwrap();
        let metadata = mint.get_variable_len_extension::<TokenMetadata>().unwrap();
        (metadata.name, metadata.symbol, metadata.uri)
    };
    let before = uri_now(&env.account(pda::diem_mint()).await.unwrap().data);
    let err = env
        .send_err(&[ix::set_metadata_uri(stranger.pubkey(), "https://evil.example/x.json".into())], &[&stranger])
        .await;
    assert_diem_err(err, DiemError::Unauthorized);
    let long = format!("https://diem.example/{}", "m".repeat(MAX_URI_LEN - 21));
    assert_eq!(long.len(), MAX_URI_LEN);
    let ev: MetadataUriUpdated =
        as_authority(&mut env, ix::set_metadata_uri(authority, long.clone())).await.unwrap().event();
    assert_eq!((ev.old_uri.as_str(), ev.new_uri.as_str()), (before.2.as_str(), long.as_str()));
    let mint = env.account(pda::diem_mint()).await.unwrap();
    assert_eq!(uri_now(&mint.data), (before.0.clone(), before.1.clone(), long.clone()));
    assert!(mint.lamports >= anchor_lang::prelude::Rent::default().minimum_balance(mint.data.len()));
    let err = as_authority(&mut env, ix::set_metadata_uri(authority, long.clone() + "x")).await.unwrap_err();
    assert_diem_err(err, DiemError::UriTooLong);
    // Shorter again: Token-2022 shrinks the account.
    let short = "https://diem.example/metadata/diem.json".to_string();
    as_authority(&mut env, ix::set_metadata_uri(authority, short.clone())).await.unwrap();
    assert_eq!(uri_now(&env.account(pda::diem_mint()).await.unwrap().data).2, short);
}
