//! Days: the stakes at an instant, and each final day's frozen credit (queued for billing in
//! the same transaction).
use sqlx::Row;

use super::ingest::{Param, Table, insert_rows};
use super::{Store, StoreResult, amount, int, opt_uint, sorted, uint};

const ENTITLEMENTS: Table = Table { name: "entitlements", columns: "day, owner, staked", on_conflict: "" };

impl Store {
    /// Beneficiaries whose staked DIEM at `instant` was positive, with the amount: for each
    /// stake, its last change stamped strictly before the instant, summed over the stakes that
    /// name the beneficiary (SPEC §7, as `credit::diem_staked_at`).
    pub async fn staked_at(&self, instant: i64) -> StoreResult<Vec<(String, u64)>> {
        // One index seek per stake that ever held DIEM (faster than grouping every change).
        let rows = sqlx::query(
            "SELECT s.beneficiary, (SELECT c.staked FROM diem_stake_changes c WHERE c.stake = s.id \
             AND c.at < $1 ORDER BY c.at DESC, c.seq DESC LIMIT 1) AS staked FROM diem_stakes s",
        )
        .bind(instant)
        .fetch_all(&self.pool)
        .await?;
        let mut by_beneficiary: std::collections::BTreeMap<String, u64> = Default::default();
        for r in &rows {
            if let Some(amount) = opt_uint(r, "staked")?.filter(|a| *a > 0) {
                let total = by_beneficiary.entry(r.try_get("beneficiary")?).or_default();
                *total = total.saturating_add(amount);
            }
        }
        sorted(Ok(by_beneficiary.into_iter().collect()))
    }

    /// One beneficiary's staked DIEM at `instant`, summed over the stakes that name it.
    pub async fn owner_staked_at(&self, beneficiary: &str, instant: i64) -> StoreResult<u64> {
        let rows = sqlx::query(
            "SELECT (SELECT c.staked FROM diem_stake_changes c WHERE c.stake = s.id AND c.at < $2 \
             ORDER BY c.at DESC, c.seq DESC LIMIT 1) AS staked FROM diem_stakes s WHERE s.beneficiary = $1",
        )
        .bind(beneficiary)
        .bind(instant)
        .fetch_all(&self.pool)
        .await?;
        let mut total = 0u64;
        for r in &rows {
            total = total.saturating_add(opt_uint(r, "staked")?.unwrap_or_default());
        }
        Ok(total)
    }

    /// The clock of the first change of anyone's staked DIEM, if any.
    pub async fn first_stake_change_time(&self) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT MIN(at) AS first FROM diem_stake_changes").fetch_one(&self.pool).await?;
        Ok(row.try_get("first")?)
    }

    /// The latest frozen day, if any.
    pub async fn last_frozen_day(&self) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT MAX(day) AS last FROM entitlement_days").fetch_one(&self.pool).await?;
        Ok(row.try_get("last")?)
    }

    /// Every frozen day, oldest first.
    pub async fn frozen_days(&self) -> StoreResult<Vec<i64>> {
        let rows = sqlx::query("SELECT day FROM entitlement_days ORDER BY day").fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| r.try_get("day")).collect::<Result<_, _>>()?)
    }

    /// The frozen credit of `day`, if it was taken.
    pub async fn day_snapshot(&self, day: i64) -> StoreResult<Option<Vec<(String, u64)>>> {
        let taken = sqlx::query("SELECT owners FROM entitlement_days WHERE day = $1")
            .bind(day)
            .fetch_optional(&self.pool)
            .await?;
        if taken.is_none() {
            return Ok(None);
        }
        let rows = sqlx::query("SELECT owner, staked FROM entitlements WHERE day = $1 ORDER BY owner")
            .bind(day)
            .fetch_all(&self.pool)
            .await?;
        Ok(Some(sorted(rows.iter().map(|r| Ok((r.try_get("owner")?, uint(r, "staked")?))).collect())?))
    }

    /// Freezes `day`'s credit (once; a second call changes nothing).
    pub async fn take_day_snapshot(&self, day: i64, staked: &[(String, u64)], through_seq: u64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO entitlement_days (day, owners, through_seq) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING",
        )
        .bind(day)
        .bind(staked.len() as i64)
        .bind(int("seq", through_seq)?)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            let rows: Vec<[Param; 3]> = staked
                .iter()
                .map(|(owner, staked)| [Param::Int(day), Param::Text(owner.clone()), Param::Int(amount(*staked))])
                .collect();
            let numbered = self.backend != super::Backend::Sqlite;
            insert_rows(&mut tx, numbered, &ENTITLEMENTS, rows).await?;
            // Owed to every billing endpoint from now on: queued with the day itself, so a crash
            // can never leave a frozen day that no endpoint will hear of.
            sqlx::query(
                "INSERT INTO billing_outbox (endpoint, day) SELECT endpoint, $1 FROM billing_endpoints \
                 WHERE from_day <= $1 ON CONFLICT (endpoint, day) DO NOTHING",
            )
            .bind(day)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// What `beneficiary` was credited by on frozen `day` (0 when absent from it), or `None`
    /// when the day is not frozen.
    pub async fn frozen_stake(&self, day: i64, beneficiary: &str) -> StoreResult<Option<u64>> {
        let taken =
            sqlx::query("SELECT day FROM entitlement_days WHERE day = $1").bind(day).fetch_optional(&self.pool).await?;
        if taken.is_none() {
            return Ok(None);
        }
        let row = sqlx::query("SELECT staked FROM entitlements WHERE day = $1 AND owner = $2")
            .bind(day)
            .bind(beneficiary)
            .fetch_optional(&self.pool)
            .await?;
        Ok(Some(row.map(|r| uint(&r, "staked")).transpose()?.unwrap_or(0)))
    }

    /// The last event the record held when `day` was frozen.
    pub async fn frozen_through(&self, day: i64) -> StoreResult<Option<u64>> {
        let row = sqlx::query("SELECT through_seq FROM entitlement_days WHERE day = $1")
            .bind(day)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| uint(&r, "through_seq")).transpose()
    }
}
