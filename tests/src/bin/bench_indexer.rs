//! The indexer at scale (`scripts/bench-indexer.sh` writes INDEXER_BENCH.md from its output):
//! synthetic events by many owners go through the same path as the cluster's (JSON-RPC
//! transaction → `diem_client::decode` → store commit), then one day's credit, owners'
//! histories and a full audit are timed. Prints one JSON line.
use std::time::Instant;

use diem_indexer::row::EventRow;
use diem_indexer::store::{Checkpoint, Store};
use diem_tests::bench::{arg, memory_mib};
use diem_tests::fake_rpc::encode_transaction;
use diem_tests::synthetic::Generator;
use serde_json::json;

#[tokio::main]
async fn main() {
    let db = arg("--db", "sqlite:///tmp/diem-bench.sqlite");
    let events: u64 = arg("--events", "1000000").parse().expect("--events N");
    let owners: usize = arg("--owners", "100000").parse().expect("--owners N");
    const DAYS: i64 = 10;
    const START: i64 = 1_800_000_000 - 1_800_000_000 % 86_400;
    let batch: usize =
        arg("--batch", &diem_indexer::sync::DEFAULT_BATCH_EVENTS.to_string()).parse().expect("--batch N");
    let store = std::sync::Arc::new(Store::open(&db).await.expect("store opens"));
    assert_eq!(store.checkpoint().await.unwrap().last_seq, 0, "{db} must be empty");
    let mut generator = Generator::new(owners, events, DAYS, START, 42);

    // In chunks: the cluster's side (events and their transaction JSON) is made first, untimed;
    // then the chunk is decoded into the batch, timed, and the batch committed once it holds
    // `--batch` events (or the events run out), timed: decode, then commit, in turn, as the
    // syncer does. Memory holds one chunk and one batch.
    const CHUNK: u64 = 20_000;
    let (mut generating, mut decoding, mut committing) = (0.0, 0.0, 0.0);
    let mut checkpoint = Checkpoint::default();
    let mut rss_quarter = 0.0;
    let mut made = 0u64;
    let mut rows: Vec<EventRow> = Vec::with_capacity(batch);
    while made < events {
        let t = Instant::now();
        let chunk: Vec<serde_json::Value> = (made..(made + CHUNK).min(events))
            .map(|i| {
                let event = generator.next_event();
                let signature = format!("bench{:012}", event.seq());
                encode_transaction(
                    &signature,
                    1_000 + i / 4,
                    START + i as i64,
                    std::slice::from_ref(&event),
                    i % 2 == 0,
                )
            })
            .collect();
        made += chunk.len() as u64;
        generating += t.elapsed().as_secs_f64();

        let t = Instant::now();
        for tx in &chunk {
            let decoded = diem_client::decode::decode_transaction(tx).expect("decodes");
            rows.extend(EventRow::of_transaction(&decoded));
        }
        decoding += t.elapsed().as_secs_f64();
        drop(chunk);
        if rows.len() >= batch || made == events {
            let from = checkpoint.last_seq;
            let last = rows.last().expect("a row");
            checkpoint = Checkpoint {
                last_seq: last.seq,
                last_slot: last.slot,
                last_block_time: last.block_time,
                last_event_time: rows.iter().rev().find_map(EventRow::event_time),
                synced_slot: last.slot,
                synced_time: last.block_time,
            };
            let t = Instant::now();
            store.commit(&rows, &checkpoint, from).await.expect("commit");
            committing += t.elapsed().as_secs_f64();
            rows.clear();
        }
        if made >= events / 4 && rss_quarter == 0.0 {
            rss_quarter = memory_mib("self", "VmHWM:");
        }
    }
    let ingest = decoding + committing;
    let rss_ingest = memory_mib("self", "VmHWM:");
    eprintln!(
        "ingested {events} events in {ingest:.1} s ({:.0} events/s; {:.1} s inside commits)",
        events as f64 / ingest,
        committing
    );

    // Reads never freeze days: the indexer freezes every final day after a sync. Measured: that
    // freeze (every day of the history at once, as a first sync does), then one frozen day read.
    let day = START / 86_400 + DAYS / 2;
    let computed = diem_indexer::credit::day_credit(&store, day).await.expect("credit");
    let t = Instant::now();
    let frozen_days = diem_indexer::credit::freeze_final_days(&store).await.expect("freeze").len();
    let credit_first = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let credit = diem_indexer::credit::day_credit(&store, day).await.expect("credit");
    let credit_frozen = t.elapsed().as_secs_f64();
    assert_eq!(credit, computed);
    assert!(credit.is_final && frozen_days > 0);

    let sample: Vec<String> = generator.owners().iter().step_by((owners / 200).max(1)).map(|o| o.to_string()).collect();
    let t = Instant::now();
    let mut history_events = 0;
    for owner in &sample {
        history_events += store.history(owner, 0, 100_000).await.expect("history").len();
    }
    let history_ms = t.elapsed().as_secs_f64() * 1_000.0 / sample.len() as f64;

    let t = Instant::now();
    let audit = diem_indexer::audit::audit_store(&store).await.expect("audit");
    let audit_secs = t.elapsed().as_secs_f64();
    assert!(audit.ok(), "{:?}", audit.checks);
    // Delivery: every final day, signed, to a loopback billing endpoint that acknowledges at once.
    let receiver = diem_tests::receiver::Receiver::start(Default::default()).await;
    let t = Instant::now();
    let deliverer = diem_indexer::billing::Deliverer::new(
        &store,
        vec![receiver.url.clone()],
        i64::MIN,
        solana_keypair::Keypair::new(),
        Default::default(),
    )
    .await
    .expect("deliverer");
    let delivered = deliverer.until_delivered(std::time::Duration::from_secs(600)).await.expect("delivery");
    let deliver_secs = t.elapsed().as_secs_f64();
    assert_eq!(delivered.endpoints_owed, 0);
    let (days_delivered, statement_bytes) =
        receiver.seen(|s| (s.accepted.len(), s.accepted.values().map(String::len).sum::<usize>()));
    assert_eq!(days_delivered, frozen_days);
    println!(
        "{}",
        json!({
            "deliver_secs": deliver_secs,
            "days_delivered": days_delivered,
            "statement_mib": statement_bytes as f64 / (1024.0 * 1024.0),
            "backend": store.backend(),
            "events": events,
            "owners": owners,
            "ingest_secs": ingest,
            "generate_secs": generating,
            "events_per_sec": events as f64 / ingest,
            "decode_secs": decoding,
            "decode_events_per_sec": events as f64 / decoding,
            "commit_secs": committing,
            "batch_events": batch,
            "peak_rss_mib_at_quarter": rss_quarter,
            "peak_rss_mib_after_ingest": rss_ingest,
            "credit_owners": credit.entitlements.len(),
            "credit_first_secs": credit_first,
            "credit_frozen_secs": credit_frozen,
            "frozen_days": frozen_days,
            "history_ms": history_ms,
            "history_events_per_owner": history_events as f64 / sample.len() as f64,
            "audit_secs": audit_secs,
            "audit_events": audit.events_replayed,
            "peak_rss_mib_end": memory_mib("self", "VmHWM:"),
        })
    );
}
