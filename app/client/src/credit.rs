//! The daily inference credit (SPEC §7) and the UTC calendar it is counted in: a beneficiary's
//! credit for a day is the DIEM staked for them at 00:00 UTC (summed over every stake that names
//! them), as dollars 1:1, if it is at least 0.1 DIEM.
use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use diem::constants::{DIEM_DECIMALS, MIN_CREDIT_DIEM, SECONDS_PER_DAY};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::events::DiemEvent;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DayError {
    #[error("'{0}' is not a date: expected YYYY-MM-DD, for example 2026-12-02")]
    Format(String),
    #[error("'{0}' is not a day of the calendar")]
    NoSuchDay(String),
}

/// Days in `month` of `year` (proleptic Gregorian).
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`); the date must exist.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` (years 1970 to 9999) to days since 1970-01-01. A day the calendar does not have
/// (`2026-02-31`) is refused, never rolled over.
pub fn parse_day(text: &str) -> Result<i64, DayError> {
    let format = || DayError::Format(text.to_string());
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(format()) };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 || !text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Err(format());
    }
    let (y, m, d): (i64, i64, i64) =
        (y.parse().map_err(|_| format())?, m.parse().map_err(|_| format())?, d.parse().map_err(|_| format())?);
    if y < 1970 || !(1..=12).contains(&m) || !(1..=days_in_month(y, m)).contains(&d) {
        return Err(DayError::NoSuchDay(text.to_string()));
    }
    Ok(days_from_civil(y, m, d))
}

/// The `YYYY-MM-DD` of `day` days since 1970-01-01 (Hinnant's `civil_from_days`).
pub fn format_day(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The UTC day (days since 1970-01-01) that contains `unix_seconds`.
pub fn day_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(SECONDS_PER_DAY)
}

/// A DIEM stake's balance after an event: the stake `owner` controls for `beneficiary`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakeBalance {
    pub owner: Pubkey,
    pub beneficiary: Pubkey,
    pub staked: u64,
    pub timestamp: i64,
}

/// The one place that says which DIEM stakes an event leaves at which balance (none for events
/// that move no staked DIEM; two for a change of beneficiary, the old stake emptied).
pub fn stake_balances(event: &DiemEvent) -> Vec<StakeBalance> {
    let one = |owner, beneficiary, staked, timestamp| vec![StakeBalance { owner, beneficiary, staked, timestamp }];
    match event {
        DiemEvent::DiemStaked(e) => one(e.owner, e.beneficiary, e.staked, e.timestamp),
        DiemEvent::DiemUnstakeInitiated(e) => one(e.owner, e.beneficiary, e.staked, e.timestamp),
        DiemEvent::DiemUnstakeCancelled(e) => one(e.owner, e.beneficiary, e.staked, e.timestamp),
        DiemEvent::DiemBeneficiaryChanged(e) => vec![
            StakeBalance { owner: e.owner, beneficiary: e.from, staked: 0, timestamp: e.timestamp },
            StakeBalance { owner: e.owner, beneficiary: e.to, staked: e.to_staked, timestamp: e.timestamp },
        ],
        _ => Vec::new(),
    }
}

/// The DIEM staked for each beneficiary at `instant` (unix seconds), summed over every stake
/// that names it, from the event history: every change stamped strictly before the instant
/// counts. Beneficiaries with nothing staked are left out.
pub fn diem_staked_at(events: &[DiemEvent], instant: i64) -> BTreeMap<Pubkey, u64> {
    let mut stakes: BTreeMap<(Pubkey, Pubkey), u64> = BTreeMap::new();
    for balance in events.iter().flat_map(stake_balances).filter(|b| b.timestamp < instant) {
        stakes.insert((balance.owner, balance.beneficiary), balance.staked);
    }
    let mut by_beneficiary: BTreeMap<Pubkey, u64> = BTreeMap::new();
    for ((_, beneficiary), staked) in stakes.into_iter().filter(|(_, staked)| *staked > 0) {
        let total = by_beneficiary.entry(beneficiary).or_default();
        *total = total.saturating_add(staked);
    }
    by_beneficiary
}

/// One beneficiary's inference credit for a UTC day (SPEC §7).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entitlement {
    /// The beneficiary (named `owner` in the record's API since before beneficiaries).
    pub owner: String,
    /// DIEM staked at 00:00 UTC, base units.
    pub staked_diem: u64,
    /// Dollars of credit for the day: the staked DIEM 1:1, or 0 below 0.1 DIEM.
    pub credit_usd: String,
}

/// The credit of `staked` DIEM base units at 00:00 UTC, in dollars.
pub fn credit_usd(staked: u64) -> String {
    if staked >= MIN_CREDIT_DIEM { crate::amount::format_amount(staked, DIEM_DECIMALS) } else { "0".into() }
}

/// Per-beneficiary credit for the UTC day `day` (days since 1970-01-01), those with a stake only.
pub fn entitlements(events: &[DiemEvent], day: i64) -> Option<Vec<Entitlement>> {
    let instant = day.checked_mul(SECONDS_PER_DAY)?;
    Some(
        diem_staked_at(events, instant)
            .into_iter()
            .filter(|(_, staked)| *staked > 0)
            .map(|(owner, staked)| Entitlement {
                owner: owner.to_string(),
                staked_diem: staked,
                credit_usd: credit_usd(staked),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch() {
        assert_eq!(parse_day("1970-01-01"), Ok(0));
        assert_eq!(parse_day("2026-11-24"), Ok(20_781));
        assert_eq!(parse_day("2000-03-01"), Ok(11_017));
        assert_eq!(parse_day("2024-02-29"), Ok(19_782));
        assert!(matches!(parse_day("2026-13-01"), Err(DayError::NoSuchDay(_))));
        assert!(matches!(parse_day("2026-02-31"), Err(DayError::NoSuchDay(_))));
        assert!(matches!(parse_day("2025-02-29"), Err(DayError::NoSuchDay(_))));
        assert!(matches!(parse_day("2100-02-29"), Err(DayError::NoSuchDay(_))));
        assert!(matches!(parse_day("1969-12-31"), Err(DayError::NoSuchDay(_))));
        for bad in ["yesterday", "2026-1-01", "2026-01-01-01", "+026-01-01", "2026-0a-01", ""] {
            assert!(matches!(parse_day(bad), Err(DayError::Format(_))), "{bad}");
        }
    }

    #[test]
    fn formatting_inverts_parsing() {
        for day in [0, 59, 60, 11_016, 11_017, 19_782, 20_781, 20_790, 2_932_896] {
            assert_eq!(parse_day(&format_day(day)), Ok(day), "{}", format_day(day));
        }
        assert_eq!(format_day(20_790), "2026-12-03");
        assert_eq!(day_of(20_790 * SECONDS_PER_DAY - 1), 20_789);
        assert_eq!(day_of(20_790 * SECONDS_PER_DAY), 20_790);
    }

    #[test]
    fn credit_starts_at_a_tenth_of_a_diem() {
        assert_eq!(credit_usd(MIN_CREDIT_DIEM - 1), "0");
        assert_eq!(credit_usd(MIN_CREDIT_DIEM), "0.1");
        assert_eq!(credit_usd(12 * diem::constants::ONE_DIEM), "12");
    }
}
