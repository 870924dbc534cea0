//! The audit from the store: replay every recorded event (a page at a time, so memory follows
//! the number of owners, not of events) through the program's own state methods, check the
//! store's current positions, stakes and open tickets against the replay, recompute every frozen day from the
//! events (a billed day must never drift), then reconcile with the chain.
use std::str::FromStr;
use std::sync::RwLock;
use std::time::Duration;

use diem_client::invariants::Check;
use anchor_lang::prelude::Pubkey;
use diem_client::ledger::{Ledger, ReplayError};
use diem_client::ops::reports::ticket_kind_name;
use serde::Serialize;

use crate::store::{Store, StoreResult};

const PAGE: u32 = 10_000;

/// The store's side of the audit.
#[derive(Clone, Debug, Serialize)]
pub struct StoreAudit {
    pub events_replayed: u64,
    pub checks: Vec<Check>,
    #[serde(skip)]
    pub ledger: Result<Ledger, ReplayError>,
}

impl StoreAudit {
    pub fn ok(&self) -> bool {
        self.ledger.is_ok() && self.checks.iter().all(|c| c.ok)
    }
}

/// Replays the record and compares it with the store's own tables.
pub async fn audit_store(store: &Store) -> StoreResult<StoreAudit> {
    let mut ledger = Ledger::new();
    let mut after = 0u64;
    let mut failure = None;
    'replay: loop {
        let events = store.events_after(after, PAGE).await?;
        if events.is_empty() {
            break;
        }
        for event in &events {
            if let Err(e) = ledger.apply(event) {
                failure = Some(e);
                break 'replay;
            }
            after = event.seq();
        }
    }
    let mut checks = Vec::new();
    let mut check = |name: &str, ok: bool, detail: String| checks.push(Check { name: name.into(), ok, detail });
    let checkpoint = store.checkpoint().await?;
    match &failure {
        Some(e) => check("the record replays", false, e.to_string()),
        None => {
            check("the record replays", true, format!("{} events, 1 to {}", ledger.events_applied, ledger.last_seq))
        }
    }
    check(
        "the checkpoint is the last event",
        checkpoint.last_seq == ledger.last_seq || failure.is_some(),
        format!("checkpoint {}, replay {}", checkpoint.last_seq, ledger.last_seq),
    );
    // Current positions, stakes and tickets in the store against the replay.
    let mut mismatched = Vec::new();
    let mut seen = (0usize, 0usize, 0usize);
    let mut cursor = String::new();
    loop {
        let page = store.positions_page(&cursor, PAGE).await?;
        let Some(last) = page.last() else { break };
        cursor = last.0.to_string();
        for (owner, stored) in &page {
            seen.0 += 1;
            let rebuilt = ledger.positions.get(owner).map(|p| p.balances);
            let same = rebuilt.is_some_and(|b| {
                (b.active, b.locked, b.outstanding_diem, b.pending_rewards)
                    == (stored.active, stored.locked, stored.outstanding_diem, stored.pending_rewards)
            });
            if !same {
                mismatched.push(format!("position {owner}"));
            }
        }
    }
    let mut stake_cursor = (String::new(), String::new());
    loop {
        let page = store.stakes_page(&stake_cursor, PAGE).await?;
        let Some(last) = page.last() else { break };
        stake_cursor = (last.owner.clone(), last.beneficiary.clone());
        for stored in &page {
            seen.1 += 1;
            let key = (Pubkey::from_str(&stored.owner).ok(), Pubkey::from_str(&stored.beneficiary).ok());
            let rebuilt = match key {
                (Some(o), Some(b)) => ledger.diem_stakes.get(&(o, b)).map(|s| s.staked),
                _ => None,
            };
            if rebuilt != Some(stored.staked) {
                mismatched.push(format!("DIEM stake {} for {}", stored.owner, stored.beneficiary));
            }
        }
    }
    cursor.clear();
    loop {
        let page = store.tickets_page(&cursor, PAGE).await?;
        let Some(last) = page.last() else { break };
        cursor = last.ticket.clone();
        for stored in &page {
            seen.2 += 1;
            let rebuilt = Pubkey::from_str(&stored.ticket).ok().and_then(|t| ledger.tickets.get(&t));
            let same = rebuilt.is_some_and(|t| {
                (ticket_kind_name(t.kind), t.owner.to_string(), t.rent_payer.to_string(), t.amount, t.opened_at, t.unlock_at)
                    == (
                        stored.kind.as_str(),
                        stored.owner.clone(),
                        stored.rent_payer.clone(),
                        stored.amount,
                        stored.opened_at,
                        stored.unlock_at,
                    )
            });
            if !same {
                mismatched.push(format!("ticket {}", stored.ticket));
            }
        }
    }
    if seen != (ledger.positions.len(), ledger.diem_stakes.len(), ledger.tickets.len()) {
        mismatched.push(format!(
            "the store holds {} positions, {} stakes and {} open tickets, the replay {}, {} and {}",
            seen.0,
            seen.1,
            seen.2,
            ledger.positions.len(),
            ledger.diem_stakes.len(),
            ledger.tickets.len()
        ));
    }
    mismatched.truncate(50);
    let detail =
        if mismatched.is_empty() {
            format!("{} positions, {} stakes, {} open tickets", seen.0, seen.1, seen.2)
        } else {
            mismatched.join(", ")
        };
    check("the store's accounts match the replay", mismatched.is_empty(), detail);
    let (days, drift) = frozen_day_drift(store).await?;
    let detail = if drift.is_empty() { format!("{days} frozen days") } else { drift.join("; ") };
    check("every frozen day matches its events", drift.is_empty(), detail);
    let events_replayed = ledger.events_applied as u64;
    let ledger = match failure {
        Some(e) => Err(e),
        None => Ok(ledger),
    };
    Ok(StoreAudit { events_replayed, checks, ledger })
}

