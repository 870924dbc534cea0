//! A day's credit (SPEC §7) from the store: each owner's staked DIEM at 00:00 UTC, frozen into
//! a snapshot once the record has passed that instant, so a billed day never changes.
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

/// The credit of the UTC day `day` (days since 1970-01-01).
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
    let covered = checkpoint.synced_time.max(checkpoint.last_event_time);
    let is_final = covered.is_some_and(|t| t >= instant);
    if is_final {
        store.take_day_snapshot(day, &staked, checkpoint.last_seq).await?;
    }
    Ok(DayCredit {
        day: format_day(day),
        is_final,
        through_seq: checkpoint.last_seq,
        entitlements: staked.into_iter().map(entitlement).collect(),
    })
}
