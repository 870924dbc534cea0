//! What the benchmark binaries (`src/bin/bench_*.rs`) share: their arguments and memory readings.

/// The value after `--name` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_string())
}

/// A memory figure of process `pid` (`"self"` for this one) from `/proc/PID/status`, in MiB:
/// `VmRSS:` (resident now) or `VmHWM:` (peak resident so far). 0 where it cannot be read.
pub fn memory_mib(pid: &str, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}
