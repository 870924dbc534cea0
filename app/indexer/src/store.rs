//! The store: one schema (`migrations/`), one code path for SQLite and PostgreSQL (sqlx's `Any`
//! driver; `$n` placeholders, which both accept).
//!
//! Ingestion is transactional: a batch of events, the positions and stakes they produce and the
//! checkpoint commit together or not at all, and the checkpoint update is conditional on the
//! sequence number the batch started from, so two writers can never interleave.
use std::str::FromStr;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use diem_client::events::DiemEvent;
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use thiserror::Error;

use crate::body::Layouts;
use crate::row::{EventRow, event_from_data};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database URL '{0}': expected sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{what} = {value} does not fit the store's 64-bit signed integers")]
    OutOfRange { what: &'static str, value: u128 },
    #[error("event {seq} in the store does not decode: the record is damaged")]
    Damaged { seq: u64 },
    #[error("another writer moved the checkpoint (expected event {expected}): run one indexer per store")]
    ConcurrentWriter { expected: u64 },
    #[error("event {seq} is already recorded from transaction {recorded}, but transaction {offered} carries it too")]
    Conflict { seq: u64, recorded: String, offered: String },
    #[error("batch does not continue the record: expected event {expected}, got {found}")]
    NotContiguous { expected: u64, found: u64 },
    #[error("event body: {0}")]
    Body(#[from] crate::body::BodyError),
    #[error(
        "this store was built from {what} {recorded}, not {offered}: a record that bills never mixes two, so use another --db for another cluster, program or commitment"
    )]
    OtherSource { what: &'static str, recorded: String, offered: String },
    #[error("no store at {0}: --offline reads an existing record; run `diem index sync` first, or check --db")]
    NoStore(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A sequence number, slot or count, which SQL orders and compares: refused past `i64::MAX`.
fn int(what: &'static str, value: u64) -> StoreResult<i64> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange { what, value: value as u128 })
}

/// A token amount: any `u64`, kept losslessly on both backends as the same 64 bits in a BIGINT
/// (two's complement; [`uint`] reads it back). SQL never orders, compares or sums amounts, so
/// the bit pattern is all it needs. (Refusing amounts past `i64::MAX` stopped ingestion.)
fn amount(value: u64) -> i64 {
    i64::from_le_bytes(value.to_le_bytes())
}

/// A column written by [`amount`] (or [`int`]) as the `u64` it holds.
fn uint(row: &AnyRow, column: &str) -> StoreResult<u64> {
    let v: i64 = row.try_get(column)?;
    Ok(u64::from_le_bytes(v.to_le_bytes()))
}

fn opt_uint(row: &AnyRow, column: &str) -> StoreResult<Option<u64>> {
    let v: Option<i64> = row.try_get(column)?;
    Ok(v.map(|v| v as u64))
}

/// How far the record goes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Checkpoint {
    pub last_seq: u64,
    pub last_slot: u64,
    pub last_block_time: Option<i64>,
    pub last_event_time: Option<i64>,
    /// Every transaction up to this slot is in the record (the last sync's target).
    pub synced_slot: u64,
    pub synced_time: Option<i64>,
}

/// A stored DIEM stake or position, as the HTTP API and `diem history` show them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoredPosition {
    pub active: u64,
    pub locked: u64,
    pub outstanding_diem: u64,
    pub cooldown_amount: u64,
    pub cooldown_end: i64,
    pub pending_rewards: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoredStake {
    pub staked: u64,
    pub cooldown_amount: u64,
    pub cooldown_end: i64,
}

/// One line of an owner's history: the event and the owner's balances after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub seq: u64,
    pub signature: String,
    pub slot: u64,
    pub block_time: Option<i64>,
    pub event_time: Option<i64>,
    pub kind: String,
    pub amount: Option<u64>,
    pub svvv_active: u64,
    pub svvv_locked: u64,
    pub svvv_cooldown: u64,
    pub diem_outstanding: u64,
    pub diem_staked: u64,
    pub diem_cooldown: u64,
}

/// A row's `owner` column as a key.
fn owner_key(r: &AnyRow) -> StoreResult<Pubkey> {
    let owner: String = r.try_get("owner")?;
    Pubkey::from_str(&owner).map_err(|_| StoreError::Damaged { seq: 0 })
}

