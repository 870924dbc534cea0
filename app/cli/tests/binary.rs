//! The `diem` binary as a new user meets it: run as a process, with no keypair file anywhere
//! (`HOME` is an empty folder) and an RPC endpoint on loopback where nothing listens.
use std::process::{Command, Output};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn home() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("diem-cli-home-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A loopback URL where nothing listens: a port the OS just handed out and took back.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn diem(args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_diem"))
        .args(args)
        .env("HOME", home())
        .env_remove("RUST_LOG")
        .output()
        .expect("the diem binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn fails_with(args: &[&str], wanted: &[&str]) -> Run {
    let run = diem(args);
    // 2 for what clap refuses, 1 for everything else: non-zero either way.
    assert!(matches!(run.code, Some(1 | 2)), "{args:?} exited {:?}: {}", run.code, run.stderr);
    for w in wanted {
        assert!(run.stderr.contains(w), "{args:?}: expected {w:?} in:\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("panicked"), "{args:?} panicked:\n{}", run.stderr);
    run
}

#[test]
fn read_only_commands_need_no_keypair() {
    let url = dead_url();
    // With no keypair file anywhere, a read gets as far as the network (and says it is down).
    for args in [
        vec!["quote", "900"],
        vec!["position", "11111111111111111111111111111112"],
        vec!["entitlements", "--day", "2026-12-02"],
        vec!["audit"],
        vec!["curve", "show"],
    ] {
        let mut all = vec!["--url", &url];
        all.extend(args.iter().copied());
        let run = fails_with(&all, &["cannot reach the RPC endpoint"]);
        assert!(!run.stderr.contains("keypair"), "{args:?} asked for a keypair:\n{}", run.stderr);
    }
    // A command that signs asks for the keypair, by name, before the network.
    fails_with(&["--url", &url, "stake", "1"], &["cannot read the keypair file", "--keypair", "diem keygen"]);
}

#[test]
fn arguments_are_checked_before_the_keypair_and_the_network() {
    let url = dead_url();
    // Amounts are parsed once, by clap: its message names the argument.
    fails_with(&["--url", &url, "stake", "abc"], &["'abc' for '<AMOUNT>'", "'abc' is not a decimal amount"]);
    fails_with(&["--url", &url, "stake", "0"], &["'0' for '<AMOUNT>'", "the amount must be greater than zero"]);
    fails_with(&["--url", &url, "--raw", "burn", "1.5"], &["burn AMOUNT: '1.5' is not a whole number of base units"]);
    fails_with(&["--url", &url, "mint", "10", "--min-out", "x"], &["--min-out <MIN_OUT>", "'x' is not a decimal amount"]);
    fails_with(
        &["--url", &url, "entitlements", "--day", "2026-02-31"],
        &["--day: '2026-02-31' is not a day of the calendar"],
    );
    fails_with(&["--url", &url, "entitlements", "--day", "tomorrow"], &["--day: 'tomorrow' is not a date"]);
    fails_with(&["--url", &url, "mint", "10", "--slippage-bps", "20000"], &["--slippage-bps", "20000"]);
    fails_with(&["--url", &url, "admin", "pause", "everything"], &["unknown pause flag 'everything'"]);
    fails_with(
        &[
            "--url",
            &url,
            "init",
            "--vvv-mint",
            "11111111111111111111111111111112",
            "--treasury",
            "11111111111111111111111111111112",
            "--params",
            "/nonexistent/launch.toml",
        ],
        &["--params /nonexistent/launch.toml", "cannot read"],
    );
}

#[test]
fn an_unreachable_endpoint_says_how_to_fix_it() {
    let url = dead_url();
    let run = fails_with(
        &["--url", &url, "quote", "1"],
        &["cannot reach the RPC endpoint", &url, "solana-test-validator", "--url"],
    );
    assert!(!run.stderr.contains("AccountNotFound"), "{}", run.stderr);
    let json = diem(&["--url", &url, "--json", "quote", "1"]);
    assert_eq!(json.code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v["error"].as_str().unwrap().contains("cannot reach the RPC endpoint"), "{v}");
}

#[test]
fn curve_generate_refuses_numbers_that_make_no_curve() {
    let generate = |base: &str, power: &str, target: &str, step: &str, decimals: &str| {
        vec![
            "curve".to_string(),
            "generate".into(),
            "--base-rate".into(),
            base.into(),
            "--power".into(),
            power.into(),
            "--target-supply".into(),
            target.into(),
            "--step".into(),
            step.into(),
            "--vvv-decimals".into(),
            decimals.into(),
        ]
    };
    let ok = generate("90", "2", "40000", "500", "6");
    let ok: Vec<&str> = ok.iter().map(String::as_str).collect();
    let run = diem(&ok);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 257, "a header and 256 buckets");
    for (args, wanted) in [
        (generate("-90", "2", "40000", "500", "6"), "base rate must be a positive number"),
        (generate("NaN", "2", "40000", "500", "6"), "base rate must be a positive number"),
        (generate("0", "2", "40000", "500", "6"), "base rate must be a positive number"),
        (generate("90", "-2", "40000", "500", "6"), "power must be zero or a positive number"),
        (generate("90", "2", "0", "500", "6"), "target supply must be a positive number"),
        (generate("90", "2", "40000", "0", "6"), "step must be a positive number"),
        (generate("90", "2", "40000", "500", "30"), "VVV decimals must be at most 18"),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails_with(&args, &["curve generate: ", wanted]);
    }
}

#[test]
fn every_command_has_a_help_line() {
    let run = diem(&["--help"]);
    assert_eq!(run.code, Some(0));
    for line in run.stdout.lines().skip_while(|l| !l.starts_with("Commands:")).skip(1).take_while(|l| !l.is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(words.len() >= 2, "no help line: {line:?}");
    }
    for group in ["admin", "curve", "dev"] {
        let run = diem(&[group, "--help"]);
        assert_eq!(run.code, Some(0), "{group}");
        let commands: Vec<&str> = run
            .stdout
            .lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        assert!(commands.len() >= 2, "{group}: {}", run.stdout);
        for line in commands {
            assert!(line.split_whitespace().count() >= 2, "{group}: no help line: {line:?}");
        }
    }
}

/// The record's commands: a bad store URL is refused by name; syncing needs the endpoint and
/// says so; `--offline` answers from an existing record (an empty one here) without the cluster.
#[test]
fn record_commands_name_their_problems() {
    let url = dead_url();
    fails_with(
        &["--url", &url, "entitlements", "--day", "2026-12-02", "--offline", "--db", "mysql://x"],
        &["record: database URL 'mysql://x': expected sqlite://PATH or postgres://"],
    );
    let db = format!("sqlite://{}/record.sqlite", home().display());
    fails_with(&["--url", &url, "index", "sync", "--db", &db], &["cannot reach the RPC endpoint"]);
    // An empty record, as a first `diem index sync` leaves it.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(diem_indexer::store::Store::open(&db)).unwrap();
    let run = diem(&["--url", &url, "history", "11111111111111111111111111111112", "--offline", "--db", &db]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("0 events"), "{}", run.stdout);
    let run = diem(&["--url", &url, "--json", "entitlements", "--day", "2026-12-02", "--offline", "--db", &db]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!((json["day"].as_str(), json["final"].as_bool()), (Some("2026-12-02"), Some(false)));
    fails_with(&["--url", &url, "entitlements", "--day", "2026-12-02", "--format", "xml"], &["--format"]);
    // Delivery to billing: an endpoint that is no http(s) URL, no endpoint at all, no keypair to
    // sign with, a first day that is no day: each refused by name.
    fails_with(
        &["--url", &url, "index", "deliver", "--offline", "--db", &db, "--billing-endpoint", "ftp://x"],
        &["'ftp://x' is not an http:// or https:// URL"],
    );
    fails_with(
        &["--url", &url, "index", "deliver", "--offline", "--db", &db],
        &["deliver: name at least one --billing-endpoint"],
    );
    fails_with(
        &["--url", &url, "index", "deliver", "--offline", "--db", &db, "--billing-endpoint", "http://127.0.0.1:9/d"],
        &["keypair"],
    );
    let keypair = home().join("billing.json");
    let key = solana_keypair::Keypair::new();
    std::fs::write(&keypair, serde_json::to_string(&key.to_bytes().to_vec()).unwrap()).unwrap();
    let keypair = keypair.to_str().unwrap();
    fails_with(
        &[
            "--url", &url, "--keypair", keypair, "index", "deliver", "--offline", "--db", &db,
            "--billing-endpoint", "http://127.0.0.1:9/d", "--billing-from", "2026-02-30",
        ],
        &["--billing-from"],
    );
}

/// `diem keygen` writes a new file (owner-only on Unix) and never overwrites one: a keypair file
/// may hold the only copy of a key with funds.
#[test]
fn keygen_never_overwrites_a_file() {
    let dir = home().join(format!("keygen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("key.json");
    let file = path.to_str().unwrap();
    let first = diem(&["keygen", file]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let before = std::fs::read(&path).unwrap();
    assert_eq!(serde_json::from_slice::<Vec<u8>>(&before).unwrap().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    fails_with(&["keygen", file], &["already exists", "never overwrites"]);
    assert_eq!(std::fs::read(&path).unwrap(), before, "the first key is untouched");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--offline` reads an existing record: a store that does not exist (a mistyped `--db`) is an
/// error by name, not a new, empty record reporting zero owners.
#[test]
fn offline_on_a_store_that_does_not_exist_is_an_error() {
    let missing = home().join(format!("no-such-record-{}.sqlite", std::process::id()));
    let db = format!("sqlite://{}", missing.display());
    fails_with(&["entitlements", "--day", "2026-12-02", "--offline", "--db", &db], &["no store at", "--offline"]);
    assert!(!missing.exists(), "no store was created");
}

/// `diem demo` runs from any directory: with no `--params` its launch file is the one built into
/// the binary (here run from an empty folder).
#[cfg(feature = "demo")]
#[test]
fn the_demo_runs_from_any_directory() {
    let elsewhere = home().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_diem"))
        .arg("demo")
        .current_dir(&elsewhere)
        .env("HOME", home())
        .env_remove("RUST_LOG")
        .output()
        .expect("the diem binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("migrations/launch.toml (built in)"), "{stdout}");
    assert!(stdout.contains("every invariant holds"), "{stdout}");
}

/// An argument clap refuses is reported as JSON under `--json`, wherever the flag stands, with
/// clap's exit code; without `--json` it stays clap's text on stderr.
#[test]
fn argument_errors_are_json_under_json() {
    for args in [&["--json", "stake", "1", "--bogus"][..], &["stake", "1", "--bogus", "--json"][..]] {
        let run = diem(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        let body: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
        assert!(body["error"].as_str().unwrap().contains("--bogus"), "{body}");
        assert_eq!(body["kind"], "usage");
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
    let run = diem(&["stake", "1", "--bogus"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stdout.is_empty() && run.stderr.contains("--bogus"), "{}", run.stderr);
    // Help is help, JSON or not.
    let run = diem(&["--json", "--help"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("Usage"), "{}", run.stdout);
}

/// `diem init` refuses a metadata URI wallets could never fetch, before it reads a keypair or
/// the network: a placeholder domain anywhere, a loopback address beyond a local validator.
#[test]
fn init_refuses_metadata_wallets_cannot_fetch() {
    let dir = home().join("launch-files");
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/launch.toml")).unwrap();
    let with_uri = |name: &str, uri: &str| {
        let path = dir.join(name);
        let text: String = shipped
            .lines()
            .map(|l| if l.starts_with("diem_uri") { format!("diem_uri = \"{uri}\"") } else { l.to_string() })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let key = "11111111111111111111111111111112";
    let placeholder = with_uri("placeholder.toml", "https://diem.example/metadata/diem.json");
    let init = |url: &str, params: &str, extra: &[&str]| {
        let mut args = vec!["--url", url, "init", "--vvv-mint", key, "--treasury", key, "--params", params];
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let local = dead_url();
    let args = init(&local, &placeholder, &[]);
    fails_with(&args.iter().map(String::as_str).collect::<Vec<_>>(), &["PlaceholderMetadataUri", "diem.example", "--allow-placeholder-uri"]);
    // The shipped launch file names `diem serve` on this machine: fine for a local validator,
    // refused for a public cluster.
    let shipped_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/launch.toml");
    let args = init("https://api.mainnet-beta.solana.com", shipped_path, &[]);
    fails_with(&args.iter().map(String::as_str).collect::<Vec<_>>(), &["LoopbackMetadataUri", "127.0.0.1"]);
    // Allowed explicitly, the launch goes on to the keypair (none here) instead.
    let args = init(&local, &placeholder, &["--allow-placeholder-uri"]);
    let run = diem(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_ne!(run.code, Some(0));
    assert!(!format!("{}{}", run.stdout, run.stderr).contains("MetadataUri"), "{}{}", run.stdout, run.stderr);
}
