//! Following the cluster: sync on an interval, back off while the cluster fails, stop on what a
//! sync cannot cross by itself, and keep the audit the server serves fresh.
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::audit::{FullAudit, ServedAudit};
use crate::source::RpcSource;
use crate::status::FollowerStatus;
use crate::store::Store;
use crate::sync::{SyncError, SyncReport, Syncer};

/// The longest pause between two attempts while the cluster keeps failing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How a follower runs.
#[derive(Clone, Debug)]
pub struct FollowOptions {
    /// Between two syncs (at least 50 ms).
    pub interval: Duration,
    /// Stop after this many syncs (for tests and one-shot runs).
    pub max_polls: Option<u64>,
    /// Audit again once the last audit is this old (with a sync that recorded events, or first).
    pub audit_every: Duration,
    /// Whether the audit reconciles with the chain's accounts too (not for a source that serves
    /// only transactions).
    pub audit_chain: bool,
    /// The node's websocket: a finalized transaction mentioning the program wakes the follower
    /// at once ([`crate::wake`]); the interval stays the fallback.
    pub websocket: Option<String>,
}

impl FollowOptions {
    /// Options syncing every `secs` seconds (at least 50 ms; a negative or non-finite figure
    /// counts as the minimum), the rest default.
    pub fn every(secs: f64) -> Self {
        let interval = Duration::try_from_secs_f64(secs).unwrap_or_default().max(MIN_INTERVAL);
        Self { interval, ..Self::default() }
    }
}

/// The shortest pause between two syncs.
pub const MIN_INTERVAL: Duration = Duration::from_millis(50);

impl Default for FollowOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            max_polls: None,
            audit_every: Duration::from_secs(60),
            audit_chain: true,
            websocket: None,
        }
    }
}

/// Where a follower reports: `/health` reads `status`, `/v1/audit` reads `audit`.
#[derive(Clone, Copy, Default)]
pub struct FollowSinks<'a> {
    pub status: Option<&'a FollowerStatus>,
    pub audit: Option<&'a ServedAudit>,
    /// Called with every sync that recorded events.
    pub on_events: Option<&'a (dyn Fn(&SyncReport) + Sync)>,
    /// Counts the websocket watcher's connections and notifications.
    pub wake_stats: Option<&'a Arc<crate::wake::WakeStats>>,
}

/// Syncs every `interval`; a failing cluster is retried with a doubling pause (at most
/// [`MAX_BACKOFF`]); a sequence gap or pruned history stops it, by name. After a sync, when the
/// served audit is older than `audit_every` (or missing), the audit runs on the state that sync
/// left ([`settled_audit`]) and replaces it: between syncs, so it never reads a record that is
/// being written.
pub async fn follow(
    store: &Store,
    source: &RpcSource,
    options: &FollowOptions,
    sinks: FollowSinks<'_>,
) -> Result<SyncReport, SyncError> {
    let interval = options.interval.max(MIN_INTERVAL);
    let mut pause = interval;
    let wake = Arc::new(Notify::new());
    let _watcher = options.websocket.clone().map(|url| {
        let task = crate::wake::watch(
            url,
            diem::ID.to_string(),
            source.commitment().to_string(),
            wake.clone(),
            sinks.wake_stats.cloned().unwrap_or_default(),
        );
        AbortOnDrop(tokio::spawn(task))
    });
    let mut last = SyncReport::default();
    let mut polls = 0u64;
    while options.max_polls.is_none_or(|m| polls < m) {
        polls += 1;
        match Syncer::new(store, source).sync(&mut |_| {}).await {
            Ok(report) => {
                if report.events > 0 {
                    tracing::info!(events = report.events, last_seq = report.last_seq, synced_slot = report.synced_slot, "synced");
                }
                if let Some(status) = sinks.status {
                    status.succeeded();
                }
                if let Some(on_events) = sinks.on_events.filter(|_| report.events > 0) {
                    on_events(&report);
                }
                if let Some(audit) = sinks.audit.filter(|a| a.older_than(options.audit_every)) {
                    // An audit that cannot be computed (the store failed) is reported like a
                    // failed sync; the last good one stays served.
                    let audited = if options.audit_chain {
                        settled_audit(store, source).await
                    } else {
                        crate::audit::full_audit(store, None).await.map_err(SyncError::from)
                    };
                    match audited {
                        Ok(report) => audit.publish(report),
                        Err(e) => {
                            if let Some(status) = sinks.status {
                                status.failed(&format!("audit: {e}"), false);
                            }
                        }
                    }
                }
                last = report;
                pause = interval;
            }
            Err(e @ (SyncError::SequenceGap { .. } | SyncError::PrunedHistory { .. })) => {
                tracing::error!(error = %e, "following stopped");
                if let Some(status) = sinks.status {
                    status.failed(&e.to_string(), true);
                }
                return Err(e);
            }
            Err(e) => {
                if let Some(status) = sinks.status {
                    status.failed(&e.to_string(), false);
                }
                pause = (pause * 2).min(MAX_BACKOFF);
                tracing::warn!(error = %e, retry_in_ms = pause.as_millis() as u64, "sync failed");
            }
        }
        if options.max_polls.is_some_and(|m| polls >= m) {
            break; // no pause after the last sync
        }
        if options.websocket.is_some() && pause == interval {
            // A notification that came during the sync left a permit: the next sync starts now.
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = wake.notified() => {}
            }
        } else {
            tokio::time::sleep(pause).await;
        }
    }
    Ok(last)
}

/// Stops the websocket watcher when the follower returns.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Syncs attempted, at most, while the chain's side of an audit still differs.
const SETTLE_ATTEMPTS: u32 = 5;

/// The full audit, on a record caught up with the chain it is compared with. The chain's
/// accounts move on while the record catches up: a difference that a further sync explains (new
/// finalized events) is no break, so this syncs and checks again while the record keeps growing;
/// a difference that stays with nothing new to read is real.
pub async fn settled_audit(store: &Store, source: &RpcSource) -> Result<FullAudit, SyncError> {
    let mut report = crate::audit::full_audit(store, Some(source.url())).await?;
    for _ in 0..SETTLE_ATTEMPTS {
        if !report.broken() || !report.store.ok() {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        if Syncer::new(store, source).sync(&mut |_| {}).await?.events == 0 {
            tokio::time::sleep(Duration::from_secs(3)).await;
            if Syncer::new(store, source).sync(&mut |_| {}).await?.events == 0 {
                report = crate::audit::full_audit(store, Some(source.url())).await?;
                break;
            }
        }
        report = crate::audit::full_audit(store, Some(source.url())).await?;
    }
    Ok(report)
}

/// For a server without a follower (nothing else writes the store): audits the record as it stands (and the chain, given a
/// source) every `every`, publishing each result, until the process ends. A store that cannot be
/// read leaves the last result served.
pub async fn audit_periodically(store: &Store, source: Option<&RpcSource>, audit: &ServedAudit, every: Duration) {
    loop {
        if let Ok(report) = crate::audit::full_audit(store, source.map(RpcSource::url)).await {
            audit.publish(report);
        }
        tokio::time::sleep(every.max(Duration::from_secs(1))).await;
    }
}
