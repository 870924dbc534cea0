//! A JSON-RPC endpoint on loopback that serves a list of transactions carrying diem events,
//! the way a cluster would (`getSignaturesForAddress` newest first, with `before`, `until` and
//! `limit`; same-slot transactions listed in reverse execution order, as real nodes may), and
//! that fails on purpose: HTTP 500s, JSON-RPC errors, stalls longer than the client's timeout,
//! and bodies that are not JSON. The indexer's reliability tests run against it.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::post};
use diem_client::events::DiemEvent;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// One transaction as the cluster would return it.
#[derive(Clone, Debug)]
pub struct FakeTransaction {
    pub signature: String,
    pub slot: u64,
    pub block_time: i64,
    pub json: Value,
}

/// A transaction carrying `events` as diem's self-CPI inner instructions. With
/// `via_lookup_table`, a proxy program is the top-level call and diem's id (and its event
/// authority) are loaded from a lookup table, so only `loadedAddresses` names them.
pub fn encode_transaction(
    signature: &str,
    slot: u64,
    block_time: i64,
    events: &[DiemEvent],
    via_lookup_table: bool,
) -> Value {
    let diem_id = diem::ID.to_string();
    let authority = diem::EVENT_AUTHORITY_AND_BUMP.0.to_string();
    let proxy = diem_vault::ID.to_string();
    let (static_keys, loaded_readonly, diem_index) = if via_lookup_table {
        (vec!["Payer1111111111111111111111111111111111111".to_string(), proxy], vec![authority, diem_id], 3)
    } else {
        (vec!["Payer1111111111111111111111111111111111111".to_string(), authority, diem_id], vec![], 2)
    };
    let inner: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut data = anchor_lang::event::EVENT_IX_TAG_LE.to_vec();
            data.extend_from_slice(&e.to_bytes());
            json!({"programIdIndex": diem_index, "accounts": [diem_index - 1], "data": bs58::encode(data).into_string(), "stackHeight": 2})
        })
        .collect();
    json!({
        "slot": slot,
        "blockTime": block_time,
        "version": if via_lookup_table { json!(0) } else { json!("legacy") },
        "transaction": {
            "signatures": [signature],
            "message": { "accountKeys": static_keys, "instructions": [{"programIdIndex": 1, "accounts": [], "data": ""}] }
        },
        "meta": {
            "err": null,
            "loadedAddresses": { "writable": [], "readonly": loaded_readonly },
            "innerInstructions": [{ "index": 0, "instructions": inner }],
        }
    })
}

/// Faults, each a probability per request.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub http_500: f64,
    pub rpc_error: f64,
    pub stall: f64,
    pub garbage: f64,
    pub stall_for: Duration,
}

#[derive(Default)]
struct Inner {
    /// Oldest first, in execution order.
    transactions: Vec<FakeTransaction>,
    /// Signatures listed but whose transaction is withheld (a gap).
    withheld: Vec<String>,
    faults: Faults,
    /// A listing node behind the slot node by this many slots, for this many more listings.
    listing_lag: Option<(u64, u32)>,
    /// Blocks below this slot are pruned: their transactions are no longer served (though the
    /// address index still lists them, as nodes may), and `getFirstAvailableBlock` says so.
    pruned_below: u64,
    /// After this many more listings, this signature drops out of every listing (a node whose
    /// view changes between two passes).
    hide_after: Option<(u32, String)>,
    /// Another cluster's genesis hash (a reset ledger, another network).
    genesis: Option<String>,
    requests: u64,
    faults_injected: u64,
    rng: Option<rand::rngs::StdRng>,
}

#[derive(Clone)]
pub struct FakeRpc {
    inner: Arc<Mutex<Inner>>,
    pub url: String,
}

