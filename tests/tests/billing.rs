//! Delivery to billing (docs/record.md): every final day reaches every endpoint, oldest first,
//! signed, and is acted on exactly once per endpoint, through failures, stalls past the
//! timeout, duplicate answers and SIGKILLs of the sender. Each store test runs on SQLite and,
//! where `DIEM_TEST_POSTGRES_URL` names a server, on PostgreSQL.
use std::process::Command;
use std::time::Duration;

use diem::constants::*;
use diem_client::events::DiemEvent;
use diem_indexer::billing::{DayStatement, Deliverer, DeliveryOptions, outbox};
use diem_indexer::store::Store;
use diem_indexer::{Retry, RpcSource, Syncer};
use diem_tests::fake_rpc::{FakeRpc, transactions_of};
use diem_tests::receiver::{Behaviour, Receiver};
use diem_tests::stores::{diem_binary, store_urls};
use diem_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// `days` days of activity: each day two owners stake more DIEM (one for a beneficiary), so
/// every day has its own allocations.
async fn days_of_activity(days: usize) -> Vec<DiemEvent> {
    let mut env = Env::launched().await;
    let a = env.user(100_000 * ONE_VVV).await;
    let b = env.user(100_000 * ONE_VVV).await;
    let beneficiary = Keypair::new().pubkey();
    for day in 0..days {
        for (u, to) in [(&a, None), (&b, Some(beneficiary))] {
            env.by(u).stake((10 + day as u64) * ONE_VVV, None).await.unwrap();
            let minted = env.by(u).mint(ONE_VVV, 0).await.unwrap().return_u64();
            env.by(u).stake_diem(minted / 2, to).await.unwrap();
        }
        env.advance(SECONDS_PER_DAY).await;
    }
    env.by(&a).stake(ONE_VVV, None).await.unwrap(); // the record passes the last midnight
    env.bank.event_log.clone()
}

async fn sync(store: &Store, url: &str) {
    let retry = Retry { attempts: 5, first_delay: Duration::from_millis(5), ..Retry::default() };
    Syncer::new(store, &RpcSource::new(url, "finalized", retry)).sync(&mut |_| {}).await.unwrap();
}

fn fast() -> DeliveryOptions {
    DeliveryOptions {
        timeout: Duration::from_millis(300),
        first_retry: Duration::from_millis(10),
        max_retry: Duration::from_millis(100),
        poll: Duration::from_millis(20),
    }
}

/// Every frozen day's statement, by idempotency key, as the store makes it with `signer`.
async fn statements(store: &Store, signer: &Keypair) -> std::collections::BTreeMap<String, String> {
    let mut all = std::collections::BTreeMap::new();
    for day in store.frozen_days().await.unwrap() {
        let s = DayStatement::of_frozen_day(store, day, signer).await.unwrap().unwrap();
        assert!(s.verify());
        all.insert(s.idempotency_key(), serde_json::to_string(&s).unwrap());
    }
    all
}

/// What every endpoint must have ended with: each frozen day accepted once, with the store's
/// exact signed statement, in day order, and nothing sent under one key with two bodies.
fn assert_received_exactly(receiver: &Receiver, expected: &std::collections::BTreeMap<String, String>, what: &str) {
    receiver.seen(|seen| {
        assert_eq!(seen.conflicts, 0, "{what}: two bodies under one key");
        assert_eq!(seen.without_key, 0, "{what}: a request without an Idempotency-Key");
        assert_eq!(&seen.accepted, expected, "{what}: the days accepted differ from the frozen days");
        let mut sorted = seen.order.clone();
        sorted.sort();
        assert_eq!(seen.order, sorted, "{what}: days were accepted out of order");
        for body in seen.accepted.values() {
            let statement: DayStatement = serde_json::from_str(body).unwrap();
            assert!(statement.verify(), "{what}: a statement whose signature does not hold");
            assert!(statement.is_final);
        }
    });
}

