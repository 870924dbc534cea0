//! Catching the store up with the cluster (SPEC §12), on one consistent view of it.
//!
//! 1. Note the newest slot at the store's commitment (the *target*). Every listing is bound to
//!    it with `minContextSlot`, so a node behind it (another node behind a load balancer, say)
//!    answers "not yet" (-32016, retried) instead of a list that silently lacks the newest
//!    transactions: when the sync ends, every transaction up to the target is in the record.
//! 2. Walk `getSignaturesForAddress` back from the newest signature, page by page, down to the
//!    slot of the last recorded event (everything older is recorded): the resume point is what
//!    the store holds (sequence number and slot), never a signature a pruning node may have
//!    dropped. Only an empty page ends the walk early (a short page may come from a node that is
//!    still filling in). One boundary per page is kept, so memory is flat in the history.
//! 3. Replay the pages oldest first. Each page is listed again and must join the boundaries the
//!    walk saw (same first and last signature, same length): two passes that disagree mean the
//!    view changed under the sync, which stops by name and commits nothing past what it proved.
//! 4. Fetch each transaction, decode every diem event (`diem_client::decode`, which sees CPI and
//!    lookup-table calls) and order them by sequence number, not by listing order. Contiguous
//!    events are committed a few thousand at a time with their state and the checkpoint.
//! 5. A missing sequence number at the end is a named error; the store keeps everything before
//!    it. When the node no longer holds the history the record needs, the error says so (what is
//!    missing, from which slot, and how to backfill it).
use std::collections::BTreeMap;

use futures::{StreamExt, TryStreamExt};
use thiserror::Error;

use crate::row::EventRow;
use crate::source::{Listed, RpcSource, SourceError};
use crate::store::{Checkpoint, Store, StoreError};

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Decode(#[from] diem_client::decode::DecodeError),
    #[error(
        "event sequence gap: the record holds events 1 to {last_seq}, but the cluster's next diem event is {next_found} (event {} is missing); the store keeps its last good state",
        last_seq + 1
    )]
    SequenceGap { last_seq: u64, next_found: u64 },
    #[error(
        "history pruned: the record holds events 1 to {last_seq} (through slot {last_slot}), but the node keeps blocks only from slot {first_available}, so the events after {last_seq} are gone from it. Backfill with `diem index sync --url <RPC of a node or archive that keeps slots from {last_slot}>` on the same --db, then follow this node again"
    )]
    PrunedHistory { last_seq: u64, last_slot: u64, first_available: u64 },
    #[error(
        "the cluster's listing changed between the sync's two passes (page before {before}: {what}); nothing past the last proven event was recorded, and the next sync starts again from it"
    )]
    ListingChanged { before: String, what: String },
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct SyncReport {
    pub transactions: u64,
    pub events: u64,
    pub last_seq: u64,
    pub synced_slot: u64,
}

/// Progress as a sync goes: transactions to read, read so far, events recorded so far.
#[derive(Clone, Copy, Debug, Default)]
pub struct SyncProgress {
    pub transactions_total: u64,
    pub transactions_done: u64,
    pub events: u64,
}

/// Events a sync commits together unless told otherwise. Commits of 20,000 ingested 23,292
/// events/s against 20,476 for commits of 5,000 (`bench_indexer`, SQLite, 200,000 events): each
/// commit writes its dirty index pages once. A crash re-reads at most this many.
pub const DEFAULT_BATCH_EVENTS: usize = 20_000;

pub struct Syncer<'a> {
    pub store: &'a Store,
    pub source: &'a RpcSource,
    /// Signatures per `getSignaturesForAddress` page.
    pub page: u32,
    /// Transactions fetched at once.
    pub concurrency: usize,
    /// Events committed together (whole pages at a time): fewer, larger transactions write
    /// faster (`bench_indexer`); a crash re-reads at most this many.
    pub batch_events: usize,
}

/// One page of the walk: the signatures older than `before` (the head for the first), as the
/// walk saw them.
struct Page {
    before: String,
    first: String,
    last: String,
    len: usize,
}

