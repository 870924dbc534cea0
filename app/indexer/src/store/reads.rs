//! Reads: the events themselves, a key's history, positions, stakes and tickets (one or a page
//! at a time), and the record's digest.
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use diem_client::events::DiemEvent;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::{Store, StoreError, StoreResult, bits, int, opt_uint, uint};
use crate::row::event_from_data;

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

impl<'r> FromRow<'r, AnyRow> for StoredPosition {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            active: bits(r, "active")?,
            locked: bits(r, "locked")?,
            outstanding_diem: bits(r, "outstanding_diem")?,
            pending_rewards: bits(r, "pending_rewards")?,
        })
    }
}

impl<'r> FromRow<'r, AnyRow> for StoredStake {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self { owner: r.try_get("owner")?, beneficiary: r.try_get("beneficiary")?, staked: bits(r, "staked")? })
    }
}

impl<'r> FromRow<'r, AnyRow> for StoredTicket {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            ticket: r.try_get("ticket")?,
            kind: r.try_get("kind")?,
            owner: r.try_get("owner")?,
            rent_payer: r.try_get("rent_payer")?,
            amount: bits(r, "amount")?,
            opened_at: r.try_get("opened_at")?,
            unlock_at: r.try_get("unlock_at")?,
        })
    }
}

impl Store {
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
            let kind: String = r.try_get("kind")?;
            // Rendered from the stored bytes as they are: no decode and re-encode on the way.
            let bytes = crate::row::event_bytes(&data).ok_or(StoreError::Damaged { seq })?;
            let body = self.layouts.event_json(&kind, &bytes[8..])?;
            entries.push(HistoryEntry {
                seq,
                signature: r.try_get("signature")?,
                slot: uint(r, "slot")?,
                block_time: r.try_get("block_time")?,
                event_time: r.try_get("event_time")?,
                kind,
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
        Ok(row.map(|r| StoredPosition::from_row(&r)).transpose()?)
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
        Ok(rows.iter().map(StoredStake::from_row).collect::<Result<_, _>>()?)
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
        Ok(rows.iter().map(StoredTicket::from_row).collect::<Result<_, _>>()?)
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
        rows.iter().map(|r| Ok((owner_key(r)?, StoredPosition::from_row(r)?))).collect()
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
        Ok(rows.iter().map(StoredStake::from_row).collect::<Result<_, _>>()?)
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
        Ok(rows.iter().map(StoredTicket::from_row).collect::<Result<_, _>>()?)
    }

    /// A digest of everything the record holds (events, positions, stakes, checkpoint marks):
    /// two stores with equal digests hold the same record. Used by the reliability tests.
    pub async fn digest(&self) -> StoreResult<String> {
        let mut text = String::new();
        for (table, order) in [
            ("events", "seq"),
            ("positions", "owner"),
            ("diem_stakes", "owner, beneficiary"),
            ("diem_stake_changes", "stake, at, seq"),
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

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