/// Most drifts named in a report (the count is always given).
const MAX_DRIFTS_NAMED: usize = 20;

/// Recomputes each frozen day's credit from the recorded events and names every owner whose
/// frozen stake differs, by day: (days checked, drifts).
async fn frozen_day_drift(store: &Store) -> StoreResult<(usize, Vec<String>)> {
    let days = store.frozen_days().await?;
    let mut drift = Vec::new();
    let mut total = 0usize;
    for &day in &days {
        let frozen = store.day_snapshot(day).await?.unwrap_or_default();
        let now = store.staked_at(day * diem::constants::SECONDS_PER_DAY).await?;
        let frozen: std::collections::BTreeMap<_, _> = frozen.into_iter().collect();
        let now: std::collections::BTreeMap<_, _> = now.into_iter().collect();
        for owner in frozen.keys().chain(now.keys().filter(|o| !frozen.contains_key(*o))) {
            let (was, is) = (frozen.get(owner).copied().unwrap_or(0), now.get(owner).copied().unwrap_or(0));
            if was != is {
                total += 1;
                if drift.len() < MAX_DRIFTS_NAMED {
                    drift.push(format!(
                        "{} {owner}: frozen {was}, the events give {is}",
                        diem_client::credit::format_day(day)
                    ));
                }
            }
        }
    }
    if total > drift.len() {
        drift.push(format!("{} more", total - drift.len()));
    }
    Ok((days.len(), drift))
}

/// The store's audit and, given an RPC URL, the chain's: the replayed record against every
/// account, the vaults and the mint supply, read at `finalized` (SPEC §10).
#[derive(Clone, Debug, Serialize)]
pub struct FullAudit {
    pub store: StoreAudit,
    pub chain: Option<diem_client::ops::AuditReport>,
    pub chain_error: Option<String>,
}

impl FullAudit {
    /// Every check held and the chain, where asked for, was read.
    pub fn ok(&self) -> bool {
        !self.broken() && self.chain_error.is_none()
    }

    /// A check failed: the record or the chain breaks an invariant. A chain that merely could not
    /// be read is no break (`chain_error`): the audit is then incomplete, not failed.
    pub fn broken(&self) -> bool {
        !self.store.ok() || self.chain.as_ref().is_some_and(|c| !c.ok())
    }
}

pub async fn full_audit(store: &Store, url: Option<&str>) -> StoreResult<FullAudit> {
    let store_audit = audit_store(store).await?;
    let (mut chain, mut chain_error) = (None, None);
    if let Some(url) = url {
        let mut rpc = diem_client::rpc::RpcChain::finalized(url);
        match diem_client::ops::Reader::new(&mut rpc).audit_replay(store_audit.ledger.clone()).await {
            Ok(report) => chain = Some(report),
            Err(e) => chain_error = Some(e.to_string()),
        }
    }
    Ok(FullAudit { store: store_audit, chain, chain_error })
}

/// The audit the server answers with: the follower's last result and when it was taken, so a
/// request never replays the record itself.
#[derive(Debug, Default)]
pub struct ServedAudit(RwLock<Option<(i64, std::time::Instant, FullAudit)>>);

impl ServedAudit {
    pub fn publish(&self, report: FullAudit) {
        let entry = Some((crate::status::unix_now(), std::time::Instant::now(), report));
        match self.0.write() {
            Ok(mut slot) => *slot = entry,
            Err(poisoned) => *poisoned.into_inner() = entry,
        }
    }

    /// The last result and its time (unix seconds).
    pub fn latest(&self) -> Option<(i64, FullAudit)> {
        let slot = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.as_ref().map(|(at, _, report)| (*at, report.clone()))
    }

    /// No result yet, or one taken longer than `age` ago.
    pub fn older_than(&self, age: Duration) -> bool {
        let slot = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.as_ref().is_none_or(|(_, taken, _)| taken.elapsed() >= age)
    }
}
