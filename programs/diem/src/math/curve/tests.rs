//! Tests of `math::curve`.
use super::*;
use proptest::prelude::*;

/// A valid 256-bucket table: bound `step*(i+1)`, rate growing by `growth` per bucket.
pub fn linear_curve(step: u64, base: u64, growth: u64) -> Vec<CurveEntry> {
    (0..CURVE_LEN as u64).map(|i| CurveEntry::new(step * (i + 1), (base + growth * i) as u128)).collect()
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

    /// The stored cumulative costs give exactly the quote computed bucket by bucket.
    #[test]
    fn stored_costs_give_the_same_quote(curve in arb_curve(), supply_frac in 0u64..1000, x in any::<u64>(), on_bound in any::<bool>()) {
        let mut costs = [0u64; CURVE_LEN];
        fill_cumulative_costs(&curve, &mut costs).unwrap();
        let mut supply = curve[CURVE_LEN - 1].supply_bound / 1000 * supply_frac;
        if on_bound {
            supply = curve[(supply_frac as usize) % CURVE_LEN].supply_bound;
        }
        prop_assert_eq!(quote_mint_with_costs(&curve, &costs, supply, x), quote_mint(&curve, supply, x));
        // A lock that pays exactly up to a later bound: the tie between crossing a bucket and
        // settling in it (the bucket-by-bucket rule settles, at that bucket's rate).
        let start = curve.partition_point(|e| e.supply_bound <= supply);
        let end = (start + (x % 8) as usize).min(CURVE_LEN - 1);
        if on_bound && start < CURVE_LEN {
            let exact = costs[end] - if start == 0 { 0 } else { costs[start - 1] };
            prop_assert_eq!(quote_mint_with_costs(&curve, &costs, supply, exact), quote_mint(&curve, supply, exact));
        }
    }

    /// The same on any valid curve, saturated cumulative costs included: steep curves whose later
    /// buckets cost more than any lock can pay, where the search must fall back to the walk.
    #[test]
    fn stored_costs_give_the_same_quote_on_steep_curves(
        steps in prop::collection::vec(prop_oneof![1u64..=1_000_000_000_000, 1u64..=u64::MAX / 512], CURVE_LEN),
        rate_steps in prop::collection::vec(prop_oneof![9 => 0u64..=1_000_000, 1 => 0u64..=u64::MAX / 256], CURVE_LEN),
        supply_pick in any::<u64>(), x in any::<u64>(), on_bound in any::<bool>(),
    ) {
        let mut bound = 0u64;
        let mut rate = 0u64;
        let curve: Vec<CurveEntry> = steps.iter().zip(&rate_steps).map(|(step, r)| {
            bound += step;
            rate = rate.saturating_add(*r).clamp(1, MAX_RATE as u64);
            CurveEntry::new(bound, rate as u128)
        }).collect();
        prop_assume!(validate_curve(&curve, 0).is_ok());
        let mut costs = [0u64; CURVE_LEN];
        fill_cumulative_costs(&curve, &mut costs).unwrap();
        let cap = curve[CURVE_LEN - 1].supply_bound;
        let supply = if on_bound { curve[(supply_pick % CURVE_LEN as u64) as usize].supply_bound } else { supply_pick % cap };
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
