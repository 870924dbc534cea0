//! The JSON-RPC calls the indexer makes, at `finalized` by default, each retried with
//! exponential backoff (and jitter) when the endpoint fails, stalls or is briefly behind. They
//! go through the CLI's transport, `solana-rpc-client`: typed requests ([`RpcRequest`]), results
//! deserialized into types; a transaction stays JSON, which is what the decoder reads.
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::ErrorKind;
use solana_rpc_client_api::request::{RpcError, RpcRequest};
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SourceError {
    #[error("RPC endpoint {url} kept failing ({attempts} attempts): {last}")]
    GaveUp { url: String, attempts: u32, last: String },
    #[error("RPC endpoint {url} refused {method}: {message}")]
    Refused { url: String, method: String, message: String },
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

/// A signature as the node lists it (`err` is kept as JSON: only whether there is one matters;
/// JSON `null` reads as `None`, here and for a transaction the node does not hold).
#[derive(Deserialize)]
struct ListedWire {
    signature: String,
    #[serde(default)]
    slot: u64,
    #[serde(default)]
    err: Option<Value>,
}

#[derive(Clone)]
pub struct RpcSource {
    client: Arc<RpcClient>,
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
        // Every call names its commitment itself; this is only the client's default.
        let default = commitment.parse().unwrap_or_else(|_| CommitmentConfig::finalized());
        let client = Arc::new(RpcClient::new_with_timeout_and_commitment(url.to_string(), retry.timeout, default));
        Self { client, url: url.to_string(), commitment: commitment.to_string(), retry, stats: Default::default() }
    }

    /// Counters shared by this source and its clones.
    pub fn stats(&self) -> &SourceStats {
        &self.stats
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// One call, its result deserialized into `T`, retried while the failure is transient: a
    /// transport failure, an HTTP error, a response that does not parse, or a JSON-RPC error
    /// that means "not yet".
    pub async fn call<T: DeserializeOwned>(&self, request: RpcRequest, params: Value) -> Result<T, SourceError> {
        let mut delay = self.retry.first_delay;
        let mut last = String::new();
        use std::sync::atomic::Ordering::Relaxed;
        for attempt in 1..=self.retry.attempts {
            self.stats.requests.fetch_add(1, Relaxed);
            let error = match self.client.send::<T>(request, params.clone()).await {
                Ok(result) => return Ok(result),
                Err(e) => e,
            };
            self.stats.errors.fetch_add(1, Relaxed);
            match error.kind() {
                ErrorKind::RpcError(RpcError::RpcResponseError { code, message, .. }) if !transient(*code) => {
                    return Err(SourceError::Refused {
                        url: self.url.clone(),
                        method: request.to_string(),
                        message: message.clone(),
                    });
                }
                _ => last = format!("{request}: {error}"),
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

    /// The newest finalized (or configured) slot.
    pub async fn slot(&self) -> Result<u64, SourceError> {
        self.call(RpcRequest::GetSlot, json!([{"commitment": self.commitment}])).await
    }

    /// The block time of `slot`, if the node knows it.
    pub async fn block_time(&self, slot: u64) -> Result<Option<i64>, SourceError> {
        self.call(RpcRequest::GetBlockTime, json!([slot])).await
    }

    /// The genesis hash of the cluster: which cluster a store belongs to.
    pub async fn genesis_hash(&self) -> Result<String, SourceError> {
        self.call(RpcRequest::GetGenesisHash, json!([])).await
    }

    /// The lowest slot whose block the node still holds (older ones are pruned).
    pub async fn first_available_block(&self) -> Result<u64, SourceError> {
        self.call(RpcRequest::GetFirstAvailableBlock, json!([])).await
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
        let list: Vec<ListedWire> = self.call(RpcRequest::GetSignaturesForAddress, json!([address, config])).await?;
        Ok(list.into_iter().map(|s| Listed { signature: s.signature, slot: s.slot, failed: s.err.is_some() }).collect())
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
            let v: Option<Value> = self.call(RpcRequest::GetTransaction, params.clone()).await?;
            if let Some(v) = v {
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
}
