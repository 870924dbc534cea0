//! Ingest: a batch of events, the positions, DIEM stakes, stake changes and tickets they
//! produce, and the checkpoint they lead to, in one transaction. The rows are built once
//! ([`Batch`]); SQLite takes them as multi-row statements, PostgreSQL through COPY
//! ([`super::copy`]).
use anchor_lang::prelude::Pubkey;
use diem_client::effects::TicketChange;
use sqlx::Row;

use super::{Checkpoint, Store, StoreError, StoreResult, amount, int};
use crate::row::EventRow;

/// A table the ingest writes: its columns, and what a row whose key is already there does.
pub(super) struct Table {
    pub name: &'static str,
    pub columns: &'static str,
    pub on_conflict: &'static str,
}

pub(super) const EVENTS: Table = Table {
    name: "events",
    columns: "seq, signature, slot, block_time, kind, owner, event_time, amount, svvv_active, svvv_locked, \
              diem_outstanding, diem_staked, counterparty, ticket, data, owner_key, counterparty_key",
    on_conflict: "",
};
pub(super) const POSITIONS: Table = Table {
    name: "positions",
    columns: "owner, active, locked, outstanding_diem, pending_rewards, updated_seq",
    on_conflict: " ON CONFLICT (owner) DO UPDATE SET active = excluded.active, locked = excluded.locked, \
                  outstanding_diem = excluded.outstanding_diem, pending_rewards = excluded.pending_rewards, \
                  updated_seq = excluded.updated_seq",
};
pub(super) const STAKES: Table = Table {
    name: "diem_stakes",
    columns: "owner, beneficiary, staked, updated_seq, id",
    on_conflict: " ON CONFLICT (owner, beneficiary) DO UPDATE SET staked = excluded.staked, updated_seq = excluded.updated_seq",
};
pub(super) const STAKE_CHANGES: Table =
    Table { name: "diem_stake_changes", columns: "stake, seq, at, staked", on_conflict: "" };
pub(super) const TICKETS: Table = Table {
    name: "tickets",
    columns: "ticket, kind, owner, rent_payer, amount, opened_at, unlock_at",
    on_conflict: "",
};

/// Moves the checkpoint from `from_seq` to `next`, or names the other writer that moved it.
const ADVANCE_CHECKPOINT: &str = "UPDATE sync_checkpoint SET last_seq = $1, last_slot = $2, last_block_time = $3, \
     last_event_time = $4, resume_signature = NULL, synced_slot = $5, synced_time = $6 WHERE id = 1 AND last_seq = $7 \
     RETURNING id";

/// Everything one commit writes, as rows of parameters.
pub(super) struct Batch {
    pub events: Vec<[Param; 17]>,
    /// The last state of each position and stake in the batch (one row each: PostgreSQL refuses
    /// to update a row twice in one statement).
    pub positions: Vec<[Param; 6]>,
    pub stakes: Vec<[Param; 5]>,
    pub changes: Vec<[Param; 4]>,
    pub tickets: TicketBatch,
    /// Stakes the batch numbers for the first time: known to the writer once it commits.
    pub numbered: Vec<(StakeKey, i64)>,
}

/// A DIEM stake: its controller and its beneficiary.
type StakeKey = (Pubkey, Pubkey);

/// Each DIEM stake's number, the key its changes are stored under (migration 0006): read from
/// the store by the writer's first commit, then kept in memory (one entry per stake, not per
/// event). Numbers follow the order of each stake's first change.
pub(super) struct StakeNumbers {
    known: std::collections::HashMap<StakeKey, i64>,
    next: i64,
}

impl StakeNumbers {
    pub(super) async fn load(pool: &sqlx::AnyPool) -> StoreResult<Self> {
        let rows =
            sqlx::query("SELECT owner, beneficiary, id FROM diem_stakes WHERE id IS NOT NULL").fetch_all(pool).await?;
        let mut known = std::collections::HashMap::with_capacity(rows.len());
        let mut next = 1;
        for row in &rows {
            let key = |column: &str| -> StoreResult<Pubkey> {
                let text: String = row.try_get(column)?;
                text.parse().map_err(|_| StoreError::DamagedKey(text))
            };
            let id: i64 = row.try_get("id")?;
            known.insert((key("owner")?, key("beneficiary")?), id);
            next = next.max(id + 1);
        }
        Ok(Self { known, next })
    }

    /// The number of the stake `owner` controls for `beneficiary`, if it has one.
    #[cfg(test)]
    pub(super) fn number_of(&self, owner: &str, beneficiary: &str) -> Option<i64> {
        let key = (owner.parse().ok()?, beneficiary.parse().ok()?);
        self.known.get(&key).copied()
    }
}

