//! Catching the store up with the cluster (SPEC §12).
//!
//! 1. Note the newest finalized slot, then walk `getSignaturesForAddress` back from the newest
//!    signature to the checkpoint's, keeping one boundary signature per page (memory is flat in
//!    the number of transactions).
//! 2. Replay the pages oldest first: fetch each page's transactions, decode every diem event
//!    (`diem_client::decode`, which sees CPI and lookup-table calls), and order them by sequence
//!    number, not by listing order (same-slot transactions are not listed in execution order).
//! 3. Commit contiguous events (a few thousand at a time), their state and the checkpoint in one
//!    transaction.
//!    An event that arrives ahead of a missing one waits; the resume point (the `until` of the
//!    next listing) advances only past transactions that, with every one listed before them,
//!    are recorded, so a restart re-reads what it must and the store's sequence-number key
//!    turns the re-read into a no-op.
//! 4. At the end, a missing sequence number is a named error; the store keeps everything
//!    before it.
use std::collections::BTreeMap;

use futures::{StreamExt, TryStreamExt};
use thiserror::Error;

use diem_client::events::DiemEvent;

use crate::row::EventRow;
use crate::source::{RpcSource, SourceError};
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

/// What has been read but not yet committed, and the checkpoint it leads to.
struct Progress {
    /// The store's checkpoint.
    committed: Checkpoint,
    /// Where the record will stand once `rows` are committed.
    checkpoint: Checkpoint,
    rows: Vec<EventRow>,
    /// Transactions read, oldest listed first, not yet wholly recorded: (signature, highest
    /// event sequence number in it, 0 for none). The resume point may pass a transaction only
    /// once it and every one listed before it are recorded, so a restart never skips one.
    frontier: std::collections::VecDeque<(String, u64)>,
}

impl<'a> Syncer<'a> {
    pub fn new(store: &'a Store, source: &'a RpcSource) -> Self {
        Self { store, source, page: 1000, concurrency: 8, batch_events: 5_000 }
    }

    pub async fn sync(&self, progress: &mut (dyn FnMut(SyncProgress) + Send)) -> Result<SyncReport, SyncError> {
        let program = diem::ID.to_string();
        let synced_slot = self.source.slot().await?;
        let synced_time = self.source.block_time(synced_slot).await.unwrap_or(None);
        let committed = self.store.checkpoint().await?;
        let until = committed.resume_signature.clone();
        let mut at =
            Progress { checkpoint: committed.clone(), committed, rows: Vec::new(), frontier: Default::default() };

        // 1. Boundaries, newest first: page k is the signatures older than boundaries[k].
        let head = self.source.signatures(&program, None, until.as_deref(), 1).await?;
        let mut boundaries: Vec<Option<String>> = Vec::new();
        let mut total = 0u64;
        if let Some(head) = head.first() {
            total = 1;
            boundaries.push(Some(head.signature.clone()));
            loop {
                let before = boundaries.last().cloned().flatten();
                let page = self.source.signatures(&program, before.as_deref(), until.as_deref(), self.page).await?;
                let Some(last) = page.last() else { break };
                total += page.len() as u64;
                boundaries.push(Some(last.signature.clone()));
                if page.len() < self.page as usize {
                    break;
                }
            }
            boundaries.pop(); // the oldest boundary has nothing older left to list
        }
        let mut state = SyncProgress { transactions_total: total, ..SyncProgress::default() };
        progress(state);

        // 2–3. Pages oldest first, then the head itself.
        let mut waiting: BTreeMap<u64, EventRow> = BTreeMap::new();
        let mut report = SyncReport::default();
        let pages: Vec<Option<String>> = boundaries.into_iter().rev().collect();
        for before in pages.iter().map(|b| b.as_deref()) {
            let listed = self.source.signatures(&program, before, until.as_deref(), self.page).await?;
            self.ingest(listed, &mut waiting, &mut at, &mut state, &mut report, progress).await?;
        }
        if let Some(head) = head.first().cloned() {
            self.ingest(vec![head], &mut waiting, &mut at, &mut state, &mut report, progress).await?;
        }

        // 4. Anything still waiting sits behind a missing event: keep what came before it.
        if let Some((&next_found, _)) = waiting.iter().next() {
            self.flush(&mut at).await?;
            return Err(SyncError::SequenceGap { last_seq: at.committed.last_seq, next_found });
        }
        // The whole finalized history up to `synced_slot` is in: record that.
        at.checkpoint.synced_slot = at.checkpoint.synced_slot.max(synced_slot);
        at.checkpoint.synced_time = synced_time.or(at.checkpoint.synced_time);
        self.store.commit(&at.rows, &at.checkpoint, at.committed.last_seq).await?;
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
    /// which is committed once it holds `batch_events`.
    #[allow(clippy::too_many_arguments)]
    async fn ingest(
        &self,
        listed: Vec<crate::source::Listed>,
        waiting: &mut BTreeMap<u64, EventRow>,
        at: &mut Progress,
        state: &mut SyncProgress,
        report: &mut SyncReport,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<(), SyncError> {
        let count = listed.len() as u64;
        // Oldest first; a failed transaction carries no event.
        let order: Vec<(String, bool)> = listed.into_iter().rev().map(|l| (l.signature, l.failed)).collect();
        let wanted: Vec<String> = order.iter().filter(|(_, failed)| !failed).map(|(s, _)| s.clone()).collect();
        let transactions: Vec<serde_json::Value> = futures::stream::iter(wanted)
            .map(|sig| async move { self.source.transaction(&sig).await })
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        let mut highest: std::collections::HashMap<String, u64> = Default::default();
        for tx in &transactions {
            let decoded = diem_client::decode::decode_transaction(tx)?;
            highest.insert(decoded.signature.clone(), decoded.events.iter().map(DiemEvent::seq).max().unwrap_or(0));
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
        at.frontier.extend(order.into_iter().map(|(sig, _)| {
            let top = highest.get(&sig).copied().unwrap_or(0);
            (sig, top)
        }));
        while at.frontier.front().is_some_and(|(_, top)| *top <= next.last_seq) {
            if let Some((sig, _)) = at.frontier.pop_front() {
                next.resume_signature = Some(sig);
            }
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
