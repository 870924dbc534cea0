//! Checked multiply-then-divide with a wide intermediate.
//!
//! Products of two `u64` are exact in `u128`. The one product that can exceed `u128` in this
//! program is `u64 × u128` (units × reward-per-share delta); it is formed as a 192-bit value in
//! three 64-bit limbs and divided limb by limb. None of this uses `u128::checked_mul`, which the
//! portable SBF toolchain cannot lower.

const LOW_64: u128 = u64::MAX as u128;

/// `floor(a * b / d)` as `u128`; `None` when `d == 0`.
#[inline]
pub fn mul_div_floor_wide(a: u64, b: u64, d: u64) -> Option<u128> {
    if d == 0 {
        return None;
    }
    Some((a as u128 * b as u128) / d as u128)
}

/// `ceil(a * b / d)` as `u128`; `None` when `d == 0`.
#[inline]
pub fn mul_div_ceil_wide(a: u64, b: u64, d: u64) -> Option<u128> {
    if d == 0 {
        return None;
    }
    let product = a as u128 * b as u128;
    let d = d as u128;
    let quotient = product / d;
    Some(if product % d == 0 { quotient } else { quotient + 1 })
}

/// `floor(a * b / d)` narrowed to `u64`; `None` when `d == 0` or the result exceeds `u64`.
#[inline]
pub fn mul_div_floor(a: u64, b: u64, d: u64) -> Option<u64> {
    mul_div_floor_wide(a, b, d).and_then(|q| u64::try_from(q).ok())
}

/// `floor(a * b / d)` for `a: u64`, `b: u128`, `d: u64`, through a 192-bit intermediate.
/// `None` when `d == 0` or the quotient does not fit in `u64`.
pub fn mul_div_floor_u64_u128(a: u64, b: u128, d: u64) -> Option<u64> {
    if d == 0 {
        return None;
    }
    let a = a as u128;
    let low = a * (b & LOW_64); // < 2^128
    let high = a * (b >> 64); // < 2^128
    // a*b = high * 2^64 + low, as limbs [l2, l1, l0] of 64 bits each.
    let l0 = low & LOW_64;
    let middle = (low >> 64) + (high & LOW_64); // < 2^65
    let l1 = middle & LOW_64;
    let l2 = (high >> 64) + (middle >> 64); // < 2^64: high >> 64 <= 2^64 - 2
    let d = d as u128;
    // Schoolbook division by a single 64-bit limb; each partial dividend is < d * 2^64.
    let (q2, r2) = (l2 / d, l2 % d);
    let cur1 = (r2 << 64) | l1;
    let (q1, r1) = (cur1 / d, cur1 % d);
    let cur0 = (r1 << 64) | l0;
    // The quotient is q2 * 2^128 + q1 * 2^64 + q0 and must fit in u64.
    if q2 != 0 || q1 != 0 {
        return None;
    }
    u64::try_from(cur0 / d).ok()
}

#[cfg(test)]
mod tests {
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

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
}
