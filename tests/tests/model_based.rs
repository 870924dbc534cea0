//! The model-based test: random operation sequences by several users on the bank and on the
//! independent reference model (`diem_tests::model`), compared after every step, with every
//! SPEC §10 invariant checked on chain. Failures shrink to a minimal sequence, printed as a
//! test to paste into `model_regressions.rs`.
//!
//! Budget: `DIEM_MODEL_OPS` operations (default 20,000 natively, 2,000 on the `.so`), in
//! sequences of up to `DIEM_MODEL_LEN` (default 100), from `DIEM_MODEL_SEED`.
use diem_tests::bpf_mode;
use diem_tests::model_run::{Edge, check_random_sequences};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn chain_and_model_agree_on_random_sequences() {
    let operations = env_or("DIEM_MODEL_OPS", if bpf_mode() { 2_000 } else { 20_000 });
    let length = env_or("DIEM_MODEL_LEN", 100);
    let seed = env_or("DIEM_MODEL_SEED", 0xd1e4_5eedu64);
    let started = std::time::Instant::now();
    let summary = check_random_sequences(operations, length, seed);
    let elapsed = started.elapsed();
    println!(
        "model-based: seed {seed:#x}, {} operations in {:.1?} ({:.0} ops/s)",
        summary.operations,
        elapsed,
        summary.operations as f64 / elapsed.as_secs_f64()
    );
    let kinds: std::collections::BTreeSet<&str> = summary.tally.keys().map(|(k, _)| *k).collect();
    // Per kind: how often it succeeded, and how often each refusal came up, by name.
    let mut coverage = Vec::new();
    for kind in &kinds {
        let of_kind: Vec<(&String, usize)> =
            summary.tally.iter().filter(|((k, _), _)| k == kind).map(|((_, o), n)| (o, *n)).collect();
        let attempts: usize = of_kind.iter().map(|(_, n)| n).sum();
        let ok = of_kind.iter().find(|(o, _)| o.as_str() == "ok").map_or(0, |(_, n)| *n);
        println!("  {kind:<22} ok {ok:>7} of {attempts:>7} ({:.0} %)", 100.0 * ok as f64 / attempts as f64);
        for (outcome, n) in of_kind.iter().filter(|(o, _)| o.as_str() != "ok") {
            println!("  {:<22}   refused {n:>7} {outcome}", "");
        }
        coverage.push((*kind, ok, attempts));
    }
    println!("edges reached:");
    for (edge, n) in &summary.edges {
        println!("  {:<22} {n}", format!("{edge:?}"));
    }
    if bpf_mode() {
        // Natively the program runs outside the VM and its compute units mean nothing.
        println!("most compute units a successful operation took (whole transaction):");
        for (kind, units) in &summary.max_compute_units {
            println!("  {kind:<22} {units}");
        }
    }
    assert!(summary.operations >= operations, "{} of {operations} operations ran", summary.operations);
    // The sequences reached every kind of operation.
    assert_eq!(kinds.len(), 26, "kinds exercised: {kinds:?}");
    // Success paths, not only refusals: every kind succeeds in at least 10 % of its attempts (the
    // launch-only ones included, which the generator keeps to the launch), and over a budget
    // this size every edge of a success path is reached.
    if operations >= 10_000 {
        for (kind, ok, attempts) in &coverage {
            assert!(*ok * 10 >= *attempts, "{kind} succeeded {ok} times in {attempts}");
        }
        for edge in [
            Edge::LastBurn,
            Edge::CooldownExactEnd,
            Edge::SeveralTickets,
            Edge::HandedTicketEnded,
            Edge::StakeForAnother,
            Edge::ReserveRanDry,
            Edge::LockEndsOnBucketBound,
            Edge::SupplyCapFilled,
            Edge::SupplyCapRefused,
            Edge::ChangeAppliedAtEta,
            Edge::RaiseVoidedLowering,
            Edge::LaunchEnded,
        ] {
            assert!(summary.edges.get(&edge).copied().unwrap_or_default() > 0, "{edge:?} never reached");
        }
    }
    // The long run (scripts/model-million.sh): every kind succeeds at least once per thousand
    // operations, so a million operations succeed at least 1,000 times each.
    if operations >= 200_000 {
        for (kind, ok, _) in &coverage {
            assert!(*ok * 1_000 >= operations, "{kind} succeeded only {ok} times in {operations} operations");
        }
    }
}
