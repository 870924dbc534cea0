use anchor_lang::prelude::*;

use crate::constants::CURVE_LEN;
use crate::errors::DiemError;

/// One bucket of the curve as stored in the zero-copy curve accounts. The rate is kept as
/// little-endian bytes so the layout has no padding whatever a target's `u128` alignment.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CurveEntry {
    /// Upper bound of the bucket: a DIEM supply in DIEM base units.
    pub supply_bound: u64,
    /// VVV base units per whole DIEM in this bucket (`u128`, little-endian).
    pub rate_le: [u8; 16],
}

impl CurveEntry {
    pub fn new(supply_bound: u64, rate: u128) -> Self {
        Self { supply_bound, rate_le: rate.to_le_bytes() }
    }
    pub fn rate(&self) -> u128 {
        u128::from_le_bytes(self.rate_le)
    }
    pub fn set_rate(&mut self, rate: u128) {
        self.rate_le = rate.to_le_bytes();
    }
}

/// One bucket as instructions and events carry it (`stage_curve`, `CurveStaged`): plain Borsh
/// with a `u128` rate, what clients and `declare_program!` integrators read and write.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CurvePoint {
    /// Upper bound of the bucket: a DIEM supply in DIEM base units.
    pub supply_bound: u64,
    /// VVV base units per whole DIEM in this bucket.
    pub rate: u128,
}

impl From<CurvePoint> for CurveEntry {
    fn from(p: CurvePoint) -> Self {
        CurveEntry::new(p.supply_bound, p.rate)
    }
}

impl From<CurveEntry> for CurvePoint {
    fn from(e: CurveEntry) -> Self {
        CurvePoint { supply_bound: e.supply_bound, rate: e.rate() }
    }
}

/// The live curve. PDA `[CURVE_SEED]`. Only `commit_curve` writes it, from a validated staging
/// table, so a quote or a mint never sees a half-written curve.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Curve {
    /// Equals `Config::curve_version` once committed; 0 before the first commit.
    pub version: u32,
    pub _padding: [u8; 4],
    pub entries: [CurveEntry; CURVE_LEN],
    /// `math::curve::fill_cumulative_costs(entries)`: the sVVV that fills buckets `0..=i`,
    /// computed once by `commit_curve`, so a mint costs the same however many buckets it crosses.
    pub cumulative_costs: [u64; CURVE_LEN],
}

impl Curve {
    pub const SPACE: usize = 8 + std::mem::size_of::<Curve>();

    /// The quote of a lock of `svvv_amount` at outstanding supply `supply`.
    pub fn quote(
        &self,
        supply: u64,
        svvv_amount: u64,
    ) -> std::result::Result<crate::math::curve::MintQuote, DiemError> {
        crate::math::curve::quote_mint_with_costs(&self.entries, &self.cumulative_costs, supply, svvv_amount)
    }
}

/// Where the authority writes a new curve in chunks. PDA `[CURVE_STAGING_SEED]`.
#[account(zero_copy)]
#[derive(Debug)]
pub struct CurveStaging {
    /// One bit per entry: set once the entry has been written since the last commit.
    pub written: [u64; 4],
    pub entries: [CurveEntry; CURVE_LEN],
}

impl CurveStaging {
    pub const SPACE: usize = 8 + std::mem::size_of::<CurveStaging>();

    /// Writes `chunk` at `start`. Chunks may arrive in any order and may overwrite.
    pub fn write(&mut self, start: usize, chunk: &[CurvePoint]) -> Result<()> {
        let end = start.checked_add(chunk.len()).ok_or_else(|| error!(DiemError::CurveChunkOutOfRange))?;
        require!(
            !chunk.is_empty() && chunk.len() <= crate::constants::MAX_CURVE_CHUNK && end <= CURVE_LEN,
            DiemError::CurveChunkOutOfRange
        );
        for (slot, point) in self.entries[start..end].iter_mut().zip(chunk) {
            *slot = (*point).into();
        }
        for i in start..end {
            self.written[i / 64] |= 1u64 << (i % 64);
        }
        Ok(())
    }

    pub fn is_complete(&self) -> bool {
        self.written.iter().all(|w| *w == u64::MAX)
    }

    pub fn clear(&mut self) {
        self.written = [0; 4];
    }

    /// How many entries have been written since the last commit or clear.
    pub fn written_count(&self) -> u16 {
        self.written.iter().map(|w| w.count_ones() as u16).sum()
    }
}
