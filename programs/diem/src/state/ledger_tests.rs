//! Random operation sequences on `Pool` + `Position`s, without a runtime: the state methods alone
//! must keep SPEC §10's accounting invariants, never pay out more than went in plus rewards, and
//! never panic.
use anchor_lang::prelude::Pubkey;
use proptest::prelude::*;

use crate::constants::*;
use crate::math::curve::{quote_mint, tests::linear_curve};
use crate::state::{Params, Pool, Position};

#[derive(Clone, Debug)]
enum Op {
    Stake(usize, u64),
    Unstake(usize, u64),
    Cancel(usize),
    Finalize(usize),
    Claim(usize),
    Compound(usize),
    Mint(usize, u64),
    Burn(usize, u64),
    Fund(u64),
    Wait(u32),
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0usize..3;
    let amount = prop_oneof![1u64..1_000, 1u64..1_000_000_000_000, Just(u64::MAX / 8)];
    prop_oneof![
        (who.clone(), amount.clone()).prop_map(|(w, a)| Op::Stake(w, a)),
        (who.clone(), amount.clone()).prop_map(|(w, a)| Op::Unstake(w, a)),
        who.clone().prop_map(Op::Cancel),
        who.clone().prop_map(Op::Finalize),
        who.clone().prop_map(Op::Claim),
        who.clone().prop_map(Op::Compound),
        (who.clone(), amount.clone()).prop_map(|(w, a)| Op::Mint(w, a)),
        (who, amount.clone()).prop_map(|(w, a)| Op::Burn(w, a)),
        amount.prop_map(Op::Fund),
        (0u32..2_000_000).prop_map(Op::Wait),
    ]
}

fn new_position(pool: &Pool) -> Position {
    Position::new(Pubkey::new_unique(), 255, pool)
}

