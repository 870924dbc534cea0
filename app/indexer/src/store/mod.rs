//! The store: one schema (`migrations/`), one code path for SQLite and PostgreSQL (sqlx's `Any`
//! driver; `$n` placeholders, which both accept), split by job: [`ingest`] commits batches of
//! events with the state they produce (on PostgreSQL through COPY, [`copy`], which needs the
//! native driver), [`days`] answers and freezes days' credit, [`reads`] serves histories,
//! positions, stakes, tickets and the audit's pages.
//!
//! Ingestion is transactional: a batch of events, the positions and stakes they produce and the
//! checkpoint commit together or not at all, and the checkpoint update is conditional on the
//! sequence number the batch started from, so two writers can never interleave.
mod copy;
mod days;
mod ingest;
mod reads;

use std::time::Duration;

use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use thiserror::Error;

use crate::body::Layouts;

pub use reads::{HistoryEntry, StoredPosition, StoredStake, StoredTicket};

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
    #[error("'{0}' in the store's DIEM stakes is not a key: the record is damaged")]
    DamagedKey(String),
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
pub(super) fn int(what: &'static str, value: u64) -> StoreResult<i64> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange { what, value: value as u128 })
}

/// A token amount: any `u64`, kept losslessly on both backends as the same 64 bits in a BIGINT
/// (two's complement; [`uint`] reads it back). SQL never orders, compares or sums amounts, so
/// the bit pattern is all it needs. (Refusing amounts past `i64::MAX` stopped ingestion.)
pub(super) fn amount(value: u64) -> i64 {
    i64::from_le_bytes(value.to_le_bytes())
}

/// A column written by [`amount`] (or [`int`]) as the `u64` it holds.
pub(super) fn uint(row: &AnyRow, column: &str) -> StoreResult<u64> {
    Ok(bits(row, column)?)
}

/// [`uint`] for a `FromRow` implementation.
pub(super) fn bits(row: &AnyRow, column: &str) -> Result<u64, sqlx::Error> {
    let v: i64 = row.try_get(column)?;
    Ok(u64::from_le_bytes(v.to_le_bytes()))
}

pub(super) fn opt_uint(row: &AnyRow, column: &str) -> StoreResult<Option<u64>> {
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

/// The database a store lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

pub struct Store {
    pool: AnyPool,
    /// PostgreSQL's ingest connections, which COPY (the `Any` driver cannot).
    copier: Option<sqlx::PgPool>,
    /// The writer's DIEM stake numbers, read at its first commit.
    stake_numbers: tokio::sync::Mutex<Option<ingest::StakeNumbers>>,
    layouts: Layouts,
    backend: Backend,
}

/// A `--db` argument: `sqlite://PATH` (created when missing) or a PostgreSQL URL.
fn normalize(url: &str) -> StoreResult<(String, Backend)> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(StoreError::BadUrl(url.into()));
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = if path.contains("mode=") { url.to_string() } else { format!("{url}{sep}mode=rwc") };
        return Ok((url, Backend::Sqlite));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), Backend::Postgres));
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
        if backend == Backend::Sqlite {
            if let Some(dir) =
                url.trim_start_matches("sqlite://").split('?').next().and_then(|p| std::path::Path::new(p).parent())
            {
                if !dir.as_os_str().is_empty() {
                    let _ = std::fs::create_dir_all(dir);
                }
            }
        }
        let sqlite = backend == Backend::Sqlite;
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
                        // A multi-row insert keeps a statement journal (to undo itself alone);
                        // in memory, not a temporary file: 17,617 → 20,430 events/s at a million.
                        sqlx::query("PRAGMA temp_store = MEMORY").execute(&mut *conn).await?;
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
        let copier = if sqlite { None } else { Some(copy::copier(&url).await?) };
        Ok(Self { pool, copier, stake_numbers: Default::default(), layouts: Layouts::committed(), backend })
    }

    pub fn backend(&self) -> Backend {
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

    /// For the modules that own their tables (the billing outbox).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Owners in byte order of their base58 text, whatever the database's collation.
pub(super) fn sorted(rows: StoreResult<Vec<(String, u64)>>) -> StoreResult<Vec<(String, u64)>> {
    let mut rows = rows?;
    rows.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::prelude::Pubkey;

    /// A record written before migration 0006 (stake changes keyed by two base58 keys) keeps
    /// every stake's history through the numbering: the credit at each instant is unchanged.
    #[tokio::test]
    async fn stake_changes_keep_their_history_through_the_numbering_migration() {
        let dir = std::env::temp_dir().join(format!("diem-migration-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/record.sqlite", dir.display());
        sqlx::any::install_default_drivers();
        let pool = AnyPool::connect(&format!("{url}?mode=rwc")).await.unwrap();
        let before = sqlx::migrate::Migrator {
            migrations: MIGRATOR.migrations.iter().filter(|m| m.version < 6).cloned().collect::<Vec<_>>().into(),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before.run(&pool).await.unwrap();
        let (a, b, c) =
            (Pubkey::new_unique().to_string(), Pubkey::new_unique().to_string(), Pubkey::new_unique().to_string());
        // (owner, beneficiary, seq, at, staked): a for itself, a for b, c for a.
        let changes =
            [(&a, &a, 1, 100, 3), (&a, &b, 2, 101, 7), (&c, &a, 3, 102, 4), (&c, &a, 6, 105, 0), (&a, &a, 9, 109, 5)];
        for (owner, beneficiary, seq, at, staked) in changes {
            sqlx::query(
                "INSERT INTO diem_stake_changes (owner, beneficiary, seq, at, staked) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(owner.clone())
            .bind(beneficiary.clone())
            .bind(seq as i64)
            .bind(at as i64)
            .bind(staked as i64)
            .execute(&pool)
            .await
            .unwrap();
        }
        for (owner, beneficiary, staked, seq) in [(&a, &a, 5, 9), (&a, &b, 7, 2), (&c, &a, 0, 6)] {
            sqlx::query("INSERT INTO diem_stakes (owner, beneficiary, staked, updated_seq) VALUES ($1, $2, $3, $4)")
                .bind(owner.clone())
                .bind(beneficiary.clone())
                .bind(staked as i64)
                .bind(seq as i64)
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;

        let store = Store::open(&url).await.unwrap();
        let staked = |instant| {
            let store = &store;
            async move { store.staked_at(instant).await.unwrap().into_iter().collect::<std::collections::BTreeMap<_, _>>() }
        };
        let expect = |pairs: &[(&String, u64)]| pairs.iter().map(|(k, v)| ((*k).clone(), *v)).collect();
        assert_eq!(staked(101).await, expect(&[(&a, 3)]));
        assert_eq!(staked(103).await, expect(&[(&a, 7), (&b, 7)]));
        assert_eq!(staked(106).await, expect(&[(&a, 3), (&b, 7)]));
        assert_eq!(staked(110).await, expect(&[(&a, 5), (&b, 7)]));
        assert_eq!(store.owner_staked_at(&a, 103).await.unwrap(), 7);
        // Numbered in the order of each stake's first change.
        let numbers = ingest::StakeNumbers::load(&store.pool).await.unwrap();
        assert_eq!(numbers.number_of(&a, &a), Some(1));
        assert_eq!(numbers.number_of(&a, &b), Some(2));
        assert_eq!(numbers.number_of(&c, &a), Some(3));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
