//! The mint-rate curve (SPEC §5): validation of a table and the quote of a lock.
//!
//! Bucket `i` covers the supply range `(supply_bound[i-1], supply_bound[i]]` and every DIEM in it
//! is priced at `rate[i]`, the rate of its upper bound. Rates are VVV base units per whole DIEM.

use crate::constants::{CURVE_LEN, MAX_RATE, ONE_DIEM};
use crate::errors::DiemError;
use crate::math::wide::{mul_div_ceil_wide, mul_div_floor_wide};
use crate::state::CurveEntry;

/// The result of locking `svvv_locked` sVVV at supply `supply_before`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct MintQuote {
    pub svvv_locked: u64,
    pub diem_out: u64,
    pub supply_before: u64,
    pub supply_after: u64,
    /// Rate of the bucket the lock ended in (VVV base units per whole DIEM).
    pub marginal_rate: u64,
    /// Buckets whose upper bound the lock reached (filled completely).
    pub buckets_filled: u16,
}

/// Checks a complete table: strictly increasing bounds, non-decreasing rates in `1..=MAX_RATE`,
/// and a last bound at or above the DIEM already outstanding (so no holder is stranded).
pub fn validate_curve(entries: &[CurveEntry], outstanding_diem: u64) -> Result<(), DiemError> {
    if entries.len() != CURVE_LEN {
        return Err(DiemError::CurveIncomplete);
    }
    let mut previous: Option<&CurveEntry> = None;
    for entry in entries {
        let rate = entry.rate();
        if rate == 0 {
            return Err(DiemError::CurveRateZero);
        }
        if rate > MAX_RATE {
            return Err(DiemError::CurveRateAboveCap);
        }
        if let Some(p) = previous {
            if entry.supply_bound <= p.supply_bound {
                return Err(DiemError::CurveBoundsNotIncreasing);
            }
            if rate < p.rate() {
                return Err(DiemError::CurveRatesDecreasing);
            }
        } else if entry.supply_bound == 0 {
            return Err(DiemError::CurveBoundsNotIncreasing);
        }
        previous = Some(entry);
    }
    match previous {
        Some(last) if last.supply_bound >= outstanding_diem => Ok(()),
        _ => Err(DiemError::CurveBelowSupply),
    }
}

/// The sVVV that fills each bucket from its lower bound to its upper bound,
/// `ceil(rate[i] * (bound[i] - bound[i-1]) / ONE_DIEM)`, saturated at `u64::MAX` (no lock can
/// pay more, so a saturated bucket is one no lock gets past). `commit_curve` stores these so a
/// quote crosses a full bucket with a comparison instead of a division. `entries` must have
/// passed [`validate_curve`].
/// Written in place: the table is 2 KB, too much for an SBF stack frame next to its caller's.
pub fn fill_bucket_full_costs(entries: &[CurveEntry], costs: &mut [u64; CURVE_LEN]) -> Result<(), DiemError> {
    if entries.len() != CURVE_LEN {
        return Err(DiemError::CurveIncomplete);
    }
    let mut lower = 0u64;
    for (cost, entry) in costs.iter_mut().zip(entries) {
        let rate = u64::try_from(entry.rate()).map_err(|_| DiemError::CurveRateAboveCap)?;
        let width = entry.supply_bound.checked_sub(lower).ok_or(DiemError::CurveBoundsNotIncreasing)?;
        let full = mul_div_ceil_wide(rate, width, ONE_DIEM).ok_or(DiemError::MathOverflow)?;
        *cost = u64::try_from(full).unwrap_or(u64::MAX);
        lower = entry.supply_bound;
    }
    Ok(())
}

/// How much DIEM a lock of `svvv_amount` buys at outstanding supply `supply` (SPEC §5.2).
///
/// Each crossed bucket costs `ceil(rate * room / ONE_DIEM)` (rounded against the buyer); the
/// bucket the lock ends in yields `floor(x * ONE_DIEM / rate)`, capped at the room left in it
/// so a lock never buys past a bucket's bound at that bucket's price. The whole amount is
/// locked, dust included. `entries` must have passed [`validate_curve`].
pub fn quote_mint(entries: &[CurveEntry], supply: u64, svvv_amount: u64) -> Result<MintQuote, DiemError> {
    quote(entries, None, supply, svvv_amount)
}

