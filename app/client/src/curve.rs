//! The curve generator (SPEC §5.1) and the quote, shared with the program.
use diem::constants::{CURVE_LEN, MAX_RATE, ONE_DIEM};
use diem::errors::DiemError;
use diem::state::CurveEntry;
use thiserror::Error;

pub use diem::math::curve::{MintQuote, quote_mint, validate_curve};

/// Most decimals a VVV mint may have for a generated curve: a rate of 1 VVV per DIEM is then
/// 10^18 base units, well inside the rate cap (`MAX_RATE`, about 1.8 × 10^19).
pub const MAX_VVV_DECIMALS: u8 = 18;

/// Why four numbers (and the VVV decimals) do not make a curve the program would accept.
#[derive(Debug, Error, PartialEq)]
pub enum CurveParamsError {
    #[error("base rate must be a positive number of VVV per DIEM, got {0}")]
    BaseRate(f64),
    #[error("power must be zero or a positive number (a negative one makes the rate fall with supply), got {0}")]
    Power(f64),
    #[error("target supply must be a positive number of DIEM, got {0}")]
    TargetSupply(f64),
    #[error(
        "step must be a positive number of DIEM whose 256 buckets fit the supply range (at most {max} DIEM), got {step}"
    )]
    Step { step: f64, max: f64 },
    #[error("VVV decimals must be at most {MAX_VVV_DECIMALS}, got {0}")]
    VvvDecimals(u8),
    #[error("the base rate of {0} VVV per DIEM is at or above the rate cap for these decimals")]
    BaseRateAboveCap(f64),
    #[error("the generated curve is refused by the program: {0}")]
    Refused(String),
}

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

    /// Refuses numbers that cannot make a curve (NaN, infinities, zero or negative values), by name.
    pub fn validate(&self) -> Result<(), CurveParamsError> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if !positive(self.base_rate) {
            return Err(CurveParamsError::BaseRate(self.base_rate));
        }
        if !(self.power.is_finite() && self.power >= 0.0) {
            return Err(CurveParamsError::Power(self.power));
        }
        if !positive(self.target_supply) {
            return Err(CurveParamsError::TargetSupply(self.target_supply));
        }
        // The last bound, 256 steps, must be a u64 of DIEM base units; a step must be at least
        // one base unit.
        let max = u64::MAX as f64 / ONE_DIEM as f64 / CURVE_LEN as f64;
        if !positive(self.step) || self.step > max || (self.step * ONE_DIEM as f64).round() < 1.0 {
            return Err(CurveParamsError::Step { step: self.step, max: max.floor() });
        }
        Ok(())
    }

    /// Rate in whole VVV per whole DIEM at a supply of `supply` whole DIEM.
    pub fn rate_at(&self, supply: f64) -> f64 {
        self.base_rate * (self.power * (supply / self.target_supply).powi(3)).exp()
    }
}

/// sVVV per whole DIEM when `svvv` bought `diem` (in the curve's rate units); `None` for no DIEM.
pub fn average_rate(svvv: u64, diem: u64) -> Option<u64> {
    diem::math::wide::mul_div_floor(svvv, ONE_DIEM, diem)
}

/// The least DIEM to accept for `quote` with `bps` basis points of slippage (rounded down);
/// `None` above 10,000 bps (100 %).
pub fn min_out_for_slippage(quote: u64, bps: u16) -> Option<u64> {
    let keep = u128::from(diem::constants::BPS_DENOMINATOR.checked_sub(u32::from(bps))?);
    u64::try_from(u128::from(quote) * keep / u128::from(diem::constants::BPS_DENOMINATOR)).ok()
}

