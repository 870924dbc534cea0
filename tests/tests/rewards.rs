//! Emissions, the reward reserve, claims, compounding and the treasury's share (SPEC §4).
use diem::errors::DiemError;
use diem::events::{RewardsClaimed, RewardsFunded, TreasuryPaid};
use diem_client::{ix, pda};
use diem_tests::*;

/// A launched bank with a funder holding plenty of VVV.
async fn env_with_funder() -> (Env, User) {
    let mut env = Env::launched().await;
    let funder = env.user(1_000_000 * ONE_VVV).await;
    (env, funder)
}

#[tokio::test]
async fn funding_fills_the_reserve() {
    let (mut env, funder) = env_with_funder().await;
    let ev: RewardsFunded = env.by(&funder).fund_rewards(5_000 * ONE_VVV).await.unwrap().event();
    assert_eq!((ev.funder, ev.amount, ev.pool.reward_reserve), (funder.pubkey(), 5_000 * ONE_VVV, 5_000 * ONE_VVV));
    assert_eq!(env.balance(pda::vvv_vault()).await, 5_000 * ONE_VVV);
    assert_diem_err(env.by(&funder).fund_rewards(0).await.unwrap_err(), DiemError::ZeroAmount);
    let other = env.user(10).await;
    let ix = ix::fund_rewards(&env.deployment, funder.pubkey(), other.vvv, 1);
    assert_diem_err(env.send_err(&[ix], &[&funder.key]).await, DiemError::TokenAccountNotOwned);
}

#[tokio::test]
async fn a_single_staker_earns_the_emission_rate_exactly() {
    let (mut env, funder) = env_with_funder().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.advance(100).await;
    let ev: RewardsClaimed = env.by(&alice).claim().await.unwrap().event();
    // 1 VVV/s for 100 s.
    assert_eq!((ev.amount, ev.compounded), (100 * ONE_VVV, false));
    assert_eq!(env.balance(alice.vvv).await, 100 * ONE_VVV);
    assert_eq!(env.config().await.pool.reward_reserve, 9_900 * ONE_VVV);
    assert_diem_err(env.by(&alice).claim().await.unwrap_err(), DiemError::NothingToClaim);
}

#[tokio::test]
async fn nothing_is_emitted_while_nothing_is_staked_or_unfunded() {
    let (mut env, funder) = env_with_funder().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.advance(1_000).await; // nobody staked: skipped, not emitted
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.advance(10).await;
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, 10 * ONE_VVV);
    // The reserve caps what is handed out, however long it runs.
    env.advance(1_000_000).await;
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, 9_990 * ONE_VVV);
    assert_eq!(env.config().await.pool.reward_reserve, 0);
    // Time that passes with an empty reserve does not draw on later funding.
    env.advance(500).await;
    env.by(&funder).fund_rewards(100 * ONE_VVV).await.unwrap();
    env.advance(20).await;
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, 20 * ONE_VVV);
}

#[tokio::test]
async fn locked_svvv_earns_eighty_percent_and_the_treasury_the_rest() {
    let (mut env, funder) = env_with_funder().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(1_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).mint(1_000 * ONE_VVV, 0).await.unwrap(); // all of Bob's sVVV is locked
    env.advance(100).await;
    // 100 VVV emitted: half to each; Bob's locked half pays 20 % to the treasury.
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, 50 * ONE_VVV);
    assert_eq!(env.by(&bob).claim().await.unwrap().event::<RewardsClaimed>().amount, 40 * ONE_VVV);
    let ev: TreasuryPaid = env.anyone().pay_treasury().await.unwrap().event();
    assert_eq!((ev.treasury, ev.amount), (env.treasury, 10 * ONE_VVV));
    let treasury = env.treasury;
    assert_eq!(env.balance(treasury).await, 10 * ONE_VVV);
    assert_diem_err(env.anyone().pay_treasury().await.unwrap_err(), DiemError::NothingToPay);
    // Only the configured treasury account can receive it.
    env.advance(100).await;
    let wrong = ix::pay_treasury(&env.deployment, alice.vvv);
    assert_diem_err(env.send_err(&[wrong], &[]).await, DiemError::WrongTreasury);
}

#[tokio::test]
async fn svvv_in_cooldown_stops_earning() {
    let (mut env, funder) = env_with_funder().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(1_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).unstake(1_000 * ONE_VVV).await.unwrap();
    env.advance(100).await;
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, 100 * ONE_VVV);
    assert_diem_err(env.by(&bob).claim().await.unwrap_err(), DiemError::NothingToClaim);
}

#[tokio::test]
async fn claim_and_stake_compounds_without_moving_tokens() {
    let (mut env, funder) = env_with_funder().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.advance(50).await;
    let vault_before = env.balance(pda::vvv_vault()).await;
    let ev: RewardsClaimed = env.by(&alice).claim_and_stake().await.unwrap().event();
    assert_eq!((ev.amount, ev.compounded), (50 * ONE_VVV, true));
    assert_eq!(ev.position.active, 1_050 * ONE_VVV);
    assert_eq!(ev.pool.total_active, 1_050 * ONE_VVV);
    assert_eq!(env.balance(pda::vvv_vault()).await, vault_before);
    assert_diem_err(env.by(&alice).claim_and_stake().await.unwrap_err(), DiemError::NothingToClaim);
}

#[tokio::test]
async fn claims_are_the_owners_alone() {
    let (mut env, funder) = env_with_funder().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let bob = env.user(1_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(10_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(1_000 * ONE_VVV, None).await.unwrap();
    env.advance(10).await;
    let ix = swap_account(
        ix::claim_rewards(&env.deployment, bob.pubkey(), bob.vvv),
        pda::position(&bob.pubkey()),
        pda::position(&alice.pubkey()),
    );
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotPositionOwner);
    let ix =
        swap_account(ix::claim_and_stake(bob.pubkey()), pda::position(&bob.pubkey()), pda::position(&alice.pubkey()));
    assert_diem_err(env.send_err(&[ix], &[&bob.key]).await, DiemError::NotPositionOwner);
    let ix = unsign(ix::claim_rewards(&env.deployment, alice.pubkey(), alice.vvv), alice.pubkey());
    assert_anchor_err(env.send_err(&[ix], &[]).await, anchor_lang::error::ErrorCode::AccountNotSigner);
    let ix = ix::claim_rewards(&env.deployment, alice.pubkey(), alice.diem);
    assert_diem_err(env.send_err(&[ix], &[&alice.key]).await, DiemError::WrongMint);
    // The rightful claim still works and pays 5 VVV each.
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, 5 * ONE_VVV);
}

/// A parameter change applies from the moment it is applied (after the change delay): what
/// accrued before is paid at the old rate.
#[tokio::test]
async fn parameter_changes_apply_from_the_moment_they_are_made() {
    let (mut env, funder) = env_with_funder().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(1_000_000 * ONE_VVV).await.unwrap();
    env.by(&alice).stake(1_000 * ONE_VVV, None).await.unwrap();
    let authority = env.authority.insecure_clone();
    env.by(&authority).propose_change(diem::state::Change::EmissionRate { rate: 3 * ONE_VVV }).await.unwrap();
    let delay = env.reader().governance().await.unwrap().change_delay;
    env.advance(delay).await;
    env.anyone().apply_change(0).await.unwrap();
    env.advance(10).await;
    // The delay at 1 VVV/s, then 10 s at 3 VVV/s.
    let expected = (delay as u64 + 30) * ONE_VVV;
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, expected);
}
