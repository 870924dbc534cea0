//! The model-based test: random operation sequences by several users on the bank and on the
//! independent reference model (`diem_tests::model`), compared after every step, with every
//! SPEC §10 invariant checked on chain. Failures shrink to a minimal sequence, printed as a
//! test to paste into `model_regressions.rs`.
//!
//! Budget: `DIEM_MODEL_OPS` operations (default 20,000 natively, 2,000 on the `.so`), in
//! sequences of up to `DIEM_MODEL_LEN` (default 100), from `DIEM_MODEL_SEED`.
use diem_tests::bpf_mode;
use diem_tests::model_run::check_random_sequences;

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
    for ((kind, ok), n) in &summary.tally {
        println!("  {kind:<22} {:<7} {n}", if *ok { "ok" } else { "refused" });
    }
    if bpf_mode() {
        // Natively the program runs outside the VM and its compute units mean nothing.
        println!("most compute units a successful operation took (whole transaction):");
        for (kind, units) in &summary.max_compute_units {
            println!("  {kind:<22} {units}");
        }
    }
    assert!(summary.operations >= operations, "{} of {operations} operations ran", summary.operations);
    // The sequences reached every kind of operation, and both outcomes of the ones that can fail.
    let kinds: std::collections::BTreeSet<&str> = summary.tally.keys().map(|(k, _)| *k).collect();
    assert_eq!(kinds.len(), 23, "kinds exercised: {kinds:?}");
    // Over a budget this size, both outcomes of each of these (a due change needs a long
    // sequence: the delay is 8 days) came up with the fixed seeds.
    let mut both = vec!["stake", "unstake", "mint", "burn", "stake_diem", "unstake_diem", "claim", "propose_change"];
    if operations >= 10_000 {
        both.extend(["finalize_unstake", "apply_change", "finalize_diem_unstake"]);
    }
    for kind in both {
        for ok in [true, false] {
            assert!(
                summary.tally.get(&(kind, ok)).copied().unwrap_or_default() > 0,
                "{kind} never {}",
                if ok { "succeeded" } else { "failed" }
            );
        }
    }
}