/// `supply_bound[i] = step*(i+1)`, `rate[i] = base_rate * exp(power * (bound/target)^3)` in VVV
/// base units (rounded up, never below 1), saturating at `MAX_RATE` where the exponential
/// outgrows any VVV supply. Input that cannot make a curve the program accepts is refused.
pub fn generate_curve(params: &CurveParams, vvv_decimals: u8) -> Result<Vec<CurveEntry>, CurveParamsError> {
    params.validate()?;
    if vvv_decimals > MAX_VVV_DECIMALS {
        return Err(CurveParamsError::VvvDecimals(vvv_decimals));
    }
    let vvv_unit = 10f64.powi(i32::from(vvv_decimals));
    if params.base_rate * vvv_unit >= MAX_RATE as f64 {
        return Err(CurveParamsError::BaseRateAboveCap(params.base_rate));
    }
    let step_base_units = (params.step * ONE_DIEM as f64).round() as u64;
    let curve: Vec<CurveEntry> = (0..CURVE_LEN as u64)
        .map(|i| {
            let bound_diem = params.step * (i + 1) as f64;
            let rate = (params.rate_at(bound_diem) * vvv_unit).ceil();
            // `as` saturates infinity to u128::MAX; clamp into 1..=MAX_RATE.
            let rate = (rate as u128).clamp(1, MAX_RATE);
            CurveEntry::new(step_base_units.saturating_mul(i + 1), rate)
        })
        .collect();
    diem::math::curve::validate_curve(&curve, 0).map_err(|e: DiemError| CurveParamsError::Refused(e.to_string()))?;
    Ok(curve)
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
        let curve = generate_curve(&CurveParams::LAUNCH, 6).unwrap();
        validate_curve(&curve, 0).unwrap();
        assert_eq!(curve[0].supply_bound, 500 * ONE_DIEM);
        assert_eq!(curve[255].supply_bound, 128_000 * ONE_DIEM);
        // Bucket 79 ends at 40,000 DIEM: 90 * e^2 = 665.015 VVV, rounded up to the base unit.
        assert_eq!(curve[79].rate(), (90.0 * 2f64.exp() * 1e6).ceil() as u128);
        assert!(curve.windows(2).all(|w| w[0].rate() <= w[1].rate()));
        assert_eq!(curve[255].rate(), MAX_RATE);
    }

    #[test]
    fn numbers_that_make_no_curve_are_refused_by_name() {
        let launch = CurveParams::LAUNCH;
        let with = |f: fn(&mut CurveParams)| {
            let mut p = launch;
            f(&mut p);
            generate_curve(&p, 6)
        };
        assert!(matches!(with(|p| p.base_rate = -90.0), Err(CurveParamsError::BaseRate(_))));
        assert!(matches!(with(|p| p.base_rate = 0.0), Err(CurveParamsError::BaseRate(_))));
        assert!(matches!(with(|p| p.base_rate = f64::NAN), Err(CurveParamsError::BaseRate(_))));
        assert!(matches!(with(|p| p.base_rate = f64::INFINITY), Err(CurveParamsError::BaseRate(_))));
        assert!(matches!(with(|p| p.power = -2.0), Err(CurveParamsError::Power(_))));
        assert!(matches!(with(|p| p.power = f64::NAN), Err(CurveParamsError::Power(_))));
        assert!(matches!(with(|p| p.target_supply = 0.0), Err(CurveParamsError::TargetSupply(_))));
        assert!(matches!(with(|p| p.step = 0.0), Err(CurveParamsError::Step { .. })));
        assert!(matches!(with(|p| p.step = 1e-12), Err(CurveParamsError::Step { .. })));
        assert!(matches!(with(|p| p.step = 1e9), Err(CurveParamsError::Step { .. })));
        assert!(matches!(generate_curve(&launch, 30), Err(CurveParamsError::VvvDecimals(30))));
        assert!(matches!(
            generate_curve(&CurveParams { base_rate: 1e12, ..launch }, 9),
            Err(CurveParamsError::BaseRateAboveCap(_))
        ));
        // A flat curve (power 0) is a valid one.
        assert!(with(|p| p.power = 0.0).is_ok());
        assert_eq!(generate_curve(&launch, 12).map(|c| c.len()), Ok(CURVE_LEN));
        // At the most decimals, 90 VVV per DIEM is past the cap; 1 VVV per DIEM is not.
        assert!(matches!(generate_curve(&launch, MAX_VVV_DECIMALS), Err(CurveParamsError::BaseRateAboveCap(_))));
        let one = CurveParams { base_rate: 1.0, ..launch };
        let first = generate_curve(&one, MAX_VVV_DECIMALS).unwrap()[0].rate();
        // 1 VVV × e^(2 (500/40000)^3) ≈ 1.0000039 VVV, in 18-decimal base units.
        assert!((1_000_003_900_000_000_000..1_000_003_910_000_000_000).contains(&first), "{first}");
    }

    #[test]
    fn slippage_floors_the_quote() {
        assert_eq!(min_out_for_slippage(10_000, 50), Some(9_950));
        assert_eq!(min_out_for_slippage(999, 1), Some(998));
        assert_eq!(min_out_for_slippage(u64::MAX, 0), Some(u64::MAX));
        assert_eq!(min_out_for_slippage(5, 10_000), Some(0));
        assert_eq!(min_out_for_slippage(5, 10_001), None);
    }
}
