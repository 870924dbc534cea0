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
use diem_client::effects::TicketChange;

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
    pub pending_rewards: u64,
}

/// A stored DIEM stake: what `owner` controls for `beneficiary`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoredStake {
    pub owner: String,
    pub beneficiary: String,
    pub staked: u64,
}

/// A stored open ticket.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoredTicket {
    pub ticket: String,
    /// `sVVV` or `DIEM`.
    pub kind: String,
    pub owner: String,
    pub rent_payer: String,
    pub amount: u64,
    pub opened_at: i64,
    pub unlock_at: i64,
}

/// One line of a key's history: an event it is either side of (owner, or beneficiary / new
/// ticket owner), and the owner's sVVV balances after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub seq: u64,
    pub signature: String,
    pub slot: u64,
    pub block_time: Option<i64>,
    pub event_time: Option<i64>,
    pub kind: String,
    /// The event's owner (position owner, stake controller, ticket owner).
    pub owner: Option<String>,
    /// The beneficiary of a DIEM stake change, or the new owner of a transferred ticket.
    pub counterparty: Option<String>,
    pub ticket: Option<String>,
    pub amount: Option<u64>,
    /// The queried key's own position, carried forward from its last sVVV event.
    pub svvv_active: u64,
    pub svvv_locked: u64,
    pub diem_outstanding: u64,
    /// The stake of (owner, counterparty) after the event, where it changed one.
    pub diem_staked: Option<u64>,
    /// The event's fields as the IDL lays them out, rendered from its stored bytes.
    pub body: serde_json::Value,
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
        pending_rewards: uint(r, "pending_rewards")?,
    })
}

fn stored_stake(r: &AnyRow) -> StoreResult<StoredStake> {
    Ok(StoredStake { owner: r.try_get("owner")?, beneficiary: r.try_get("beneficiary")?, staked: uint(r, "staked")? })
}

