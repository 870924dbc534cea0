//! The entitlement record (SPEC §12) against a loopback JSON-RPC endpoint serving the bank's
//! real events as cluster transactions (same-slot transactions listed out of order, half of them
//! calling diem by CPI with its id in a lookup table): complete and exactly-once ingestion,
//! idempotence, a gap, a faulty endpoint, SIGKILLs mid-sync, day boundaries and the HTTP API.
//! Every store test runs on SQLite and, where `DIEM_TEST_POSTGRES_URL` names a server (as
//! `scripts/test.sh` arranges), on PostgreSQL too.
use std::process::Command;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use diem::constants::*;
use diem_client::credit::{entitlements, format_day};
use diem_client::events::DiemEvent;
use diem_indexer::store::Store;
use diem_indexer::{Retry, RpcSource, SyncError, Syncer};
use diem_tests::fake_rpc::{FakeRpc, Faults, transactions_of};
use diem_tests::stores::{diem_binary, store_urls};
use diem_tests::*;

/// The store lists owners in the byte order of their base58 text.
fn by_owner_text(mut list: Vec<diem_client::credit::Entitlement>) -> Vec<diem_client::credit::Entitlement> {
    list.sort_by(|a, b| a.owner.as_bytes().cmp(b.owner.as_bytes()));
    list
}

fn quick_retry() -> Retry {
    Retry {
        attempts: 30,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        timeout: Duration::from_millis(400),
    }
}

async fn sync(store: &Store, url: &str) -> Result<diem_indexer::SyncReport, SyncError> {
    let source = RpcSource::new(url, "finalized", quick_retry());
    let mut syncer = Syncer::new(store, &source);
    syncer.page = 7; // many pages, so page boundaries split slots
    syncer.sync(&mut |_| {}).await
}

/// A day of activity by three owners: stakes, mints, DIEM staked and unstaked, a transfer, burns
/// (one through Token-2022 directly, which the program never sees).
async fn activity(env: &mut Env, rounds: usize) -> Vec<User> {
    let users =
        vec![env.user(100_000 * ONE_VVV).await, env.user(100_000 * ONE_VVV).await, env.user(100_000 * ONE_VVV).await];
    for round in 0..rounds {
        for (i, u) in users.iter().enumerate() {
            env.by(u).stake((10 + i as u64) * ONE_VVV, None).await.unwrap();
            let minted = env.by(u).mint(ONE_VVV, 0).await.unwrap().return_u64();
            env.by(u).stake_diem(minted / 2, None).await.unwrap();
            if round % 3 == 2 {
                env.by(u).unstake_diem(minted / 4, None).await.unwrap();
                env.by(u).burn(minted / 4).await.unwrap();
            }
        }
        env.advance(3_600).await;
    }
    users
}

/// Every event recorded exactly once, in sequence order, whatever the listing order; a second
/// sync changes nothing; the store's audit replays clean; the credit equals the one computed
/// from the bank's own event log.
#[tokio::test]
async fn a_sync_records_every_event_exactly_once() {
    let mut env = Env::launched().await;
    let users = activity(&mut env, 6).await;
    // A raw Token-2022 burn: no event; the audit reports it on chain, not here.
    env.transfer_diem(&users[0], &users[1], 10).await;
    let events = env.bank.event_log.clone();
    let rpc = FakeRpc::start(transactions_of(&events)).await;
    for url in store_urls("exactly_once") {
        let store = Store::open(&url).await.unwrap();
        let report = sync(&store, &rpc.url).await.unwrap();
        assert_eq!(report.events as usize, events.len(), "{url}");
        assert_eq!(report.last_seq as usize, events.len());
        let recorded = store.events_after(0, u32::MAX >> 1).await.unwrap();
        assert_eq!(recorded, events, "{url}: the record is the bank's event log");
        let digest = store.digest().await.unwrap();
        let again = sync(&store, &rpc.url).await.unwrap();
        assert_eq!((again.events, again.last_seq), (0, events.len() as u64));
        assert_eq!(store.digest().await.unwrap(), digest, "a second sync changed the record");
        let audit = diem_indexer::audit::audit_store(&store).await.unwrap();
        assert!(audit.ok(), "{url}: {:?}", audit.checks);
        // The credit from the store equals the client's computation over the same events.
        let now = env.now().await;
        for day in [now / SECONDS_PER_DAY, now / SECONDS_PER_DAY + 1] {
            let credit = diem_indexer::credit::day_credit(&store, day).await.unwrap();
            assert_eq!(
                credit.entitlements,
                by_owner_text(entitlements(&events, day).unwrap()),
                "{url} {}",
                format_day(day)
            );
        }
        let owner = users[2].pubkey().to_string();
        let history = store.history(&owner, 0, 1_000).await.unwrap();
        assert!(history.windows(2).all(|w| w[0].seq < w[1].seq));
        let last_stake = env.diem_stake(&users[2].pubkey()).await.unwrap().staked;
        let last_stake_row = history.iter().rev().find_map(|h| h.diem_staked);
        assert_eq!(last_stake_row, Some(last_stake), "the last stake change shows the chain's balance");
    }
}

/// A transaction withheld by the endpoint is a gap: the sync stops with a named error, the
/// store keeps everything before it (and audits clean), and a later sync completes.
#[tokio::test]
async fn a_missing_event_stops_the_sync_by_name() {
    let mut env = Env::launched().await;
    activity(&mut env, 3).await;
    let events = env.bank.event_log.clone();
    let txs = transactions_of(&events);
    let missing = events.len() / 2;
    let rpc = FakeRpc::start(txs.clone()).await;
    for url in store_urls("gap") {
        // A listed transaction that is never served exhausts the retries; one that is not even
        // listed is a plain gap.
        let mut without = txs.clone();
        without.remove(missing);
        let holey = FakeRpc::start(without).await;
        let store = Store::open(&url).await.unwrap();
        let err = sync(&store, &holey.url).await.unwrap_err();
        let expected = events[missing].seq();
        assert!(
            matches!(err, SyncError::SequenceGap { last_seq, next_found } if last_seq == expected - 1 && next_found == expected + 1),
            "{url}: {err}"
        );
        assert!(err.to_string().contains(&format!("event {expected} is missing")), "{err}");
        let checkpoint = store.checkpoint().await.unwrap();
        assert_eq!(checkpoint.last_seq, expected - 1);
        assert!(diem_indexer::audit::audit_store(&store).await.unwrap().ok());
        // The full history arrives: the record completes, nothing twice.
        let report = sync(&store, &rpc.url).await.unwrap();
        assert_eq!(report.last_seq as usize, events.len());
        assert_eq!(store.events_after(0, u32::MAX >> 1).await.unwrap(), events);
    }
}

