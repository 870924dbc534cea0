//! Whole-token amounts (`"1.5"`) to base units and back, exactly (no floating point).
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AmountError {
    #[error("'{0}' is not a decimal amount")]
    NotANumber(String),
    #[error("'{0}' has more than {1} decimal places")]
    TooPrecise(String, u8),
    #[error("'{0}' does not fit in a u64 of base units")]
    TooLarge(String),
    #[error("'{0}' is not a whole number of base units")]
    NotWhole(String),
}

/// Parses `"12.345"` into base units of a token with `decimals` decimals.
pub fn parse_amount(text: &str, decimals: u8) -> Result<u64, AmountError> {
    let bad = || AmountError::NotANumber(text.to_string());
    let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > decimals as usize {
        return Err(AmountError::TooPrecise(text.to_string(), decimals));
    }
    let digits = format!("{whole}{frac:0<width$}", width = decimals as usize);
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(0);
    }
    digits.parse::<u64>().map_err(|_| AmountError::TooLarge(text.to_string()))
}

/// Formats base units as a whole-token amount without trailing zeros (`1500000`, 6 → `"1.5"`).
pub fn format_amount(base_units: u64, decimals: u8) -> String {
    let unit = 10u128.pow(decimals as u32);
    let whole = base_units as u128 / unit;
    let frac = base_units as u128 % unit;
    if frac == 0 {
        return whole.to_string();
    }
    let frac = format!("{frac:0width$}", width = decimals as usize);
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// An amount as typed on a command line (`"1.5"`, or base units with `--raw`): its syntax and
/// size are checked once, when it is parsed (a clap value parser); it becomes base units once
/// the token's decimals are known, by [`parse_amount`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedAmount(String);

impl std::str::FromStr for TypedAmount {
    type Err = AmountError;

    fn from_str(text: &str) -> Result<Self, AmountError> {
        let amount = Self(text.trim().to_string());
        // With as many decimals as it has, only the syntax and the size are checked.
        parse_amount(&amount.0, amount.decimals_typed()?)?;
        Ok(amount)
    }
}

impl std::fmt::Display for TypedAmount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TypedAmount {
    /// A clap value parser for amounts that must be more than zero.
    pub fn positive(text: &str) -> Result<Self, String> {
        let amount: Self = text.parse().map_err(|e: AmountError| e.to_string())?;
        if amount.is_zero() {
            return Err("the amount must be greater than zero".into());
        }
        Ok(amount)
    }

    fn decimals_typed(&self) -> Result<u8, AmountError> {
        let typed = self.0.split_once('.').map_or(0, |(_, frac)| frac.len());
        u8::try_from(typed).map_err(|_| AmountError::TooPrecise(self.0.clone(), u8::MAX))
    }

    pub fn is_zero(&self) -> bool {
        self.0.chars().all(|c| c == '0' || c == '.')
    }

    /// Whether it has a fractional part (which base units cannot have).
    pub fn has_fraction(&self) -> bool {
        self.0.split_once('.').is_some_and(|(_, frac)| !frac.is_empty())
    }

    /// In base units of a token with `decimals` decimals.
    pub fn base_units(&self, decimals: u8) -> Result<u64, AmountError> {
        parse_amount(&self.0, decimals)
    }

    /// As base units already (`--raw`): a whole number.
    pub fn raw(&self) -> Result<u64, AmountError> {
        if self.has_fraction() {
            return Err(AmountError::NotWhole(self.0.clone()));
        }
        parse_amount(&self.0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_whole_and_fractional_amounts() {
        assert_eq!(parse_amount("1.5", 6), Ok(1_500_000));
        assert_eq!(parse_amount("0.000001", 6), Ok(1));
        assert_eq!(parse_amount("42", 9), Ok(42_000_000_000));
        assert_eq!(parse_amount(".5", 1), Ok(5));
        assert_eq!(parse_amount("0", 6), Ok(0));
        assert_eq!(parse_amount("18446744073709.551615", 6), Ok(u64::MAX));
    }

    #[test]
    fn refuses_what_it_cannot_represent() {
        assert_eq!(parse_amount("0.0000001", 6), Err(AmountError::TooPrecise("0.0000001".into(), 6)));
        assert_eq!(
            parse_amount("18446744073709.551616", 6),
            Err(AmountError::TooLarge("18446744073709.551616".into()))
        );
        for bad in ["", ".", "-1", "1e6", "1,5", "abc", "1.2.3"] {
            assert!(matches!(parse_amount(bad, 6), Err(AmountError::NotANumber(_))), "{bad}");
        }
    }

    #[test]
    fn a_typed_amount_is_checked_once_and_converted_without_reparsing() {
        let a: TypedAmount = "1.5".parse().unwrap();
        assert_eq!(a.base_units(6), Ok(1_500_000));
        assert_eq!(a.base_units(0), Err(AmountError::TooPrecise("1.5".into(), 0)));
        assert_eq!(a.raw(), Err(AmountError::NotWhole("1.5".into())));
        assert_eq!("42".parse::<TypedAmount>().unwrap().raw(), Ok(42));
        assert!("0.000".parse::<TypedAmount>().unwrap().is_zero());
        assert_eq!(TypedAmount::positive("0").unwrap_err(), "the amount must be greater than zero");
        for bad in ["", ".", "-1", "1e6", "abc", "1.2.3", "99999999999999999999"] {
            assert!(bad.parse::<TypedAmount>().is_err(), "{bad}");
        }
        // Equal to parse_amount wherever both answer.
        for (text, d) in [("0.000001", 6), ("18446744073709.551615", 6), (".5", 1), ("7", 9)] {
            assert_eq!(text.parse::<TypedAmount>().unwrap().base_units(d), parse_amount(text, d), "{text}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for (units, text) in [(1_500_000, "1.5"), (1, "0.000001"), (0, "0"), (u64::MAX, "18446744073709.551615")] {
            assert_eq!(format_amount(units, 6), text);
            assert_eq!(parse_amount(text, 6), Ok(units));
        }
    }
}
