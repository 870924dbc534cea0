//! `/metrics`: the record's state in the Prometheus text format, read when scraped (from the
//! store, the follower's status and the RPC source's counters), so it needs no registry.
use std::fmt::Write;
use std::sync::atomic::Ordering::Relaxed;

use diem::constants::SECONDS_PER_DAY;

use crate::http::ApiState;
use crate::store::StoreResult;

/// One metric family: its help, type and samples (labels already rendered).
struct Family<'a> {
    name: &'a str,
    help: &'a str,
    kind: &'a str,
    samples: Vec<(String, f64)>,
}

/// A label value as the text format needs it: backslash, quote and newline escaped.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn one<'a>(name: &'a str, help: &'a str, kind: &'a str, value: Option<f64>) -> Family<'a> {
    Family { name, help, kind, samples: value.map(|v| (String::new(), v)).into_iter().collect() }
}

/// The metrics text.
pub async fn render(s: &ApiState) -> StoreResult<String> {
    let checkpoint = s.store.checkpoint().await?;
    let now = crate::status::unix_now();
    let cluster = match crate::http::cluster_slot(s).await {
        Some(Ok(slot)) => Some(slot),
        _ => None,
    };
    let last_final = s.store.last_frozen_day().await?;
    let outbox = crate::billing::outbox::depth(&s.store).await?;
    let follower = s.follower.as_ref().map(|f| f.get());
    let per_endpoint = |value: fn(&crate::billing::outbox::Depth) -> u64| {
        outbox.iter().map(|d| (format!("{{endpoint=\"{}\"}}", label(&d.endpoint)), value(d) as f64)).collect()
    };
    let source = s.source.as_ref().map(|src| src.stats());
    let families = [
        one(
            "diem_record_events_total",
            "Events recorded (the last sequence number); rate() gives events per second.",
            "counter",
            Some(checkpoint.last_seq as f64),
        ),
        one(
            "diem_record_synced_slot",
            "The slot the last completed sync read up to.",
            "gauge",
            Some(checkpoint.synced_slot as f64),
        ),
        one("diem_cluster_slot", "The cluster's slot at the record's commitment.", "gauge", cluster.map(|c| c as f64)),
        one(
            "diem_record_lag_slots",
            "Slots between the cluster and the last completed sync.",
            "gauge",
            cluster.map(|c| c.saturating_sub(checkpoint.synced_slot) as f64),
        ),
        one(
            "diem_record_lag_seconds",
            "Seconds between now and the block time the last completed sync read up to.",
            "gauge",
            checkpoint.synced_time.map(|t| now.saturating_sub(t).max(0) as f64),
        ),
        one(
            "diem_record_last_final_day_timestamp_seconds",
            "00:00 UTC of the last final (frozen) day.",
            "gauge",
            last_final.map(|d| (d * SECONDS_PER_DAY) as f64),
        ),
        one(
            "diem_follower_last_success_timestamp_seconds",
            "When the follower last completed a sync.",
            "gauge",
            follower.as_ref().and_then(|f| f.last_success).map(|t| t as f64),
        ),
        one(
            "diem_follower_failing",
            "1 while the follower's last sync failed or it stopped.",
            "gauge",
            follower.as_ref().map(|f| f64::from(u8::from(f.failing()))),
        ),
        one(
            "diem_rpc_requests_total",
            "JSON-RPC attempts made.",
            "counter",
            source.map(|x| x.requests.load(Relaxed) as f64),
        ),
        one(
            "diem_rpc_errors_total",
            "JSON-RPC attempts that failed.",
            "counter",
            source.map(|x| x.errors.load(Relaxed) as f64),
        ),
        one(
            "diem_rpc_retries_total",
            "JSON-RPC attempts made again after a transient failure.",
            "counter",
            source.map(|x| x.retries.load(Relaxed) as f64),
        ),
        Family {
            name: "diem_billing_outbox_owed",
            help: "Final days an endpoint is owed (the outbox's depth).",
            kind: "gauge",
            samples: per_endpoint(|d| d.owed),
        },
        Family {
            name: "diem_billing_delivered_total",
            help: "Final days an endpoint acknowledged.",
            kind: "counter",
            samples: per_endpoint(|d| d.delivered),
        },
        Family {
            name: "diem_billing_attempts_total",
            help: "Deliveries posted to an endpoint, failed ones included.",
            kind: "counter",
            samples: per_endpoint(|d| d.attempts),
        },
    ];
    let mut text = String::new();
    for f in families.iter().filter(|f| !f.samples.is_empty()) {
        let _ = writeln!(text, "# HELP {} {}\n# TYPE {} {}", f.name, f.help, f.name, f.kind);
        for (labels, value) in &f.samples {
            let _ = writeln!(text, "{}{labels} {value}", f.name);
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn label_values_are_escaped() {
        assert_eq!(super::label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