/// Found by `random_sequences_keep_the_books`: a stake that overflows the pool's total must
/// leave the position untouched too (state methods are all-or-nothing).
#[test]
fn a_failed_stake_changes_nothing() {
    let mut pool = Pool::default();
    let mut a = new_position(&pool);
    let mut b = new_position(&pool);
    a.stake(&mut pool, u64::MAX - 8).unwrap();
    let (before_b, before_pool) = (b.balances, pool);
    assert!(b.stake(&mut pool, 9).is_err());
    assert_eq!((b.balances, pool), (before_b, before_pool));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_sequences_keep_the_books(ops in prop::collection::vec(op(), 1..60), emission in 0u64..10_000_000_000,
                                       share_u in 0u32..=10_000, share_l in 0u32..=10_000) {
        let params = Params { emission_rate: emission, treasury_share_unlocked_bps: share_u, treasury_share_locked_bps: share_l,
                              svvv_cooldown_secs: DEFAULT_SVVV_COOLDOWN_SECS, diem_cooldown_secs: DEFAULT_DIEM_COOLDOWN_SECS };
        let curve = linear_curve(1_000 * ONE_DIEM, 90_000_000, 1_000_000);
        let mut pool = Pool::default();
        let mut positions: Vec<Position> = (0..3).map(|_| new_position(&pool)).collect();
        let mut now = 0i64;
        // Tokens: what each user put in and took out, the vault, the DIEM each holds, funding.
        let (mut deposited, mut withdrawn) = ([0u128; 3], [0u128; 3]);
        let (mut vault, mut funded, mut treasury_paid) = (0u128, 0u128, 0u128);
        // Open tickets: (owner, amount, unlock_at).
        let mut tickets: Vec<(usize, u64, i64)> = Vec::new();
        for op in ops {
            pool.accrue(now, &params).unwrap();
            match op {
                Op::Stake(w, a) => if positions[w].stake(&mut pool, a).is_ok() { deposited[w] += a as u128; vault += a as u128; },
                Op::Unstake(w, a) => if positions[w].initiate_unstake(&mut pool, a).is_ok() {
                    tickets.push((w, a, now + params.svvv_cooldown_secs));
                },
                Op::Cancel(w) => if let Some(i) = tickets.iter().position(|t| t.0 == w) {
                    positions[w].cancel_unstake(&mut pool, tickets[i].1).unwrap();
                    tickets.remove(i);
                },
                Op::Finalize(w) => if let Some(i) = tickets.iter().position(|t| t.0 == w && now >= t.2) {
                    let a = tickets.remove(i).1;
                    pool.finalize_unstake(a).unwrap();
                    withdrawn[w] += a as u128;
                    vault -= a as u128;
                },
                Op::Claim(w) => if let Ok(a) = positions[w].claim_rewards(&mut pool) { withdrawn[w] += a as u128; vault -= a as u128; },
                Op::Compound(w) => { let _ = positions[w].compound_rewards(&mut pool); }
                Op::Mint(w, a) => {
                    let a = a.min(positions[w].unlocked());
                    if let Ok(q) = quote_mint(&curve, pool.outstanding_diem, a) {
                        if q.diem_out > 0 { positions[w].lock_for_mint(&mut pool, a, q.diem_out).unwrap(); }
                    }
                }
                Op::Burn(w, a) => {
                    let out = positions[w].balances.outstanding_diem;
                    if out > 0 { positions[w].burn(&mut pool, a % out + 1).unwrap(); }
                }
                Op::Fund(a) => if pool.fund(a).is_ok() { funded += a as u128; vault += a as u128; },
                Op::Wait(s) => now += s as i64,
            }
            if pool.treasury_accrued > 0 && now % 3 == 0 {
                let paid = pool.take_treasury().unwrap();
                treasury_paid += paid as u128;
                vault -= paid as u128;
            }
            // §10.3 and §10.4.
            let (mut active, mut locked, mut outstanding, mut owed) = (0u128, 0u128, 0u128, 0u128);
            for p in &positions {
                let b = p.balances;
                prop_assert!(b.locked <= b.active);
                prop_assert!(b.outstanding_diem > 0 || b.locked == 0);
                active += b.active as u128; locked += b.locked as u128;
                outstanding += b.outstanding_diem as u128;
                owed += p.pending_rewards_at(&pool).unwrap() as u128;
            }
            let cooldown: u128 = tickets.iter().map(|t| t.1 as u128).sum();
            prop_assert_eq!(active, pool.total_active as u128);
            prop_assert_eq!(locked, pool.total_locked as u128);
            prop_assert_eq!(cooldown, pool.total_cooldown as u128);
            prop_assert_eq!(outstanding, pool.outstanding_diem as u128);
            // §10.1: the vault covers every liability, and the books balance exactly.
            prop_assert!(owed <= pool.unclaimed_rewards as u128);
            let booked = pool.total_active as u128 + pool.total_cooldown as u128 + pool.reward_reserve as u128
                + pool.unclaimed_rewards as u128 + pool.treasury_accrued as u128;
            prop_assert_eq!(vault, booked);
        }
        // §10.6: nobody took out more than they put in plus rewards; rewards never exceed funding.
        let rewards_out: u128 = (0..3).map(|w| withdrawn[w].saturating_sub(deposited[w])).sum();
        prop_assert!(rewards_out + treasury_paid <= funded);
        for w in 0..3 {
            let b = positions[w].balances;
            let in_tickets: u128 = tickets.iter().filter(|t| t.0 == w).map(|t| t.1 as u128).sum();
            let still_in = b.active as u128 + in_tickets;
            prop_assert!(withdrawn[w] + still_in <= deposited[w] + funded);
        }
    }

    /// Mint then burn everything: exactly the locked sVVV is released, never more.
    #[test]
    fn mint_then_burn_all_returns_exactly_the_lock(stake in 1u64..=u64::MAX / 2, lock_frac in 1u64..=1_000, burns in prop::collection::vec(any::<u64>(), 0..5)) {
        let curve = linear_curve(1_000_000 * ONE_DIEM, 90_000_000, 1_000_000);
        let mut pool = Pool::default();
        let mut p = new_position(&pool);
        p.stake(&mut pool, stake).unwrap();
        let lock = ((stake as u128 * lock_frac as u128) / 1_000).max(1) as u64;
        let Ok(q) = quote_mint(&curve, 0, lock) else { return Ok(()); };
        if q.diem_out == 0 { return Ok(()); }
        p.lock_for_mint(&mut pool, lock, q.diem_out).unwrap();
        let mut released = 0u128;
        for b in burns {
            let out = p.balances.outstanding_diem;
            if out == 0 { break; }
            released += p.burn(&mut pool, b % out + 1).unwrap().svvv_unlocked as u128;
        }
        let rest = p.balances.outstanding_diem;
        if rest > 0 { released += p.burn(&mut pool, rest).unwrap().svvv_unlocked as u128; }
        prop_assert_eq!(released, lock as u128);
        prop_assert_eq!((p.balances.locked, p.unlocked()), (0, stake));
    }
}