impl FakeRpc {
    /// Starts serving on 127.0.0.1 (a free port) until the runtime ends.
    pub async fn start(transactions: Vec<FakeTransaction>) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            transactions,
            rng: Some(rand::rngs::StdRng::seed_from_u64(7)),
            ..Inner::default()
        }));
        let app = Router::new().route("/", post(handle)).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let addr: SocketAddr = listener.local_addr().expect("bound");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { inner, url: format!("http://{addr}") }
    }

    /// Starts on a thread of its own (for tests whose runtime blocks on child processes).
    pub fn start_on_thread(transactions: Vec<FakeTransaction>) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            rt.block_on(async move {
                tx.send(FakeRpc::start(transactions).await).expect("handed over");
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("the fake RPC starts")
    }

    pub fn set_faults(&self, faults: Faults) {
        self.inner.lock().unwrap().faults = faults;
    }

    /// The next `listings` signature listings come from a node `slots` behind the slot node;
    /// asked for a `minContextSlot` it has not reached, it answers -32016.
    pub fn lag_listings(&self, slots: u64, listings: u32) {
        self.inner.lock().unwrap().listing_lag = Some((slots, listings));
    }

    /// Prunes every block below `slot`.
    pub fn prune_below(&self, slot: u64) {
        self.inner.lock().unwrap().pruned_below = slot;
    }

    /// After `listings` more listings, `signature` is missing from every listing.
    pub fn hide_after(&self, listings: u32, signature: &str) {
        self.inner.lock().unwrap().hide_after = Some((listings, signature.to_string()));
    }

    /// Answers `getGenesisHash` with `hash`: another cluster.
    pub fn set_genesis(&self, hash: &str) {
        self.inner.lock().unwrap().genesis = Some(hash.to_string());
    }

    /// Serves every listing whole again.
    pub fn clear_listing_faults(&self) {
        let mut inner = self.inner.lock().unwrap();
        inner.listing_lag = None;
        inner.hide_after = None;
    }

    /// The transactions served, oldest first.
    pub fn transactions(&self) -> Vec<FakeTransaction> {
        self.inner.lock().unwrap().transactions.clone()
    }

    pub fn withhold(&self, signature: &str) {
        self.inner.lock().unwrap().withheld.push(signature.to_string());
    }

    pub fn release_all(&self) {
        self.inner.lock().unwrap().withheld.clear();
    }

    pub fn push(&self, tx: FakeTransaction) {
        self.inner.lock().unwrap().transactions.push(tx);
    }

    /// Requests served, and how many of them were made to fail.
    pub fn counts(&self) -> (u64, u64) {
        let inner = self.inner.lock().unwrap();
        (inner.requests, inner.faults_injected)
    }
}

enum Fault {
    Http500,
    RpcError,
    Stall(Duration),
    Garbage,
}

async fn handle(State(inner): State<Arc<Mutex<Inner>>>, Json(request): Json<Value>) -> Response {
    let (fault, result) = {
        let mut s = inner.lock().unwrap();
        s.requests += 1;
        let f = s.faults.clone();
        let roll: f64 = s.rng.as_mut().map(|r| r.r#gen()).unwrap_or(1.0);
        let fault = if roll < f.http_500 {
            Some(Fault::Http500)
        } else if roll < f.http_500 + f.rpc_error {
            Some(Fault::RpcError)
        } else if roll < f.http_500 + f.rpc_error + f.stall {
            Some(Fault::Stall(f.stall_for))
        } else if roll < f.http_500 + f.rpc_error + f.stall + f.garbage {
            Some(Fault::Garbage)
        } else {
            None
        };
        if fault.is_some() {
            s.faults_injected += 1;
        }
        (fault, answer(&mut s, &request))
    };
    let id = request.get("id").cloned().unwrap_or(json!(1));
    match fault {
        Some(Fault::Http500) => return (StatusCode::INTERNAL_SERVER_ERROR, "injected failure").into_response(),
        Some(Fault::RpcError) => {
            return Json(json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32005, "message": "Node is unhealthy (injected)"}}))
                .into_response();
        }
        Some(Fault::Stall(d)) => tokio::time::sleep(d).await,
        Some(Fault::Garbage) => return (StatusCode::OK, "{\"jsonrpc\": \"2.0\", \"res").into_response(),
        None => {}
    }
    match result {
        Ok(result) => Json(json!({"jsonrpc": "2.0", "id": id, "result": result})).into_response(),
        Err((code, message)) => {
            Json(json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})).into_response()
        }
    }
}

/// The listing order: newest first, with the transactions of one slot reversed against their
/// execution order (what the indexer must not trust).
fn listing(s: &Inner) -> Vec<&FakeTransaction> {
    let mut list: Vec<&FakeTransaction> = s.transactions.iter().collect();
    list.sort_by(|a, b| b.slot.cmp(&a.slot));
    list
}

