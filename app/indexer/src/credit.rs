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

/// A beneficiary's allocation for one epoch (a UTC day), in the live billing API's words.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Allocation {
    pub beneficiary: String,
    pub day: String,
    /// The epoch: `day`'s 00:00 UTC, and the next one's.
    pub epoch_begins: String,
    pub next_epoch_begins: String,
    /// Dollars of inference credit for the epoch (whole DIEM staked; 0 below 0.1 DIEM).
    pub diem_epoch_allocation: serde_json::Number,
    /// The same credit as exact decimal text, and the stake in DIEM base units.
    pub credit_usd: String,
    pub staked_diem_base_units: String,
    /// `DIEM` when the allocation can be spent, `null` when it is 0.
    pub consumption_currency: Option<&'static str>,
    pub can_consume: bool,
    /// True once no event still to come can change it (the day is frozen).
    #[serde(rename = "final")]
    pub is_final: bool,
}

/// `beneficiary`'s allocation for `day`: the frozen figure of a final day, else the stake at its
/// 00:00 UTC as the record holds it now.
pub async fn allocation(store: &Store, beneficiary: &str, day: i64) -> StoreResult<Allocation> {
    let instant = day.checked_mul(SECONDS_PER_DAY).ok_or(StoreError::OutOfRange { what: "day", value: day as u128 })?;
    let (staked, is_final) = match store.frozen_stake(day, beneficiary).await? {
        Some(staked) => (staked, true),
        None => (store.owner_staked_at(beneficiary, instant).await?, is_final(&store.checkpoint().await?, day)),
    };
    let credit = credit_usd(staked);
    let number = serde_json::from_str::<serde_json::Number>(&credit).unwrap_or_else(|_| serde_json::Number::from(0));
    let spendable = staked >= diem::constants::MIN_CREDIT_DIEM;
    Ok(Allocation {
        beneficiary: beneficiary.to_string(),
        day: format_day(day),
        epoch_begins: crate::billing::statement::epoch_start(day),
        next_epoch_begins: crate::billing::statement::epoch_start(day + 1),
        diem_epoch_allocation: number,
        credit_usd: credit,
        staked_diem_base_units: staked.to_string(),
        consumption_currency: spendable.then_some("DIEM"),
        can_consume: spendable,
        is_final,
    })
}