fn stored_ticket(r: &AnyRow) -> StoreResult<StoredTicket> {
    Ok(StoredTicket {
        ticket: r.try_get("ticket")?,
        kind: r.try_get("kind")?,
        owner: r.try_get("owner")?,
        rent_payer: r.try_get("rent_payer")?,
        amount: uint(r, "amount")?,
        opened_at: r.try_get("opened_at")?,
        unlock_at: r.try_get("unlock_at")?,
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
        let mut events: Vec<[Param; 17]> = Vec::with_capacity(rows.len());
        // The last state of each position and stake in the batch (one upsert each: PostgreSQL
        // refuses to update a row twice in one statement).
        let mut positions: std::collections::BTreeMap<String, [Param; 6]> = Default::default();
        let mut stakes: std::collections::BTreeMap<(String, String), [Param; 4]> = Default::default();
        let mut changes: Vec<[Param; 5]> = Vec::new();
        let mut tickets = TicketBatch::default();
        let mut expected = from_seq + 1;
        for row in rows {
            if row.seq != expected {
                return Err(StoreError::NotContiguous { expected, found: row.seq });
            }
            expected += 1;
            let seq = int("seq", row.seq)?;
            let effects = row.effects();
            let data = row.data();
            let position = effects.position;
            let owner = effects.owner.map(|k| k.to_string());
            let opt = |v: Option<u64>| Param::OptInt(v.map(amount));
            events.push([
                Param::Int(seq),
                Param::Text(row.signature.clone()),
                Param::Int(int("slot", row.slot)?),
                Param::OptInt(row.block_time),
                Param::Text(row.event.name().to_string()),
                Param::OptText(owner.clone()),
                Param::OptInt(row.event_time()),
                opt(effects.amount),
                opt(position.map(|p| p.active)),
                opt(position.map(|p| p.locked)),
                opt(position.map(|p| p.outstanding_diem)),
                opt(effects.diem_staked()),
                Param::OptText(effects.counterparty.map(|k| k.to_string())),
                Param::OptText(effects.ticket.map(|t| t.to_string())),
                Param::Text(data),
                Param::OptInt(effects.owner.as_ref().map(crate::row::key_prefix)),
                Param::OptInt(effects.counterparty.as_ref().map(crate::row::key_prefix)),
            ]);
            if let (Some(owner), Some(p)) = (&owner, position) {
                positions.insert(
                    owner.clone(),
                    [
                        Param::Text(owner.clone()),
                        Param::Int(amount(p.active)),
                        Param::Int(amount(p.locked)),
                        Param::Int(amount(p.outstanding_diem)),
                        Param::Int(amount(p.pending_rewards)),
                        Param::Int(seq),
                    ],
                );
            }
            for st in &effects.stakes {
                let (owner, beneficiary) = (st.owner.to_string(), st.beneficiary.to_string());
                stakes.insert(
                    (owner.clone(), beneficiary.clone()),
                    [
                        Param::Text(owner.clone()),
                        Param::Text(beneficiary.clone()),
                        Param::Int(amount(st.staked)),
                        Param::Int(seq),
                    ],
                );
                changes.push([
                    Param::Text(owner),
                    Param::Text(beneficiary),
                    Param::Int(seq),
                    Param::Int(st.timestamp),
                    Param::Int(amount(st.staked)),
                ]);
            }
            if let Some(change) = effects.ticket_change {
                tickets.apply(change);
            }
        }
        let numbered = self.backend != "sqlite";
        let mut tx = self.pool.begin().await?;
        insert_rows(
            &mut tx,
            numbered,
            "INSERT INTO events (seq, signature, slot, block_time, kind, owner, event_time, amount, svvv_active, \
             svvv_locked, diem_outstanding, diem_staked, counterparty, ticket, data, owner_key, counterparty_key) VALUES ",
            "",
            events,
        )
        .await?;
        insert_rows(
            &mut tx,
            numbered,
            "INSERT INTO positions (owner, active, locked, outstanding_diem, pending_rewards, updated_seq) VALUES ",
            " ON CONFLICT (owner) DO UPDATE SET active = excluded.active, locked = excluded.locked, \
             outstanding_diem = excluded.outstanding_diem, pending_rewards = excluded.pending_rewards, \
             updated_seq = excluded.updated_seq",
            positions.into_values().collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            numbered,
            "INSERT INTO diem_stakes (owner, beneficiary, staked, updated_seq) VALUES ",
            " ON CONFLICT (owner, beneficiary) DO UPDATE SET staked = excluded.staked, updated_seq = excluded.updated_seq",
            stakes.into_values().collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            numbered,
            "INSERT INTO diem_stake_changes (owner, beneficiary, seq, at, staked) VALUES ",
            "",
            changes,
        )
        .await?;
        tickets.write(&mut tx, numbered).await?;
        let updated = sqlx::query(
            "UPDATE sync_checkpoint SET last_seq = $1, last_slot = $2, last_block_time = $3, last_event_time = $4, \
             resume_signature = NULL, synced_slot = $5, synced_time = $6 WHERE id = 1 AND last_seq = $7",
        )
        .bind(int("seq", next.last_seq)?)
        .bind(int("slot", next.last_slot)?)
        .bind(next.last_block_time)
        .bind(next.last_event_time)
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

    /// Beneficiaries whose staked DIEM at `instant` was positive, with the amount: for each
    /// stake, its last change stamped strictly before the instant, summed over the stakes that
    /// name the beneficiary (SPEC §7, as `credit::diem_staked_at`).
    pub async fn staked_at(&self, instant: i64) -> StoreResult<Vec<(String, u64)>> {
        // One index seek per stake that ever held DIEM (faster than grouping every change).
        let rows = sqlx::query(
            "SELECT s.beneficiary, (SELECT c.staked FROM diem_stake_changes c WHERE c.owner = s.owner \
             AND c.beneficiary = s.beneficiary AND c.at < $1 ORDER BY c.at DESC, c.seq DESC LIMIT 1) AS staked \
             FROM diem_stakes s",
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
            "SELECT (SELECT c.staked FROM diem_stake_changes c WHERE c.owner = s.owner AND c.beneficiary = s.beneficiary \
             AND c.at < $2 ORDER BY c.at DESC, c.seq DESC LIMIT 1) AS staked FROM diem_stakes s WHERE s.beneficiary = $1",
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
        let taken = sqlx::query("SELECT day FROM entitlement_days WHERE day = $1")
            .bind(day)
            .fetch_optional(&self.pool)
            .await?;
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

    /// For the modules that own their tables (the billing outbox).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A key's recorded events, oldest first: those it owns and those that name it as the
    /// other side (a stake for its credit, a ticket handed to it), with its own sVVV balances
    /// carried forward from its last position event.
    pub async fn history(&self, owner: &str, after_seq: u64, limit: u32) -> StoreResult<Vec<HistoryEntry>> {
        let after = int("seq", after_seq)?;
        // Not a key: no event names it.
        let Ok(key) = Pubkey::from_str(owner).map(|k| crate::row::key_prefix(&k)) else { return Ok(Vec::new()) };
        let rows = sqlx::query(
            "SELECT seq, signature, slot, block_time, event_time, kind, owner, counterparty, ticket, amount, svvv_active, \
             svvv_locked, diem_outstanding, diem_staked, data FROM events \
             WHERE ((owner_key = $4 AND owner = $1) OR (counterparty_key = $4 AND counterparty = $1)) AND seq > $2 \
             ORDER BY seq LIMIT $3",
        )
        .bind(owner)
        .bind(after)
        .bind(i64::from(limit))
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        // The position as it stood after `after_seq`: one index seek.
        let mut pos = [0u64; 3];
        if after_seq > 0 {
            let last = sqlx::query(
                "SELECT svvv_active, svvv_locked, diem_outstanding FROM events WHERE owner_key = $3 AND owner = $1 AND seq <= $2 \
                 AND svvv_active IS NOT NULL ORDER BY seq DESC LIMIT 1",
            )
            .bind(owner)
            .bind(after)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(r) = last {
                pos = [uint(&r, "svvv_active")?, uint(&r, "svvv_locked")?, uint(&r, "diem_outstanding")?];
            }
        }
        for r in &rows {
            let row_owner: Option<String> = r.try_get("owner")?;
            if row_owner.as_deref() == Some(owner)
                && let Some(active) = opt_uint(r, "svvv_active")?
            {
                pos = [active, uint(r, "svvv_locked")?, uint(r, "diem_outstanding")?];
            }
            let seq = uint(r, "seq")?;
            let data: String = r.try_get("data")?;
            let event = event_from_data(&data).ok_or(StoreError::Damaged { seq })?;
            let bytes = event.to_bytes();
            let body = self.layouts.event_json(event.name(), &bytes[8..])?;
            entries.push(HistoryEntry {
                seq,
                signature: r.try_get("signature")?,
                slot: uint(r, "slot")?,
                block_time: r.try_get("block_time")?,
                event_time: r.try_get("event_time")?,
                kind: r.try_get("kind")?,
                owner: row_owner,
                counterparty: r.try_get("counterparty")?,
                ticket: r.try_get("ticket")?,
                amount: opt_uint(r, "amount")?,
                svvv_active: pos[0],
                svvv_locked: pos[1],
                diem_outstanding: pos[2],
                diem_staked: opt_uint(r, "diem_staked")?,
                body,
            });
        }
        Ok(entries)
    }

    pub async fn position(&self, owner: &str) -> StoreResult<Option<StoredPosition>> {
        let row =
            sqlx::query("SELECT active, locked, outstanding_diem, pending_rewards FROM positions WHERE owner = $1")
                .bind(owner)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| stored_position(&r)).transpose()
    }

    /// The DIEM stakes a key controls, and those that credit it (each once).
    pub async fn diem_stakes_of(&self, key: &str) -> StoreResult<Vec<StoredStake>> {
        let rows = sqlx::query(
            "SELECT owner, beneficiary, staked FROM diem_stakes WHERE owner = $1 OR beneficiary = $1 \
             ORDER BY owner, beneficiary",
        )
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_stake).collect()
    }

    /// The open tickets a key holds, soonest first.
    pub async fn tickets_of(&self, owner: &str) -> StoreResult<Vec<StoredTicket>> {
        let rows = sqlx::query(
            "SELECT ticket, kind, owner, rent_payer, amount, opened_at, unlock_at FROM tickets WHERE owner = $1 \
             ORDER BY unlock_at, ticket",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_ticket).collect()
    }

    /// Every stored position (for the audit), owner by owner, a page at a time.
    pub async fn positions_page(&self, after: &str, limit: u32) -> StoreResult<Vec<(Pubkey, StoredPosition)>> {
        let rows = sqlx::query(
            "SELECT owner, active, locked, outstanding_diem, pending_rewards FROM positions \
             WHERE owner > $1 ORDER BY owner LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((owner_key(r)?, stored_position(r)?))).collect()
    }

    /// Every stored DIEM stake, by (owner, beneficiary), a page at a time after `after`.
    pub async fn stakes_page(&self, after: &(String, String), limit: u32) -> StoreResult<Vec<StoredStake>> {
        let rows = sqlx::query(
            "SELECT owner, beneficiary, staked FROM diem_stakes WHERE owner > $1 OR (owner = $1 AND beneficiary > $2) \
             ORDER BY owner, beneficiary LIMIT $3",
        )
        .bind(&after.0)
        .bind(&after.1)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_stake).collect()
    }

    /// Every stored open ticket, by address, a page at a time after `after`.
    pub async fn tickets_page(&self, after: &str, limit: u32) -> StoreResult<Vec<StoredTicket>> {
        let rows = sqlx::query(
            "SELECT ticket, kind, owner, rent_payer, amount, opened_at, unlock_at FROM tickets WHERE ticket > $1 \
             ORDER BY ticket LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_ticket).collect()
    }

    /// A digest of everything the record holds (events, positions, stakes, checkpoint marks):
    /// two stores with equal digests hold the same record. Used by the reliability tests.
    pub async fn digest(&self) -> StoreResult<String> {
        let mut text = String::new();
        for (table, order) in [
            ("events", "seq"),
            ("positions", "owner"),
            ("diem_stakes", "owner, beneficiary"),
            ("diem_stake_changes", "owner, beneficiary, at, seq"),
            ("tickets", "ticket"),
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

/// A batch's net effect on the `tickets` table: tickets opened (and still open at the batch's
/// end, with their last owner), tickets opened before the batch that changed hands, and tickets
/// it closed. A ticket opened and closed within the batch never touches the table.
#[derive(Default)]
struct TicketBatch {
    opened: std::collections::BTreeMap<String, [Param; 7]>,
    new_owners: std::collections::BTreeMap<String, String>,
    closed: Vec<String>,
}

impl TicketBatch {
    fn apply(&mut self, change: TicketChange) {
        match change {
            TicketChange::Open { ticket, kind, owner, rent_payer, amount: a, opened_at, unlock_at } => {
                let ticket = ticket.to_string();
                let row = [
                    Param::Text(ticket.clone()),
                    Param::Text(kind.to_string()),
                    Param::Text(owner.to_string()),
                    Param::Text(rent_payer.to_string()),
                    Param::Int(amount(a)),
                    Param::Int(opened_at),
                    Param::Int(unlock_at),
                ];
                self.opened.insert(ticket, row);
            }
            TicketChange::NewOwner { ticket, owner } => {
                let (ticket, owner) = (ticket.to_string(), owner.to_string());
                match self.opened.get_mut(&ticket) {
                    Some(row) => row[2] = Param::Text(owner),
                    None => {
                        self.new_owners.insert(ticket, owner);
                    }
                }
            }
            TicketChange::Close { ticket } => {
                let ticket = ticket.to_string();
                if self.opened.remove(&ticket).is_none() {
                    self.new_owners.remove(&ticket);
                    self.closed.push(ticket);
                }
            }
        }
    }

    async fn write(self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, numbered: bool) -> StoreResult<()> {
        for chunk in self.closed.chunks(MAX_PARAMS) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("DELETE FROM tickets WHERE ticket IN ({})", marks.join(", "));
            let mut query = sqlx::query(&sql);
            for ticket in chunk {
                query = query.bind(ticket.clone());
            }
            query.execute(&mut **tx).await?;
        }
        for (ticket, owner) in self.new_owners {
            sqlx::query("UPDATE tickets SET owner = $1 WHERE ticket = $2")
                .bind(owner)
                .bind(ticket)
                .execute(&mut **tx)
                .await?;
        }
        insert_rows(
            tx,
            numbered,
            "INSERT INTO tickets (ticket, kind, owner, rent_payer, amount, opened_at, unlock_at) VALUES ",
            "",
            self.opened.into_values().collect(),
        )
        .await
    }
}

/// A bound value of a multi-row statement.
enum Param {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Parameters per statement, below SQLite's and PostgreSQL's limits (32,766 and 65,535). sqlx's
/// SQLite driver looks every parameter up by name, but statements of a few hundred rows still
/// ingest fastest: 480 parameters gave 20,188 events/s, 1,600 gave 23,341, 4,800 gave 27,987
/// and 16,000 gave 28,017 (`bench_indexer`, 200,000 events, batches of 20,000).
const MAX_PARAMS: usize = 4_800;

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
