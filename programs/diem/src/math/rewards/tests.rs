//! Tests of `math::rewards`.
use super::*;
use proptest::prelude::*;

fn input(elapsed: u64, rate: u64, reserve: u64, active: u64, locked: u64) -> AccrualInput {
    AccrualInput {
        elapsed_seconds: elapsed,
        emission_rate: rate,
        reward_reserve: reserve,
        total_active: active,
        total_locked: locked,
        treasury_share_unlocked_bps: 0,
        treasury_share_locked_bps: 2_000,
    }
}

#[test]
fn nothing_staked_emits_nothing() {
    assert_eq!(accrue(&input(100, 10, 1_000, 0, 0)), Some(Accrual::default()));
}

#[test]
fn emission_is_capped_by_the_reserve() {
    let a = accrue(&input(100, 10, 250, 1_000, 0)).unwrap();
    assert_eq!(a.emitted, 250);
    assert_eq!(a.to_holders, 250);
    assert_eq!(earned(1_000, a.acc_unlocked_increment, 0), Some(250));
}

#[test]
fn locked_earns_eighty_percent_of_unlocked() {
    // Half locked: P_L = 500, treasury takes 100 of it.
    let a = accrue(&input(100, 10, 10_000, 2_000, 1_000)).unwrap();
    assert_eq!(a.emitted, 1_000);
    assert_eq!(a.to_treasury, 100);
    assert_eq!(a.to_holders, 900);
    assert_eq!(earned(1_000, a.acc_unlocked_increment, 0), Some(500));
    assert_eq!(earned(1_000, a.acc_locked_increment, 0), Some(400));
}

#[test]
fn all_locked_pays_only_the_locked_accumulator() {
    let a = accrue(&input(10, 10, 10_000, 1_000, 1_000)).unwrap();
    assert_eq!(a.acc_unlocked_increment, 0);
    assert_eq!(a.to_treasury, 20);
    assert_eq!(earned(1_000, a.acc_locked_increment, 0), Some(80));
}

/// SPEC §4: each holder part is `floor(P × (1 − share))` and the treasury receives the rest.
#[test]
fn holders_round_down_and_the_treasury_takes_the_rest() {
    // All locked, 7 emitted at 20 %: holders floor(5.6) = 5, treasury 2 (not floor(1.4) = 1).
    let a = accrue(&input(7, 1, 1_000, 1_000, 1_000)).unwrap();
    assert_eq!((a.emitted, a.to_holders, a.to_treasury), (7, 5, 2));
    // Unlocked at 33.33 %: 10 emitted, holders floor(6.667) = 6, treasury 4.
    let mut i = input(10, 1, 1_000, 1_000, 0);
    i.treasury_share_unlocked_bps = 3_333;
    let a = accrue(&i).unwrap();
    assert_eq!((a.to_holders, a.to_treasury), (6, 4));
}

#[test]
fn impossible_inputs_are_refused() {
    assert_eq!(accrue(&input(1, 1, 1, 1, 2)), None);
    let mut i = input(1, 1, 1, 1, 0);
    i.treasury_share_locked_bps = 10_001;
    assert_eq!(accrue(&i), None);
    assert_eq!(earned(1, 1, 2), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// What the accumulators pay to every unit staked never exceeds what was emitted,
    /// and the emission never exceeds the funded reserve.
    #[test]
    fn handed_out_never_exceeds_funded(elapsed in any::<u64>(), rate in any::<u64>(), reserve in any::<u64>(),
                                       active in 1u64..=u64::MAX, locked_frac in 0u64..=1_000,
                                       su in 0u32..=10_000, sl in 0u32..=10_000) {
        let locked = (active as u128 * locked_frac as u128 / 1_000) as u64;
        let a = accrue(&AccrualInput { elapsed_seconds: elapsed, emission_rate: rate, reward_reserve: reserve,
            total_active: active, total_locked: locked, treasury_share_unlocked_bps: su, treasury_share_locked_bps: sl }).unwrap();
        prop_assert!(a.emitted <= reserve);
        prop_assert_eq!(a.emitted as u128, a.to_treasury as u128 + a.to_holders as u128);
        let paid_unlocked = earned(active - locked, a.acc_unlocked_increment, 0).unwrap();
        let paid_locked = earned(locked, a.acc_locked_increment, 0).unwrap();
        prop_assert!(paid_unlocked as u128 + paid_locked as u128 <= a.to_holders as u128);
        // Dust: each accumulator truncates by < 1/SCALE per unit, so at most units/SCALE + 1.
        let bound = ((active - locked) / REWARD_SCALE + 1 + locked / REWARD_SCALE + 1) as u128;
        prop_assert!(a.to_holders as u128 - (paid_unlocked as u128 + paid_locked as u128) <= bound);
    }

    /// Locked units never earn more per unit than unlocked ones when the locked share is
    /// taxed at least as much.
    #[test]
    fn locked_never_out_earns_unlocked(elapsed in 1u64..1_000_000, rate in 1u64..1_000_000_000, active in 2u64..=1u64 << 60,
                                       locked_frac in 1u64..1_000) {
        let locked = ((active as u128 * locked_frac as u128 / 1_000) as u64).max(1).min(active - 1);
        let a = accrue(&AccrualInput { elapsed_seconds: elapsed, emission_rate: rate, reward_reserve: u64::MAX,
            total_active: active, total_locked: locked, treasury_share_unlocked_bps: 0, treasury_share_locked_bps: 2_000 }).unwrap();
        prop_assert!(a.acc_locked_increment <= a.acc_unlocked_increment + 1);
    }

    #[test]
    fn never_panics(elapsed in any::<u64>(), rate in any::<u64>(), reserve in any::<u64>(), active in any::<u64>(),
                    locked in any::<u64>(), su in any::<u32>(), sl in any::<u32>(), units in any::<u64>(),
                    acc in any::<u128>(), snap in any::<u128>()) {
        let _ = accrue(&AccrualInput { elapsed_seconds: elapsed, emission_rate: rate, reward_reserve: reserve,
            total_active: active, total_locked: locked, treasury_share_unlocked_bps: su, treasury_share_locked_bps: sl });
        let _ = earned(units, acc, snap);
    }
}
