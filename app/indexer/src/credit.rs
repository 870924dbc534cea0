//! A day's credit (SPEC §7) from the store: each owner's staked DIEM at 00:00 UTC, frozen into
//! a snapshot by the indexer once the record has passed that instant on one consistent view of
//! the cluster, so a billed day never changes.
use diem::constants::SECONDS_PER_DAY;
use diem_client::credit::{Entitlement, credit_usd, format_day};
use serde::Serialize;

use crate::store::{Store, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayCredit {
    pub day: String,
    /// True once the record covers the day's 00:00 UTC: no event still to come can change it.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The last event the record held when the answer was computed.
    pub through_seq: u64,
    pub entitlements: Vec<Entitlement>,
}

fn entitlement((owner, staked): (String, u64)) -> Entitlement {
    Entitlement { owner, staked_diem: staked, credit_usd: credit_usd(staked) }
}

/// The credit of the UTC day `day` (days since 1970-01-01), read only: a frozen day's
/// snapshot, or the stakes at its 00:00 UTC as the record holds them now. Reads never freeze a
/// day; only the indexer does, when a sync completes ([`freeze_final_days`]).
pub async fn day_credit(store: &Store, day: i64) -> StoreResult<DayCredit> {
    let instant = day.checked_mul(SECONDS_PER_DAY).ok_or(StoreError::OutOfRange { what: "day", value: day as u128 })?;
    let checkpoint = store.checkpoint().await?;
    if let Some(frozen) = store.day_snapshot(day).await? {
        return Ok(DayCredit {
            day: format_day(day),
            is_final: true,
            through_seq: checkpoint.last_seq,
            entitlements: frozen.into_iter().map(entitlement).collect(),
        });
    }
    let staked = store.staked_at(instant).await?;
    Ok(DayCredit {
        day: format_day(day),
        is_final: is_final(&checkpoint, day),
        through_seq: checkpoint.last_seq,
        entitlements: staked.into_iter().map(entitlement).collect(),
    })
}

/// Whether the record covers `day`'s 00:00 UTC, so no event still to come can change its credit.
pub fn is_final(checkpoint: &crate::store::Checkpoint, day: i64) -> bool {
    covered(checkpoint).is_some_and(|t| t >= day.saturating_mul(SECONDS_PER_DAY))
}

/// The latest instant the record provably covers: the block time of the slot the last
/// completed sync read up to (one consistent view of the cluster), or a later event's clock.
fn covered(checkpoint: &crate::store::Checkpoint) -> Option<i64> {
    checkpoint.synced_time.max(checkpoint.last_event_time)
}

/// Freezes every day that has become final since the last frozen one (from the first day any
/// DIEM was staked): its credit never changes afterwards. Called by the indexer after a sync
/// that completed, never by a read. Returns the days frozen.
pub async fn freeze_final_days(store: &Store) -> StoreResult<Vec<i64>> {
    let checkpoint = store.checkpoint().await?;
    let (Some(covered), Some(first_change)) = (covered(&checkpoint), store.first_stake_change_time().await?) else {
        return Ok(Vec::new());
    };
    // Day d's credit is the stake at its 00:00 UTC: days up to the first change have none.
    let first = first_change.div_euclid(SECONDS_PER_DAY) + 1;
    let start = store.last_frozen_day().await?.map_or(first, |d| (d + 1).max(first));
    let end = covered.div_euclid(SECONDS_PER_DAY);
    let mut frozen = Vec::new();
    for day in start..=end {
        let staked = store.staked_at(day * SECONDS_PER_DAY).await?;
        store.take_day_snapshot(day, &staked, checkpoint.last_seq).await?;
        frozen.push(day);
    }
    Ok(frozen)
}
