//! How fresh the record is (`scripts/bench-freshness.sh` runs it on a local validator and puts
//! its figures into INDEXER_BENCH.md): COUNT stakes sent a few dozen a second; for each, from
//! the moment its status reads finalized to the moment `diem serve` serves its event over HTTP.
//! One poller reads the statuses (every 20 ms), another the owner's history (every 10 ms), so a
//! figure is good to about 20 ms. Prints one JSON line.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diem_tests::bench::arg;
use serde_json::json;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[derive(Default)]
struct Seen {
    sent: HashMap<String, Instant>,
    finalized: HashMap<String, Instant>,
    served: HashMap<String, Instant>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let url = arg("--url", "http://127.0.0.1:8899");
    let record = arg("--record", "http://127.0.0.1:8080");
    let count: usize = arg("--count", "1000").parse().expect("--count N");
    let per_second: f64 = arg("--per-second", "25").parse().expect("--per-second R");
    let keypair_path = arg("--keypair", "");
    let bytes: Vec<u8> =
        serde_json::from_str(&std::fs::read_to_string(&keypair_path).expect("--keypair FILE")).expect("keypair JSON");
    let payer = Keypair::try_from(bytes.as_slice()).expect("a keypair");
    let owner = payer.pubkey();

    let mut chain = diem_client::rpc::RpcChain::with_commitment(&url, CommitmentConfig::confirmed());
    let config = diem_client::ops::Reader::new(&mut chain).config().await.expect("the config");
    let deployment = diem_client::ix::Deployment::from_config(&config);
    let source = anchor_spl::associated_token::get_associated_token_address_with_program_id(
        &owner,
        &config.vvv_mint,
        &config.vvv_token_program,
    );
    let one = 10u64.pow(u32::from(config.vvv_decimals));
    let client = Arc::new(solana_rpc_client::nonblocking::rpc_client::RpcClient::new_with_commitment(
        url.clone(),
        CommitmentConfig::confirmed(),
    ));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let deadline = Instant::now() + Duration::from_secs_f64(count as f64 / per_second + 180.0);

    // Statuses: every pending signature, 256 a call, every 20 ms.
    let statuses = {
        let (client, seen) = (client.clone(), seen.clone());
        tokio::spawn(async move {
            while Instant::now() < deadline {
                let pending: Vec<String> = {
                    let s = seen.lock().unwrap();
                    s.sent.keys().filter(|k| !s.finalized.contains_key(*k)).cloned().collect()
                };
                if pending.is_empty() && seen.lock().unwrap().sent.len() >= count {
                    break;
                }
                for chunk in pending.chunks(256) {
                    let signatures: Vec<_> = chunk.iter().map(|s| s.parse().expect("a signature")).collect();
                    if let Ok(answer) = client.get_signature_statuses(&signatures).await {
                        let now = Instant::now();
                        let mut s = seen.lock().unwrap();
                        for (signature, status) in chunk.iter().zip(answer.value) {
                            let finalized = status.is_some_and(|st| {
                                st.confirmation_status
                                    == Some(solana_transaction_status_client_types::TransactionConfirmationStatus::Finalized)
                            });
                            if finalized {
                                s.finalized.entry(signature.clone()).or_insert(now);
                            }
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    // The record: the owner's history after the last event seen, every 10 ms.
    let served = {
        let seen = seen.clone();
        let http = reqwest::Client::new();
        let path = format!("{record}/v1/owners/{owner}/history");
        tokio::spawn(async move {
            let mut after = 0u64;
            while Instant::now() < deadline {
                if let Ok(response) = http.get(format!("{path}?after={after}")).send().await {
                    if let Ok(page) = response.json::<serde_json::Value>().await {
                        let now = Instant::now();
                        let mut s = seen.lock().unwrap();
                        for entry in page["entries"].as_array().into_iter().flatten() {
                            after = after.max(entry["seq"].as_u64().unwrap_or(0));
                            if let Some(signature) = entry["signature"].as_str() {
                                s.served.entry(signature.to_string()).or_insert(now);
                            }
                        }
                        if s.sent.len() >= count && s.sent.keys().all(|k| s.served.contains_key(k)) {
                            break;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    // Stakes, each a distinct amount (identical transactions would share a signature).
    let mut blockhash = client.get_latest_blockhash().await.expect("a blockhash");
    let started = Instant::now();
    for i in 0..count {
        if i % 100 == 99 {
            blockhash = client.get_latest_blockhash().await.expect("a blockhash");
        }
        let ix = diem_client::ix::stake(&deployment, owner, source, one + i as u64, owner);
        let tx = solana_transaction::Transaction::new_signed_with_payer(&[ix], Some(&owner), &[&payer], blockhash);
        let config =
            solana_rpc_client_api::config::RpcSendTransactionConfig { skip_preflight: true, ..Default::default() };
        match client.send_transaction_with_config(&tx, config).await {
            Ok(signature) => {
                seen.lock().unwrap().sent.insert(signature.to_string(), Instant::now());
            }
            Err(e) => eprintln!("send {i}: {e}"),
        }
        let due = started + Duration::from_secs_f64((i + 1) as f64 / per_second);
        tokio::time::sleep_until(due.into()).await;
    }
    let _ = statuses.await;
    let _ = served.await;

    let s = seen.lock().unwrap();
    let mut latency: Vec<f64> = Vec::new();
    let mut to_final: Vec<f64> = Vec::new();
    let mut early = 0;
    for (signature, sent) in &s.sent {
        if let (Some(finalized), Some(served)) = (s.finalized.get(signature), s.served.get(signature)) {
            // Served before the status poll saw it finalized: within the pollers' resolution.
            if served < finalized {
                early += 1;
            }
            latency.push(served.saturating_duration_since(*finalized).as_secs_f64() * 1_000.0);
            to_final.push(finalized.duration_since(*sent).as_secs_f64() * 1_000.0);
        }
    }
    latency.sort_by(f64::total_cmp);
    to_final.sort_by(f64::total_cmp);
    println!(
        "{}",
        json!({
            "sent": s.sent.len(),
            "measured": latency.len(),
            "served_before_status_read_finalized": early,
            "p50_ms": percentile(&latency, 0.5),
            "p90_ms": percentile(&latency, 0.9),
            "p99_ms": percentile(&latency, 0.99),
            "max_ms": latency.last().copied().unwrap_or(f64::NAN),
            "sent_to_finalized_p50_ms": percentile(&to_final, 0.5),
            "owner": owner.to_string(),
        })
    );
}
