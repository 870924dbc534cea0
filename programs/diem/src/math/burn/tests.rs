//! Tests of `math::burn`.
use super::*;
use proptest::prelude::*;

#[test]
fn full_burn_releases_everything() {
    let o = unlock_for_burn(7, 1_000, 7).unwrap();
    assert_eq!(o, BurnOutcome { svvv_unlocked: 1_000, locked_after: 0, outstanding_after: 0 });
}

#[test]
fn partial_burn_rounds_down() {
    let o = unlock_for_burn(1, 10, 3).unwrap();
    assert_eq!(o.svvv_unlocked, 3);
    assert_eq!(o.locked_after, 7);
}

#[test]
fn misuse_is_named() {
    assert_eq!(unlock_for_burn(0, 10, 3), Err(DiemError::ZeroAmount));
    assert_eq!(unlock_for_burn(4, 10, 3), Err(DiemError::BurnExceedsOutstanding));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Burning in any number of steps releases exactly `locked` in total, never more.
    #[test]
    fn burns_in_steps_release_exactly_locked(locked in any::<u64>(), outstanding in 1..=u64::MAX,
                                             cuts in prop::collection::vec(any::<u64>(), 0..8)) {
        let (mut l, mut o, mut released) = (locked, outstanding, 0u128);
        for c in cuts {
            if o == 0 { break; }
            let amount = c % o + 1;
            let out = unlock_for_burn(amount, l, o).unwrap();
            released += out.svvv_unlocked as u128;
            // Never more than the position's own average rate.
            prop_assert!(out.svvv_unlocked as u128 * o as u128 <= amount as u128 * l as u128);
            l = out.locked_after;
            o = out.outstanding_after;
        }
        if o > 0 {
            released += unlock_for_burn(o, l, o).unwrap().svvv_unlocked as u128;
        }
        prop_assert_eq!(released, locked as u128);
    }

    #[test]
    fn never_panics(amount in any::<u64>(), locked in any::<u64>(), outstanding in any::<u64>()) {
        let _ = unlock_for_burn(amount, locked, outstanding);
    }
}