#[tokio::test]
async fn every_final_day_reaches_every_endpoint_once_through_failures_and_stalls() {
    let events = days_of_activity(6).await;
    // The record learns the first half, delivers, then learns the rest: days frozen later are
    // queued by the freeze itself.
    let half = events.len() * 2 / 3;
    let early = FakeRpc::start(transactions_of(&events[..half])).await;
    let all = FakeRpc::start(transactions_of(&events)).await;
    for url in store_urls("billing") {
        let flaky = Receiver::start(Behaviour {
            fail_first: 2,
            stall_every: 2,
            stall_for: Duration::from_millis(900), // past the 300 ms timeout: the ack is lost
            ..Behaviour::default()
        })
        .await;
        let steady = Receiver::start(Behaviour::default()).await;
        let store = Store::open(&url).await.unwrap();
        sync(&store, &early.url).await;
        let early_days = store.frozen_days().await.unwrap();
        assert!(early_days.len() >= 2, "{url}: too few days frozen early: {early_days:?} of {} events", half);
        let signer = Keypair::new();
        let endpoints = vec![flaky.url.clone(), steady.url.clone()];
        let deliverer =
            Deliverer::new(&store, endpoints.clone(), i64::MIN, signer.insecure_clone(), fast()).await.unwrap();
        let report = deliverer.until_delivered(Duration::from_secs(60)).await.unwrap();
        assert_eq!(report.endpoints_owed, 0, "{url}: {report:?}");
        sync(&store, &all.url).await;
        let report = deliverer.until_delivered(Duration::from_secs(60)).await.unwrap();
        assert_eq!(report.endpoints_owed, 0, "{url}: {report:?}");

        let expected = statements(&store, &signer).await;
        assert!(expected.len() >= 5, "{url}: {} days frozen", expected.len());
        assert_received_exactly(&flaky, &expected, &format!("{url} flaky"));
        assert_received_exactly(&steady, &expected, &format!("{url} steady"));
        // The faults happened: failures, stalls whose acknowledgement was lost, and the resends
        // they caused answered as duplicates.
        let (failures, stalls, duplicates) = flaky.seen(|s| (s.failures_sent, s.stalls, s.duplicates));
        assert!(failures >= 2 * expected.len() as u64, "{url}: {failures} failures");
        assert!(stalls >= 2 && duplicates >= stalls, "{url}: {stalls} stalls, {duplicates} duplicates");
        assert_eq!(steady.seen(|s| s.requests), expected.len() as u64, "{url}: a healthy endpoint gets each day once");
        // Marked delivered: nothing more is sent.
        let sent = flaky.seen(|s| s.requests) + steady.seen(|s| s.requests);
        let again = deliverer.pass().await.unwrap();
        assert_eq!((again.delivered, again.failed), (0, 0));
        assert_eq!(flaky.seen(|s| s.requests) + steady.seen(|s| s.requests), sent);
        let depth = outbox::depth(&store).await.unwrap();
        assert!(depth.iter().all(|d| d.owed == 0 && d.delivered == expected.len() as u64), "{url}: {depth:?}");

        // An endpoint registered later from a given day is owed that day and the ones after.
        let days = store.frozen_days().await.unwrap();
        let late = Receiver::start(Behaviour::default()).await;
        let from = days[days.len() - 2];
        let later =
            Deliverer::new(&store, vec![late.url.clone()], from, signer.insecure_clone(), fast()).await.unwrap();
        later.until_delivered(Duration::from_secs(30)).await.unwrap();
        let owed_days: Vec<String> =
            days[days.len() - 2..].iter().map(|d| diem_client::credit::format_day(*d)).collect();
        late.seen(|s| {
            let got: Vec<&str> = s.order.iter().map(|k| &k["diem-credit-".len().."diem-credit-".len() + 10]).collect();
            assert_eq!(got, owed_days, "{url}: a late endpoint's days");
        });
    }
}

/// `diem index deliver` killed with SIGKILL at random points, restarted, then run to the end:
/// every endpoint holds every final day exactly once (an acknowledgement lost to a kill brings a
/// duplicate, which the endpoint recognises by its key), and nothing is owed.
#[test]
fn sigkill_mid_delivery_loses_and_duplicates_nothing() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let events = rt.block_on(days_of_activity(14));
    let rpc = FakeRpc::start_on_thread(transactions_of(&events));
    let diem = diem_binary();
    let dir = std::env::temp_dir().join(format!("diem-billing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keypair_path = dir.join("signer.json");
    let signer = Keypair::new();
    std::fs::write(&keypair_path, serde_json::to_string(&signer.to_bytes().to_vec()).unwrap()).unwrap();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for url in store_urls("billing_sigkill") {
        let expected = rt.block_on(async {
            let store = Store::open(&url).await.unwrap();
            sync(&store, &rpc.url).await;
            statements(&store, &signer).await
        });
        assert!(expected.len() >= 12, "{url}: {} days frozen", expected.len());
        // Slow answers: a kill often lands after a day is accepted and before it is marked.
        let slow = Behaviour { fail_first: 1, answer_after: Duration::from_millis(250), ..Behaviour::default() };
        let receivers = [Receiver::start_on_thread(slow.clone()), Receiver::start_on_thread(slow)];
        let deliver = || {
            let mut command = Command::new(&diem);
            command.args(["--keypair", keypair_path.to_str().unwrap(), "index", "deliver", "--offline", "--db", &url]);
            for r in &receivers {
                command.args(["--billing-endpoint", &r.url]);
            }
            command.args(["--billing-retry-ms", "20", "--billing-timeout-secs", "5", "--give-up-secs", "120"]);
            command.stdout(std::process::Stdio::null());
            command
        };
        let mut kills = 0;
        for _ in 0..12 {
            let mut child = deliver().spawn().unwrap();
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            std::thread::sleep(Duration::from_millis(250 + rng % 900));
            match child.try_wait().unwrap() {
                Some(status) => {
                    assert!(status.success(), "{url}: deliver failed");
                    break;
                }
                None => {
                    child.kill().unwrap(); // SIGKILL
                    child.wait().unwrap();
                    kills += 1;
                }
            }
        }
        let status = deliver().status().unwrap();
        assert!(status.success(), "{url}: the last deliver failed");
        for (i, r) in receivers.iter().enumerate() {
            assert_received_exactly(r, &expected, &format!("{url} endpoint {i}"));
        }
        let duplicates: u64 = receivers.iter().map(|r| r.seen(|s| s.duplicates)).sum();
        assert!(kills >= 3, "{url}: only {kills} kills landed mid-delivery");
        assert!(duplicates >= 1, "{url}: no kill landed between an acceptance and its mark");
        let depth = rt.block_on(async { outbox::depth(&Store::open(&url).await.unwrap()).await.unwrap() });
        assert!(depth.iter().all(|d| d.owed == 0 && d.delivered == expected.len() as u64), "{url}: {depth:?}");
        println!("{url}: {kills} SIGKILLs, {duplicates} duplicate deliveries recognised, {} days each", expected.len());
    }
}