fn stored_position(r: &AnyRow) -> StoreResult<StoredPosition> {
    Ok(StoredPosition {
        active: uint(r, "active")?,
        locked: uint(r, "locked")?,
        outstanding_diem: uint(r, "outstanding_diem")?,
        cooldown_amount: uint(r, "cooldown_amount")?,
        cooldown_end: r.try_get("cooldown_end")?,
        pending_rewards: uint(r, "pending_rewards")?,
    })
}

fn stored_stake(r: &AnyRow) -> StoreResult<StoredStake> {
    Ok(StoredStake {
        staked: uint(r, "staked")?,
        cooldown_amount: uint(r, "cooldown_amount")?,
        cooldown_end: r.try_get("cooldown_end")?,
    })
}

pub struct Store {
    pool: AnyPool,
    layouts: Layouts,
    backend: &'static str,
}

/// A `--db` argument: `sqlite://PATH` (created when missing) or a PostgreSQL URL.
fn normalize(url: &str) -> StoreResult<(String, &'static str)> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(StoreError::BadUrl(url.into()));
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = if path.contains("mode=") { url.to_string() } else { format!("{url}{sep}mode=rwc") };
        return Ok((url, "sqlite"));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), "postgres"));
    }
    Err(StoreError::BadUrl(url.into()))
}

