//! Minting DIEM on the curve (lock sVVV) and burning it (unlock), SPEC §5–6.
use diem::constants::*;
use diem::errors::DiemError;
use diem::events::{DiemBurned, DiemMinted};
use diem::state::CurveEntry;
use diem_client::curve::{CurveParams, generate_curve, quote_mint};
use diem_client::{ix, pda};
use diem_tests::*;

fn launch_curve() -> Vec<CurveEntry> {
    generate_curve(&CurveParams::LAUNCH, VVV_DECIMALS).unwrap()
}

/// 256 buckets of `step` DIEM base units at a flat `rate`.
fn flat_curve(step: u64, rate: u128) -> Vec<CurveEntry> {
    (0..CURVE_LEN as u64).map(|i| CurveEntry::new(step * (i + 1), rate)).collect()
}

#[tokio::test]
async fn mint_locks_svvv_and_mints_the_quoted_diem() {
    let mut env = Env::launched().await;
    let alice = env.user(100_000 * ONE_VVV).await;
    env.by(&alice).stake(100_000 * ONE_VVV, None).await.unwrap();
    let lock = 50_000 * ONE_VVV;
    let expected = quote_mint(&launch_curve(), 0, lock).unwrap();
    assert_eq!(env.quote(lock).await.unwrap(), expected.diem_out);
    let out = env.by(&alice).mint(lock, expected.diem_out).await.unwrap();
    assert_eq!(out.return_u64(), expected.diem_out);
    let ev: DiemMinted = out.event();
    assert_eq!(
        (ev.owner, ev.destination, ev.svvv_locked, ev.diem_out),
        (alice.pubkey(), alice.diem, lock, expected.diem_out)
    );
    assert_eq!((ev.supply_before, ev.marginal_rate), (0, expected.marginal_rate));
    assert_eq!((ev.position.locked, ev.position.outstanding_diem), (lock, expected.diem_out));
    assert_eq!((ev.pool.total_locked, ev.pool.outstanding_diem), (lock, expected.diem_out));
    assert_eq!(env.balance(alice.diem).await, expected.diem_out);
    assert_eq!(env.supply(pda::diem_mint()).await, expected.diem_out);
    // 50,000 VVV at ~90/DIEM buys about 555 DIEM, crossing the first 500-DIEM bucket.
    assert!(expected.buckets_filled >= 1 && expected.diem_out > 550 * ONE_DIEM && expected.diem_out < 556 * ONE_DIEM);
    // The next quote starts from the new supply and is at a higher rate.
    let next = quote_mint(&launch_curve(), expected.diem_out, lock).unwrap();
    assert_eq!(env.quote(lock).await.unwrap(), next.diem_out);
    assert!(next.diem_out < expected.diem_out);
}

#[tokio::test]
async fn a_lock_crossing_many_buckets_matches_the_client_quote() {
    let mut env = Env::launched().await;
    let whale = env.user(u64::MAX / 4).await;
    env.by(&whale).stake(u64::MAX / 4, None).await.unwrap();
    // 5,000,000 VVV reaches far up the curve (tens of buckets).
    let lock = 5_000_000 * ONE_VVV;
    let expected = quote_mint(&launch_curve(), 0, lock).unwrap();
    assert!(expected.buckets_filled > 50, "crossed {}", expected.buckets_filled);
    let out = env.by(&whale).mint(lock, 0).await.unwrap();
    assert_eq!(out.return_u64(), expected.diem_out);
}

#[tokio::test]
async fn mint_misuse_is_refused_by_name() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(1_000 * ONE_VVV, None).await.unwrap();
    assert_diem_err(env.by(&alice).mint(0, 0).await.unwrap_err(), DiemError::ZeroAmount);
    assert_diem_err(env.by(&alice).mint(1_000 * ONE_VVV + 1, 0).await.unwrap_err(), DiemError::InsufficientUnlocked);
    let quote = env.quote(90 * ONE_VVV).await.unwrap();
    assert_diem_err(env.by(&alice).mint(90 * ONE_VVV, quote + 1).await.unwrap_err(), DiemError::SlippageExceeded);
    env.by(&alice).mint(90 * ONE_VVV, quote).await.unwrap();
    // Someone else's position, a missing signature, DIEM sent to a VVV account.
    let ix = swap_account(
        ix::mint_diem(bob.pubkey(), bob.diem, ONE_VVV, 0),
        pda::position(&bob.pubkey()),
        pda::position(&alice.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotPositionOwner);
    let ix = unsign(ix::mint_diem(alice.pubkey(), alice.diem, ONE_VVV, 0), alice.pubkey());
    assert_anchor_err(env.send_err(&[ix], &[]).await, anchor_lang::error::ErrorCode::AccountNotSigner);
    let ix = ix::mint_diem(alice.pubkey(), alice.vvv, ONE_VVV, 0);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    // A position may not mint against sVVV that is in cooldown.
    env.by(&bob).unstake(1_000 * ONE_VVV).await.unwrap();
    assert_diem_err(env.by(&bob).mint(ONE_VVV, 0).await.unwrap_err(), DiemError::InsufficientUnlocked);
}

#[tokio::test]
async fn mint_needs_a_committed_curve() {
    let mut env = Env::new().await;
    env.initialize(launch_params(), pause::LAUNCH_INFLOWS).await.unwrap();
    env.open().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    assert_diem_err(env.by(&alice).mint(ONE_VVV, 0).await.unwrap_err(), DiemError::CurveNotSet);
    assert_diem_err(env.quote(ONE_VVV).await.unwrap_err(), DiemError::CurveNotSet);
}

