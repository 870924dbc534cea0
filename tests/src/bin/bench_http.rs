//! Load and abuse on the record's HTTP API (`scripts/bench-http.sh` writes HTTP_LOAD.md from its
//! output). On loopback: a store of synthetic events, a follower ingesting more from the fake
//! RPC the whole time, the server with its default limits and API keys, and `--clients` clients
//! for `--secs` seconds in five classes:
//!
//! - `valid`: every endpoint with a key of its own (day JSON and CSV, owner, history pages,
//!   audit, health);
//! - `malformed`: bad days, keys, queries, percent-encoding, a 10 KB path, unknown paths, POST;
//! - `unauthorized`: no key or a wrong one, all from one address (so its rate limit bites);
//! - `oversized`: bodies, 40 KB headers;
//! - `slow`: connections that send half a request and wait to be closed.
//!
//! The server and its follower run in a child process, so its resident memory is the server's
//! alone. Prints one JSON line: per class the requests, statuses and p50/p99/max latency; the
//! server's resident memory at the start, its peak in each half of the run and at the end;
//! events ingested meanwhile. Exits non-zero when a
//! request was answered 5xx, a valid request failed in transport, a handler panicked, or a slow
//! connection was never closed: the benchmark is also the check.
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diem_indexer::http::{ApiState, Limits};
use diem_indexer::store::Store;
use diem_indexer::{Retry, RpcSource};
use diem_tests::fake_rpc::{FakeRpc, FakeTransaction, encode_transaction};
use diem_tests::bench::{arg, memory_mib};
use diem_tests::synthetic::Generator;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const START: i64 = 1_800_000_000 - 1_800_000_000 % 86_400;

/// Cluster transactions for the generator's next `count` events, from `slot` on.
fn next_transactions(generator: &mut Generator, count: u64, slot: &mut u64) -> Vec<FakeTransaction> {
    (0..count)
        .map(|i| {
            let event = generator.next_event();
            let signature = bs58::encode(format!("load-{:010}", event.seq())).into_string();
            *slot += 1;
            let block_time = event.timestamp().unwrap_or(START);
            let json = encode_transaction(&signature, *slot, block_time, std::slice::from_ref(&event), i % 2 == 0);
            FakeTransaction { signature, slot: *slot, block_time, json }
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
    statuses: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, status: &str, started: Instant) {
        self.latencies_ms.push(started.elapsed().as_secs_f64() * 1e3);
        *self.statuses.entry(status.to_string()).or_default() += 1;
    }

    fn summary(mut self) -> serde_json::Value {
        self.latencies_ms.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let n = self.latencies_ms.len();
            if n == 0 { 0.0 } else { self.latencies_ms[((n as f64 * q) as usize).min(n - 1)] }
        };
        json!({
            "requests": self.latencies_ms.len(),
            "statuses": self.statuses,
            "p50_ms": at(0.50),
            "p99_ms": at(0.99),
            "max_ms": self.latencies_ms.last().copied().unwrap_or(0.0),
        })
    }
}

fn status_of(result: &Result<reqwest::Response, reqwest::Error>) -> String {
    match result {
        Ok(r) => r.status().as_u16().to_string(),
        Err(_) => "transport error".into(),
    }
}

fn api_keys(clients: usize) -> Vec<String> {
    (0..clients).map(|i| format!("load-key-{i:04}-0123456789abcdef")).collect()
}

