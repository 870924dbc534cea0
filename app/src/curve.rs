//! The curve generator (SPEC §5.1) and the quote, shared with the program.
use diem::constants::{CURVE_LEN, MAX_RATE, ONE_DIEM};
use diem::state::CurveEntry;

pub use diem::math::curve::{MintQuote, quote_mint, validate_curve};

/// The four numbers a curve is generated from. Supplies are in whole DIEM.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurveParams {
    /// VVV per DIEM at zero supply (launch: 90).
    pub base_rate: f64,
    /// Multiplier in the exponent (launch: 2).
    pub power: f64,
    /// Supply at which the exponent reaches `power` (launch: 40,000 DIEM).
    pub target_supply: f64,
    /// Width of a bucket in whole DIEM (launch: 500).
    pub step: f64,
}

impl CurveParams {
    /// The live system's parameters after its target moved to 40,000 DIEM.
    pub const LAUNCH: CurveParams = CurveParams { base_rate: 90.0, power: 2.0, target_supply: 40_000.0, step: 500.0 };

    /// Rate in whole VVV per whole DIEM at a supply of `supply` whole DIEM.
    pub fn rate_at(&self, supply: f64) -> f64 {
        self.base_rate * (self.power * (supply / self.target_supply).powi(3)).exp()
    }
}

/// sVVV per whole DIEM when `svvv` bought `diem` (in the curve's rate units); `None` for no DIEM.
pub fn average_rate(svvv: u64, diem: u64) -> Option<u64> {
    diem::math::wide::mul_div_floor(svvv, ONE_DIEM, diem)
}

/// `supply_bound[i] = step*(i+1)`, `rate[i] = base_rate * exp(power * (bound/target)^3)` in VVV
/// base units (rounded up, never below 1), saturating at `MAX_RATE`.
pub fn generate_curve(params: &CurveParams, vvv_decimals: u8) -> Vec<CurveEntry> {
    let vvv_unit = 10f64.powi(vvv_decimals as i32);
    let step_base_units = (params.step * ONE_DIEM as f64).round() as u64;
    (0..CURVE_LEN as u64)
        .map(|i| {
            let bound_diem = params.step * (i + 1) as f64;
            let rate = (params.rate_at(bound_diem) * vvv_unit).ceil();
            // `as` saturates NaN to 0 and infinity to u128::MAX; clamp into 1..=MAX_RATE.
            let rate = (rate as u128).clamp(1, MAX_RATE);
            CurveEntry::new(step_base_units.saturating_mul(i + 1), rate)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_worked_values() {
        // SPEC §5.1 table, sVVV per DIEM.
        let t38 = CurveParams { target_supply: 38_000.0, ..CurveParams::LAUNCH };
        let t40 = CurveParams::LAUNCH;
        for (supply, r38, r40) in [
            (0.0, 90.00, 90.00),
            (10_000.0, 93.34, 92.86),
            (20_000.0, 120.47, 115.56),
            (30_000.0, 240.79, 209.26),
            (40_000.0, 927.52, 665.02),
        ] {
            assert!((t38.rate_at(supply) - r38).abs() < 0.005, "38k at {supply}: {}", t38.rate_at(supply));
            assert!((t40.rate_at(supply) - r40).abs() < 0.005, "40k at {supply}: {}", t40.rate_at(supply));
        }
    }

    #[test]
    fn launch_curve_is_valid_and_saturates() {
        let curve = generate_curve(&CurveParams::LAUNCH, 6);
        validate_curve(&curve, 0).unwrap();
        assert_eq!(curve[0].supply_bound, 500 * ONE_DIEM);
        assert_eq!(curve[255].supply_bound, 128_000 * ONE_DIEM);
        // Bucket 79 ends at 40,000 DIEM: 90 * e^2 = 665.015 VVV, rounded up to the base unit.
        assert_eq!(curve[79].rate(), (90.0 * 2f64.exp() * 1e6).ceil() as u128);
        assert!(curve.windows(2).all(|w| w[0].rate() <= w[1].rate()));
        assert_eq!(curve[255].rate(), MAX_RATE);
    }
}
