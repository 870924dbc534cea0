//! Catching the store up with the cluster (SPEC §12).
//!
//! 1. Note the newest finalized slot, then walk `getSignaturesForAddress` back from the newest
//!    signature to the checkpoint's, keeping one boundary signature per page (memory is flat in
//!    the number of transactions).
//! 2. Replay the pages oldest first: fetch each page's transactions, decode every diem event
//!    (`diem_client::decode`, which sees CPI and lookup-table calls), and order them by sequence
//!    number, not by listing order (same-slot transactions are not listed in execution order).
//! 3. Commit each page's contiguous events, their state and the checkpoint in one transaction.
//!    An event that arrives ahead of a missing one waits; the page's signature becomes the
//!    resume point only when nothing waits, so a restart re-reads what it must and the store's
//!    sequence-number key turns the re-read into a no-op.
//! 4. At the end, a missing sequence number is a named error; the store keeps everything
//!    before it.
use std::collections::BTreeMap;

use futures::{StreamExt, TryStreamExt};
use thiserror::Error;

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
}

impl<'a> Syncer<'a> {
    pub fn new(store: &'a Store, source: &'a RpcSource) -> Self {
        Self { store, source, page: 1000, concurrency: 8 }
    }

    pub async fn sync(&self, progress: &mut (dyn FnMut(SyncProgress) + Send)) -> Result<SyncReport, SyncError> {
        let program = diem::ID.to_string();
        let synced_slot = self.source.slot().await?;
        let synced_time = self.source.block_time(synced_slot).await.unwrap_or(None);
        let mut checkpoint = self.store.checkpoint().await?;
        let until = checkpoint.resume_signature.clone();

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
            let newest = listed.first().map(|l| l.signature.clone());
            self.ingest(listed, &mut waiting, &mut checkpoint, newest, &mut state, &mut report, progress).await?;
        }
        if let Some(head) = head.first().cloned() {
            let newest = Some(head.signature.clone());
            self.ingest(vec![head], &mut waiting, &mut checkpoint, newest, &mut state, &mut report, progress).await?;
        }

        // 4. Anything still waiting sits behind a missing event.
        if let Some((&next_found, _)) = waiting.iter().next() {
            return Err(SyncError::SequenceGap { last_seq: checkpoint.last_seq, next_found });
        }
        // The whole finalized history up to `synced_slot` is in: record that.
        let mut next = checkpoint.clone();
        next.synced_slot = next.synced_slot.max(synced_slot);
        next.synced_time = synced_time.or(next.synced_time);
        self.store.commit(&[], &next, checkpoint.last_seq).await?;
        report.last_seq = next.last_seq;
        report.synced_slot = next.synced_slot;
        Ok(report)
    }

    /// Fetches and decodes `listed`, then commits every event that continues the record.
    #[allow(clippy::too_many_arguments)]
    async fn ingest(
        &self,
        listed: Vec<crate::source::Listed>,
        waiting: &mut BTreeMap<u64, EventRow>,
        checkpoint: &mut Checkpoint,
        newest: Option<String>,
        state: &mut SyncProgress,
        report: &mut SyncReport,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<(), SyncError> {
        let count = listed.len() as u64;
        let wanted: Vec<String> = listed.into_iter().filter(|l| !l.failed).map(|l| l.signature).collect();
        let transactions: Vec<serde_json::Value> = futures::stream::iter(wanted)
            .map(|sig| async move { self.source.transaction(&sig).await })
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        for tx in &transactions {
            let decoded = diem_client::decode::decode_transaction(tx)?;
            for row in EventRow::of_transaction(&decoded) {
                if row.seq <= checkpoint.last_seq {
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
        let mut next_seq = checkpoint.last_seq + 1;
        while let Some(row) = waiting.remove(&next_seq) {
            ready.push(row);
            next_seq += 1;
        }
        let mut next = checkpoint.clone();
        if let Some(last) = ready.last() {
            next.last_seq = last.seq;
            next.last_slot = last.slot;
            next.last_block_time = last.block_time;
            next.last_event_time = ready.iter().rev().find_map(EventRow::event_time).or(next.last_event_time);
        }
        if waiting.is_empty() {
            next.resume_signature = newest.or(next.resume_signature);
        }
        if !ready.is_empty() || next.resume_signature != checkpoint.resume_signature {
            self.store.commit(&ready, &next, checkpoint.last_seq).await?;
        }
        report.transactions += count;
        report.events += ready.len() as u64;
        *checkpoint = next;
        state.transactions_done += count;
        state.events += ready.len() as u64;
        progress(*state);
        Ok(())
    }
}
