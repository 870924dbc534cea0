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
mod tests;