#[tokio::test]
async fn dust_that_buys_nothing_is_refused() {
    // 2,000 VVV per DIEM: one VVV base unit buys 0.5 DIEM base units, which rounds to zero.
    let mut env = Env::launched_with_curve(&flat_curve(1_000 * ONE_DIEM, 2_000 * ONE_VVV as u128)).await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    assert_eq!(env.quote(1).await.unwrap(), 0);
    assert_diem_err(env.by(&alice).mint(1, 0).await.unwrap_err(), DiemError::MintOutputZero);
    assert_eq!(env.by(&alice).mint(2, 0).await.unwrap().return_u64(), 1);
}

#[tokio::test]
async fn the_supply_cap_is_enforced() {
    // 256 buckets of 1 DIEM at 1 VVV each: the cap is 256 DIEM for 256 VVV.
    let mut env = Env::launched_with_curve(&flat_curve(ONE_DIEM, ONE_VVV as u128)).await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    assert_diem_err(env.by(&alice).mint(256 * ONE_VVV + 1, 0).await.unwrap_err(), DiemError::SupplyCapReached);
    assert_eq!(env.by(&alice).mint(256 * ONE_VVV, 0).await.unwrap().return_u64(), 256 * ONE_DIEM);
    assert_diem_err(env.by(&alice).mint(1, 0).await.unwrap_err(), DiemError::SupplyCapReached);
}

#[tokio::test]
async fn burn_releases_locked_svvv_pro_rata_and_the_last_burn_releases_all() {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    env.by(&alice).stake(10_000 * ONE_VVV, None).await.unwrap();
    let lock = 9_000 * ONE_VVV + 7; // odd, so pro-rata shares round
    let minted = env.by(&alice).mint(lock, 0).await.unwrap().return_u64();
    let third = minted / 3;
    let ev: DiemBurned = env.by(&alice).burn(third).await.unwrap().event();
    let expected_unlock = (third as u128 * lock as u128 / minted as u128) as u64;
    assert_eq!((ev.diem_burned, ev.svvv_unlocked), (third, expected_unlock));
    assert_eq!((ev.position.locked, ev.position.outstanding_diem), (lock - expected_unlock, minted - third));
    // Burn the rest: everything left is released, no dust stays locked.
    let ev: DiemBurned = env.by(&alice).burn(minted - third).await.unwrap().event();
    assert_eq!(ev.svvv_unlocked, lock - expected_unlock);
    assert_eq!((ev.position.locked, ev.position.outstanding_diem), (0, 0));
    assert_eq!(env.supply(pda::diem_mint()).await, 0);
    // Mint then burn everything: exactly the stake is unlocked again, nothing more.
    let p = env.position(&alice.pubkey()).await.unwrap();
    assert_eq!((p.balances.active, p.unlocked()), (10_000 * ONE_VVV, 10_000 * ONE_VVV));
    env.by(&alice).unstake(10_000 * ONE_VVV).await.unwrap();
}

#[tokio::test]
async fn burning_lowers_the_rate_for_the_next_minter() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000_000 * ONE_VVV).await;
    env.by(&alice).stake(1_000_000 * ONE_VVV, None).await.unwrap();
    let before = env.quote(10_000 * ONE_VVV).await.unwrap();
    let minted = env.by(&alice).mint(900_000 * ONE_VVV, 0).await.unwrap().return_u64();
    let high = env.quote(10_000 * ONE_VVV).await.unwrap();
    assert!(high < before);
    env.by(&alice).burn(minted).await.unwrap();
    assert_eq!(env.quote(10_000 * ONE_VVV).await.unwrap(), before);
}

#[tokio::test]
async fn burn_misuse_is_refused_by_name() {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    let bob = env.user(10_000 * ONE_VVV).await;
    env.by(&alice).stake(10_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(10_000 * ONE_VVV, None).await.unwrap();
    let a = env.by(&alice).mint(1_000 * ONE_VVV, 0).await.unwrap().return_u64();
    let b = env.by(&bob).mint(1_000 * ONE_VVV, 0).await.unwrap().return_u64();
    assert_diem_err(env.by(&alice).burn(0).await.unwrap_err(), DiemError::ZeroAmount);
    // Alice buys Bob's DIEM; she still may only burn up to her own outstanding.
    env.transfer_diem(&bob, &alice, b).await;
    assert_diem_err(env.by(&alice).burn(a + 1).await.unwrap_err(), DiemError::BurnExceedsOutstanding);
    // DIEM from an account the signer does not control.
    let ix = ix::burn_diem(bob.pubkey(), alice.diem, 1);
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::TokenAccountNotOwned);
    // Someone else's position, a missing signature, a VVV account as the source.
    let ix = swap_account(
        ix::burn_diem(bob.pubkey(), bob.diem, 1),
        pda::position(&bob.pubkey()),
        pda::position(&alice.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotPositionOwner);
    let ix = unsign(ix::burn_diem(alice.pubkey(), alice.diem, 1), alice.pubkey());
    assert_anchor_err(env.send_err(&[ix], &[]).await, anchor_lang::error::ErrorCode::AccountNotSigner);
    let ix = ix::burn_diem(alice.pubkey(), alice.vvv, 1);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    // Bob has outstanding DIEM but holds none: the token program refuses, nothing changes.
    let before = env.position(&bob.pubkey()).await.unwrap().balances;
    assert!(env.by(&bob).burn(1).await.is_err());
    assert_eq!(env.position(&bob.pubkey()).await.unwrap().balances, before);
    // Bought DIEM counts: Alice burns her full outstanding out of her enlarged balance.
    env.by(&alice).burn(a).await.unwrap();
    assert_eq!(env.balance(alice.diem).await, b);
}