/// [`quote_mint`] with the buckets' full costs from [`fill_bucket_full_costs`] (as stored in the
/// live curve): the same result, with one division for the first and the last bucket only.
pub fn quote_mint_with_costs(
    entries: &[CurveEntry],
    full_costs: &[u64; CURVE_LEN],
    supply: u64,
    svvv_amount: u64,
) -> Result<MintQuote, DiemError> {
    quote(entries, Some(full_costs), supply, svvv_amount)
}

fn quote(
    entries: &[CurveEntry],
    full_costs: Option<&[u64; CURVE_LEN]>,
    supply: u64,
    svvv_amount: u64,
) -> Result<MintQuote, DiemError> {
    let mut quote = MintQuote { svvv_locked: svvv_amount, supply_before: supply, ..MintQuote::default() };
    let first = entries.partition_point(|e| e.supply_bound <= supply);
    let mut current = supply;
    let mut remaining = svvv_amount;
    let mut settled = false;
    for (index, entry) in entries.iter().enumerate().skip(first) {
        let rate = u64::try_from(entry.rate()).map_err(|_| DiemError::CurveRateAboveCap)?;
        if rate == 0 {
            return Err(DiemError::CurveRateZero);
        }
        let room = entry.supply_bound.checked_sub(current).ok_or(DiemError::CurveBoundsNotIncreasing)?;
        // Only the first bucket can be entered part-way; after it, every bucket is crossed from
        // its lower bound and its stored full cost is exactly ceil(rate * room / ONE_DIEM).
        let cost = match full_costs {
            Some(costs) if index > first || supply == lower_bound(entries, first) => costs[index] as u128,
            _ => mul_div_ceil_wide(rate, room, ONE_DIEM).ok_or(DiemError::MathOverflow)?,
        };
        quote.marginal_rate = rate;
        if cost >= remaining as u128 {
            let affordable = mul_div_floor_wide(remaining, ONE_DIEM, rate).ok_or(DiemError::MathOverflow)?;
            // affordable <= room or we take room; either way it fits in u64.
            let bought = if affordable < room as u128 { affordable as u64 } else { room };
            quote.diem_out = quote.diem_out.checked_add(bought).ok_or(DiemError::MathOverflow)?;
            if bought == room {
                quote.buckets_filled = quote.buckets_filled.checked_add(1).ok_or(DiemError::MathOverflow)?;
            }
            settled = true;
            break;
        }
        // cost < remaining <= u64::MAX, so the narrowing is exact.
        remaining = remaining.checked_sub(cost as u64).ok_or(DiemError::MathOverflow)?;
        quote.diem_out = quote.diem_out.checked_add(room).ok_or(DiemError::MathOverflow)?;
        quote.buckets_filled = quote.buckets_filled.checked_add(1).ok_or(DiemError::MathOverflow)?;
        current = entry.supply_bound;
    }
    if !settled {
        return Err(DiemError::SupplyCapReached);
    }
    quote.supply_after = supply.checked_add(quote.diem_out).ok_or(DiemError::MathOverflow)?;
    Ok(quote)
}

