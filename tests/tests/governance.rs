//! Predictable governance (SPEC §8): no change that can hurt a user takes effect before that
//! user can leave. The hostile sequences of the governance issue, each as a test: a user who
//! exits before the change's eta is unaffected; one who stays sees the change only after it.
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{ChangeApplied, ChangeProposed};
use diem::state::{Change, CurveEntry};
use diem_client::{ix, pda};
use diem_tests::*;
use solana_signer::Signer;

/// A launched env past the launch: Alice and Bob staked, rewards funded.
async fn live() -> (Env, User, User) {
    let mut env = Env::launched().await;
    let alice = env.user(100_000 * ONE_VVV).await;
    let bob = env.user(100_000 * ONE_VVV).await;
    let funder = env.user(5_000_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(5_000_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(40_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(40_000 * ONE_VVV, None).await.unwrap();
    (env, alice, bob)
}

async fn delay(env: &mut Env) -> i64 {
    env.reader().governance().await.unwrap().change_delay
}

/// (a) Take the reserve: treasury to the authority's own account, both shares to 100 %, the
/// emission rate to its cap, wait, pay the treasury. Queued, none of it applies before the
/// delay, by which time a user who started to leave has their VVV and rewards back.
#[tokio::test]
async fn a_hostile_authority_cannot_take_the_reserve_before_users_leave() {
    let (mut env, alice, bob) = live().await;
    let authority = env.authority.insecure_clone();
    let d = env.deployment;
    let own = env.token_account(d.vvv_mint, authority.pubkey(), d.vvv_token_program).await;
    for change in [
        Change::Treasury { account: own },
        Change::TreasuryShares { unlocked_bps: 10_000, locked_bps: 10_000 },
        Change::EmissionRate { rate: MAX_EMISSION_RATE },
    ] {
        let ev: ChangeProposed = env.by(&authority).propose_change(change).await.unwrap().event();
        assert_eq!(ev.eta - ev.proposed_at, delay(&mut env).await);
    }
    // Before the eta nothing applies, and the parameters are unchanged.
    for kind in [0u8, 1, 2] {
        assert_diem_err(env.anyone().apply_change(kind).await.unwrap_err(), DiemError::ChangeNotDue);
    }
    assert_eq!(env.config().await.params, launch_params());
    // Alice disagrees and leaves at once: claim, unstake, finalize after the sVVV cooldown.
    env.advance(60).await;
    env.by(&alice).claim().await.unwrap();
    env.by(&alice).unstake(40_000 * ONE_VVV).await.unwrap();
    env.advance(launch_params().svvv_cooldown_secs).await;
    env.by(&alice).finalize_oldest_unstake().await.unwrap();
    assert_diem_err(env.anyone().apply_change(0).await.unwrap_err(), DiemError::ChangeNotDue);
    let alice_out = env.balance(alice.vvv).await;
    // The delay passes; anyone applies the changes; the treasury takes what emissions remain.
    let remaining = delay(&mut env).await - 60 - launch_params().svvv_cooldown_secs;
    env.advance(remaining).await;
    for kind in [2u8, 1, 0] {
        let ev: ChangeApplied = env.anyone().apply_change(kind).await.unwrap().event();
        assert!(!ev.immediate);
    }
    env.advance(SECONDS_PER_DAY).await;
    env.anyone().pay_treasury().await.unwrap();
    // Alice kept everything she took out; Bob, who stayed, earned at the old rules until the eta.
    assert_eq!(env.balance(alice.vvv).await, alice_out);
    assert!(alice_out > 100_000 * ONE_VVV, "{alice_out}: her stake and the rewards she earned, all back");
    let bob_pending = env.reader().position_report(&bob.pubkey()).await.unwrap().pending_rewards;
    assert!(bob_pending > 0, "Bob earned until the change applied");
    assert!(env.balance(own).await > 0, "after the eta the change did apply");
}

/// (b) Exit first: cooldown to 0, unstake and finalize, restore 7 days. The cooldown change is
/// queued, so the authority waits like everyone else.
#[tokio::test]
async fn a_hostile_authority_cannot_exit_before_everyone_else() {
    let (mut env, alice, _bob) = live().await;
    let authority_user = env.user_with_key(env.authority.insecure_clone(), 10_000 * ONE_VVV).await;
    env.by(&authority_user).stake(10_000 * ONE_VVV, None).await.unwrap();
    let authority = env.authority.insecure_clone();
    // Setting the cooldown at once is refused after the launch.
    let mut params = launch_params();
    params.svvv_cooldown_secs = 0;
    let err = env.send(&[ix::set_params(authority.pubkey(), params)], &[&authority]).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeMustBeProposed);
    // Proposed instead: the authority's own unstake still takes 7 days.
    env.by(&authority).propose_change(Change::SvvvCooldown { secs: 0 }).await.unwrap();
    env.by(&authority_user).unstake(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).unstake(40_000 * ONE_VVV).await.unwrap();
    assert_diem_err(env.by(&authority_user).finalize_oldest_unstake().await.unwrap_err(), DiemError::CooldownNotElapsed);
    assert_diem_err(env.anyone().apply_change(3).await.unwrap_err(), DiemError::ChangeNotDue);
    // Both leave together, after the same 7 days; the change applies only once the delay (the
    // slowest exit plus a day) has passed.
    env.advance(launch_params().svvv_cooldown_secs).await;
    env.by(&alice).finalize_oldest_unstake().await.unwrap();
    env.by(&authority_user).finalize_oldest_unstake().await.unwrap();
    assert_diem_err(env.anyone().apply_change(3).await.unwrap_err(), DiemError::ChangeNotDue);
    let rest = delay(&mut env).await - launch_params().svvv_cooldown_secs;
    env.advance(rest).await;
    env.anyone().apply_change(3).await.unwrap();
    assert_eq!(env.config().await.params.svvv_cooldown_secs, 0);
}

/// (c) Dilute: a curve with near-zero rates, then mint. The curve is proposed by hash and goes
/// live only after the delay; until then mints use the old curve, and DIEM holders can leave.
#[tokio::test]
async fn a_hostile_authority_cannot_dilute_before_holders_leave() {
    let (mut env, alice, _bob) = live().await;
    let authority = env.authority.insecure_clone();
    let minted = env.by(&alice).mint(9_000 * ONE_VVV, 0).await.unwrap().return_u64();
    let cheap: Vec<CurveEntry> = launch_curve().iter().map(|e| CurveEntry::new(e.supply_bound, 1)).collect();
    // Committing it at once is refused after the launch.
    let mut ixs = ix::replace_curve(authority.pubkey(), &cheap);
    let commit = ixs.pop().unwrap();
    for ix in ixs {
        env.send(&[ix], &[&authority]).await.unwrap();
    }
    assert_diem_err(env.send(&[commit], &[&authority]).await.unwrap_err(), DiemError::ChangeMustBeProposed);
    env.by(&authority).propose_curve(&cheap).await.unwrap();
    // Until the eta a mint pays the old rates (about 90 sVVV per DIEM).
    let quote_now = env.quote(90 * ONE_VVV).await.unwrap();
    assert!(quote_now <= ONE_DIEM, "{quote_now}");
    // Alice burns her DIEM and leaves with her sVVV before the curve goes live.
    env.by(&alice).burn(minted).await.unwrap();
    assert_eq!(env.position(&alice.pubkey()).await.unwrap().balances.locked, 0);
    let wait = delay(&mut env).await;
    env.advance(wait).await;
    env.anyone().apply_change(5).await.unwrap();
    assert_eq!(env.reader().curve().await.unwrap(), cheap);
    // Now 0.000001 VVV buys what 90 VVV bought before the change.
    assert!(env.quote(1).await.unwrap() >= quote_now);
}

/// Applying early, cancelling, replacing, the permissionless apply and the launch: each by name.
#[tokio::test]
async fn changes_are_queued_replaced_cancelled_and_applied_by_anyone() {
    let (mut env, alice, _bob) = live().await;
    let authority = env.authority.insecure_clone();
    let first: ChangeProposed =
        env.by(&authority).propose_change(Change::DiemCooldown { secs: 3_600 }).await.unwrap().event();
    assert!(!first.replaced);
    assert_diem_err(env.by(&alice).apply_change(4).await.unwrap_err(), DiemError::ChangeNotDue);
    // A new proposal of the same kind replaces it and restarts the clock.
    env.advance(SECONDS_PER_DAY).await;
    let second: ChangeProposed =
        env.by(&authority).propose_change(Change::DiemCooldown { secs: 7_200 }).await.unwrap().event();
    assert!(second.replaced);
    assert_eq!(second.eta, first.eta + SECONDS_PER_DAY);
    assert_eq!(env.reader().pending_changes().await.unwrap().len(), 1);
    // At the first proposal's eta the replacement is not due yet; a day later it is.
    env.advance(first.eta - first.proposed_at - SECONDS_PER_DAY).await;
    assert_diem_err(env.by(&alice).apply_change(4).await.unwrap_err(), DiemError::ChangeNotDue);
    env.advance(SECONDS_PER_DAY).await;
    // Anyone applies it once due: Alice, who is not the authority.
    env.by(&alice).apply_change(4).await.unwrap();
    assert_eq!(env.config().await.params.diem_cooldown_secs, 7_200);
    assert_diem_err(env.by(&alice).apply_change(4).await.unwrap_err(), DiemError::NoPendingChange);
    // Cancelled: only by the authority, and then nothing is pending.
    env.by(&authority).propose_change(Change::EmissionRate { rate: 7 }).await.unwrap();
    assert_diem_err(env.by(&alice).cancel_change(0).await.unwrap_err(), DiemError::Unauthorized);
    assert_diem_err(
        env.by(&alice).propose_change(Change::EmissionRate { rate: 8 }).await.unwrap_err(),
        DiemError::Unauthorized,
    );
    env.by(&authority).cancel_change(0).await.unwrap();
    env.advance(30 * SECONDS_PER_DAY).await;
    assert_diem_err(env.by(&alice).apply_change(0).await.unwrap_err(), DiemError::NoPendingChange);
    assert_diem_err(env.by(&alice).apply_change(16).await.unwrap_err(), DiemError::UnknownChangeKind);
    // Bounds are checked at proposal time and again when applied.
    let err = env
        .by(&authority)
        .propose_change(Change::TreasuryShares { unlocked_bps: 10_001, locked_bps: 0 })
        .await
        .unwrap_err();
    assert_diem_err(err, DiemError::ShareOutOfBounds);
    let err = env.by(&authority).propose_change(Change::Treasury { account: pda::vvv_vault() }).await.unwrap_err();
    assert_diem_err(err, DiemError::DestinationIsVault);
}

/// The delay: at least the slowest exit plus a day; raising it applies at once, lowering it is
/// queued; a longer cooldown cannot outgrow it.
#[tokio::test]
async fn the_change_delay_only_shrinks_after_the_delay() {
    let (mut env, _alice, _bob) = live().await;
    let authority = env.authority.insecure_clone();
    let delay0 = delay(&mut env).await;
    let p = launch_params();
    assert_eq!(delay0, p.svvv_cooldown_secs + p.diem_cooldown_secs + SECONDS_PER_DAY);
    let ev: ChangeApplied =
        env.by(&authority).propose_change(Change::ChangeDelay { secs: 20 * SECONDS_PER_DAY }).await.unwrap().event();
    assert!(ev.immediate);
    assert_eq!(delay(&mut env).await, 20 * SECONDS_PER_DAY);
    let ev: ChangeProposed =
        env.by(&authority).propose_change(Change::ChangeDelay { secs: delay0 }).await.unwrap().event();
    assert_eq!(ev.eta - ev.proposed_at, 20 * SECONDS_PER_DAY);
    let err = env.by(&authority).propose_change(Change::ChangeDelay { secs: SECONDS_PER_DAY }).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
    let err = env.by(&authority).propose_change(Change::SvvvCooldown { secs: 30 * SECONDS_PER_DAY }).await.unwrap_err();
    assert_diem_err(err, DiemError::ChangeDelayOutOfBounds);
    env.advance(20 * SECONDS_PER_DAY).await;
    env.anyone().apply_change(6).await.unwrap();
    assert_eq!(delay(&mut env).await, delay0);
}

/// The launch stays immediate until it ends: initialize (every inflow paused) → stage →
/// commit → change parameters at once → open the inflows; then only pausing and unpausing are.
#[tokio::test]
async fn the_launch_applies_changes_at_once() {
    let mut env = Env::new().await;
    env.initialize(launch_params(), pause::LAUNCH_INFLOWS).await.unwrap();
    env.replace_curve(&launch_curve()).await.unwrap();
    let authority = env.authority.insecure_clone();
    let ev: ChangeApplied =
        env.by(&authority).propose_change(Change::EmissionRate { rate: 5 * ONE_VVV }).await.unwrap().event();
    assert!(ev.immediate);
    assert_eq!(env.config().await.params.emission_rate, 5 * ONE_VVV);
    let mut params = launch_params();
    params.diem_cooldown_secs = 60;
    env.by(&authority).set_params(params).await.unwrap();
    assert!(env.reader().pending_changes().await.unwrap().is_empty());
    env.by(&authority).set_pause(0).await.unwrap();
    // Pausing and unpausing stay immediate after the launch too.
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(ONE_VVV, None).await.unwrap();
    env.by(&authority).set_pause(pause::STAKE).await.unwrap();
    assert_diem_err(env.by(&alice).stake(ONE_VVV, None).await.unwrap_err(), DiemError::OperationPaused);
    env.by(&authority).set_pause(0).await.unwrap();
    env.by(&alice).stake(ONE_VVV, None).await.unwrap();
    // The replayed events give the same parameters.
    let ledger = diem_client::ledger::Ledger::replay(&env.event_log).unwrap();
    assert_eq!(ledger.params, Some(env.config().await.params));
    assert!(ledger.launched);
}
