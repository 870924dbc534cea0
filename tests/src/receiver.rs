//! A loopback billing endpoint for the delivery tests: it deduplicates by `Idempotency-Key` as a
//! billing system must, and can fail a key's first requests, stall past the sender's timeout
//! after accepting a day (so the acknowledgement is lost and the day comes again), and answer
//! late (so a killed sender leaves days accepted but unmarked).
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// How the receiver misbehaves.
#[derive(Clone, Debug, Default)]
pub struct Behaviour {
    /// Answer 500 to the first this-many requests of every key.
    pub fail_first: u32,
    /// Stall every this-many-th acceptance (0: never) for `stall_for` before answering.
    pub stall_every: u32,
    pub stall_for: Duration,
    /// Wait this long before answering an acceptance or a duplicate.
    pub answer_after: Duration,
}

/// What the receiver saw.
#[derive(Debug, Default)]
pub struct Seen {
    pub requests: u64,
    pub failures_sent: u64,
    pub stalls: u64,
    /// Requests for a key already accepted, with the same body: answered 200, not acted on.
    pub duplicates: u64,
    /// Requests for a key already accepted with another body (must never happen).
    pub conflicts: u64,
    pub without_key: u64,
    /// Each accepted key's body, and the keys in the order they were accepted.
    pub accepted: BTreeMap<String, String>,
    pub order: Vec<String>,
    attempts: HashMap<String, u32>,
}

#[derive(Clone)]
struct Shared {
    behaviour: Behaviour,
    seen: Arc<Mutex<Seen>>,
}

pub struct Receiver {
    pub url: String,
    seen: Arc<Mutex<Seen>>,
}

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: String) -> (StatusCode, &'static str) {
    let behaviour = &shared.behaviour;
    let (status, wait) = {
        let mut seen = shared.seen.lock().unwrap();
        seen.requests += 1;
        let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string) else {
            seen.without_key += 1;
            return (StatusCode::BAD_REQUEST, "no Idempotency-Key");
        };
        let attempt = {
            let a = seen.attempts.entry(key.clone()).or_default();
            *a += 1;
            *a
        };
        if attempt <= behaviour.fail_first {
            seen.failures_sent += 1;
            return (StatusCode::INTERNAL_SERVER_ERROR, "try again");
        }
        match seen.accepted.get(&key) {
            Some(first) if *first == body => {
                seen.duplicates += 1;
                (StatusCode::OK, behaviour.answer_after)
            }
            Some(_) => {
                seen.conflicts += 1;
                return (StatusCode::CONFLICT, "another body under this key");
            }
            None => {
                seen.accepted.insert(key.clone(), body);
                seen.order.push(key);
                let n = seen.order.len() as u32;
                if behaviour.stall_every > 0 && n % behaviour.stall_every == 0 {
                    seen.stalls += 1;
                    (StatusCode::OK, behaviour.stall_for)
                } else {
                    (StatusCode::OK, behaviour.answer_after)
                }
            }
        }
    };
    tokio::time::sleep(wait).await;
    (status, "ok")
}

impl Receiver {
    /// Listens on 127.0.0.1 (an ephemeral port) on the current runtime.
    pub async fn start(behaviour: Behaviour) -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let app = axum::Router::new()
            .route("/deliver", post(receive))
            // A day of 100,000 beneficiaries is about 10 MB: past axum's 2 MB default.
            .layer(axum::extract::DefaultBodyLimit::max(256 * 1024 * 1024))
            .with_state(Shared { behaviour, seen: seen.clone() });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback port");
        let url = format!("http://{}/deliver", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, seen }
    }

    /// Listens on a runtime of its own (for tests that block their thread on child processes).
    pub fn start_on_thread(behaviour: Behaviour) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            rt.block_on(async move {
                tx.send(Receiver::start(behaviour).await).expect("handed over");
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("the receiver starts")
    }

    /// What it has seen so far.
    pub fn seen<T>(&self, read: impl FnOnce(&Seen) -> T) -> T {
        read(&self.seen.lock().unwrap())
    }
}