/// The slot node's newest slot.
fn head_slot(s: &Inner) -> u64 {
    s.transactions.last().map(|t| t.slot).unwrap_or(1) + 1
}

fn answer(s: &mut Inner, request: &Value) -> Result<Value, (i64, String)> {
    let params = request.get("params").cloned().unwrap_or(json!([]));
    let invalid = |m: String| (-32602, m);
    match request.get("method").and_then(Value::as_str).unwrap_or("") {
        "getVersion" => Ok(json!({"solana-core": "fake-rpc", "feature-set": 0})),
        "getGenesisHash" => {
            Ok(json!(s.genesis.clone().unwrap_or_else(|| "FakeGenesis1111111111111111111111111111111".into())))
        }
        "getFirstAvailableBlock" => Ok(json!(s.pruned_below)),
        "getSlot" => Ok(json!(head_slot(s))),
        "getBlockTime" => {
            let slot = params.get(0).and_then(Value::as_u64).unwrap_or(0);
            let time = s.transactions.iter().rev().find(|t| t.slot <= slot).map(|t| t.block_time);
            Ok(time.map(|t| json!(t + 1)).unwrap_or(Value::Null))
        }
        "getSignaturesForAddress" => {
            let config = params.get(1).cloned().unwrap_or(json!({}));
            let before = config.get("before").and_then(Value::as_str);
            let until = config.get("until").and_then(Value::as_str);
            let limit = config.get("limit").and_then(Value::as_u64).unwrap_or(1000) as usize;
            let min_context = config.get("minContextSlot").and_then(Value::as_u64);
            // The node answering this listing: maybe one behind the slot node.
            let mut view = head_slot(s);
            if let Some((lag, left)) = s.listing_lag.as_mut() {
                if *left > 0 {
                    *left -= 1;
                    view = view.saturating_sub(*lag);
                }
            }
            if min_context.is_some_and(|m| m > view) {
                return Err((-32016, format!("Minimum context slot has not been reached (node at {view})")));
            }
            let hidden = match s.hide_after.as_mut() {
                Some((0, sig)) => Some(sig.clone()),
                Some((left, _)) => {
                    *left -= 1;
                    None
                }
                None => None,
            };
            let list: Vec<&FakeTransaction> =
                listing(s).into_iter().filter(|t| t.slot <= view && Some(&t.signature) != hidden.as_ref()).collect();
            let start = match before {
                Some(b) => {
                    list.iter().position(|t| t.signature == b).map(|i| i + 1).ok_or(invalid("unknown before".into()))?
                }
                None => 0,
            };
            // A node cannot stop at an `until` whose block it has pruned: it lists on.
            let until = until.filter(|u| list.iter().any(|t| t.signature == *u && t.slot >= s.pruned_below));
            let mut out = Vec::new();
            for t in &list[start..] {
                if Some(t.signature.as_str()) == until || out.len() >= limit {
                    break;
                }
                out.push(json!({"signature": t.signature, "slot": t.slot, "err": null, "blockTime": t.block_time, "confirmationStatus": "finalized"}));
            }
            Ok(Value::Array(out))
        }
        "getTransaction" => {
            let sig = params.get(0).and_then(Value::as_str).unwrap_or("");
            if s.withheld.iter().any(|w| w == sig) {
                return Err(invalid(format!("transaction {sig} withheld")));
            }
            let found = s.transactions.iter().find(|t| t.signature == sig && t.slot >= s.pruned_below);
            Ok(found.map(|t| t.json.clone()).unwrap_or(Value::Null))
        }
        other => Err(invalid(format!("method {other} not served"))),
    }
}

/// The bank's events as cluster transactions: one per event, three to a slot (so every slot
/// is listed out of order), every other one through a lookup table.
pub fn transactions_of(events: &[DiemEvent]) -> Vec<FakeTransaction> {
    let mut clock = 0i64;
    events
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let signature = bs58::encode(format!("fake-signature-{:08}", event.seq())).into_string();
            let slot = 100 + i as u64 / 3;
            clock = clock.max(event.timestamp().unwrap_or(clock));
            let block_time = clock;
            let json = encode_transaction(&signature, slot, block_time, std::slice::from_ref(event), i % 2 == 1);
            FakeTransaction { signature, slot, block_time, json }
        })
        .collect()
}
