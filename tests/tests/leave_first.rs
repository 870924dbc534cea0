//! Every holder can leave first (SPEC §8): the change delay covers the slowest exit (unstake
//! DIEM, burn, unstake sVVV, and a day to spare) in every state the pending changes can
//! produce; the launch is a one-way phase; a longer delay voids a pending shorter one; a pending
//! curve change freezes the staged table. Each hostile sequence of the issue is a test here.
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{ChangeApplied, ChangeCancelled, ChangeProposed, Launched};
use diem::state::{Change, CurveEntry};
use diem_client::ix;
use diem_tests::*;
use solana_signer::Signer;

const DAY: i64 = SECONDS_PER_DAY;

/// A launched env with Alice staked and the reserve funded.
async fn live() -> (Env, User) {
    let mut env = Env::launched().await;
    let alice = env.user(100_000 * ONE_VVV).await;
    let funder = env.user(1_000_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(1_000_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(40_000 * ONE_VVV, None).await.unwrap();
    (env, alice)
}

/// The launch delay is exactly the slowest exit plus a day: sVVV cooldown + DIEM cooldown + 1 day.
#[tokio::test]
async fn the_launch_delay_covers_the_slowest_exit() {
    let mut env = Env::launched().await;
    let p = launch_params();
    let delay = env.reader().governance().await.unwrap().change_delay;
    assert_eq!(delay, p.svvv_cooldown_secs + p.diem_cooldown_secs + DAY);
    assert_eq!(delay, 9 * DAY);
    // `initialize` refuses a delay a second shorter.
    let mut fresh = Env::new().await;
    let mut args = fresh.initialize_args(launch_params(), pause::LAUNCH_INFLOWS);
    args.change_delay_secs = delay - 1;
    let d = fresh.deployment;
    let deployer = fresh.deployer.insecure_clone();
    let err = fresh.send(&[ix::initialize(deployer.pubkey(), &d, fresh.treasury, args)], &[&deployer]).await;
    assert_diem_err(err.unwrap_err(), DiemError::ChangeDelayOutOfBounds);
}

/// The chained attack of the issue: a DIEM cooldown raised past the delay, then hostile changes
/// applying while a staked minter is still inside. Every link is refused.
#[tokio::test]
async fn a_cooldown_cannot_outgrow_the_delay_alone_or_with_other_pending_changes() {
    let (mut env, _alice) = live().await;
    let authority = env.authority.insecure_clone();
    // Day 0: a 90-day DIEM cooldown (accepted by the old rule) is refused; so is a single extra
    // day on either cooldown, at the 9-day delay.
    for change in [
        Change::DiemCooldown { secs: 90 * DAY },
        Change::DiemCooldown { secs: 2 * DAY },
        Change::SvvvCooldown { secs: 8 * DAY },
    ] {
        let err = env.by(&authority).propose_change(change).await.unwrap_err();
        assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
    }
    // With a 10-day delay (raised at once, in public view) either may grow by a day, but not
    // both: the second proposal counts the first as if it had applied.
    env.by(&authority).propose_change(Change::ChangeDelay { secs: 10 * DAY }).await.unwrap();
    env.by(&authority).propose_change(Change::SvvvCooldown { secs: 8 * DAY }).await.unwrap();
    let err = env.by(&authority).propose_change(Change::DiemCooldown { secs: 2 * DAY }).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
    // Nor may the delay be lowered below what the pending sVVV cooldown needs.
    let err = env.by(&authority).propose_change(Change::ChangeDelay { secs: 9 * DAY }).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
    // Once the sVVV change is cancelled, the DIEM one fits again.
    env.by(&authority).cancel_change(3).await.unwrap();
    env.by(&authority).propose_change(Change::DiemCooldown { secs: 2 * DAY }).await.unwrap();
    // A pending lowering of the delay and a pending cooldown raise cannot both be queued either.
    let err = env.by(&authority).propose_change(Change::ChangeDelay { secs: 9 * DAY }).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
}

/// The slowest exit, at the launch defaults: a minter whose DIEM is staked starts to leave when
/// a hostile change is announced (treasury shares to 100 %, a near-free curve), and has every VVV
/// back a day before anything applies.
#[tokio::test]
async fn a_staked_minter_who_leaves_at_the_announcement_is_out_a_day_early() {
    let (mut env, _alice) = live().await;
    let authority = env.authority.insecure_clone();
    let minter = env.user(50_000 * ONE_VVV).await;
    env.by(&minter).stake(50_000 * ONE_VVV, None).await.unwrap();
    let minted = env.by(&minter).mint(9_000 * ONE_VVV, 0).await.unwrap().return_u64();
    env.by(&minter).stake_diem(minted, None).await.unwrap();
    env.advance(DAY).await;
    // The announcement.
    let shares: ChangeProposed = env
        .by(&authority)
        .propose_change(Change::TreasuryShares { unlocked_bps: 10_000, locked_bps: 10_000 })
        .await
        .unwrap()
        .event();
    let cheap: Vec<CurveEntry> = launch_curve().iter().map(|e| CurveEntry::new(e.supply_bound, 1)).collect();
    env.by(&authority).propose_curve(&cheap).await.unwrap();
    let announced = env.now().await;
    // The slowest exit: unstake DIEM (1 day), burn, claim, unstake sVVV (7 days), finalize.
    env.by(&minter).unstake_diem(minted, None).await.unwrap();
    env.advance(launch_params().diem_cooldown_secs).await;
    env.by(&minter).finalize_oldest_diem_unstake().await.unwrap();
    env.by(&minter).burn(minted).await.unwrap();
    env.by(&minter).claim().await.unwrap();
    env.by(&minter).unstake(50_000 * ONE_VVV).await.unwrap();
    env.advance(launch_params().svvv_cooldown_secs).await;
    env.by(&minter).finalize_oldest_unstake().await.unwrap();
    let out_at = env.now().await;
    assert!(env.balance(minter.vvv).await >= 50_000 * ONE_VVV, "every VVV back, with rewards");
    assert_eq!(env.position(&minter.pubkey()).await.unwrap().balances.active, 0);
    // Out a whole day before the eta, and nothing has applied.
    assert!(shares.eta - out_at >= DAY, "out at {out_at}, eta {}", shares.eta);
    assert_eq!(shares.eta - announced, 9 * DAY);
    for kind in [1u8, 5] {
        assert_diem_err(env.anyone().apply_change(kind).await.unwrap_err(), DiemError::ChangeNotDue);
    }
    assert_eq!(env.config().await.params, launch_params());
}

/// During the launch nobody but the authority acts; the authority's changes apply at once;
/// `initialize` with an inflow open is refused.
#[tokio::test]
async fn during_the_launch_only_the_authority_acts() {
    let mut fresh = Env::new().await;
    for paused in [0, pause::MINT, pause::STAKE | pause::MINT] {
        let err = fresh.initialize(launch_params(), paused).await.unwrap_err();
        assert_diem_err(err, DiemError::LaunchMustStartPaused);
    }
    let mut env = Env::in_launch(Env::new().await).await;
    let authority = env.authority.insecure_clone();
    let stranger = env.user(1_000 * ONE_VVV).await;
    assert_diem_err(env.by(&stranger).stake(ONE_VVV, None).await.unwrap_err(), DiemError::OperationPaused);
    let other = stranger.pubkey();
    let err = env.by(&stranger).stake(ONE_VVV, Some(other)).await.unwrap_err();
    assert_diem_err(err, DiemError::OperationPaused);
    assert_diem_err(env.by(&stranger).stake_diem(ONE_DIEM, None).await.unwrap_err(), DiemError::OperationPaused);
    // Nobody holds a position to mint against: none can be opened while staking is paused.
    let err = env.by(&stranger).mint(ONE_VVV, 0).await.unwrap_err();
    assert_anchor_err(err, anchor_lang::error::ErrorCode::AccountNotInitialized);
    assert_diem_err(env.by(&stranger).fund_rewards(ONE_VVV).await.unwrap_err(), DiemError::LaunchInProgress);
    // The authority funds, sets parameters and proposes, all at once.
    let funder = env.user_with_key(authority.insecure_clone(), 10 * ONE_VVV).await;
    env.by(&funder).fund_rewards(ONE_VVV).await.unwrap();
    let ev: ChangeApplied = env.by(&authority).propose_change(Change::EmissionRate { rate: 3 }).await.unwrap().event();
    assert!(ev.immediate);
    // Pausing claim-and-stake on top keeps the launch on; only an inflow opened ends it.
    env.by(&authority).set_pause(pause::ALL).await.unwrap();
    assert!(env.config().await.in_launch());
    let out = env.by(&authority).set_pause(pause::STAKE_DIEM | pause::CLAIM_AND_STAKE).await.unwrap();
    let launched: Launched = out.event();
    assert_eq!(launched.paused, pause::STAKE_DIEM | pause::CLAIM_AND_STAKE);
    assert!(!env.config().await.in_launch());
    env.by(&stranger).stake(ONE_VVV, None).await.unwrap();
}

/// The launch ends once: after stake → unstake → finalize every total is zero again, yet a
/// harmful change is queued, the launch-only instructions stay refused, and pausing everything
/// again does not bring the launch back. Observed on the old binary: applied at once.
#[tokio::test]
async fn the_launch_never_comes_back() {
    let mut env = Env::launched().await;
    let authority = env.authority.insecure_clone();
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(ONE_VVV, None).await.unwrap();
    env.by(&alice).unstake(ONE_VVV).await.unwrap();
    env.advance(launch_params().svvv_cooldown_secs).await;
    env.by(&alice).finalize_oldest_unstake().await.unwrap();
    env.by(&authority).set_pause(pause::ALL).await.unwrap();
    let pool = env.config().await.pool;
    assert_eq!((pool.total_active, pool.total_cooldown, pool.outstanding_diem), (0, 0, 0));
    let out = env
        .by(&authority)
        .propose_change(Change::TreasuryShares { unlocked_bps: 10_000, locked_bps: 10_000 })
        .await
        .unwrap();
    let ev: ChangeProposed = out.event();
    assert_eq!(ev.eta - ev.proposed_at, 9 * DAY);
    assert!(out.events_of::<ChangeApplied>().is_empty());
    let mut params = launch_params();
    params.emission_rate = 1;
    assert_diem_err(env.by(&authority).set_params(params).await.unwrap_err(), DiemError::ChangeMustBeProposed);
    assert_diem_err(
        env.by(&authority).replace_curve(&launch_curve()).await.unwrap_err(),
        DiemError::ChangeMustBeProposed,
    );
    // Re-opening emits no second `Launched`.
    let out = env.by(&authority).set_pause(0).await.unwrap();
    assert!(out.events_of::<Launched>().is_empty());
    assert_eq!(env.event_log.iter().filter(|e| e.name() == "Launched").count(), 1);
}

/// The first staker cannot be front-run: once the inflows open, a harmful change announced in
/// the same moment is queued for the whole delay, so the staker can see it and leave.
#[tokio::test]
async fn the_first_staker_cannot_be_front_run() {
    let mut env = Env::in_launch(Env::new().await).await;
    let authority = env.authority.insecure_clone();
    env.open().await;
    let staker = env.user(1_000 * ONE_VVV).await;
    let ev: ChangeProposed = env.by(&authority).propose_change(Change::EmissionRate { rate: 0 }).await.unwrap().event();
    env.by(&staker).stake(1_000 * ONE_VVV, None).await.unwrap();
    assert!(ev.eta - env.now().await >= launch_params().svvv_cooldown_secs + DAY);
    let err = env.by(&authority).propose_change(Change::SvvvCooldown { secs: 90 * DAY }).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
    env.by(&staker).unstake(1_000 * ONE_VVV).await.unwrap();
    env.advance(launch_params().svvv_cooldown_secs).await;
    env.by(&staker).finalize_oldest_unstake().await.unwrap();
    assert_diem_err(env.anyone().apply_change(0).await.unwrap_err(), DiemError::ChangeNotDue);
    assert_eq!(env.balance(staker.vvv).await, 1_000 * ONE_VVV);
}

/// Raising the delay voids a pending lowering, with a `ChangeCancelled`; the old lowering can
/// never apply afterwards.
#[tokio::test]
async fn raising_the_delay_voids_a_pending_lowering() {
    let (mut env, _alice) = live().await;
    let authority = env.authority.insecure_clone();
    env.by(&authority).propose_change(Change::ChangeDelay { secs: 20 * DAY }).await.unwrap();
    let lowering: ChangeProposed =
        env.by(&authority).propose_change(Change::ChangeDelay { secs: 10 * DAY }).await.unwrap().event();
    let out = env.by(&authority).propose_change(Change::ChangeDelay { secs: 30 * DAY }).await.unwrap();
    let raised: ChangeApplied = out.event();
    assert!(raised.immediate);
    let voided: ChangeCancelled = out.event();
    assert_eq!((voided.kind, voided.change), (6, lowering.change));
    assert!(env.reader().pending_changes().await.unwrap().is_empty());
    env.advance(30 * DAY).await;
    assert_diem_err(env.anyone().apply_change(6).await.unwrap_err(), DiemError::NoPendingChange);
    assert_eq!(env.reader().governance().await.unwrap().change_delay, 30 * DAY);
}

/// A pending curve change binds the staged table: restaging or clearing it is refused until the
/// change is cancelled (before, a restage voided the change silently at apply time).
#[tokio::test]
async fn a_pending_curve_change_freezes_the_staged_table() {
    let (mut env, _alice) = live().await;
    let authority = env.authority.insecure_clone();
    let cheaper: Vec<CurveEntry> =
        launch_curve().iter().map(|e| CurveEntry::new(e.supply_bound, (e.rate() / 2).max(1))).collect();
    env.by(&authority).propose_curve(&cheaper).await.unwrap();
    let restage = ix::stage_curve(authority.pubkey(), 0, &launch_curve()[..MAX_CURVE_CHUNK]);
    assert_diem_err(env.send(&[restage], &[&authority]).await.unwrap_err(), DiemError::CurveChangePending);
    let clear = ix::clear_curve_staging(authority.pubkey());
    assert_diem_err(env.send(&[clear.clone()], &[&authority]).await.unwrap_err(), DiemError::CurveChangePending);
    assert_diem_err(
        env.by(&authority).propose_curve(&launch_curve()).await.unwrap_err(),
        DiemError::CurveChangePending,
    );
    // Applied after the delay, it is exactly the table proposed.
    env.advance(9 * DAY).await;
    env.anyone().apply_change(5).await.unwrap();
    assert_eq!(env.reader().curve().await.unwrap(), cheaper);
    // With nothing pending, staging is open again; after a cancellation too.
    env.by(&authority).propose_curve(&launch_curve()).await.unwrap();
    env.by(&authority).cancel_change(5).await.unwrap();
    env.send(&[clear], &[&authority]).await.unwrap();
}
