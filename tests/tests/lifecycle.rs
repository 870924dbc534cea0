//! Two users, rewards flowing: stake, accrue, mint at the curve, move DIEM between users, burn
//! (partly with bought DIEM), unstake through the cooldown, claim. Every balance is asserted to
//! the base unit at the end; the invariants are checked after every step by the harness.
//!
//! Expected figures are worked out by hand below (not by the program's own maths):
//! the first bucket's rate is ceil(90 * e^(2 * (500/40000)^3) * 1e6) = 90,000,352 VVV base units
//! per DIEM, so 9,000 VVV buys floor(9e15 / 90,000,352) = 99,999,608,890 DIEM base units and
//! 1,000 VVV buys 11,111,067,654.
use diem::constants::*;
use diem::events::{DiemBurned, DiemMinted, RewardsClaimed, TreasuryPaid};
use diem_client::pda;
use diem_tests::*;

const RATE_FIRST_BUCKET: u64 = 90_000_352;
const ALICE_DIEM: u64 = 99_999_608_890;
const BOB_DIEM: u64 = 11_111_067_654;
const SOLD: u64 = 50 * ONE_DIEM;

#[tokio::test]
async fn two_users_full_lifecycle_to_the_base_unit() {
    let mut env = Env::launched().await;
    let funder = env.user(100_000 * ONE_VVV).await;
    let alice = env.user(10_000 * ONE_VVV).await;
    let bob = env.user(10_000 * ONE_VVV).await;
    env.by(&funder).fund_rewards(100_000 * ONE_VVV).await.unwrap();

    // t = 0: both stake everything.
    env.by(&alice).stake(10_000 * ONE_VVV, None).await.unwrap();
    env.by(&bob).stake(10_000 * ONE_VVV, None).await.unwrap();

    // t = 1,000: 1,000 VVV emitted, nothing locked: 500 each.
    env.advance(1_000).await;
    let ev: DiemMinted = env.by(&alice).mint(9_000 * ONE_VVV, ALICE_DIEM).await.unwrap().event();
    assert_eq!((ev.diem_out, ev.marginal_rate), (ALICE_DIEM, RATE_FIRST_BUCKET));
    let ev: DiemMinted = env.by(&bob).mint(1_000 * ONE_VVV, BOB_DIEM).await.unwrap().event();
    assert_eq!((ev.diem_out, ev.supply_before), (BOB_DIEM, ALICE_DIEM));

    // t = 2,000: another 1,000 VVV with T = 20,000 and L = 10,000: 500 to locked sVVV, of which
    // the treasury takes 100; locked earns 0.04 VVV per sVVV, unlocked 0.05.
    // Alice: 1,000 * 0.05 + 9,000 * 0.04 = 410; Bob: 9,000 * 0.05 + 1,000 * 0.04 = 490.
    env.advance(1_000).await;

    // Alice sells 50 DIEM to Bob. Bob burns his whole outstanding from his enlarged balance:
    // all 1,000 of his locked sVVV come back and the 50 bought DIEM stay with him.
    env.transfer_diem(&alice, &bob, SOLD).await;
    let ev: DiemBurned = env.by(&bob).burn(BOB_DIEM).await.unwrap().event();
    assert_eq!((ev.svvv_unlocked, ev.position.locked, ev.position.outstanding_diem), (1_000 * ONE_VVV, 0, 0));
    // Alice burns what she still holds: pro rata at her own average rate, rounded down.
    let ev: DiemBurned = env.by(&alice).burn(ALICE_DIEM - SOLD).await.unwrap().event();
    assert_eq!(ev.svvv_unlocked, 4_499_982_399);
    assert_eq!((ev.position.locked, ev.position.outstanding_diem), (4_500_017_601, SOLD));
    // She buys the 50 DIEM back and burns them: the last burn releases everything left.
    env.transfer_diem(&bob, &alice, SOLD).await;
    let ev: DiemBurned = env.by(&alice).burn(SOLD).await.unwrap().event();
    assert_eq!((ev.svvv_unlocked, ev.position.locked, ev.position.outstanding_diem), (4_500_017_601, 0, 0));
    assert_eq!(env.supply(pda::diem_mint()).await, 0);

    // Both unstake everything, wait out the 7-day cooldown, and claim.
    env.by(&alice).unstake(10_000 * ONE_VVV).await.unwrap();
    env.by(&bob).unstake(10_000 * ONE_VVV).await.unwrap();
    env.advance(7 * SECONDS_PER_DAY).await;
    env.by(&alice).finalize_oldest_unstake().await.unwrap();
    env.by(&bob).finalize_oldest_unstake().await.unwrap();
    assert_eq!(env.by(&alice).claim().await.unwrap().event::<RewardsClaimed>().amount, 910 * ONE_VVV);
    assert_eq!(env.by(&bob).claim().await.unwrap().event::<RewardsClaimed>().amount, 990 * ONE_VVV);
    assert_eq!(env.anyone().pay_treasury().await.unwrap().event::<TreasuryPaid>().amount, 100 * ONE_VVV);

    // Every balance, to the base unit.
    assert_eq!(env.balance(alice.vvv).await, 10_910 * ONE_VVV);
    assert_eq!(env.balance(bob.vvv).await, 10_990 * ONE_VVV);
    let treasury = env.treasury;
    assert_eq!(env.balance(treasury).await, 100 * ONE_VVV);
    assert_eq!(env.balance(funder.vvv).await, 0);
    assert_eq!(env.balance(alice.diem).await, 0);
    assert_eq!(env.balance(bob.diem).await, 0);
    assert_eq!(env.balance(pda::vvv_vault()).await, 98_000 * ONE_VVV);
    let pool = env.config().await.pool;
    assert_eq!(pool.reward_reserve, 98_000 * ONE_VVV);
    assert_eq!((pool.total_active, pool.total_locked, pool.total_cooldown, pool.outstanding_diem), (0, 0, 0, 0));
    assert_eq!((pool.unclaimed_rewards, pool.treasury_accrued), (0, 0));
    for user in [&alice, &bob] {
        let b = env.position(&user.pubkey()).await.unwrap().balances;
        assert_eq!((b.active, b.locked, b.outstanding_diem, b.pending_rewards), (0, 0, 0, 0));
    }
}