/// What has been read but not yet committed, and the checkpoint it leads to.
struct Progress {
    /// The store's checkpoint.
    committed: Checkpoint,
    /// Where the record will stand once `rows` are committed.
    checkpoint: Checkpoint,
    rows: Vec<EventRow>,
}

impl<'a> Syncer<'a> {
    pub fn new(store: &'a Store, source: &'a RpcSource) -> Self {
        Self { store, source, page: 1000, concurrency: 8, batch_events: DEFAULT_BATCH_EVENTS }
    }

    pub async fn sync(&self, progress: &mut (dyn FnMut(SyncProgress) + Send)) -> Result<SyncReport, SyncError> {
        let program = diem::ID.to_string();
        let genesis = self.source.genesis_hash().await?;
        self.store.claim(&genesis, &program, self.source.commitment()).await?;
        let target = self.source.slot().await?;
        let target_time = self.source.block_time(target).await.unwrap_or(None);
        let committed = self.store.checkpoint().await?;
        // Transactions below `floor` hold only recorded events; the floor's own slot is read
        // again (it may hold recorded and unrecorded ones).
        let floor = if committed.last_seq == 0 { 0 } else { committed.last_slot };
        let mut at = Progress { checkpoint: committed.clone(), committed, rows: Vec::new() };

        // 1–2. The walk, newest first.
        let head = self.source.signatures(&program, None, 1, target).await?.into_iter().next();
        let mut pages: Vec<Page> = Vec::new();
        let mut total = 0u64;
        if let Some(head) = &head {
            total = 1;
            let mut reached_floor = head.slot < floor;
            let mut before = head.signature.clone();
            while !reached_floor {
                let page = self.source.signatures(&program, Some(&before), self.page, target).await?;
                let (Some(first), Some(last)) = (page.first(), page.last()) else { break };
                total += page.iter().filter(|l| l.slot >= floor).count() as u64;
                reached_floor = last.slot < floor;
                pages.push(Page {
                    before,
                    first: first.signature.clone(),
                    last: last.signature.clone(),
                    len: page.len(),
                });
                before = last.signature.clone();
            }
        }
        let mut state = SyncProgress { transactions_total: total, ..SyncProgress::default() };
        progress(state);

        // 3–4. Pages oldest first, each proven to be the one the walk saw; then the head.
        let mut waiting: BTreeMap<u64, EventRow> = BTreeMap::new();
        let mut report = SyncReport::default();
        for page in pages.iter().rev() {
            let listed = self.source.signatures(&program, Some(&page.before), self.page, target).await?;
            let joins = listed.len() == page.len
                && listed.first().is_some_and(|l| l.signature == page.first)
                && listed.last().is_some_and(|l| l.signature == page.last);
            if !joins {
                self.flush(&mut at).await?;
                let what = format!(
                    "the walk saw {} signatures from {} to {}, the replay {}",
                    page.len,
                    page.first,
                    page.last,
                    listed.len()
                );
                return Err(SyncError::ListingChanged { before: page.before.clone(), what });
            }
            let listed: Vec<Listed> = listed.into_iter().filter(|l| l.slot >= floor).collect();
            self.ingest(listed, floor, &mut waiting, &mut at, &mut state, &mut report, progress).await?;
        }
        if let Some(head) = head {
            if head.slot >= floor {
                self.ingest(vec![head], floor, &mut waiting, &mut at, &mut state, &mut report, progress).await?;
            }
        }

        // 5. Anything still waiting sits behind a missing event: keep what came before it, and
        //    say whether the node has pruned what is missing.
        if let Some((&next_found, _)) = waiting.iter().next() {
            self.flush(&mut at).await?;
            let last_seq = at.committed.last_seq;
            let first_available = self.source.first_available_block().await.unwrap_or(0);
            if first_available > floor {
                return Err(SyncError::PrunedHistory { last_seq, last_slot: floor, first_available });
            }
            return Err(SyncError::SequenceGap { last_seq, next_found });
        }
        // Every transaction up to the target slot is in: record that.
        at.checkpoint.synced_slot = at.checkpoint.synced_slot.max(target);
        at.checkpoint.synced_time = target_time.or(at.checkpoint.synced_time);
        self.store.commit(&at.rows, &at.checkpoint, at.committed.last_seq).await?;
        // Only the indexer freezes days, and only on a view it has proven complete.
        for day in crate::credit::freeze_final_days(self.store).await? {
            tracing::info!(day = %diem_client::credit::format_day(day), "day final: frozen and queued for billing");
        }
        let next = at.checkpoint;
        report.last_seq = next.last_seq;
        report.synced_slot = next.synced_slot;
        Ok(report)
    }

