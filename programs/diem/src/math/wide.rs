//! Checked multiply-then-divide with a wide intermediate.
//!
//! Products of two `u64` are exact in `u128`. The one product that can exceed `u128` in this
//! program is `u64 × u128` (units × reward-per-share delta); it is formed as a 192-bit value in
//! three 64-bit limbs and divided limb by limb. None of this uses `u128::checked_mul`, which the
//! portable SBF toolchain cannot lower.

const LOW_64: u128 = u64::MAX as u128;

/// `(n / d, n % d)` for a 128-bit `n` and a non-zero 64-bit `d`, using only 64-bit divisions.
///
/// Why not `n / d as u128`: on SBF, 128-bit division is a generic bit-at-a-time routine that
/// costs over a thousand compute units; every divisor in this program fits in 64 bits.
#[inline]
pub fn div_rem_u128_by_u64(n: u128, d: u64) -> (u128, u64) {
    debug_assert!(d != 0);
    let (hi, lo) = ((n >> 64) as u64, n as u64);
    if hi == 0 {
        return ((lo / d) as u128, lo % d);
    }
    let (q_hi, r_hi) = (hi / d, hi % d);
    let (q_lo, r) = div_128_by_64(r_hi, lo, d);
    (((q_hi as u128) << 64) | q_lo as u128, r)
}

/// Divides the 128-bit `(u1, u0)` by `v` when `u1 < v` (so the quotient fits in 64 bits):
/// Knuth's algorithm D with 32-bit digits (Hacker's Delight, `divlu`). The `wrapping_*` steps
/// are the algorithm's own modular arithmetic on partial remainders; every other operation is
/// bounded by the algorithm (digits below 2^32, estimates corrected at most twice) and would
/// abort, not wrap, under the release profile's overflow checks. The result is exact, as the
/// property tests against native `u128` division check.
#[inline]
fn div_128_by_64(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    const B: u64 = 1 << 32;
    let s = v.leading_zeros();
    let v = v << s; // normalise: top bit set
    let (vn1, vn0) = (v >> 32, v & (B - 1));
    let un32 = if s == 0 { u1 } else { (u1 << s) | (u0 >> (64 - s)) };
    let un10 = u0 << s;
    let (un1, un0) = (un10 >> 32, un10 & (B - 1));

    let mut q1 = un32 / vn1;
    let mut rhat = un32 - q1 * vn1;
    while q1 >= B || q1 * vn0 > B * rhat + un1 {
        q1 -= 1;
        rhat += vn1;
        if rhat >= B {
            break;
        }
    }
    let un21 = un32.wrapping_mul(B).wrapping_add(un1).wrapping_sub(q1.wrapping_mul(v));

    let mut q0 = un21 / vn1;
    let mut rhat = un21 - q0 * vn1;
    while q0 >= B || q0 * vn0 > B * rhat + un0 {
        q0 -= 1;
        rhat += vn1;
        if rhat >= B {
            break;
        }
    }
    let r = un21.wrapping_mul(B).wrapping_add(un0).wrapping_sub(q0.wrapping_mul(v)) >> s;
    (q1 * B + q0, r)
}

/// `floor(a * b / d)` as `u128`; `None` when `d == 0`.
#[inline]
pub fn mul_div_floor_wide(a: u64, b: u64, d: u64) -> Option<u128> {
    if d == 0 {
        return None;
    }
    Some(div_rem_u128_by_u64(a as u128 * b as u128, d).0)
}

/// `ceil(a * b / d)` as `u128`; `None` when `d == 0`.
#[inline]
pub fn mul_div_ceil_wide(a: u64, b: u64, d: u64) -> Option<u128> {
    if d == 0 {
        return None;
    }
    let (quotient, remainder) = div_rem_u128_by_u64(a as u128 * b as u128, d);
    Some(if remainder == 0 { quotient } else { quotient + 1 })
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
    // Schoolbook division by a single 64-bit limb; each partial dividend is < d * 2^64.
    // The quotient q2 * 2^128 + q1 * 2^64 + q0 must fit in u64, so l2 and then (r2, l1)
    // must both be below d.
    let (l2, l1, l0) = (l2 as u64, l1 as u64, l0 as u64);
    if l2 >= d {
        return None;
    }
    let (q1, r1) = div_128_by_64(l2, l1, d);
    if q1 != 0 {
        return None;
    }
    let (q0, _) = div_128_by_64(r1, l0, d);
    Some(q0)
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
}