/// An endpoint that fails a third of its requests (500s, JSON-RPC errors, stalls past the
/// timeout, truncated bodies): retries with backoff, and the record equals a clean sync's.
#[tokio::test]
async fn a_faulty_endpoint_is_retried_and_the_store_stays_consistent() {
    let mut env = Env::launched().await;
    activity(&mut env, 4).await;
    let events = env.bank.event_log.clone();
    let clean_rpc = FakeRpc::start(transactions_of(&events)).await;
    let faulty = FakeRpc::start(transactions_of(&events)).await;
    faulty.set_faults(Faults {
        http_500: 0.1,
        rpc_error: 0.1,
        stall: 0.05,
        garbage: 0.08,
        stall_for: Duration::from_millis(700),
    });
    for (clean_url, faulty_url) in store_urls("clean").into_iter().zip(store_urls("faulty")) {
        let clean = Store::open(&clean_url).await.unwrap();
        sync(&clean, &clean_rpc.url).await.unwrap();
        let expected = clean.digest().await.unwrap();
        let store = Store::open(&faulty_url).await.unwrap();
        sync(&store, &faulty.url).await.unwrap();
        assert_eq!(store.digest().await.unwrap(), expected, "{faulty_url}");
    }
    let (requests, injected) = faulty.counts();
    assert!(injected * 10 > requests, "too few faults injected: {injected} of {requests}");
}

