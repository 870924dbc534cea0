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
/// SHA-256 of a curve table: each entry as its supply bound (u64) then its rate (u128), both
/// little-endian, in order — 24 bytes an entry, exactly the zero-copy layout. `commit_curve`
/// names this hash, so what goes live is the table that was reviewed; clients compute it with
/// this same function.
pub fn curve_hash(entries: &[CurveEntry]) -> [u8; 32] {
    let bytes: &[u8] = bytemuck::cast_slice(entries);
    solana_sha256_hasher::hashv(&[bytes]).to_bytes()
}

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

/// The sVVV that fills buckets `0..=i` from supply 0, for each `i`: the running sum of each
/// bucket's full cost `ceil(rate[i] * (bound[i] - bound[i-1]) / ONE_DIEM)`, saturated at
/// `u64::MAX` (no lock can pay more). `commit_curve` stores these, so a quote crosses any number
/// of full buckets with one binary search instead of a walk, and bucket `i`'s full cost is
/// `cumulative[i] - cumulative[i-1]` while neither is saturated. `entries` must have passed
/// [`validate_curve`].
/// Written in place: the table is 2 KB, too much for an SBF stack frame next to its caller's.
pub fn fill_cumulative_costs(entries: &[CurveEntry], cumulative: &mut [u64; CURVE_LEN]) -> Result<(), DiemError> {
    if entries.len() != CURVE_LEN {
        return Err(DiemError::CurveIncomplete);
    }
    let (mut lower, mut sum) = (0u64, 0u64);
    for (slot, entry) in cumulative.iter_mut().zip(entries) {
        let rate = u64::try_from(entry.rate()).map_err(|_| DiemError::CurveRateAboveCap)?;
        let width = entry.supply_bound.checked_sub(lower).ok_or(DiemError::CurveBoundsNotIncreasing)?;
        let full = mul_div_ceil_wide(rate, width, ONE_DIEM).ok_or(DiemError::MathOverflow)?;
        sum = u64::try_from(full).ok().and_then(|f| sum.checked_add(f)).unwrap_or(u64::MAX);
        *slot = sum;
        lower = entry.supply_bound;
    }
    Ok(())
}

/// How much DIEM a lock of `svvv_amount` buys at outstanding supply `supply` (SPEC §5.2).
///
/// Each crossed bucket costs `ceil(rate * room / ONE_DIEM)` (rounded against the buyer); the
/// bucket the lock ends in yields `floor(x * ONE_DIEM / rate)`, capped at the room left in it
/// so a lock never buys past a bucket's bound at that bucket's price. The whole amount is
/// locked, dust included. `entries` must have passed [`validate_curve`]. Bucket by bucket: the
/// definition, which [`quote_mint_with_costs`] must equal.
pub fn quote_mint(entries: &[CurveEntry], supply: u64, svvv_amount: u64) -> Result<MintQuote, DiemError> {
    quote(entries, None, supply, svvv_amount)
}

/// [`quote_mint`] with the cumulative costs from [`fill_cumulative_costs`] (as stored in the
/// live curve): the same result, at a cost that does not grow with the buckets crossed (one
/// binary search over the cumulative costs, one division for the first bucket and one for the
/// last).
pub fn quote_mint_with_costs(
    entries: &[CurveEntry],
    cumulative: &[u64; CURVE_LEN],
    supply: u64,
    svvv_amount: u64,
) -> Result<MintQuote, DiemError> {
    quote(entries, Some(cumulative), supply, svvv_amount)
}

fn quote(
    entries: &[CurveEntry],
    cumulative: Option<&[u64; CURVE_LEN]>,
    supply: u64,
    svvv_amount: u64,
) -> Result<MintQuote, DiemError> {
    let mut quote = MintQuote { svvv_locked: svvv_amount, supply_before: supply, ..MintQuote::default() };
    let first = entries.partition_point(|e| e.supply_bound <= supply);
    let mut current = supply;
    let mut remaining = svvv_amount;
    let mut index = first;
    while let Some(entry) = entries.get(index) {
        let rate = u64::try_from(entry.rate()).map_err(|_| DiemError::CurveRateAboveCap)?;
        if rate == 0 {
            return Err(DiemError::CurveRateZero);
        }
        let room = entry.supply_bound.checked_sub(current).ok_or(DiemError::CurveBoundsNotIncreasing)?;
        // Every bucket after the first is entered at its lower bound, so its full cost is the
        // difference of two cumulative costs (exact while neither is saturated).
        let stored = cumulative.filter(|_| current == lower_bound(entries, index)).and_then(|c| {
            let before = if index == 0 { 0 } else { c[index - 1] };
            (c[index] != u64::MAX).then(|| c[index] - before)
        });
        let cost = match stored {
            Some(cost) => cost as u128,
            None => mul_div_ceil_wide(rate, room, ONE_DIEM).ok_or(DiemError::MathOverflow)?,
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
            quote.supply_after = supply.checked_add(quote.diem_out).ok_or(DiemError::MathOverflow)?;
            return Ok(quote);
        }
        // cost < remaining <= u64::MAX, so the narrowing is exact.
        remaining = remaining.checked_sub(cost as u64).ok_or(DiemError::MathOverflow)?;
        quote.diem_out = quote.diem_out.checked_add(room).ok_or(DiemError::MathOverflow)?;
        quote.buckets_filled = quote.buckets_filled.checked_add(1).ok_or(DiemError::MathOverflow)?;
        current = entry.supply_bound;
        index += 1;
        // With stored costs, cross at once every following bucket the rest pays for in full:
        // bucket k is crossed iff cumulative[k] - cumulative[index - 1] < remaining (the
        // bucket-by-bucket rule, summed), a predicate true for a prefix of the buckets.
        if let Some(c) = cumulative {
            let base = c[index - 1];
            if base != u64::MAX {
                let crossed = c[index..].partition_point(|&sum| sum != u64::MAX && sum - base < remaining);
                if crossed > 0 {
                    let last = index + crossed - 1;
                    remaining -= c[last] - base;
                    quote.diem_out = quote
                        .diem_out
                        .checked_add(entries[last].supply_bound - current)
                        .ok_or(DiemError::MathOverflow)?;
                    let crossed = u16::try_from(crossed).map_err(|_| DiemError::MathOverflow)?;
                    quote.buckets_filled = quote.buckets_filled.checked_add(crossed).ok_or(DiemError::MathOverflow)?;
                    current = entries[last].supply_bound;
                    index = last + 1;
                }
            }
        }
    }
    Err(DiemError::SupplyCapReached)
}

/// The supply at which bucket `index` starts.
fn lower_bound(entries: &[CurveEntry], index: usize) -> u64 {
    if index == 0 { 0 } else { entries[index - 1].supply_bound }
}

#[cfg(test)]
pub(crate) mod tests;
