//! The JSON-RPC calls the indexer makes, at `finalized` by default, each retried with
//! exponential backoff (and jitter) when the endpoint fails, stalls or is briefly behind.
use std::time::Duration;

use serde_json::{Value, json};
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SourceError {
    #[error("RPC endpoint {url} kept failing ({attempts} attempts): {last}")]
    GaveUp { url: String, attempts: u32, last: String },
    #[error("RPC endpoint {url} refused {method}: {message}")]
    Refused { url: String, method: String, message: String },
    #[error("RPC endpoint {url}: {what}")]
    Malformed { url: String, what: String },
}

/// How hard to try.
#[derive(Clone, Debug)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// A call that takes longer is abandoned and retried.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 10,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
        }
    }
}

/// A signature as `getSignaturesForAddress` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub signature: String,
    pub slot: u64,
    pub failed: bool,
}

#[derive(Clone)]
pub struct RpcSource {
    http: reqwest::Client,
    url: String,
    commitment: String,
    retry: Retry,
    /// Shared by clones, for `/metrics`.
    stats: std::sync::Arc<SourceStats>,
}

/// What a source's calls have met since the process started.
#[derive(Debug, Default)]
pub struct SourceStats {
    /// Calls made (each attempt counts).
    pub requests: std::sync::atomic::AtomicU64,
    /// Attempts that failed (transport, HTTP status, a JSON-RPC error).
    pub errors: std::sync::atomic::AtomicU64,
    /// Attempts made again after a transient failure.
    pub retries: std::sync::atomic::AtomicU64,
}

/// JSON-RPC error codes that mean "not yet" or "try again", not "no".
fn transient(code: i64) -> bool {
    // -32004 block not available, -32005 node unhealthy, -32007 slot skipped or missing in
    // long-term storage, -32009 missing in long-term storage, -32014 block status not yet
    // available, -32016 minimum context slot not reached; -32603 internal error.
    matches!(code, -32004 | -32005 | -32007 | -32009 | -32014 | -32016 | -32603)
}

impl RpcSource {
    pub fn new(url: &str, commitment: &str, retry: Retry) -> Self {
        let http = reqwest::Client::builder().timeout(retry.timeout).build().unwrap_or_default();
        Self { http, url: url.to_string(), commitment: commitment.to_string(), retry, stats: Default::default() }
    }

    /// Counters shared by this source and its clones.
    pub fn stats(&self) -> &SourceStats {
        &self.stats
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// One call, retried while the failure is transient.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, SourceError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let mut delay = self.retry.first_delay;
        let mut last = String::new();
        use std::sync::atomic::Ordering::Relaxed;
        for attempt in 1..=self.retry.attempts {
            self.stats.requests.fetch_add(1, Relaxed);
            let answer = self.once(&body).await;
            if !matches!(answer, Ok(Ok(_))) {
                self.stats.errors.fetch_add(1, Relaxed);
            }
            match answer {
                Ok(Ok(result)) => return Ok(result),
                Ok(Err((code, message))) if !transient(code) => {
                    return Err(SourceError::Refused { url: self.url.clone(), method: method.into(), message });
                }
                Ok(Err((code, message))) => last = format!("{method}: error {code}: {message}"),
                Err(e) => last = format!("{method}: {e}"),
            }
            if attempt < self.retry.attempts {
                self.stats.retries.fetch_add(1, Relaxed);
                let jitter = rand::random::<f64>() * 0.5 + 0.75;
                tokio::time::sleep(delay.mul_f64(jitter)).await;
                delay = (delay * 2).min(self.retry.max_delay);
            }
        }
        Err(SourceError::GaveUp { url: self.url.clone(), attempts: self.retry.attempts, last })
    }

    /// The result, or the JSON-RPC error; `Err` for a transport failure or a bad response.
    async fn once(&self, body: &Value) -> Result<Result<Value, (i64, String)>, String> {
        let response = self.http.post(&self.url).json(body).send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        let value: Value = response.json().await.map_err(|e| format!("response is not JSON: {e}"))?;
        if let Some(error) = value.get("error") {
            let code = error.get("code").and_then(Value::as_i64).unwrap_or(-32603);
            let message = error.get("message").and_then(Value::as_str).unwrap_or("").to_string();
            return Ok(Err((code, message)));
        }
        value.get("result").cloned().map(Ok).ok_or_else(|| "response has neither result nor error".to_string())
    }

