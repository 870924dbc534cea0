//! The outbox's rows: which endpoints are owed which final days, and what each attempt did.
use serde::Serialize;
use sqlx::Row;

use crate::store::{Store, StoreResult};

/// The day an endpoint is owed next, with its attempts so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    pub endpoint: String,
    pub day: i64,
    pub attempts: u32,
    /// Unix milliseconds: not before this.
    pub next_attempt_at: i64,
}

/// How much is owed, per endpoint (for `/metrics` and `diem index deliver`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Depth {
    pub endpoint: String,
    pub owed: u64,
    pub delivered: u64,
    /// Posts made, failed ones included.
    pub attempts: u64,
}

/// Registers `endpoint`, owed every frozen day from `from_day` on (a second registration
/// changes nothing), and queues the frozen days it is owed. Idempotent: safe at every start.
pub async fn register(store: &Store, endpoint: &str, from_day: i64) -> StoreResult<()> {
    let mut tx = store.pool().begin().await?;
    sqlx::query("INSERT INTO billing_endpoints (endpoint, from_day) VALUES ($1, $2) ON CONFLICT (endpoint) DO NOTHING")
        .bind(endpoint)
        .bind(from_day)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO billing_outbox (endpoint, day) SELECT e.endpoint, d.day FROM billing_endpoints e \
         JOIN entitlement_days d ON d.day >= e.from_day WHERE e.endpoint = $1 ON CONFLICT (endpoint, day) DO NOTHING",
    )
    .bind(endpoint)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The oldest owed day of each of `endpoints` (days go out in order per endpoint).
pub async fn heads(store: &Store, endpoints: &[String]) -> StoreResult<Vec<Owed>> {
    let mut owed = Vec::new();
    for endpoint in endpoints {
        let row = sqlx::query(
            "SELECT day, attempts, next_attempt_at FROM billing_outbox WHERE endpoint = $1 AND delivered_at IS NULL \
             ORDER BY day LIMIT 1",
        )
        .bind(endpoint)
        .fetch_optional(store.pool())
        .await?;
        if let Some(r) = row {
            let attempts: i64 = r.try_get("attempts")?;
            owed.push(Owed {
                endpoint: endpoint.clone(),
                day: r.try_get("day")?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                next_attempt_at: r.try_get("next_attempt_at")?,
            });
        }
    }
    Ok(owed)
}

/// The endpoint acknowledged `day` at `now_ms`.
pub async fn delivered(store: &Store, endpoint: &str, day: i64, now_ms: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE billing_outbox SET delivered_at = $3, attempts = attempts + 1, last_error = NULL \
         WHERE endpoint = $1 AND day = $2 AND delivered_at IS NULL",
    )
    .bind(endpoint)
    .bind(day)
    .bind(now_ms)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// An attempt failed with `error`; the next one is not before `retry_at_ms`.
pub async fn failed(store: &Store, endpoint: &str, day: i64, error: &str, retry_at_ms: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE billing_outbox SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4 \
         WHERE endpoint = $1 AND day = $2 AND delivered_at IS NULL",
    )
    .bind(endpoint)
    .bind(day)
    .bind(retry_at_ms)
    .bind(error)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Days owed and delivered, per registered endpoint.
pub async fn depth(store: &Store) -> StoreResult<Vec<Depth>> {
    let rows = sqlx::query(
        "SELECT e.endpoint AS endpoint, \
         (SELECT COUNT(*) FROM billing_outbox o WHERE o.endpoint = e.endpoint AND o.delivered_at IS NULL) AS owed, \
         (SELECT COUNT(*) FROM billing_outbox o WHERE o.endpoint = e.endpoint AND o.delivered_at IS NOT NULL) AS delivered, \
         (SELECT CAST(COALESCE(SUM(o.attempts), 0) AS BIGINT) FROM billing_outbox o WHERE o.endpoint = e.endpoint) AS attempts \
         FROM billing_endpoints e ORDER BY e.endpoint",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let owed: i64 = r.try_get("owed")?;
            let delivered: i64 = r.try_get("delivered")?;
            let attempts: i64 = r.try_get("attempts")?;
            Ok(Depth {
                endpoint: r.try_get("endpoint")?,
                owed: owed as u64,
                delivered: delivered as u64,
                attempts: attempts as u64,
            })
        })
        .collect()
}