/// The server under load, in a process of its own so its memory is measured alone: `diem
/// serve`'s server with default limits and the follower, on a store of its own, auditing
/// between syncs (the fake cluster serves no accounts: the audit is the record's own). Prints
/// its address, then serves until killed; a panic is reported on stderr.
async fn serve_child(db: &str, rpc_url: &str, clients: usize) {
    std::panic::set_hook(Box::new(|info| eprintln!("PANIC: {info}")));
    let retry = Retry { first_delay: Duration::from_millis(10), ..Retry::default() };
    let store = Store::open(db).await.expect("store opens");
    let status = Arc::new(diem_indexer::status::FollowerStatus::default());
    let source = RpcSource::new(rpc_url, "finalized", retry.clone());
    let state = Arc::new(ApiState::with(store, Some(source), Some(status.clone()), api_keys(clients), Limits::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    println!("{}", listener.local_addr().expect("bound"));
    let follower_store = Store::open(db).await.expect("store opens");
    let source = RpcSource::new(rpc_url, "finalized", retry);
    let audit = state.audit.clone();
    tokio::spawn(async move {
        let options = diem_indexer::follow::FollowOptions {
            interval: Duration::from_millis(200),
            max_polls: None,
            audit_every: Duration::from_secs(5),
            audit_chain: false,
            websocket: None,
        };
        let sinks = diem_indexer::follow::FollowSinks { status: Some(&status), audit: Some(&audit), ..Default::default() };
        if let Err(e) = diem_indexer::follow::follow(&follower_store, &source, &options, sinks).await {
            eprintln!("PANIC: the follower stopped: {e}");
        }
    });
    diem_indexer::http::serve(listener, state).await.expect("serves");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let db = arg("--db", "sqlite:///tmp/diem-bench-http.sqlite");
    let clients: usize = arg("--clients", "50").parse().expect("--clients N");
    if let Some(url) = std::env::args().skip_while(|a| a != "--serve-child").nth(1) {
        return serve_child(&db, &url, clients).await;
    }
    let secs: u64 = arg("--secs", "30").parse().expect("--secs N");
    let initial: u64 = arg("--events", "20000").parse().expect("--events N");
    let owners: usize = arg("--owners", "2000").parse().expect("--owners N");

    // The cluster: `initial` events now, more every 100 ms while the load runs.
    let mut generator = Generator::new(owners, initial * 2, 4, START, 7);
    let owner_keys: Vec<String> = generator.owners().iter().take(200).map(|k| k.to_string()).collect();
    let mut slot = 100u64;
    let rpc = FakeRpc::start(next_transactions(&mut generator, initial, &mut slot)).await;
    let store = Store::open(&db).await.expect("store opens");
    assert_eq!(store.checkpoint().await.expect("checkpoint").last_seq, 0, "{db} must be empty");
    let source = RpcSource::new(&rpc.url, "finalized", Retry::default());
    diem_indexer::Syncer::new(&store, &source).sync(&mut |_| {}).await.expect("first sync");

    let keys = api_keys(clients);
    let log = std::env::temp_dir().join(format!("bench-http-server-{}.log", std::process::id()));
    let mut server = tokio::process::Command::new(std::env::current_exe().expect("own path"))
        .args(["--db", &db, "--clients", &clients.to_string(), "--serve-child", &rpc.url])
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("a log file"))
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let server_pid = server.id().expect("a pid");
    let mut line = String::new();
    {
        use tokio::io::AsyncBufReadExt;
        let stdout = server.stdout.take().expect("piped");
        tokio::io::BufReader::new(stdout).read_line(&mut line).await.expect("the server's address");
    }
    let address: std::net::SocketAddr = line.trim().parse().expect("an address");
    let base = format!("http://{address}");
    // The load starts once the first audit is served.
    let probe = reqwest::Client::new();
    for _ in 0..600 {
        let served = probe.get(format!("{base}/v1/audit")).bearer_auth(&keys[0]).send().await;
        if served.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let stop = Arc::new(AtomicBool::new(false));
    let feeder = {
        let (rpc, stop) = (rpc.clone(), stop.clone());
        tokio::spawn(async move {
            let mut fed = 0u64;
            while !stop.load(Ordering::SeqCst) {
                for tx in next_transactions(&mut generator, 20, &mut slot) {
                    rpc.push(tx);
                }
                fed += 20;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            fed
        })
    };
    // Peak resident memory in the first and the second half of the run: bounded memory stops
    // growing once the caches are warm.
    let memory = {
        let stop = stop.clone();
        let half = Instant::now() + Duration::from_secs(secs) / 2;
        tokio::spawn(async move {
            let mut peaks: [f64; 2] = [0.0; 2];
            while !stop.load(Ordering::SeqCst) {
                let i = usize::from(Instant::now() >= half);
                peaks[i] = peaks[i].max(memory_mib(&server_pid.to_string(), "VmRSS:"));
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            peaks
        })
    };
    let rss_start = memory_mib(&server_pid.to_string(), "VmRSS:");
    let days: Vec<String> = (0..4).map(|d| diem_client::credit::format_day(START / 86_400 + d)).collect();

    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let class = match i % 10 {
            0..=5 => "valid",
            6 => "malformed",
            7 => "unauthorized",
            8 => "oversized",
            _ => "slow",
        };
        let (base, key, days, owners) = (base.clone(), keys[i].clone(), days.clone(), owner_keys.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
            let mut tally = Tally::default();
            let mut n = 0usize;
            while Instant::now() < deadline {
                n += 1;
                let owner = &owners[(n * 7 + i) % owners.len()];
                let day = &days[n % days.len()];
                let started = Instant::now();
                match class {
                    "valid" => {
                        let path = match n % 6 {
                            0 => format!("/v1/entitlements/{day}"),
                            1 => format!("/v1/entitlements/{day}?format=csv"),
                            2 => format!("/v1/owners/{owner}"),
                            3 => format!("/v1/owners/{owner}/history?limit=100"),
                            4 => "/v1/audit".to_string(),
                            _ => "/health".to_string(),
                        };
                        let result = http.get(format!("{base}{path}")).bearer_auth(&key).send().await;
                        let status = status_of(&result);
                        if let Ok(r) = result {
                            let _ = r.bytes().await;
                        }
                        tally.add(&status, started);
                    }
                    "malformed" => {
                        let path = match n % 8 {
                            0 => "/v1/entitlements/2026-02-31".to_string(),
                            1 => "/v1/owners/not-a-key".to_string(),
                            2 => format!("/v1/owners/{owner}/history?after=x"),
                            3 => format!("/v1/owners/{owner}/history?after=1&after=2"),
                            4 => "/v1/entitlements/%FF%FE".to_string(),
                            5 => format!("/v1/owners/{}", "k".repeat(10_000)),
                            6 => "/v2/anything".to_string(),
                            _ => String::new(),
                        };
                        let result = if path.is_empty() {
                            http.post(format!("{base}/v1/audit")).bearer_auth(&key).send().await
                        } else {
                            http.get(format!("{base}{path}")).bearer_auth(&key).send().await
                        };
                        tally.add(&status_of(&result), started);
                    }
                    "unauthorized" => {
                        let request = http.get(format!("{base}/v1/entitlements/{day}"));
                        let request = if n % 2 == 0 { request } else { request.bearer_auth(format!("guess-{n:024}")) };
                        tally.add(&status_of(&request.send().await), started);
                    }
                    "oversized" => {
                        let request = http.get(format!("{base}/v1/entitlements/{day}")).bearer_auth(&key);
                        let request = if n % 2 == 0 {
                            request.body(vec![b'x'; 1 << 20])
                        } else {
                            request.header("x-padding", "p".repeat(40_000))
                        };
                        tally.add(&status_of(&request.send().await), started);
                    }
                    _ => {
                        // Half a request, then wait: the server must close it by itself.
                        let closed = async {
                            let mut s = tokio::net::TcpStream::connect(address).await.ok()?;
                            s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.ok()?;
                            let mut buffer = [0u8; 64];
                            tokio::time::timeout(Duration::from_secs(20), s.read(&mut buffer)).await.ok()
                        };
                        let outcome = match closed.await {
                            Some(_) => "closed by the server",
                            None => "never closed",
                        };
                        tally.add(outcome, started);
                    }
                }
            }
            (class, tally)
        }));
    }
    let mut by_class: BTreeMap<&str, Tally> = BTreeMap::new();
    for task in tasks {
        let (class, tally) = task.await.expect("a client runs to its end");
        let total = by_class.entry(class).or_default();
        total.latencies_ms.extend(tally.latencies_ms);
        for (status, count) in tally.statuses {
            *total.statuses.entry(status).or_default() += count;
        }
    }
    stop.store(true, Ordering::SeqCst);
    let fed = feeder.await.expect("the feeder ends");
    let [first_half, second_half] = memory.await.expect("memory sampled");
    let rss_end = memory_mib(&server_pid.to_string(), "VmRSS:");
    let last_seq = store.checkpoint().await.expect("checkpoint").last_seq;
    server.kill().await.expect("the server stops");
    let panics = std::fs::read_to_string(&log).unwrap_or_default().lines().filter(|l| l.starts_with("PANIC")).count();
    let _ = std::fs::remove_file(&log);

    let server_errors: u64 = by_class
        .values()
        .flat_map(|t| t.statuses.iter())
        .filter(|(s, _)| s.starts_with('5'))
        .map(|(_, c)| *c)
        .sum();
    let valid_transport = by_class.get("valid").and_then(|t| t.statuses.get("transport error")).copied().unwrap_or(0);
    let never_closed = by_class.get("slow").and_then(|t| t.statuses.get("never closed")).copied().unwrap_or(0);
    let classes: serde_json::Map<String, serde_json::Value> =
        by_class.into_iter().map(|(class, tally)| (class.to_string(), tally.summary())).collect();
    println!(
        "{}",
        json!({
            "clients": clients,
            "secs": secs,
            "initial_events": initial,
            "events_fed": fed,
            "last_seq": last_seq,
            "classes": classes,
            "rss_mib_start": rss_start,
            "rss_mib_peak_first_half": first_half,
            "rss_mib_peak_second_half": second_half.max(rss_end),
            "rss_mib_end": rss_end,
            "server_errors": server_errors,
            "valid_transport_errors": valid_transport,
            "slow_never_closed": never_closed,
            "panics": panics,
        })
    );
    if server_errors > 0 || valid_transport > 0 || never_closed > 0 || panics > 0 {
        eprintln!(
            "FAIL: {server_errors} 5xx answers, {valid_transport} valid requests failed in transport, {never_closed} slow connections never closed, {panics} panics"
        );
        std::process::exit(1);
    }
    if last_seq <= initial {
        eprintln!("FAIL: the follower ingested nothing under load: the record holds {last_seq} of {} events", initial + fed);
        std::process::exit(1);
    }
}
