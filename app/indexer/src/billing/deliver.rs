//! Posting owed days to their endpoints until each acknowledges them.
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use solana_keypair::Keypair;

use super::outbox::{self, Owed};
use super::statement::DayStatement;
use crate::store::{Store, StoreResult};

/// How a deliverer posts and retries.
#[derive(Clone, Debug)]
pub struct DeliveryOptions {
    /// Longest wait for an endpoint's answer; past it the attempt failed (and is retried).
    pub timeout: Duration,
    /// The pause after a first failure, doubled after each further one up to `max_retry`.
    pub first_retry: Duration,
    pub max_retry: Duration,
    /// How often an idle deliverer looks for newly frozen days.
    pub poll: Duration,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            first_retry: Duration::from_secs(1),
            max_retry: Duration::from_secs(300),
            poll: Duration::from_secs(1),
        }
    }
}

/// What one pass over the owed days did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    pub delivered: u32,
    pub failed: u32,
    /// Endpoints still owed a day after the pass.
    pub endpoints_owed: u32,
    /// When the earliest owed day may be tried again (Unix milliseconds).
    pub next_due_ms: Option<i64>,
}

/// Delivers every owed day to its endpoint, oldest first per endpoint.
pub struct Deliverer<'a> {
    store: &'a Store,
    endpoints: Vec<String>,
    signer: Keypair,
    http: reqwest::Client,
    options: DeliveryOptions,
}

/// The pause after a failure when `attempts` earlier attempts failed: `first_retry`, doubled
/// each time, at most `max_retry`.
pub fn retry_pause(options: &DeliveryOptions, attempts: u32) -> Duration {
    let factor = 1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX);
    options.first_retry.saturating_mul(factor).min(options.max_retry)
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl<'a> Deliverer<'a> {
    /// Registers `endpoints` (each owed every frozen day from `from_day`, unless registered
    /// before) and queues what they are owed.
    pub async fn new(
        store: &'a Store,
        endpoints: Vec<String>,
        from_day: i64,
        signer: Keypair,
        options: DeliveryOptions,
    ) -> StoreResult<Self> {
        for endpoint in &endpoints {
            outbox::register(store, endpoint, from_day).await?;
        }
        // A client-wide timeout covers connecting, sending and reading the answer.
        let http = reqwest::Client::builder().timeout(options.timeout).build().unwrap_or_default();
        Ok(Self { store, endpoints, signer, http, options })
    }

    /// Tries every endpoint's oldest owed day that is due, all endpoints at once.
    pub async fn pass(&self) -> StoreResult<PassReport> {
        let now = now_ms();
        let heads = outbox::heads(self.store, &self.endpoints).await?;
        let due: Vec<&Owed> = heads.iter().filter(|o| o.next_attempt_at <= now).collect();
        let mut bodies: HashMap<i64, Option<(String, String)>> = HashMap::new();
        for owed in &due {
            if let std::collections::hash_map::Entry::Vacant(slot) = bodies.entry(owed.day) {
                let statement = DayStatement::of_frozen_day(self.store, owed.day, &self.signer).await?;
                slot.insert(statement.map(|s| (s.idempotency_key(), serde_json::to_string(&s).unwrap_or_default())));
            }
        }
        let attempts = due.iter().map(|owed| async {
            let result = match bodies.get(&owed.day).and_then(Option::as_ref) {
                Some((key, body)) => self.post(&owed.endpoint, key, body).await,
                None => Err("the day is not frozen in this store".to_string()),
            };
            (*owed, result)
        });
        let mut report = PassReport::default();
        for (owed, result) in futures::future::join_all(attempts).await {
            match result {
                Ok(()) => {
                    outbox::delivered(self.store, &owed.endpoint, owed.day, now_ms()).await?;
                    tracing::info!(endpoint = %owed.endpoint, day = owed.day, attempts = owed.attempts + 1, "day delivered");
                    report.delivered += 1;
                }
                Err(error) => {
                    let pause = retry_pause(&self.options, owed.attempts);
                    let retry_at = now_ms().saturating_add(pause.as_millis() as i64);
                    outbox::failed(self.store, &owed.endpoint, owed.day, &error, retry_at).await?;
                    tracing::warn!(endpoint = %owed.endpoint, day = owed.day, attempts = owed.attempts + 1, retry_in_ms = pause.as_millis() as u64, %error, "delivery failed");
                    report.failed += 1;
                }
            }
        }
        let left = outbox::heads(self.store, &self.endpoints).await?;
        report.endpoints_owed = left.len() as u32;
        report.next_due_ms = left.iter().map(|o| o.next_attempt_at).min();
        Ok(report)
    }

    async fn post(&self, endpoint: &str, key: &str, body: &str) -> Result<(), String> {
        let answer = self
            .http
            .post(endpoint)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| if e.is_timeout() { "no answer in time".to_string() } else { format!("{e}") })?;
        let status = answer.status();
        if status.is_success() { Ok(()) } else { Err(format!("answered {status}")) }
    }

    /// Passes until no endpoint is owed anything (returning the last pass), or until `give_up`
    /// has passed (returning what is still owed).
    pub async fn until_delivered(&self, give_up: Duration) -> StoreResult<PassReport> {
        let deadline = tokio::time::Instant::now() + give_up;
        loop {
            let report = self.pass().await?;
            if report.endpoints_owed == 0 || tokio::time::Instant::now() >= deadline {
                return Ok(report);
            }
            if report.delivered == 0 {
                tokio::time::sleep(self.wait(&report)).await;
            }
        }
    }

    /// Delivers for as long as the process runs: a failing store is retried after a pause.
    pub async fn run(&self) -> std::convert::Infallible {
        loop {
            match self.pass().await {
                Ok(report) if report.delivered > 0 => continue,
                Ok(report) => tokio::time::sleep(self.wait(&report)).await,
                Err(error) => {
                    tracing::warn!(%error, "billing outbox unreadable");
                    tokio::time::sleep(self.options.poll.max(Duration::from_secs(1))).await;
                }
            }
        }
    }

    /// [`Deliverer::run`] when there is a deliverer; otherwise never resolves (for a `select!`
    /// beside the follower).
    pub async fn run_if_any(deliverer: Option<&Deliverer<'_>>) -> std::convert::Infallible {
        match deliverer {
            Some(d) => d.run().await,
            None => std::future::pending().await,
        }
    }

    /// Until the earliest owed day is due, at most the poll interval (new days may freeze).
    fn wait(&self, report: &PassReport) -> Duration {
        let until_due = report
            .next_due_ms
            .map_or(self.options.poll, |due| Duration::from_millis(due.saturating_sub(now_ms()).max(1) as u64));
        until_due.min(self.options.poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_up_to_its_ceiling() {
        let options = DeliveryOptions {
            first_retry: Duration::from_millis(100),
            max_retry: Duration::from_secs(1),
            ..DeliveryOptions::default()
        };
        let pause = |attempts| retry_pause(&options, attempts);
        assert_eq!(pause(0), Duration::from_millis(100));
        assert_eq!(pause(3), Duration::from_millis(800));
        assert_eq!(pause(4), Duration::from_secs(1));
        assert_eq!(pause(u32::MAX), Duration::from_secs(1));
    }
}