impl Batch {
    /// The rows of `rows`, which must continue the record from `from_seq`.
    fn of(rows: &[EventRow], from_seq: u64, numbers: &StakeNumbers) -> StoreResult<Self> {
        let mut events: Vec<[Param; 17]> = Vec::with_capacity(rows.len());
        let mut positions: std::collections::BTreeMap<String, [Param; 6]> = Default::default();
        let mut stakes: std::collections::BTreeMap<i64, [Param; 5]> = Default::default();
        let mut changes: Vec<[Param; 4]> = Vec::new();
        let mut numbered: std::collections::HashMap<StakeKey, i64> = Default::default();
        let mut tickets = TicketBatch::default();
        let mut expected = from_seq + 1;
        for row in rows {
            if row.seq != expected {
                return Err(StoreError::NotContiguous { expected, found: row.seq });
            }
            expected += 1;
            let seq = int("seq", row.seq)?;
            let effects = row.effects();
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
                Param::Text(row.data()),
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
                let key = (st.owner, st.beneficiary);
                let next = numbers.next + numbered.len() as i64;
                let stake = match numbers.known.get(&key) {
                    Some(n) => *n,
                    None => *numbered.entry(key).or_insert(next),
                };
                stakes.insert(
                    stake,
                    [
                        Param::Text(st.owner.to_string()),
                        Param::Text(st.beneficiary.to_string()),
                        Param::Int(amount(st.staked)),
                        Param::Int(seq),
                        Param::Int(stake),
                    ],
                );
                changes.push([
                    Param::Int(stake),
                    Param::Int(seq),
                    Param::Int(st.timestamp),
                    Param::Int(amount(st.staked)),
                ]);
            }
            if let Some(change) = effects.ticket_change {
                tickets.apply(change);
            }
        }
        Ok(Self {
            events,
            positions: positions.into_values().collect(),
            stakes: stakes.into_values().collect(),
            changes,
            tickets,
            numbered: numbered.into_iter().collect(),
        })
    }

    /// Writes the batch as multi-row statements (SQLite).
    async fn insert(self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, numbered: bool) -> StoreResult<()> {
        insert_rows(tx, numbered, &EVENTS, self.events).await?;
        insert_rows(tx, numbered, &POSITIONS, self.positions).await?;
        insert_rows(tx, numbered, &STAKES, self.stakes).await?;
        insert_rows(tx, numbered, &STAKE_CHANGES, self.changes).await?;
        self.tickets.write(tx, numbered).await
    }
}

impl Store {
    /// Commits `rows` (which must continue the record: `checkpoint.last_seq + 1`, `+ 2`, …),
    /// the positions and stakes they produce, and the checkpoint they lead to, in one
    /// transaction. The sync marks are the caller's to move.
    pub async fn commit(&self, rows: &[EventRow], next: &Checkpoint, from_seq: u64) -> StoreResult<()> {
        let mut kept = self.stake_numbers.lock().await;
        let mut numbers = match kept.take() {
            Some(numbers) => numbers,
            None => StakeNumbers::load(&self.pool).await?,
        };
        let mut batch = match Batch::of(rows, from_seq, &numbers) {
            Ok(batch) => batch,
            Err(e) => {
                *kept = Some(numbers);
                return Err(e);
            }
        };
        let fresh = std::mem::take(&mut batch.numbered);
        // On failure the numbers are read again by the next commit: another writer may have
        // numbered stakes too.
        self.write(batch, next, from_seq).await?;
        numbers.next += fresh.len() as i64;
        numbers.known.extend(fresh);
        *kept = Some(numbers);
        Ok(())
    }

    async fn write(&self, batch: Batch, next: &Checkpoint, from_seq: u64) -> StoreResult<()> {
        match &self.copier {
            None => {
                let mut tx = self.pool.begin().await?;
                batch.insert(&mut tx, self.backend != super::Backend::Sqlite).await?;
                advance_checkpoint::<sqlx::Any>(&mut tx, next, from_seq).await?;
                tx.commit().await?;
            }
            Some(copier) => {
                let mut tx = copier.begin().await?;
                batch.copy(&mut tx).await?;
                advance_checkpoint::<sqlx::Postgres>(&mut tx, next, from_seq).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

/// The checkpoint's move, in the batch's transaction on either backend: conditional on the
/// sequence number the batch started from, so two writers can never interleave.
async fn advance_checkpoint<DB>(conn: &mut DB::Connection, next: &Checkpoint, from_seq: u64) -> StoreResult<()>
where
    DB: sqlx::Database,
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let moved = sqlx::query::<DB>(ADVANCE_CHECKPOINT)
        .bind(int("seq", next.last_seq)?)
        .bind(int("slot", next.last_slot)?)
        .bind(next.last_block_time)
        .bind(next.last_event_time)
        .bind(int("slot", next.synced_slot)?)
        .bind(next.synced_time)
        .bind(int("seq", from_seq)?)
        .fetch_optional(conn)
        .await?;
    if moved.is_none() {
        return Err(StoreError::ConcurrentWriter { expected: from_seq });
    }
    Ok(())
}

/// A batch's net effect on the `tickets` table: tickets opened (and still open at the batch's
/// end, with their last owner), tickets opened before the batch that changed hands, and tickets
/// it closed. A ticket opened and closed within the batch never touches the table.
#[derive(Default)]
pub(super) struct TicketBatch {
    pub opened: std::collections::BTreeMap<String, [Param; 7]>,
    pub new_owners: std::collections::BTreeMap<String, String>,
    pub closed: Vec<String>,
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
        insert_rows(tx, numbered, &TICKETS, self.opened.into_values().collect()).await
    }
}

/// A bound value of a multi-row statement.
pub(super) enum Param {
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

/// `INSERT INTO table (columns) VALUES ($1, …), (…), …` + the table's conflict clause, as few
/// statements as the parameter limit allows.
/// SQLite gets anonymous `?` placeholders: sqlx looks each numbered one up by name, a cost that
/// grows with the statement (measured: about a third of the SQLite writer's time at 480).
pub(super) async fn insert_rows<const N: usize>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    numbered: bool,
    table: &Table,
    rows: Vec<[Param; N]>,
) -> StoreResult<()> {
    let head = format!("INSERT INTO {} ({}) VALUES ", table.name, table.columns);
    let tail = table.on_conflict;
    for chunk in rows.chunks(MAX_PARAMS / N) {
        let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * N * 5);
        sql.push_str(&head);
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