impl Store {
    /// Opens a store that must exist already (`--offline`): a missing SQLite file is an error by
    /// name, not a new, empty record.
    pub async fn open_existing(url: &str) -> StoreResult<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let file = path.split('?').next().unwrap_or(path);
            if !std::path::Path::new(file).is_file() {
                return Err(StoreError::NoStore(url.to_string()));
            }
        }
        Self::open(url).await
    }

    /// Opens (creating a SQLite file if needed) and migrates the store at `url`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let (url, backend) = normalize(url)?;
        if backend == "sqlite" {
            if let Some(dir) =
                url.trim_start_matches("sqlite://").split('?').next().and_then(|p| std::path::Path::new(p).parent())
            {
                if !dir.as_os_str().is_empty() {
                    let _ = std::fs::create_dir_all(dir);
                }
            }
        }
        let sqlite = backend == "sqlite";
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // WAL lets the HTTP server read while the indexer writes; NORMAL sync is
                        // still crash-safe in WAL mode (a commit survives a process kill).
                        sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *conn).await?;
                        // Checkpoint the WAL every 64 MiB rather than every 4 MiB (each checkpoint
                        // syncs the disk), and keep up to 128 MiB of pages hot (the indexes of a million-event
                        // record): measured by bench_indexer.
                        sqlx::query("PRAGMA wal_autocheckpoint = 16384").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA cache_size = -131072").execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        MIGRATOR.run(&pool).await?;
        sqlx::query(
            "INSERT INTO sync_checkpoint (id, last_seq, last_slot, synced_slot) VALUES (1, 0, 0, 0) ON CONFLICT (id) DO NOTHING",
        )
        .execute(&pool)
        .await?;
        Ok(Self { pool, layouts: Layouts::committed(), backend })
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    pub async fn checkpoint(&self) -> StoreResult<Checkpoint> {
        let row = sqlx::query(
            "SELECT last_seq, last_slot, last_block_time, last_event_time, synced_slot, synced_time \
             FROM sync_checkpoint WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Checkpoint {
            last_seq: uint(&row, "last_seq")?,
            last_slot: uint(&row, "last_slot")?,
            last_block_time: row.try_get("last_block_time")?,
            last_event_time: row.try_get("last_event_time")?,
            synced_slot: uint(&row, "synced_slot")?,
            synced_time: row.try_get("synced_time")?,
        })
    }

    /// Binds the store to the cluster (genesis hash), program and commitment it is built from:
    /// set by the first sync, refused by name afterwards if any differs.
    pub async fn claim(&self, genesis_hash: &str, program: &str, commitment: &str) -> StoreResult<()> {
        let row = sqlx::query("SELECT genesis_hash, program, commitment FROM sync_checkpoint WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let recorded: [Option<String>; 3] =
            [row.try_get("genesis_hash")?, row.try_get("program")?, row.try_get("commitment")?];
        if recorded.iter().all(Option::is_none) {
            sqlx::query(
                "UPDATE sync_checkpoint SET genesis_hash = $1, program = $2, commitment = $3 WHERE id = 1 AND genesis_hash IS NULL",
            )
            .bind(genesis_hash)
            .bind(program)
            .bind(commitment)
            .execute(&self.pool)
            .await?;
            return Ok(());
        }
        let offered = [genesis_hash, program, commitment];
        for ((what, recorded), offered) in ["cluster", "program", "commitment"].into_iter().zip(recorded).zip(offered) {
            let recorded = recorded.unwrap_or_default();
            if recorded != offered {
                return Err(StoreError::OtherSource { what, recorded, offered: offered.to_string() });
            }
        }
        Ok(())
    }

    /// The signature an already recorded event came from.
    pub async fn signature_of(&self, seq: u64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT signature FROM events WHERE seq = $1")
            .bind(int("seq", seq)?)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("signature")).transpose()?)
    }

    /// Commits `rows` (which must continue the record: `checkpoint.last_seq + 1`, `+ 2`, …),
    /// the positions and stakes they produce, and the checkpoint they lead to, in one
    /// transaction. The sync marks are the caller's to move. Rows go in
    /// as multi-row statements (a few hundred rows each), not one statement per row.
    pub async fn commit(&self, rows: &[EventRow], next: &Checkpoint, from_seq: u64) -> StoreResult<()> {
        let mut events: Vec<[Param; 16]> = Vec::with_capacity(rows.len());
        // The last state of each owner in the batch (one upsert per owner: PostgreSQL refuses
        // to update a row twice in one statement).
        let mut positions: std::collections::BTreeMap<String, [Param; 8]> = Default::default();
        let mut stakes: std::collections::BTreeMap<String, [Param; 5]> = Default::default();
        let mut changes: Vec<[Param; 4]> = Vec::new();
        let mut expected = from_seq + 1;
        let mut pool_json = None;
        for row in rows {
            if row.seq != expected {
                return Err(StoreError::NotContiguous { expected, found: row.seq });
            }
            expected += 1;
            let seq = int("seq", row.seq)?;
            let effect = row.owner_effect();
            let (data, body) = row.data_and_body(&self.layouts)?;
            if let Some(pool) = body.get("pool") {
                pool_json = Some(pool.to_string());
            }
            let position = effect.as_ref().and_then(|e| e.position);
            let stake = effect.as_ref().and_then(|e| e.stake);
            let opt = |_what: &'static str, v: Option<u64>| -> StoreResult<Param> { Ok(Param::OptInt(v.map(amount))) };
            events.push([
                Param::Int(seq),
                Param::Text(row.signature.clone()),
                Param::Int(int("slot", row.slot)?),
                Param::OptInt(row.block_time),
                Param::Text(row.event.name().to_string()),
                Param::OptText(effect.as_ref().map(|e| e.owner.clone())),
                Param::OptInt(row.event_time()),
                opt("amount", effect.as_ref().and_then(|e| e.amount))?,
                opt("active", position.map(|p| p.active))?,
                opt("locked", position.map(|p| p.locked))?,
                opt("cooldown", position.map(|p| p.cooldown_amount))?,
                opt("outstanding", position.map(|p| p.outstanding_diem))?,
                opt("staked", stake.map(|s| s.staked))?,
                opt("diem cooldown", stake.map(|s| s.cooldown_amount))?,
                Param::Text(data),
                Param::Text(body.to_string()),
            ]);
            let Some(effect) = effect else { continue };
            if let Some(p) = position {
                positions.insert(
                    effect.owner.clone(),
                    [
                        Param::Text(effect.owner.clone()),
                        Param::Int(amount(p.active)),
                        Param::Int(amount(p.locked)),
                        Param::Int(amount(p.outstanding_diem)),
                        Param::Int(amount(p.cooldown_amount)),
                        Param::Int(p.cooldown_end),
                        Param::Int(amount(p.pending_rewards)),
                        Param::Int(seq),
                    ],
                );
            }
            if let Some(st) = stake {
                stakes.insert(
                    effect.owner.clone(),
                    [
                        Param::Text(effect.owner.clone()),
                        Param::Int(amount(st.staked)),
                        Param::Int(amount(st.cooldown_amount)),
                        Param::Int(st.cooldown_end),
                        Param::Int(seq),
                    ],
                );
                changes.push([
                    Param::Text(effect.owner.clone()),
                    Param::Int(seq),
                    Param::Int(effect.event_time.unwrap_or_default()),
                    Param::Int(amount(st.staked)),
                ]);
            }
        }
        let numbered = self.backend != "sqlite";
        let mut tx = self.pool.begin().await?;
        insert_rows(
            &mut tx,
            numbered,
            "INSERT INTO events (seq, signature, slot, block_time, kind, owner, event_time, amount, svvv_active, \
             svvv_locked, svvv_cooldown, diem_outstanding, diem_staked, diem_cooldown, data, body) VALUES ",
            "",
            events,
        )
        .await?;
        insert_rows(
            &mut tx,
            numbered,
            "INSERT INTO positions (owner, active, locked, outstanding_diem, cooldown_amount, cooldown_end, pending_rewards, updated_seq) VALUES ",
            " ON CONFLICT (owner) DO UPDATE SET active = excluded.active, locked = excluded.locked, \
             outstanding_diem = excluded.outstanding_diem, cooldown_amount = excluded.cooldown_amount, \
             cooldown_end = excluded.cooldown_end, pending_rewards = excluded.pending_rewards, updated_seq = excluded.updated_seq",
            positions.into_values().collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            numbered,
            "INSERT INTO diem_stakes (owner, staked, cooldown_amount, cooldown_end, updated_seq) VALUES ",
            " ON CONFLICT (owner) DO UPDATE SET staked = excluded.staked, cooldown_amount = excluded.cooldown_amount, \
             cooldown_end = excluded.cooldown_end, updated_seq = excluded.updated_seq",
            stakes.into_values().collect(),
        )
        .await?;
        insert_rows(&mut tx, numbered, "INSERT INTO diem_stake_changes (owner, seq, at, staked) VALUES ", "", changes)
            .await?;
        let updated = sqlx::query(
            "UPDATE sync_checkpoint SET last_seq = $1, last_slot = $2, last_block_time = $3, last_event_time = $4, \
             resume_signature = NULL, pool = COALESCE($5, pool), synced_slot = $6, synced_time = $7 WHERE id = 1 AND last_seq = $8",
        )
        .bind(int("seq", next.last_seq)?)
        .bind(int("slot", next.last_slot)?)
        .bind(next.last_block_time)
        .bind(next.last_event_time)
        .bind(pool_json)
        .bind(int("slot", next.synced_slot)?)
        .bind(next.synced_time)
        .bind(int("seq", from_seq)?)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::ConcurrentWriter { expected: from_seq });
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` recorded events after `after_seq`, in order, decoded from their bytes.
    pub async fn events_after(&self, after_seq: u64, limit: u32) -> StoreResult<Vec<DiemEvent>> {
        let rows = sqlx::query("SELECT seq, data FROM events WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(int("seq", after_seq)?)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let seq = uint(r, "seq")?;
                let data: String = r.try_get("data")?;
                event_from_data(&data).ok_or(StoreError::Damaged { seq })
            })
            .collect()
    }

    /// Owners whose staked DIEM at `instant` was positive, with the amount: for each owner,
    /// the last change stamped strictly before the instant (SPEC §7, as `credit::diem_staked_at`).
    pub async fn staked_at(&self, instant: i64) -> StoreResult<Vec<(String, u64)>> {
        // One index seek per owner who ever staked DIEM (faster than grouping every change).
        let rows = sqlx::query(
            "SELECT s.owner, (SELECT c.staked FROM diem_stake_changes c WHERE c.owner = s.owner AND c.at < $1 \
             ORDER BY c.at DESC, c.seq DESC LIMIT 1) AS staked FROM diem_stakes s",
        )
        .bind(instant)
        .fetch_all(&self.pool)
        .await?;
        let mut staked = Vec::with_capacity(rows.len());
        for r in &rows {
            if let Some(amount) = opt_uint(r, "staked")?.filter(|a| *a > 0) {
                staked.push((r.try_get("owner")?, amount));
            }
        }
        sorted(Ok(staked))
    }

    /// One owner's staked DIEM at `instant`.
    pub async fn owner_staked_at(&self, owner: &str, instant: i64) -> StoreResult<u64> {
        let row =
            sqlx::query("SELECT staked FROM diem_stake_changes WHERE owner = $1 AND at < $2 ORDER BY seq DESC LIMIT 1")
                .bind(owner)
                .bind(instant)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| uint(&r, "staked")).transpose()?.unwrap_or_default())
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
            for chunk in staked.chunks(500) {
                let mut sql = String::from("INSERT INTO entitlements (day, owner, staked) VALUES ");
                for i in 0..chunk.len() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("($1, ${}, ${})", 2 * i + 2, 2 * i + 3));
                }
                let mut query = sqlx::query(&sql).bind(day);
                for (owner, staked) in chunk {
                    query = query.bind(owner.clone()).bind(amount(*staked));
                }
                query.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// `columns` of the owner's last event up to `seq` that sets `present` (one index seek).
    async fn last_balances(&self, owner: &str, seq: i64, columns: &str, present: &str) -> StoreResult<Option<AnyRow>> {
        let sql = format!(
            "SELECT {columns} FROM events WHERE owner = $1 AND seq <= $2 AND {present} IS NOT NULL ORDER BY seq DESC LIMIT 1"
        );
        Ok(sqlx::query(&sql).bind(owner).bind(seq).fetch_optional(&self.pool).await?)
    }

    /// An owner's recorded events, oldest first, with the balances after each (carried forward
    /// from the last event of the other kind).
    pub async fn history(&self, owner: &str, after_seq: u64, limit: u32) -> StoreResult<Vec<HistoryEntry>> {
        let after = int("seq", after_seq)?;
        let rows = sqlx::query(
            "SELECT seq, signature, slot, block_time, event_time, kind, amount, svvv_active, svvv_locked, svvv_cooldown, \
             diem_outstanding, diem_staked, diem_cooldown FROM events WHERE owner = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(owner)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        // The running balances as they stood after `after_seq`: one index seek each.
        let (mut pos, mut stake) = ([0u64; 4], [0u64; 2]);
        if after_seq > 0 {
            let columns = "svvv_active, svvv_locked, svvv_cooldown, diem_outstanding";
            if let Some(r) = self.last_balances(owner, after, columns, "svvv_active").await? {
                pos = [
                    uint(&r, "svvv_active")?,
                    uint(&r, "svvv_locked")?,
                    uint(&r, "svvv_cooldown")?,
                    uint(&r, "diem_outstanding")?,
                ];
            }
            if let Some(r) = self.last_balances(owner, after, "diem_staked, diem_cooldown", "diem_staked").await? {
                stake = [uint(&r, "diem_staked")?, uint(&r, "diem_cooldown")?];
            }
        }
        for r in &rows {
            if let Some(active) = opt_uint(r, "svvv_active")? {
                pos = [active, uint(r, "svvv_locked")?, uint(r, "svvv_cooldown")?, uint(r, "diem_outstanding")?];
            }
            if let Some(staked) = opt_uint(r, "diem_staked")? {
                stake = [staked, uint(r, "diem_cooldown")?];
            }
            entries.push(HistoryEntry {
                seq: uint(r, "seq")?,
                signature: r.try_get("signature")?,
                slot: uint(r, "slot")?,
                block_time: r.try_get("block_time")?,
                event_time: r.try_get("event_time")?,
                kind: r.try_get("kind")?,
                amount: opt_uint(r, "amount")?,
                svvv_active: pos[0],
                svvv_locked: pos[1],
                svvv_cooldown: pos[2],
                diem_outstanding: pos[3],
                diem_staked: stake[0],
                diem_cooldown: stake[1],
            });
        }
        Ok(entries)
    }

    pub async fn position(&self, owner: &str) -> StoreResult<Option<StoredPosition>> {
        let row = sqlx::query(
            "SELECT active, locked, outstanding_diem, cooldown_amount, cooldown_end, pending_rewards FROM positions WHERE owner = $1",
        )
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| stored_position(&r)).transpose()
    }

    pub async fn diem_stake(&self, owner: &str) -> StoreResult<Option<StoredStake>> {
        let row = sqlx::query("SELECT staked, cooldown_amount, cooldown_end FROM diem_stakes WHERE owner = $1")
            .bind(owner)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| stored_stake(&r)).transpose()
    }

    /// Every stored position and stake, owner by owner (for the audit), a page at a time.
    pub async fn positions_page(&self, after: &str, limit: u32) -> StoreResult<Vec<(Pubkey, StoredPosition)>> {
        let rows = sqlx::query(
            "SELECT owner, active, locked, outstanding_diem, cooldown_amount, cooldown_end, pending_rewards FROM positions \
             WHERE owner > $1 ORDER BY owner LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((owner_key(r)?, stored_position(r)?))).collect()
    }

    pub async fn stakes_page(&self, after: &str, limit: u32) -> StoreResult<Vec<(Pubkey, StoredStake)>> {
        let rows = sqlx::query(
            "SELECT owner, staked, cooldown_amount, cooldown_end FROM diem_stakes WHERE owner > $1 ORDER BY owner LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((owner_key(r)?, stored_stake(r)?))).collect()
    }

    /// A digest of everything the record holds (events, positions, stakes, checkpoint marks):
    /// two stores with equal digests hold the same record. Used by the reliability tests.
    pub async fn digest(&self) -> StoreResult<String> {
        let mut text = String::new();
        for (table, order) in [
            ("events", "seq"),
            ("positions", "owner"),
            ("diem_stakes", "owner"),
            ("diem_stake_changes", "owner, at, seq"),
            ("entitlement_days", "day"),
            ("entitlements", "day, owner"),
        ] {
            let rows = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {order}")).fetch_all(&self.pool).await?;
            text.push_str(&format!("{table}:{}\n", rows.len()));
            for r in &rows {
                for i in 0..r.len() {
                    let v: Option<String> = r
                        .try_get::<Option<String>, _>(i)
                        .or_else(|_| r.try_get::<Option<i64>, _>(i).map(|v| v.map(|v| v.to_string())))?;
                    text.push_str(v.as_deref().unwrap_or("NULL"));
                    text.push('|');
                }
                text.push('\n');
            }
        }
        let c = self.checkpoint().await?;
        text.push_str(&format!("checkpoint:{}:{}:{:?}\n", c.last_seq, c.last_slot, c.last_event_time));
        Ok(format!("{:016x}-{}", fnv1a(text.as_bytes()), text.len()))
    }
}

/// A bound value of a multi-row statement.
enum Param {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Parameters per statement. Far below SQLite's and PostgreSQL's limits (32,766 and 65,535):
/// sqlx's SQLite driver looks every parameter up by name, a cost that grows with the number of
/// parameters in the statement, so a few hundred is fastest (measured by `bench_indexer`).
const MAX_PARAMS: usize = 480;

/// `head` + `($1, …), (…), …` + `tail`, as few statements as the parameter limit allows.
/// SQLite gets anonymous `?` placeholders: sqlx looks each numbered one up by name, a cost that
/// grows with the statement (measured: about a third of the SQLite writer's time at 480).
async fn insert_rows<const N: usize>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    numbered: bool,
    head: &str,
    tail: &str,
    rows: Vec<[Param; N]>,
) -> StoreResult<()> {
    for chunk in rows.chunks(MAX_PARAMS / N) {
        let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * N * 5);
        sql.push_str(head);
        for r in 0..chunk.len() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..N {
                if c > 0 {
                    sql.push_str(", ");
                }
                if numbered {
                    sql.push('$');
                    sql.push_str(&(r * N + c + 1).to_string());
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let mut query = sqlx::query(&sql);
        for row in chunk {
            for p in row {
                query = match p {
                    Param::Int(v) => query.bind(*v),
                    Param::OptInt(v) => query.bind(*v),
                    Param::Text(v) => query.bind(v.clone()),
                    Param::OptText(v) => query.bind(v.clone()),
                };
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Owners in byte order of their base58 text, whatever the database's collation.
fn sorted(rows: StoreResult<Vec<(String, u64)>>) -> StoreResult<Vec<(String, u64)>> {
    let mut rows = rows?;
    rows.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(rows)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
