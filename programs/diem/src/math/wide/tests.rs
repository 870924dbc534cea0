//! Tests of `math::wide`.
use super::*;
use proptest::prelude::*;
use uint::construct_uint;

construct_uint! {
    struct U256(4);
}

#[test]
fn zero_divisor_is_none() {
    assert_eq!(mul_div_floor_wide(1, 1, 0), None);
    assert_eq!(mul_div_ceil_wide(1, 1, 0), None);
    assert_eq!(mul_div_floor(1, 1, 0), None);
    assert_eq!(mul_div_floor_u64_u128(1, 1, 0), None);
}

#[test]
fn ceil_rounds_up_only_with_remainder() {
    assert_eq!(mul_div_ceil_wide(10, 3, 5), Some(6));
    assert_eq!(mul_div_ceil_wide(10, 3, 4), Some(8));
    assert_eq!(mul_div_ceil_wide(u64::MAX, u64::MAX, 1), Some(u64::MAX as u128 * u64::MAX as u128));
}

#[test]
fn u64_narrowing_refuses_overflow() {
    assert_eq!(mul_div_floor(u64::MAX, 2, 1), None);
    assert_eq!(mul_div_floor(u64::MAX, 2, 2), Some(u64::MAX));
}

#[test]
fn wide_product_beyond_u128() {
    // u64::MAX * u128::MAX overflows u128; divided by a large scale it may still fit.
    let b = u128::MAX;
    assert_eq!(mul_div_floor_u64_u128(u64::MAX, b, u64::MAX), None);
    assert_eq!(mul_div_floor_u64_u128(1, 3 * (1u128 << 64) + 5, 1 << 4), Some(3u64 << 60));
    let one_e18 = 1_000_000_000_000_000_000u64;
    assert_eq!(mul_div_floor_u64_u128(1_000_000, 7 * one_e18 as u128 + 3, one_e18), Some(7_000_000));
}

#[test]
fn fast_division_edges() {
    for (n, d) in [
        (0u128, 1u64),
        (u128::MAX, 1),
        (u128::MAX, u64::MAX),
        (u128::MAX, 3),
        ((u64::MAX as u128) << 64, u64::MAX),
        (1u128 << 64, 1 << 32),
        (((1u128 << 63) << 64) | 1, (1 << 63) + 1),
        (12345678901234567890123456789, 1_000_000_000),
    ] {
        assert_eq!(div_rem_u128_by_u64(n, d), (n / d as u128, (n % d as u128) as u64), "{n} / {d}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn fast_division_matches_native(n in any::<u128>(), d in 1..=u64::MAX) {
        prop_assert_eq!(div_rem_u128_by_u64(n, d), (n / d as u128, (n % d as u128) as u64));
    }

    #[test]
    fn fast_division_matches_native_small_divisors(n in any::<u128>(), d in 1u64..=1 << 33) {
        prop_assert_eq!(div_rem_u128_by_u64(n, d), (n / d as u128, (n % d as u128) as u64));
    }

    #[test]
    fn fast_division_matches_native_close_operands(hi in any::<u64>(), lo in any::<u64>(), off in 0u64..4) {
        // Divisors just above the high word: the estimation loops run their corrections.
        let d = hi.saturating_add(1 + off).max(1);
        let n = ((hi as u128) << 64) | lo as u128;
        prop_assert_eq!(div_rem_u128_by_u64(n, d), (n / d as u128, (n % d as u128) as u64));
    }

    #[test]
    fn wide_matches_256_bit_reference(a in any::<u64>(), b in any::<u128>(), d in 1..=u64::MAX) {
        let reference = U256::from(a) * U256::from(b) / U256::from(d);
        let expected = if reference <= U256::from(u64::MAX) { Some(reference.low_u64()) } else { None };
        prop_assert_eq!(mul_div_floor_u64_u128(a, b, d), expected);
    }

    #[test]
    fn wide_matches_reference_small_quotients(a in any::<u64>(), b in any::<u64>(), d in 1..=u64::MAX) {
        // Quotients that fit in u64 exercise the limb carries most.
        let b = (b as u128) << 32 | d as u128 >> 32;
        let reference = U256::from(a) * U256::from(b) / U256::from(d);
        let expected = if reference <= U256::from(u64::MAX) { Some(reference.low_u64()) } else { None };
        prop_assert_eq!(mul_div_floor_u64_u128(a, b, d), expected);
    }

    #[test]
    fn floor_and_ceil_bracket_the_exact_value(a in any::<u64>(), b in any::<u64>(), d in 1..=u64::MAX) {
        let floor = mul_div_floor_wide(a, b, d).unwrap();
        let ceil = mul_div_ceil_wide(a, b, d).unwrap();
        let exact = U256::from(a) * U256::from(b);
        prop_assert!(U256::from(floor) * U256::from(d) <= exact);
        prop_assert!(U256::from(ceil) * U256::from(d) >= exact);
        prop_assert!(ceil - floor <= 1);
    }
}