    /// Commits what has been read, with the checkpoint it leads to.
    async fn flush(&self, at: &mut Progress) -> Result<(), SyncError> {
        if !at.rows.is_empty() || at.checkpoint != at.committed {
            self.store.commit(&at.rows, &at.checkpoint, at.committed.last_seq).await?;
            at.committed = at.checkpoint.clone();
            at.rows.clear();
        }
        Ok(())
    }

    /// Fetches and decodes `listed`; every event that continues the record joins the batch,
    /// which is committed once it holds `batch_events`. A transaction in the floor's slot that
    /// the node no longer holds is passed over: what it carried is either recorded or shows up
    /// as a missing sequence number. One above the floor that it no longer holds stops the sync:
    /// by name when the node has pruned its block.
    #[allow(clippy::too_many_arguments)]
    async fn ingest(
        &self,
        listed: Vec<Listed>,
        floor: u64,
        waiting: &mut BTreeMap<u64, EventRow>,
        at: &mut Progress,
        state: &mut SyncProgress,
        report: &mut SyncReport,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<(), SyncError> {
        let count = listed.len() as u64;
        // A failed transaction carries no event.
        let wanted: Vec<Listed> = listed.into_iter().filter(|l| !l.failed).collect();
        let transactions: Vec<(Listed, Option<serde_json::Value>)> = futures::stream::iter(wanted)
            .map(|l| async move { self.source.transaction_if_held(&l.signature).await.map(|tx| (l, tx)) })
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        if let Some((gone, _)) = transactions.iter().find(|(l, tx)| tx.is_none() && l.slot > floor) {
            let first_available = self.source.first_available_block().await.unwrap_or(0);
            if gone.slot < first_available {
                let last_seq = at.checkpoint.last_seq;
                self.flush(at).await?;
                return Err(SyncError::PrunedHistory { last_seq, last_slot: floor, first_available });
            }
            return Err(self.source.not_found(&gone.signature).into());
        }
        let transactions: Vec<serde_json::Value> = transactions.into_iter().filter_map(|(_, tx)| tx).collect();
        for tx in &transactions {
            let decoded = diem_client::decode::decode_transaction(tx)?;
            for row in EventRow::of_transaction(&decoded) {
                if row.seq <= at.checkpoint.last_seq {
                    // Already recorded: it must be the same transaction's.
                    if let Some(recorded) = self.store.signature_of(row.seq).await? {
                        if recorded != row.signature {
                            return Err(StoreError::Conflict { seq: row.seq, recorded, offered: row.signature }.into());
                        }
                    }
                    continue;
                }
                waiting.insert(row.seq, row);
            }
        }
        let mut ready = Vec::new();
        let mut next_seq = at.checkpoint.last_seq + 1;
        while let Some(row) = waiting.remove(&next_seq) {
            ready.push(row);
            next_seq += 1;
        }
        let next = &mut at.checkpoint;
        if let Some(last) = ready.last() {
            next.last_seq = last.seq;
            next.last_slot = last.slot;
            next.last_block_time = last.block_time;
            next.last_event_time = ready.iter().rev().find_map(EventRow::event_time).or(next.last_event_time);
        }
        report.transactions += count;
        report.events += ready.len() as u64;
        state.events += ready.len() as u64;
        at.rows.extend(ready);
        if at.rows.len() >= self.batch_events {
            self.flush(at).await?;
        }
        state.transactions_done += count;
        progress(*state);
        Ok(())
    }
}