/// The supply at which bucket `index` starts.
fn lower_bound(entries: &[CurveEntry], index: usize) -> u64 {
    if index == 0 { 0 } else { entries[index - 1].supply_bound }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A valid 256-bucket table: bound `step*(i+1)`, rate growing by `growth` per bucket.
    pub fn linear_curve(step: u64, base: u64, growth: u64) -> Vec<CurveEntry> {
        (0..CURVE_LEN as u64)
            .map(|i| CurveEntry::new(step * (i + 1), (base + growth * i) as u128))
            .collect()
    }

    fn launch_like() -> Vec<CurveEntry> {
        // 500 DIEM buckets, 90 VVV (6 decimals) per DIEM rising by 1 VVV per bucket.
        linear_curve(500 * ONE_DIEM, 90_000_000, 1_000_000)
    }

    #[test]
    fn lock_inside_first_bucket() {
        let q = quote_mint(&launch_like(), 0, 90_000_000).unwrap();
        assert_eq!(q.diem_out, ONE_DIEM);
        assert_eq!(q.supply_after, ONE_DIEM);
        assert_eq!(q.marginal_rate, 90_000_000);
        assert_eq!(q.buckets_filled, 0);
    }

    #[test]
    fn lock_crossing_a_bucket_pays_each_at_its_upper_rate() {
        let curve = launch_like();
        // Fill bucket 0 (500 DIEM at 90) and buy 10 DIEM in bucket 1 at 91.
        let x = 500 * 90_000_000 + 10 * 91_000_000;
        let q = quote_mint(&curve, 0, x).unwrap();
        assert_eq!(q.diem_out, 510 * ONE_DIEM);
        assert_eq!(q.buckets_filled, 1);
        assert_eq!(q.marginal_rate, 91_000_000);
    }

    #[test]
    fn quote_starts_mid_bucket() {
        let curve = launch_like();
        let q = quote_mint(&curve, 499 * ONE_DIEM, 2 * 90_000_000).unwrap();
        // 1 DIEM left at 90, the rest (90 VVV) buys 90/91 DIEM at 91.
        assert_eq!(q.diem_out, ONE_DIEM + 90_000_000u64 * ONE_DIEM / 91_000_000);
    }

    #[test]
    fn supply_cap_is_an_error() {
        let curve = launch_like();
        let cap = curve[CURVE_LEN - 1].supply_bound;
        assert_eq!(quote_mint(&curve, cap, 1), Err(DiemError::SupplyCapReached));
        assert_eq!(quote_mint(&curve, 0, u64::MAX), Err(DiemError::SupplyCapReached));
    }

    #[test]
    fn dust_buys_nothing_and_never_passes_a_bound() {
        let curve = launch_like();
        assert_eq!(quote_mint(&curve, 0, 0).unwrap().diem_out, 0);
        // Rate below one VVV base unit per DIEM base unit: 1 base unit of sVVV buys 11 base
        // units of DIEM by the formula, but only 1 is left in the bucket.
        let cheap = linear_curve(10, 90_000_000, 0);
        let q = quote_mint(&cheap, 9, 1).unwrap();
        assert_eq!(q.diem_out, 1);
        assert_eq!(q.supply_after, 10);
    }

    #[test]
    fn validation_names_each_defect() {
        let good = launch_like();
        assert_eq!(validate_curve(&good, 0), Ok(()));
        assert_eq!(validate_curve(&good[..255], 0), Err(DiemError::CurveIncomplete));
        let mut bad = good.clone();
        bad[10].supply_bound = bad[9].supply_bound;
        assert_eq!(validate_curve(&bad, 0), Err(DiemError::CurveBoundsNotIncreasing));
        let mut bad = good.clone();
        let lower = bad[9].rate() - 1;
        bad[10].set_rate(lower);
        assert_eq!(validate_curve(&bad, 0), Err(DiemError::CurveRatesDecreasing));
        let mut bad = good.clone();
        bad[0].set_rate(0);
        assert_eq!(validate_curve(&bad, 0), Err(DiemError::CurveRateZero));
        let mut bad = good.clone();
        bad[255].set_rate(MAX_RATE + 1);
        assert_eq!(validate_curve(&bad, 0), Err(DiemError::CurveRateAboveCap));
        let mut bad = good.clone();
        bad[0].supply_bound = 0;
        assert_eq!(validate_curve(&bad, 0), Err(DiemError::CurveBoundsNotIncreasing));
        let cap = good[255].supply_bound;
        assert_eq!(validate_curve(&good, cap + 1), Err(DiemError::CurveBelowSupply));
    }

    fn arb_curve() -> impl Strategy<Value = Vec<CurveEntry>> {
        (1u64..=2_000 * ONE_DIEM, 1u64..=1_000_000_000_000, 0u64..=10_000_000_000)
            .prop_map(|(step, base, growth)| linear_curve(step, base, growth))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// A bigger lock never buys less.
        #[test]
        fn bigger_lock_never_buys_less(curve in arb_curve(), supply_frac in 0u64..1000, a in any::<u64>(), b in any::<u64>()) {
            let supply = curve[CURVE_LEN - 1].supply_bound / 1000 * supply_frac;
            let (small, big) = if a <= b { (a, b) } else { (b, a) };
            match (quote_mint(&curve, supply, small), quote_mint(&curve, supply, big)) {
                (Ok(s), Ok(b)) => prop_assert!(s.diem_out <= b.diem_out),
                (Err(DiemError::SupplyCapReached), r) => prop_assert_eq!(r.err(), Some(DiemError::SupplyCapReached)),
                (Ok(_), Err(e)) => prop_assert_eq!(e, DiemError::SupplyCapReached),
                (Err(e), _) => prop_assert!(false, "unexpected error {:?}", e),
            }
        }

        /// Splitting a lock into two never buys more than doing it at once.
        #[test]
        fn split_lock_never_buys_more(curve in arb_curve(), supply_frac in 0u64..1000, a in 0u64..=u64::MAX / 2, b in 0u64..=u64::MAX / 2) {
            let supply = curve[CURVE_LEN - 1].supply_bound / 1000 * supply_frac;
            let Ok(whole) = quote_mint(&curve, supply, a + b) else { return Ok(()); };
            let first = quote_mint(&curve, supply, a).unwrap();
            let second = quote_mint(&curve, first.supply_after, b).unwrap();
            prop_assert!(first.diem_out + second.diem_out <= whole.diem_out);
        }

        /// The DIEM bought never costs less than the bucket rates it crossed.
        #[test]
        fn never_buys_below_the_curve(curve in arb_curve(), supply_frac in 0u64..1000, x in any::<u64>()) {
            let supply = curve[CURVE_LEN - 1].supply_bound / 1000 * supply_frac;
            if let Ok(q) = quote_mint(&curve, supply, x) {
                // Minimum cost of the DIEM bought, priced at each bucket's rate.
                let mut cost: u128 = 0;
                let mut s = supply;
                for e in curve.iter().filter(|e| e.supply_bound > supply) {
                    if s >= q.supply_after { break; }
                    let take = e.supply_bound.min(q.supply_after) - s;
                    cost += take as u128 * e.rate();
                    s += take;
                }
                prop_assert!(cost <= x as u128 * ONE_DIEM as u128);
            }
        }

        /// The stored full costs give exactly the quote computed bucket by bucket.
        #[test]
        fn stored_costs_give_the_same_quote(curve in arb_curve(), supply_frac in 0u64..1000, x in any::<u64>(), on_bound in any::<bool>()) {
            let mut costs = [0u64; CURVE_LEN];
            fill_bucket_full_costs(&curve, &mut costs).unwrap();
            let mut supply = curve[CURVE_LEN - 1].supply_bound / 1000 * supply_frac;
            if on_bound {
                supply = curve[(supply_frac as usize) % CURVE_LEN].supply_bound;
            }
            prop_assert_eq!(quote_mint_with_costs(&curve, &costs, supply, x), quote_mint(&curve, supply, x));
        }

        #[test]
        fn quote_never_panics(rates in prop::collection::vec(any::<u128>(), CURVE_LEN),
                              bounds in prop::collection::vec(any::<u64>(), CURVE_LEN),
                              supply in any::<u64>(), x in any::<u64>()) {
            let curve: Vec<CurveEntry> = bounds.iter().zip(&rates).map(|(b, r)| CurveEntry::new(*b, *r)).collect();
            let _ = validate_curve(&curve, supply);
            let _ = quote_mint(&curve, supply, x);
        }
    }
}
