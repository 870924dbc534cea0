//! DIEM staking for inference credit (SPEC §7): stake, the single restarting cooldown bucket,
//! cancel and finalize.
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{DiemStaked, DiemUnstakeCancelled, DiemUnstakeFinalized, DiemUnstakeInitiated};
use diem_client::{ix, pda};
use diem_tests::*;
use solana_signer::Signer;

/// A launched bank where Alice minted DIEM and Bob bought some from her without ever minting.
async fn env_with_diem() -> (Env, User, User, u64) {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    let bob = env.user(0).await;
    env.by(&alice).stake(10_000 * ONE_VVV, None).await.unwrap();
    let minted = env.by(&alice).mint(9_000 * ONE_VVV, 0).await.unwrap().return_u64();
    env.transfer_diem(&alice, &bob, 10 * ONE_DIEM).await;
    (env, alice, bob, minted)
}

#[tokio::test]
async fn staking_diem_needs_no_minting_and_counts_at_once() {
    let (mut env, _alice, bob, _) = env_with_diem().await;
    let now = env.now().await;
    let ev: DiemStaked = env.by(&bob).stake_diem(4 * ONE_DIEM).await.unwrap().event();
    assert_eq!((ev.owner, ev.amount, ev.timestamp, ev.stake.staked), (bob.pubkey(), 4 * ONE_DIEM, now, 4 * ONE_DIEM));
    assert_eq!(ev.pool.total_diem_staked, 4 * ONE_DIEM);
    assert_eq!(env.balance(bob.diem).await, 6 * ONE_DIEM);
    assert_eq!(env.balance(pda::diem_vault()).await, 4 * ONE_DIEM);
    assert!(env.position(&bob.pubkey()).await.is_none(), "no sVVV position was needed");
    let ev: DiemStaked = env.by(&bob).stake_diem(6 * ONE_DIEM).await.unwrap().event();
    assert_eq!(ev.stake.staked, 10 * ONE_DIEM);
}

#[tokio::test]
async fn the_bucket_adds_up_and_its_timer_restarts() {
    let (mut env, _alice, bob, _) = env_with_diem().await;
    env.by(&bob).stake_diem(10 * ONE_DIEM).await.unwrap();
    let t0 = env.now().await;
    let ev: DiemUnstakeInitiated = env.by(&bob).unstake_diem(3 * ONE_DIEM).await.unwrap().event();
    assert_eq!(
        (ev.cooldown_end, ev.stake.staked, ev.stake.cooldown_amount),
        (t0 + SECONDS_PER_DAY, 7 * ONE_DIEM, 3 * ONE_DIEM)
    );
    env.advance(SECONDS_PER_DAY / 2).await;
    let ev: DiemUnstakeInitiated = env.by(&bob).unstake_diem(2 * ONE_DIEM).await.unwrap().event();
    let restarted = t0 + SECONDS_PER_DAY / 2 + SECONDS_PER_DAY;
    assert_eq!((ev.cooldown_end, ev.stake.staked, ev.stake.cooldown_amount), (restarted, 5 * ONE_DIEM, 5 * ONE_DIEM));
    assert_eq!((ev.pool.total_diem_staked, ev.pool.total_diem_cooldown), (5 * ONE_DIEM, 5 * ONE_DIEM));
    // The first request's day has passed, but the restarted timer has not.
    env.advance(SECONDS_PER_DAY / 2 + 1).await;
    assert_diem_err(env.by(&bob).finalize_diem_unstake().await.unwrap_err(), DiemError::CooldownNotElapsed);
    env.advance(SECONDS_PER_DAY / 2 - 1).await;
    let ev: DiemUnstakeFinalized = env.by(&bob).finalize_diem_unstake().await.unwrap().event();
    assert_eq!((ev.amount, ev.destination, ev.stake.cooldown_amount), (5 * ONE_DIEM, bob.diem, 0));
    assert_eq!(env.balance(bob.diem).await, 5 * ONE_DIEM);
    assert_diem_err(env.by(&bob).finalize_diem_unstake().await.unwrap_err(), DiemError::NoPendingUnstake);
}

#[tokio::test]
async fn cancel_returns_the_bucket_to_the_stake() {
    let (mut env, _alice, bob, _) = env_with_diem().await;
    env.by(&bob).stake_diem(10 * ONE_DIEM).await.unwrap();
    env.by(&bob).unstake_diem(10 * ONE_DIEM).await.unwrap();
    let ev: DiemUnstakeCancelled = env.by(&bob).cancel_diem_unstake().await.unwrap().event();
    assert_eq!(
        (ev.amount, ev.stake.staked, ev.stake.cooldown_amount, ev.stake.cooldown_end),
        (10 * ONE_DIEM, 10 * ONE_DIEM, 0, 0)
    );
    assert_diem_err(env.by(&bob).cancel_diem_unstake().await.unwrap_err(), DiemError::NoPendingUnstake);
}