/// `diem index sync` killed with SIGKILL at random points, restarted, several times: the final
/// record equals one clean sync (nothing lost, nothing twice).
#[test]
fn sigkill_at_random_points_loses_and_duplicates_nothing() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let events: Vec<DiemEvent> = rt.block_on(async {
        let mut env = Env::launched().await;
        activity(&mut env, 250).await;
        env.bank.event_log.clone()
    });
    assert!(events.len() > 2_000, "{} events", events.len());
    let rpc = FakeRpc::start_on_thread(transactions_of(&events));
    rpc.set_faults(Faults { stall: 0.02, stall_for: Duration::from_millis(30), ..Faults::default() });
    let diem = diem_binary();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    for (clean_url, url) in store_urls("sigkill_clean").into_iter().zip(store_urls("sigkill")) {
        let expected = rt.block_on(async {
            let store = Store::open(&clean_url).await.unwrap();
            sync(&store, &rpc.url).await.unwrap();
            store.digest().await.unwrap()
        });
        // How long one uninterrupted run takes, so the kills can land anywhere inside one.
        let scratch = if url.starts_with("sqlite") {
            format!("{url}.timing")
        } else {
            store_urls("sigkill_timing").pop().unwrap()
        };
        let t = std::time::Instant::now();
        let status = Command::new(&diem)
            .args(["--url", &rpc.url, "index", "sync", "--db", &scratch, "--batch-events", "150", "--page", "100"])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let full_run_ms = t.elapsed().as_millis() as u64;
        let mut kills = 0;
        let mut partial = std::collections::BTreeSet::new();
        for attempt in 0..12 {
            let mut child = Command::new(&diem)
                .args(["--url", &rpc.url, "index", "sync", "--db", &url, "--batch-events", "150", "--page", "100"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap();
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            // Between 5 % and 40 % of what is left of a full run: each restart resumes and is
            // killed again (a wait scaled to the whole run let a late restart finish first).
            let done = partial.last().copied().unwrap_or(0) as u64;
            let left_ms = full_run_ms * (events.len() as u64).saturating_sub(done).max(1) / (events.len() as u64).max(1);
            let wait = Duration::from_millis(left_ms / 20 + rng % (left_ms * 35 / 100).max(1));
            std::thread::sleep(wait);
            match child.try_wait().unwrap() {
                Some(status) => {
                    assert!(status.success(), "attempt {attempt}: the sync failed");
                    break;
                }
                None => {
                    child.kill().unwrap(); // SIGKILL
                    child.wait().unwrap();
                    kills += 1;
                    let seq =
                        rt.block_on(async { Store::open(&url).await.unwrap().checkpoint().await.unwrap().last_seq });
                    partial.insert(seq);
                    eprintln!("kill {kills} after {wait:?} of {full_run_ms} ms: record at {seq}");
                }
            }
        }
        let status = Command::new(&diem).args(["--url", &rpc.url, "index", "sync", "--db", &url]).status().unwrap();
        assert!(status.success());
        let (digest, seq) = rt.block_on(async {
            let store = Store::open(&url).await.unwrap();
            (store.digest().await.unwrap(), store.checkpoint().await.unwrap().last_seq)
        });
        // The kills landed mid-sync, with part of the record committed, at several points.
        let mid: Vec<_> = partial.iter().filter(|&&s| s > 0 && (s as usize) < events.len()).collect();
        assert!(kills >= 3 && mid.len() >= 2, "{url}: {kills} kills, record at {partial:?} after them");
        assert_eq!(seq as usize, events.len());
        assert_eq!(digest, expected, "{url}: after {kills} kills the record differs from a clean sync");
        println!(
            "{url}: {kills} SIGKILLs (record after each: {partial:?}), {} events, record equal to a clean sync",
            events.len()
        );
    }
}

/// Day boundaries (SPEC §7): a stake at 23:59:59 counts for the next day, one at 00:00:00 does
/// not; below 0.1 DIEM is no credit; a DIEM unstake started before midnight removes the credit;
/// a past day uses the stake as it was at its 00:00 UTC, frozen once the record passes it.
#[tokio::test]
async fn day_boundaries_are_exact() {
    let mut env = Env::launched().await;
    let early = env.user(100_000 * ONE_VVV).await;
    let late = env.user(100_000 * ONE_VVV).await;
    let small = env.user(100_000 * ONE_VVV).await;
    let leaver = env.user(100_000 * ONE_VVV).await;
    let mut minted = Vec::new();
    for u in [&early, &late, &small, &leaver] {
        env.by(u).stake(1_000 * ONE_VVV, None).await.unwrap();
        minted.push(env.by(u).mint(100 * ONE_VVV, 0).await.unwrap().return_u64());
    }
    env.by(&leaver).stake_diem(minted[3], None).await.unwrap();
    let now = env.now().await;
    let midnight = (now / SECONDS_PER_DAY + 1) * SECONDS_PER_DAY;
    env.advance(midnight - 1 - now).await;
    assert_eq!(env.now().await, midnight - 1);
    env.by(&early).stake_diem(minted[0], None).await.unwrap(); // 23:59:59
    env.by(&small).stake_diem(MIN_CREDIT_DIEM - 1, None).await.unwrap();
    env.by(&leaver).unstake_diem(minted[3], None).await.unwrap(); // started before midnight
    env.advance(1).await;
    assert_eq!(env.now().await, midnight);
    env.by(&late).stake_diem(minted[1] - 1, None).await.unwrap(); // 00:00:00
    env.advance(SECONDS_PER_DAY).await;
    env.by(&late).stake_diem(1, None).await.unwrap(); // moves the record past the next midnight
    let events = env.bank.event_log.clone();
    let rpc = FakeRpc::start(transactions_of(&events)).await;
    let day = midnight / SECONDS_PER_DAY;
    for url in store_urls("days") {
        let store = Store::open(&url).await.unwrap();
        sync(&store, &rpc.url).await.unwrap();
        let credit = diem_indexer::credit::day_credit(&store, day).await.unwrap();
        assert!(credit.is_final);
        let rows: Vec<(String, u64, String)> =
            credit.entitlements.iter().map(|e| (e.owner.clone(), e.staked_diem, e.credit_usd.clone())).collect();
        let mut expected = vec![
            (early.pubkey().to_string(), minted[0], diem_client::credit::credit_usd(minted[0])),
            (small.pubkey().to_string(), MIN_CREDIT_DIEM - 1, "0".to_string()),
        ];
        expected.sort();
        assert_eq!(rows, expected, "{url}");
        // The next day: the 00:00:00 stake now counts.
        let next = diem_indexer::credit::day_credit(&store, day + 1).await.unwrap();
        assert!(
            next.entitlements.iter().any(|e| e.owner == late.pubkey().to_string() && e.staked_diem == minted[1] - 1)
        );
        // Frozen: asked again, the same answer from the snapshot.
        assert_eq!(diem_indexer::credit::day_credit(&store, day).await.unwrap(), credit);
        assert_eq!(credit.entitlements, by_owner_text(entitlements(&events, day).unwrap()));
    }
}

/// `diem serve`'s API with a real HTTP client: every endpoint, CSV, and 400/404 JSON errors.
#[tokio::test]
async fn the_http_api_answers_billing_and_refuses_bad_input() {
    let mut env = Env::launched().await;
    let users = activity(&mut env, 3).await;
    let events = env.bank.event_log.clone();
    let rpc = FakeRpc::start(transactions_of(&events)).await;
    for url in store_urls("http") {
        let store = Store::open(&url).await.unwrap();
        sync(&store, &rpc.url).await.unwrap();
        let follower = std::sync::Arc::new(diem_indexer::status::FollowerStatus::default());
        follower.succeeded();
        let state = std::sync::Arc::new(diem_indexer::http::ApiState::new(
            store,
            Some(RpcSource::new(&rpc.url, "finalized", quick_retry())),
            Some(follower.clone()),
        ));
        let audit = state.audit.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(diem_indexer::http::serve(listener, state.clone()));
        let http = reqwest::Client::new();
        let get = |path: String| {
            let http = http.clone();
            let base = base.clone();
            async move {
                let r = http.get(format!("{base}{path}")).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let day = format_day(env.now().await / SECONDS_PER_DAY + 1);
        let (status, body) = get(format!("/v1/entitlements/{day}")).await;
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["entitlements"].as_array().unwrap().len(), 3);
        let (status, csv) = get(format!("/v1/entitlements/{day}?format=csv")).await;
        assert_eq!(status, 200);
        assert!(csv.starts_with("day,owner,staked_diem_base_units,credit_usd,final\n") && csv.lines().count() == 4, "{csv}");
        let owner = users[0].pubkey().to_string();
        let (status, body) = get(format!("/v1/owners/{owner}")).await;
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        let own = &json["diem_stakes"].as_array().unwrap().iter().find(|s| s["beneficiary"] == owner.as_str()).unwrap()["staked"];
        assert_eq!(*own, env.diem_stake(&users[0].pubkey()).await.unwrap().staked);
        // Today's credit is final only once the record has passed today's 00:00 UTC (the bank's
        // clock runs ahead of the wall clock here, so it has).
        let checkpoint = state.store.checkpoint().await.unwrap();
        let today = diem_client::credit::day_of(diem_indexer::status::unix_now());
        let covered = checkpoint.synced_time.max(checkpoint.last_event_time).unwrap();
        assert_eq!(json["today"]["final"], covered >= today * SECONDS_PER_DAY, "{json}");
        let (status, body) = get(format!("/v1/owners/{owner}/history")).await;
        assert_eq!(status, 200);
        let whole: serde_json::Value = serde_json::from_str(&body).unwrap();
        let whole = whole["entries"].as_array().unwrap().clone();
        assert!(whole.len() > 5);
        // Pages of 2, each after the last one's `next_after`: the same entries, balances and all.
        let (mut paged, mut after) = (Vec::new(), 0u64);
        loop {
            let (status, body) = get(format!("/v1/owners/{owner}/history?after={after}&limit=2")).await;
            assert_eq!(status, 200, "{body}");
            let page: serde_json::Value = serde_json::from_str(&body).unwrap();
            paged.extend(page["entries"].as_array().unwrap().iter().cloned());
            match page["next_after"].as_u64() {
                Some(next) => after = next,
                None => break,
            }
        }
        assert_eq!(paged, whole, "{url}: paging changes nothing");
        let (status, body) = get("/health".into()).await;
        assert_eq!(status, 200, "{body}");
        let health: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(health["last_seq"], events.len());
        assert!(health["lag_slots"].as_u64().is_some(), "{health}");
        // A follower that is failing makes the service unhealthy, with its error.
        follower.failed("RPC endpoint kept failing", false);
        let (status, body) = get("/health".into()).await;
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("RPC endpoint kept failing"), "{body}");
        follower.succeeded();
        // The audit is the follower's last result, never computed by a request: none yet, 503.
        let (status, body) = get("/v1/audit".into()).await;
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("no audit has completed yet"), "{body}");
        // Published: the record replays clean; this endpoint serves no accounts, so the chain
        // side cannot be read: the audit is incomplete (503), neither a pass nor a break.
        let before = diem_indexer::status::unix_now();
        audit.publish(diem_indexer::audit::full_audit(&Store::open(&url).await.unwrap(), Some(&rpc.url)).await.unwrap());
        let (status, body) = get("/v1/audit".into()).await;
        let audit: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(status, 503, "{body}");
        assert!(audit["store"]["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true), "{body}");
        assert!(audit["chain_error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
        assert!(audit["audited_at"].as_i64().is_some_and(|t| t >= before), "{body}");
        for (path, expected) in [
            ("/v1/entitlements/2026-02-31".to_string(), 400),
            ("/v1/entitlements/yesterday".into(), 400),
            (format!("/v1/entitlements/{day}?format=xml"), 400),
            ("/v1/owners/not-a-key".into(), 400),
            ("/v1/owners/not-a-key/history".into(), 400),
            (format!("/v1/owners/{owner}/history?limit=1001"), 400),
            (format!("/v1/owners/{owner}/history?after=x"), 400),
            (format!("/v1/owners/{owner}/history?after=1&after=2"), 400),
            (format!("/v1/owners/{}", "k".repeat(10_000)), 400),
            ("/v1/entitlements/%FF%FE".into(), 400),
            ("/v2/anything".into(), 404),
        ] {
            let (status, body) = get(path.clone()).await;
            assert_eq!(status, expected, "{path}: {body}");
            let json: serde_json::Value =
                serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: not JSON: {body}"));
            assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}: {body}");
            assert!(body.len() < 400, "{path}: the error echoes at most a short prefix: {} bytes", body.len());
        }
        // Another method: 405, as JSON.
        let response = http.post(format!("{base}/v1/audit")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 405);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["error"].as_str().is_some_and(|e| e.contains("read-only")), "{body}");
    }
}

/// A bank whose last DIEM unstake happens at 23:59:50 and whose next transaction is 30 s past
/// midnight: the day's credit hangs on the last slots. Returns the events and the day.
async fn unstake_just_before_midnight() -> (Vec<DiemEvent>, i64, Pubkey) {
    let mut env = Env::launched().await;
    let users = activity(&mut env, 2).await;
    let leaver = &users[0];
    let staked = env.diem_stake(&leaver.pubkey()).await.unwrap().staked;
    let now = env.now().await;
    let midnight = (now / SECONDS_PER_DAY + 1) * SECONDS_PER_DAY;
    env.advance(midnight - 10 - now).await;
    env.by(leaver).unstake_diem(staked, None).await.unwrap(); // 23:59:50
    env.advance(40).await;
    env.by(&users[1]).stake(ONE_VVV, None).await.unwrap(); // 00:00:30
    (env.bank.event_log.clone(), midnight / SECONDS_PER_DAY, leaver.pubkey())
}

/// SPEC §12: a listing node that lags the slot node (another node behind a load balancer)
/// cannot make the record freeze a day without its last transactions: every listing is bound to
/// the slot the sync targets (`minContextSlot`), the lagging node's "not yet" (-32016) is
/// retried, and the day frozen has the 23:59:50 unstake. (Before, the listing came back short,
/// the day froze at the slot node's time without it, and frozen days are never re-checked.)
#[tokio::test]
async fn a_listing_node_behind_the_slot_node_cannot_freeze_a_day_early() {
    let (events, day, leaver) = unstake_just_before_midnight().await;
    let rpc = FakeRpc::start(transactions_of(&events)).await;
    for url in store_urls("lagging") {
        rpc.lag_listings(2, 4);
        let store = Store::open(&url).await.unwrap();
        let report = sync(&store, &rpc.url).await.unwrap();
        assert_eq!(report.last_seq as usize, events.len(), "{url}: the lagging node hid nothing");
        assert_eq!(store.last_frozen_day().await.unwrap(), Some(day), "{url}: the day froze once complete");
        let frozen = store.day_snapshot(day).await.unwrap().unwrap();
        assert!(frozen.iter().all(|(owner, _)| *owner != leaver.to_string()), "{url}: {frozen:?}");
        let expected: Vec<(String, u64)> =
            by_owner_text(entitlements(&events, day).unwrap()).into_iter().map(|e| (e.owner, e.staked_diem)).collect();
        assert_eq!(frozen, expected, "{url}");
    }
}

/// The walk and the replay of the listing must agree: a node whose listing changes between the
/// two passes stops the sync by name, with nothing recorded past what was proven; once the
/// listing is whole again the record completes, every event once.
#[tokio::test]
async fn two_listing_passes_that_disagree_stop_by_name() {
    let mut env = Env::launched().await;
    activity(&mut env, 2).await;
    let events = env.bank.event_log.clone();
    let txs = transactions_of(&events);
    let rpc = FakeRpc::start(txs.clone()).await;
    // The walk lists the head, then pages of 7 down to an empty page; the replay starts with
    // the oldest page, from which the oldest transaction then drops out.
    let walk = 1 + (txs.len() - 1).div_ceil(7) + 1;
    for url in store_urls("disagree") {
        rpc.hide_after(walk as u32, &txs[0].signature);
        let store = Store::open(&url).await.unwrap();
        let err = sync(&store, &rpc.url).await.unwrap_err();
        assert!(matches!(err, SyncError::ListingChanged { .. }), "{url}: {err}");
        assert!(err.to_string().contains("changed between the sync's two passes"), "{err}");
        assert_eq!(store.checkpoint().await.unwrap().last_seq, 0, "{url}: nothing unproven recorded");
        rpc.clear_listing_faults();
        let report = sync(&store, &rpc.url).await.unwrap();
        assert_eq!(report.last_seq as usize, events.len());
        assert_eq!(store.events_after(0, u32::MAX >> 1).await.unwrap(), events, "{url}");
    }
}

/// A pruning node never stalls the record: the sync resumes from what the record holds (its
/// last event's slot), not from a signature the node has dropped, so a node that has pruned
/// every block the record already holds (and, like a real node, lists on past an `until` it
/// cannot find) still serves the new events. (Before, every sync failed on "Transaction … not
/// found" forever.)
#[tokio::test]
async fn a_pruning_node_never_stalls_the_record() {
    let mut env = Env::launched().await;
    activity(&mut env, 2).await;
    let first = env.bank.event_log.clone();
    activity(&mut env, 1).await;
    let all = env.bank.event_log.clone();
    let txs = transactions_of(&all);
    for url in store_urls("pruning") {
        let rpc = FakeRpc::start(txs[..first.len()].to_vec()).await;
        let store = Store::open(&url).await.unwrap();
        sync(&store, &rpc.url).await.unwrap();
        for tx in &txs[first.len()..] {
            rpc.push(tx.clone());
        }
        // Every block up to and including the last recorded one is gone.
        rpc.prune_below(txs[first.len() - 1].slot + 1);
        let report = sync(&store, &rpc.url).await.unwrap();
        assert_eq!(report.last_seq as usize, all.len(), "{url}");
        assert_eq!(store.events_after(0, u32::MAX >> 1).await.unwrap(), all, "{url}");
    }
}

/// History the node no longer holds is named: what the record holds, from which slot the node
/// keeps blocks, and how to backfill. Backfilled from a node that has it, the record then
/// follows the pruned node again.
#[tokio::test]
async fn history_the_node_has_pruned_is_named_and_can_be_backfilled() {
    let mut env = Env::launched().await;
    activity(&mut env, 2).await;
    let events = env.bank.event_log.clone();
    let txs = transactions_of(&events);
    let archive = FakeRpc::start(txs.clone()).await;
    let pruned = FakeRpc::start(txs.clone()).await;
    let keeps_from = txs[txs.len() / 2].slot;
    pruned.prune_below(keeps_from);
    for url in store_urls("pruned") {
        let store = Store::open(&url).await.unwrap();
        let err = sync(&store, &pruned.url).await.unwrap_err();
        assert!(
            matches!(err, SyncError::PrunedHistory { last_seq: 0, first_available, .. } if first_available == keeps_from),
            "{url}: {err}"
        );
        assert!(err.to_string().contains("Backfill with `diem index sync --url"), "{err}");
        sync(&store, &archive.url).await.unwrap();
        let report = sync(&store, &pruned.url).await.unwrap();
        assert_eq!(report.last_seq as usize, events.len(), "{url}");
    }
}

/// A store belongs to one cluster, one program and one commitment: a sync against a reset or
/// other cluster, or at another commitment, is refused by name and writes nothing.
#[tokio::test]
async fn a_store_never_mixes_two_clusters_or_commitments() {
    let mut env = Env::launched().await;
    activity(&mut env, 1).await;
    let events = env.bank.event_log.clone();
    let rpc = FakeRpc::start(transactions_of(&events)).await;
    let other = FakeRpc::start(transactions_of(&events)).await;
    other.set_genesis("OtherGenesis111111111111111111111111111111");
    for url in store_urls("identity") {
        let store = Store::open(&url).await.unwrap();
        sync(&store, &rpc.url).await.unwrap();
        let digest = store.digest().await.unwrap();
        let err = sync(&store, &other.url).await.unwrap_err();
        assert!(err.to_string().contains("this store was built from cluster"), "{url}: {err}");
        let confirmed = RpcSource::new(&rpc.url, "confirmed", quick_retry());
        let err = Syncer::new(&store, &confirmed).sync(&mut |_| {}).await.unwrap_err();
        assert!(err.to_string().contains("built from commitment finalized, not confirmed"), "{url}: {err}");
        assert_eq!(store.digest().await.unwrap(), digest, "{url}: nothing written");
    }
}

/// Only the indexer freezes days: reading a day (final or not) writes nothing; the sync froze
/// every final day since the first DIEM stake, and a day not yet final is answered unfrozen.
#[tokio::test]
async fn a_read_never_freezes_a_day() {
    let (events, day, _) = unstake_just_before_midnight().await;
    let rpc = FakeRpc::start(transactions_of(&events)).await;
    for url in store_urls("reads") {
        let store = Store::open(&url).await.unwrap();
        sync(&store, &rpc.url).await.unwrap();
        assert_eq!(store.last_frozen_day().await.unwrap(), Some(day));
        let digest = store.digest().await.unwrap();
        let tomorrow = diem_indexer::credit::day_credit(&store, day + 1).await.unwrap();
        assert!(!tomorrow.is_final);
        let today = diem_indexer::credit::day_credit(&store, day).await.unwrap();
        assert!(today.is_final);
        assert_eq!(store.last_frozen_day().await.unwrap(), Some(day), "{url}: a read froze a day");
        assert_eq!(store.digest().await.unwrap(), digest, "{url}: a read wrote");
    }
}

/// `/health` answers within a bounded time, and not 200, when the cluster cannot be reached (it
/// took 22 s and answered 200 with the validator stopped).
#[tokio::test]
async fn health_is_prompt_and_unhealthy_when_the_cluster_is_down() {
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for url in store_urls("health") {
        let store = Store::open(&url).await.unwrap();
        let state = std::sync::Arc::new(diem_indexer::http::ApiState::new(
            store,
            Some(RpcSource::new(&dead, "finalized", Retry::default())),
            None,
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(diem_indexer::http::serve(listener, state));
        let started = std::time::Instant::now();
        let response = reqwest::get(format!("{base}/health")).await.unwrap();
        let elapsed = started.elapsed();
        assert_eq!(response.status().as_u16(), 503);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["healthy"], false);
        assert!(body["cluster_error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
        assert!(elapsed < diem_indexer::http::HEALTH_CLUSTER_TIMEOUT * 2, "{elapsed:?}");
    }
}

/// Every u64 amount is stored losslessly on both backends, up to u64::MAX (an amount past
/// i64::MAX used to stop ingestion), and read back the same through every path: the events,
/// the current position and DIEM stake, the history, the day's credit.
#[tokio::test]
async fn amounts_up_to_u64_max_are_stored_losslessly() {
    use diem::events::{DiemStaked, Staked};
    use diem::state::{Pool, PositionBalances};
    let owner = Pubkey::new_unique();
    let max = u64::MAX;
    let position = PositionBalances {
        active: max,
        locked: max - 1,
        outstanding_diem: max - 2,
        pending_rewards: max - 4,
        acc_unlocked_snapshot: u128::MAX,
        acc_locked_snapshot: u128::MAX,
    };
    let pool = Pool { last_accrual_ts: 86_400, ..Pool::default() };
    let staked_event =
        DiemEvent::Staked(Staked { seq: 1, payer: owner, owner, amount: max, position_opened: true, position, pool });
    let diem_event = DiemEvent::DiemStaked(DiemStaked {
        seq: 2,
        owner,
        beneficiary: owner,
        amount: max,
        timestamp: 86_400,
        staked: max,
        pool,
    });
    let rows: Vec<diem_indexer::row::EventRow> = [staked_event, diem_event]
        .into_iter()
        .map(|event| diem_indexer::row::EventRow {
            seq: event.seq(),
            signature: format!("sig-{}", event.seq()),
            slot: 10,
            block_time: Some(86_400),
            event,
        })
        .collect();
    for url in store_urls("u64max") {
        let store = Store::open(&url).await.unwrap();
        let checkpoint = diem_indexer::store::Checkpoint {
            last_seq: 2,
            last_slot: 10,
            last_block_time: Some(86_400),
            last_event_time: Some(86_400),
            synced_slot: 10,
            synced_time: Some(3 * 86_400),
        };
        store.commit(&rows, &checkpoint, 0).await.unwrap();
        let events = store.events_after(0, 10).await.unwrap();
        assert_eq!(events, rows.iter().map(|r| r.event.clone()).collect::<Vec<_>>(), "{url}");
        let p = store.position(&owner.to_string()).await.unwrap().unwrap();
        assert_eq!(
            (p.active, p.locked, p.outstanding_diem, p.pending_rewards),
            (max, max - 1, max - 2, max - 4)
        );
        let stakes = store.diem_stakes_of(&owner.to_string()).await.unwrap();
        assert_eq!(stakes.iter().map(|s| s.staked).collect::<Vec<_>>(), vec![max], "{url}");
        let history = store.history(&owner.to_string(), 0, 10).await.unwrap();
        assert_eq!(history.iter().map(|h| h.amount).collect::<Vec<_>>(), vec![Some(max), Some(max)]);
        assert_eq!((history[1].svvv_active, history[1].diem_staked), (max, Some(max)));
        let credit = diem_indexer::credit::day_credit(&store, 2).await.unwrap();
        assert_eq!(credit.entitlements.iter().map(|e| e.staked_diem).collect::<Vec<_>>(), vec![max], "{url}");
        assert_eq!(store.staked_at(2 * 86_400).await.unwrap(), vec![(owner.to_string(), max)]);
    }
}

/// With API keys, every endpoint but `/health` needs one (Bearer or X-Api-Key): a missing or
/// wrong key is a 401 JSON body; a key file with a short key, or none, is refused.
#[tokio::test]
async fn api_keys_guard_everything_but_health() {
    let keys = diem_indexer::http::load_api_keys("# billing\nkey-of-billing-0123456789\n\nkey-of-finance-0123456789\n")
        .unwrap();
    assert_eq!(keys.len(), 2);
    assert!(diem_indexer::http::load_api_keys("# nothing\n").is_err());
    assert!(diem_indexer::http::load_api_keys("short\n").unwrap_err().contains("shorter than 16"));
    let url = store_urls("keys").remove(0);
    let state = std::sync::Arc::new(diem_indexer::http::ApiState::with(
        Store::open(&url).await.unwrap(),
        None,
        None,
        keys,
        diem_indexer::http::Limits::default(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(diem_indexer::http::serve(listener, state));
    let http = reqwest::Client::new();
    let day = format!("{base}/v1/entitlements/2026-12-02");
    assert_eq!(http.get(format!("{base}/health")).send().await.unwrap().status().as_u16(), 200);
    for request in [
        http.get(&day),
        http.get(&day).bearer_auth("key-of-billing-012345678"),
        http.get(&day).bearer_auth("key-of-billing-0123456789x"),
        http.get(&day).header("x-api-key", "wrong-key-wrong-key-wrong"),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["error"].as_str().is_some_and(|e| e.contains("API key")), "{body}");
    }
    assert_eq!(http.get(&day).bearer_auth("key-of-billing-0123456789").send().await.unwrap().status().as_u16(), 200);
    // An empty record covers no instant: today's credit is not final.
    let owner = format!("{base}/v1/owners/{}", Pubkey::new_unique());
    let body: serde_json::Value =
        http.get(&owner).bearer_auth("key-of-billing-0123456789").send().await.unwrap().json().await.unwrap();
    assert_eq!(body["today"]["final"], false, "{body}");
    let response = http.get(&day).header("x-api-key", "key-of-finance-0123456789").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

/// A frozen day is billed: the audit recomputes every frozen day from the events and names any
/// drift by day and owner (a store edited behind the indexer's back, here).
#[tokio::test]
async fn the_audit_names_a_frozen_day_that_drifted() {
    let mut env = Env::launched().await;
    let users = activity(&mut env, 3).await;
    env.advance(2 * SECONDS_PER_DAY).await;
    env.by(&users[0]).stake(ONE_VVV, None).await.unwrap();
    let rpc = FakeRpc::start(transactions_of(&env.bank.event_log)).await;
    for url in store_urls("drift") {
        let store = Store::open(&url).await.unwrap();
        sync(&store, &rpc.url).await.unwrap();
        let days = store.frozen_days().await.unwrap();
        assert!(!days.is_empty(), "{url}: the sync froze the days it passed");
        let audit = diem_indexer::audit::audit_store(&store).await.unwrap();
        assert!(audit.ok(), "{url}: {:?}", audit.checks);
        let owner = users[1].pubkey().to_string();
        sqlx::any::install_default_drivers();
        let raw = sqlx::AnyPool::connect(&url).await.unwrap();
        let changed = sqlx::query("UPDATE entitlements SET staked = staked + 1 WHERE day = $1 AND owner = $2")
            .bind(days[0])
            .bind(&owner)
            .execute(&raw)
            .await
            .unwrap();
        assert_eq!(changed.rows_affected(), 1, "{url}");
        let audit = diem_indexer::audit::audit_store(&store).await.unwrap();
        assert!(!audit.ok(), "{url}");
        let drift = audit.checks.iter().find(|c| c.name == "every frozen day matches its events").unwrap();
        assert!(!drift.ok, "{url}");
        assert!(drift.detail.contains(&format_day(days[0])) && drift.detail.contains(&owner), "{url}: {}", drift.detail);
    }
}

/// The follower keeps the served audit fresh: after a sync it audits the state that sync left
/// (here the fake cluster serves no accounts, so the chain side is missing: incomplete, not broken).
#[tokio::test]
async fn the_follower_publishes_the_audit_it_serves() {
    let mut env = Env::launched().await;
    activity(&mut env, 1).await;
    let rpc = FakeRpc::start(transactions_of(&env.bank.event_log)).await;
    let url = store_urls("served").remove(0);
    let store = Store::open(&url).await.unwrap();
    let source = RpcSource::new(&rpc.url, "finalized", quick_retry());
    let audit = diem_indexer::audit::ServedAudit::default();
    let status = diem_indexer::status::FollowerStatus::default();
    assert!(audit.latest().is_none());
    let options = diem_indexer::follow::FollowOptions {
        interval: Duration::from_millis(50),
        max_polls: Some(2),
        audit_every: Duration::from_secs(3600),
        audit_chain: true,
        websocket: None,
    };
    let sinks = diem_indexer::follow::FollowSinks { status: Some(&status), audit: Some(&audit), ..Default::default() };
    let report = diem_indexer::follow::follow(&store, &source, &options, sinks).await.unwrap();
    assert_eq!(report.last_seq, env.bank.event_log.len() as u64);
    let (at, served) = audit.latest().expect("an audit was published");
    assert!(at > 0 && served.store.ok() && !served.broken(), "{:?}", served.store.checks);
    assert!(served.chain_error.is_some());
    assert!(!status.get().failing());
}

/// Serves `state` on a loopback port; returns its base URL and address.
async fn serve_on_loopback(state: diem_indexer::http::ApiState) -> (String, std::net::SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(diem_indexer::http::serve(listener, std::sync::Arc::new(state)));
    (format!("http://{address}"), address)
}

/// The API's bounds, each answered as JSON where HTTP gets that far: a body is refused (413),
/// a client past its rate is told to wait (429 with Retry-After, keyed by API key, else by
/// address), a request past its time is cut (503), a connection that sends nothing is closed
/// after the header timeout, and the connection cap queues rather than refuses.
#[tokio::test]
async fn the_api_holds_its_bounds() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = store_urls("bounds").remove(0);
    let limits = diem_indexer::http::Limits {
        requests_per_second: 0.01,
        burst: 5.0,
        ..diem_indexer::http::Limits::default()
    };
    let keys = vec!["key-of-billing-0123456789".to_string()];
    let state =
        diem_indexer::http::ApiState::with(Store::open(&url).await.unwrap(), None, None, keys.clone(), limits.clone());
    let (base, _) = serve_on_loopback(state).await;
    let http = reqwest::Client::new();
    let day = format!("{base}/v1/entitlements/2026-12-02");
    // A body on a read-only API.
    let response = http.get(&day).bearer_auth(&keys[0]).body("x".repeat(100)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert!(response.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap().contains("no body"));
    // The key's bucket: 5 at once (a refused body spends nothing), then 429s with Retry-After.
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let response = http.get(&day).bearer_auth(&keys[0]).send().await.unwrap();
        let status = response.status().as_u16();
        if status == 429 {
            assert!(response.headers().get("retry-after").is_some());
            let body: serde_json::Value = response.json().await.unwrap();
            assert!(body["error"].as_str().unwrap().contains("too many requests"), "{body}");
        }
        statuses.push(status);
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    // Guessing keys from one address is limited by the address, before the key is judged.
    let mut guesses = Vec::new();
    for i in 0..8 {
        guesses.push(http.get(&day).bearer_auth(format!("guess-{i:020}")).send().await.unwrap().status().as_u16());
    }
    assert_eq!(guesses, [401, 401, 401, 401, 401, 429, 429, 429]);
    // Connections, on a server that holds at most 4 and waits 300 ms for a request's headers.
    let limits = diem_indexer::http::Limits {
        max_connections: 4,
        header_read_timeout: Duration::from_millis(300),
        ..diem_indexer::http::Limits::default()
    };
    let state = diem_indexer::http::ApiState::with(Store::open(&url).await.unwrap(), None, None, Vec::new(), limits.clone());
    let (base, address) = serve_on_loopback(state).await;
    // A connection that sends nothing is closed once the header timeout passes.
    let started = std::time::Instant::now();
    let mut idle = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut buffer = [0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buffer)).await.expect("closed in time");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    // Half-open connections fill the cap; a real request waits for a slot and is answered.
    let mut holders = Vec::new();
    for _ in 0..limits.max_connections {
        let mut s = tokio::net::TcpStream::connect(address).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.unwrap(); // never finished
        holders.push(s);
    }
    let started = std::time::Instant::now();
    let health = tokio::time::timeout(Duration::from_secs(5), http.get(format!("{base}/health")).send())
        .await
        .expect("answered once a slot frees")
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    drop(holders);
    // Oversized headers are refused by the HTTP layer itself (431), before any handler runs.
    let response = http.get(format!("{base}/health")).header("x-padding", "p".repeat(40_000)).send().await;
    assert!(response.map(|r| r.status().as_u16() == 431).unwrap_or(true), "refused or closed");
    // A request past its time: cut, as JSON. `/health` asks a cluster that accepts the connection
    // and never answers (it would wait 2 s for it); the request has 300 ms.
    let silent_cluster = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent_cluster.local_addr().unwrap());
    let slow = diem_indexer::http::ApiState::with(
        Store::open(&url).await.unwrap(),
        Some(RpcSource::new(&silent_url, "finalized", Retry::default())),
        None,
        Vec::new(),
        diem_indexer::http::Limits { request_timeout: Duration::from_millis(300), ..diem_indexer::http::Limits::default() },
    );
    let (slow_base, _) = serve_on_loopback(slow).await;
    let started = std::time::Instant::now();
    let response = http.get(format!("{slow_base}/health")).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(response.status().as_u16(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("took longer"), "{body}");
}

/// `/openapi.json` describes exactly the routes the server has (every documented path answers,
/// every route in the router is documented); `/v1/beneficiaries/{key}/allocation` answers a
/// final day with the frozen credit, in the live billing API's shape; `/metrics` reports the
/// record, the cluster and the billing outbox.
#[tokio::test]
async fn the_api_is_described_measured_and_answers_allocations() {
    let mut env = Env::launched().await;
    let users = activity(&mut env, 30).await; // 30 hours: a day becomes final
    let events = env.bank.event_log.clone();
    let rpc = FakeRpc::start(transactions_of(&events)).await;
    for url in store_urls("described") {
        let store = Store::open(&url).await.unwrap();
        sync(&store, &rpc.url).await.unwrap();
        let days = store.frozen_days().await.unwrap();
        let day = *days.last().expect("a frozen day");
        let receiver = diem_tests::receiver::Receiver::start(Default::default()).await;
        let deliverer = diem_indexer::billing::Deliverer::new(
            &store,
            vec![receiver.url.clone()],
            i64::MIN,
            solana_keypair::Keypair::new(),
            Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(deliverer.until_delivered(Duration::from_secs(30)).await.unwrap().endpoints_owed, 0);
        let credit = diem_indexer::credit::day_credit(&store, day).await.unwrap();
        let state =
            diem_indexer::http::ApiState::new(store, Some(RpcSource::new(&rpc.url, "finalized", quick_retry())), None);
        let (base, _) = serve_on_loopback(state).await;
        let http = reqwest::Client::new();
        let get = |path: String| {
            let (http, base) = (http.clone(), base.clone());
            async move {
                let r = http.get(format!("{base}{path}")).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };

        // The description and the routes agree, both ways.
        let (status, body) = get("/openapi.json".into()).await;
        assert_eq!(status, 200);
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        let documented: std::collections::BTreeSet<String> =
            doc["paths"].as_object().unwrap().keys().cloned().collect();
        let source = include_str!("../../app/indexer/src/http.rs");
        let routed: std::collections::BTreeSet<String> = source
            .split(".route(\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(documented, routed, "/openapi.json and the router list different paths");
        let key = users[0].pubkey().to_string();
        for path in &documented {
            let concrete = path
                .replace("{day}", &format_day(day))
                .replace("{owner}", &key)
                .replace("{beneficiary}", &key);
            let (status, body) = get(concrete.clone()).await;
            assert!(status == 200 || (path == "/v1/audit" && status == 503), "{concrete}: {status} {body}");
        }

        // A final day's allocation is its frozen credit.
        let (status, body) = get(format!("/v1/beneficiaries/{key}/allocation?day={}", format_day(day))).await;
        assert_eq!(status, 200, "{body}");
        let a: serde_json::Value = serde_json::from_str(&body).unwrap();
        let expected = credit.entitlements.iter().find(|e| e.owner == key).expect("the user is credited");
        assert_eq!(a["final"], true);
        assert_eq!(a["stakedDiemBaseUnits"], expected.staked_diem.to_string());
        assert_eq!(a["creditUsd"], expected.credit_usd);
        assert_eq!(a["diemEpochAllocation"].as_f64().unwrap(), expected.credit_usd.parse::<f64>().unwrap());
        let spendable = expected.staked_diem >= MIN_CREDIT_DIEM;
        assert_eq!(a["canConsume"], spendable);
        assert_eq!(a["consumptionCurrency"], if spendable { serde_json::json!("DIEM") } else { serde_json::Value::Null });
        assert_eq!(a["epochBegins"], format!("{}T00:00:00.000Z", format_day(day)));
        assert_eq!(a["nextEpochBegins"], format!("{}T00:00:00.000Z", format_day(day + 1)));
        let nobody = Pubkey::new_unique().to_string();
        let (_, body) = get(format!("/v1/beneficiaries/{nobody}/allocation?day={}", format_day(day))).await;
        let none: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!((none["diemEpochAllocation"].as_f64(), none["canConsume"].clone()), (Some(0.0), false.into()));
        assert!(none["consumptionCurrency"].is_null());
        for bad in [format!("/v1/beneficiaries/nope/allocation"), format!("/v1/beneficiaries/{key}/allocation?day=2026-13-01")] {
            let (status, body) = get(bad.clone()).await;
            assert_eq!(status, 400, "{bad}: {body}");
            assert!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["error"].is_string());
        }

        // Metrics: the record, the cluster, the outbox.
        let (status, text) = get("/metrics".into()).await;
        assert_eq!(status, 200);
        let sample = |name: &str| {
            text.lines()
                .find(|l| l.starts_with(name) && !l.starts_with('#'))
                .and_then(|l| l.rsplit(' ').next())
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
        };
        assert_eq!(sample("diem_record_events_total "), events.len() as f64);
        assert_eq!(sample("diem_record_last_final_day_timestamp_seconds "), (day * SECONDS_PER_DAY) as f64);
        assert!(sample("diem_cluster_slot ") >= sample("diem_record_synced_slot "));
        assert!(sample("diem_rpc_requests_total ") >= 1.0);
        let endpoint = format!("{{endpoint=\"{}\"}}", receiver.url);
        assert_eq!(sample(&format!("diem_billing_outbox_owed{endpoint} ")), 0.0);
        assert_eq!(sample(&format!("diem_billing_delivered_total{endpoint} ")), days.len() as f64);
        assert!(text.contains("# TYPE diem_record_lag_slots gauge"), "{text}");
    }
}

/// A finalized transaction announced over the node's websocket wakes the follower at once:
/// with a 60 s polling interval, the follower subscribes to the program's finalized logs and
/// records transactions the moment the notification arrives.
#[tokio::test]
async fn a_websocket_notification_wakes_the_follower() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let mut env = Env::launched().await;
    activity(&mut env, 2).await;
    let events = env.bank.event_log.clone();
    let txs = transactions_of(&events);
    let half = txs.len() / 2;
    let rpc = std::sync::Arc::new(FakeRpc::start(txs[..half].to_vec()).await);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ws_url = format!("ws://{}", listener.local_addr().unwrap());
    let (request_tx, request_rx) = tokio::sync::oneshot::channel::<String>();
    let (rest, node) = (txs[half..].to_vec(), rpc.clone());
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut socket = tokio_tungstenite::accept_async(stream).await.unwrap();
        let request = socket.next().await.unwrap().unwrap().into_text().unwrap().to_string();
        request_tx.send(request).unwrap();
        socket.send(Message::text(r#"{"jsonrpc":"2.0","result":7,"id":1}"#)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        // The rest of the history is finalized, and the node says so.
        for tx in rest {
            node.push(tx);
        }
        let note = r#"{"jsonrpc":"2.0","method":"logsNotification","params":{"result":{"context":{"slot":1},"value":{"signature":"x","err":null,"logs":[]}},"subscription":7}}"#;
        socket.send(Message::text(note)).await.unwrap();
        // Held open until the follower goes.
        while socket.next().await.is_some() {}
    });
    // One websocket server serves one follower: the first backend's store.
    let url = store_urls("woken").remove(0);
    {
        let store = Store::open(&url).await.unwrap();
        let source = RpcSource::new(&rpc.url, "finalized", quick_retry());
        let stats = std::sync::Arc::new(diem_indexer::wake::WakeStats::default());
        let options = diem_indexer::follow::FollowOptions {
            max_polls: Some(3),
            websocket: Some(ws_url.clone()),
            audit_every: Duration::from_secs(3_600),
            ..diem_indexer::follow::FollowOptions::every(60.0)
        };
        let sinks = diem_indexer::follow::FollowSinks { wake_stats: Some(&stats), ..Default::default() };
        let started = std::time::Instant::now();
        let report = diem_indexer::follow::follow(&store, &source, &options, sinks).await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the follower slept: {:?} ({stats:?})",
            started.elapsed()
        );
        assert_eq!(report.last_seq as usize, events.len(), "{url}");
        assert_eq!(stats.notifications.load(std::sync::atomic::Ordering::Relaxed), 1);
    }
    let request: serde_json::Value = serde_json::from_str(&request_rx.await.unwrap()).unwrap();
    assert_eq!(request["method"], "logsSubscribe");
    assert_eq!(request["params"][0]["mentions"][0], diem::ID.to_string());
    assert_eq!(request["params"][1]["commitment"], "finalized");
}