    /// The newest finalized (or configured) slot.
    pub async fn slot(&self) -> Result<u64, SourceError> {
        let v = self.call("getSlot", json!([{"commitment": self.commitment}])).await?;
        v.as_u64().ok_or_else(|| self.malformed("getSlot is not a number"))
    }

    /// The block time of `slot`, if the node knows it.
    pub async fn block_time(&self, slot: u64) -> Result<Option<i64>, SourceError> {
        Ok(self.call("getBlockTime", json!([slot])).await?.as_i64())
    }

    /// The genesis hash of the cluster: which cluster a store belongs to.
    pub async fn genesis_hash(&self) -> Result<String, SourceError> {
        let v = self.call("getGenesisHash", json!([])).await?;
        v.as_str().map(str::to_string).ok_or_else(|| self.malformed("getGenesisHash is not a string"))
    }

    /// The lowest slot whose block the node still holds (older ones are pruned).
    pub async fn first_available_block(&self) -> Result<u64, SourceError> {
        let v = self.call("getFirstAvailableBlock", json!([])).await?;
        v.as_u64().ok_or_else(|| self.malformed("getFirstAvailableBlock is not a number"))
    }

    /// Up to `limit` signatures naming `address`, newest first, older than `before`, as seen by
    /// a node that has reached `min_context_slot` (one consistent view of the cluster: a node
    /// behind it answers -32016, which is retried, instead of a shorter list).
    pub async fn signatures(
        &self,
        address: &str,
        before: Option<&str>,
        limit: u32,
        min_context_slot: u64,
    ) -> Result<Vec<Listed>, SourceError> {
        let mut config = json!({"limit": limit, "commitment": self.commitment, "minContextSlot": min_context_slot});
        if let Some(before) = before {
            config["before"] = json!(before);
        }
        let v = self.call("getSignaturesForAddress", json!([address, config])).await?;
        let list = v.as_array().ok_or_else(|| self.malformed("getSignaturesForAddress is not a list"))?;
        list.iter()
            .map(|s| {
                Ok(Listed {
                    signature: s
                        .get("signature")
                        .and_then(Value::as_str)
                        .ok_or_else(|| self.malformed("no signature"))?
                        .into(),
                    slot: s.get("slot").and_then(Value::as_u64).unwrap_or_default(),
                    failed: !s.get("err").is_none_or(Value::is_null),
                })
            })
            .collect()
    }

    /// A transaction as `getTransaction` returns it (`json` encoding, v0 allowed). A listed
    /// transaction the node cannot return yet is retried like a failure.
    pub async fn transaction(&self, signature: &str) -> Result<Value, SourceError> {
        self.transaction_if_held(signature).await?.ok_or_else(|| self.not_found(signature))
    }

    /// A listed transaction the node kept answering it does not hold.
    pub fn not_found(&self, signature: &str) -> SourceError {
        SourceError::GaveUp {
            url: self.url.clone(),
            attempts: self.retry.attempts,
            last: format!("getTransaction {signature}: not found"),
        }
    }

    /// As [`RpcSource::transaction`], but `None` when the node keeps answering that it does not
    /// hold the transaction (pruned, or never finalized).
    pub async fn transaction_if_held(&self, signature: &str) -> Result<Option<Value>, SourceError> {
        let params = json!([signature, {"encoding": "json", "commitment": self.commitment, "maxSupportedTransactionVersion": 0}]);
        let mut delay = self.retry.first_delay;
        for attempt in 1..=self.retry.attempts {
            let v = self.call("getTransaction", params.clone()).await?;
            if !v.is_null() {
                return Ok(Some(v));
            }
            if attempt < self.retry.attempts {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(self.retry.max_delay);
            }
        }
        Ok(None)
    }

    /// The commitment every read is made at.
    pub fn commitment(&self) -> &str {
        &self.commitment
    }

    fn malformed(&self, what: &str) -> SourceError {
        SourceError::Malformed { url: self.url.clone(), what: what.into() }
    }
}