#[tokio::test]
async fn diem_staking_misuse_is_refused_by_name() {
    let (mut env, alice, bob, _) = env_with_diem().await;
    assert_diem_err(env.by(&bob).stake_diem(0).await.unwrap_err(), DiemError::ZeroAmount);
    // Someone else's DIEM account; a VVV account; more than the wallet holds.
    let ix = ix::stake_diem(bob.pubkey(), alice.diem, 1);
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::TokenAccountNotOwned);
    let ix = ix::stake_diem(alice.pubkey(), alice.vvv, 1);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    assert!(env.by(&bob).stake_diem(10 * ONE_DIEM + 1).await.is_err());
    env.by(&bob).stake_diem(10 * ONE_DIEM).await.unwrap();
    env.by(&alice).stake_diem(ONE_DIEM).await.unwrap();
    // Unstaking more than staked, nothing, or someone else's stake.
    assert_diem_err(env.by(&bob).unstake_diem(10 * ONE_DIEM + 1).await.unwrap_err(), DiemError::InsufficientDiemStaked);
    assert_diem_err(env.by(&bob).unstake_diem(0).await.unwrap_err(), DiemError::ZeroAmount);
    let ix = swap_account(
        ix::initiate_diem_unstake(alice.pubkey(), 1),
        pda::diem_stake(&alice.pubkey()),
        pda::diem_stake(&bob.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::NotPositionOwner);
    let ix = unsign(ix::initiate_diem_unstake(bob.pubkey(), 1), bob.pubkey());
    assert_anchor_err(env.send_err(&[ix], &[]).await, anchor_lang::error::ErrorCode::AccountNotSigner);
    env.by(&bob).unstake_diem(10 * ONE_DIEM).await.unwrap();
    assert_diem_err(env.by(&bob).finalize_diem_unstake().await.unwrap_err(), DiemError::CooldownNotElapsed);
    env.advance(SECONDS_PER_DAY).await;
    let ix = swap_account(
        ix::finalize_diem_unstake(alice.pubkey(), alice.diem),
        pda::diem_stake(&alice.pubkey()),
        pda::diem_stake(&bob.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::NotPositionOwner);
    let ix = ix::finalize_diem_unstake(bob.pubkey(), bob.vvv);
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::WrongMint);
    // Bob may have the bucket paid to any DIEM account he names.
    let ix = ix::finalize_diem_unstake(bob.pubkey(), alice.diem);
    let before = env.balance(alice.diem).await;
    env.send(&[ix], &[&bob.key]).await.unwrap();
    assert_eq!(env.balance(alice.diem).await, before + 10 * ONE_DIEM);
}

#[tokio::test]
async fn paused_diem_staking_still_lets_everyone_out() {
    let (mut env, alice, bob, minted) = env_with_diem().await;
    env.by(&bob).stake_diem(10 * ONE_DIEM).await.unwrap();
    env.by(&bob).unstake_diem(4 * ONE_DIEM).await.unwrap();
    let authority = env.authority.insecure_clone();
    env.send(&[ix::set_pause(authority.pubkey(), pause::STAKE_DIEM)], &[&authority]).await.unwrap();
    assert_diem_err(env.by(&alice).stake_diem(ONE_DIEM).await.unwrap_err(), DiemError::OperationPaused);
    assert_diem_err(env.by(&bob).cancel_diem_unstake().await.unwrap_err(), DiemError::OperationPaused);
    env.by(&bob).unstake_diem(6 * ONE_DIEM).await.unwrap();
    env.advance(SECONDS_PER_DAY).await;
    env.by(&bob).finalize_diem_unstake().await.unwrap();
    assert_eq!(env.balance(bob.diem).await, 10 * ONE_DIEM);
    // Full exit of a minter who staked: unstake DIEM, burn, unstake sVVV, VVV back.
    env.send(&[ix::set_pause(authority.pubkey(), 0)], &[&authority]).await.unwrap();
    env.by(&alice).stake_diem(minted - 10 * ONE_DIEM).await.unwrap();
    env.send(&[ix::set_pause(authority.pubkey(), pause::ALL)], &[&authority]).await.unwrap();
    env.by(&alice).unstake_diem(minted - 10 * ONE_DIEM).await.unwrap();
    env.advance(SECONDS_PER_DAY).await;
    env.by(&alice).finalize_diem_unstake().await.unwrap();
    env.transfer_diem(&bob, &alice, 10 * ONE_DIEM).await;
    env.by(&alice).burn(minted).await.unwrap();
    env.by(&alice).unstake(10_000 * ONE_VVV).await.unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    env.by(&alice).finalize_unstake().await.unwrap();
    assert_eq!(env.balance(alice.vvv).await, 10_000 * ONE_VVV);
}
