//! The `diem` command line, run through the same `execute` the binary calls, on the bank:
//! every command, `--json` parsed back, `--raw`, errors shown by name, the curve generator's
//! JSON format, the client quote against the program's, and the demo.
use clap::Parser;
use diem::constants::*;
use diem_cli::{Cli, CliError, Output, Units, execute};
use diem_client::curve::{CurveParams, generate_curve, quote_mint};
use diem_tests::*;
use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;

async fn run(env: &mut Env, signer: &Keypair, args: &[&str]) -> Result<Output, CliError> {
    let cli = Cli::try_parse_from(std::iter::once("diem").chain(args.iter().copied())).expect("arguments parse");
    let out = execute(&cli.command, &mut env.bank, Some(signer), Units { raw: cli.raw }).await;
    env.check_invariants().await;
    out
}

async fn json(env: &mut Env, signer: &Keypair, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = run(env, signer, &args).await.unwrap_or_else(|e| panic!("{args:?}: {e}"));
    // What the binary prints is this JSON, pretty-printed: parse it back from text.
    serde_json::from_str(&serde_json::to_string_pretty(&out.json).unwrap()).unwrap()
}

#[tokio::test]
async fn every_user_command_round_trips_as_json() {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    let funder = env.user(1_000_000 * ONE_VVV).await;
    let a = alice.key.insecure_clone();
    let f = funder.key.insecure_clone();
    // Enough for the simulated days below at the tests' 1 VVV/s.
    assert_eq!(json(&mut env, &f, &["fund-rewards", "1000000"]).await["events"][0], "RewardsFunded");
    let out = json(&mut env, &a, &["stake", "1000.5"]).await;
    assert_eq!(out["events"][0], "Staked");
    let p = json(&mut env, &a, &["position"]).await;
    assert_eq!(
        (p["active"].as_str(), p["unlocked"].as_str(), p["locked"].as_str()),
        (Some("1000.5"), Some("1000.5"), Some("0"))
    );
    // --raw shows base units.
    let p = json(&mut env, &a, &["position", "--raw"]).await;
    assert_eq!(p["active"], "1000500000");

    // quote, then mint with the default 0.5 % slippage: the mint matches the quote.
    let q = json(&mut env, &a, &["quote", "90"]).await;
    let m = json(&mut env, &a, &["mint", "90"]).await;
    assert_eq!(m["quoted"], q["diem"]);
    assert_eq!(m["minted"], q["diem"]);
    let minted = m["minted"].as_str().unwrap().to_string();
    let p = json(&mut env, &a, &["position"]).await;
    assert_eq!((p["locked"].as_str(), p["outstanding_diem"].as_str()), (Some("90"), Some(minted.as_str())));
    assert!(p["average_lock_rate"].as_str().unwrap().starts_with("90.000"));

    // DIEM staking through a ticket: unstake-diem names the ticket it opened and its unlock time;
    // `tickets` and `position` list it with a countdown flag; finalize names it.
    assert_eq!(json(&mut env, &a, &["stake-diem", &minted]).await["events"][0], "DiemStaked");
    let opened = json(&mut env, &a, &["unstake-diem", &minted]).await;
    assert_eq!(opened["events"][0], "DiemUnstakeInitiated");
    let ticket = opened["ticket"].as_str().unwrap().to_string();
    assert_eq!(opened["unlock_at"], env.now().await + SECONDS_PER_DAY);
    let p = json(&mut env, &a, &["position"]).await;
    assert_eq!((p["tickets"][0]["ticket"].as_str(), &p["tickets"][0]["ready"]), (Some(ticket.as_str()), &serde_json::json!(false)));
    env.advance(SECONDS_PER_DAY).await;
    let t = json(&mut env, &a, &["tickets"]).await;
    assert_eq!((t["tickets"][0]["kind"].as_str(), &t["tickets"][0]["ready"]), (Some("DIEM"), &serde_json::json!(true)));
    let done = json(&mut env, &a, &["finalize-diem-unstake", &ticket]).await;
    assert_eq!(done["events"][0], "DiemUnstakeFinalized");
    assert!(done["result"].as_str().unwrap().contains(&ticket));
    // What came back, and where to.
    assert_eq!(done["amount"].as_str(), Some(minted.as_str()));
    assert_eq!(done["destination"].as_str(), Some(alice.diem.to_string().as_str()));
    assert_eq!(json(&mut env, &a, &["tickets"]).await["tickets"].as_array().unwrap().len(), 0);
    // Staking for a beneficiary, and moving that stake to another.
    let beneficiary = solana_keypair::Keypair::new().pubkey().to_string();
    let other = solana_keypair::Keypair::new().pubkey().to_string();
    json(&mut env, &a, &["stake-diem", "0.5", "--beneficiary", &beneficiary]).await;
    let p = json(&mut env, &a, &["position"]).await;
    // Alice's stake for herself stays open (at zero) beside it; the list's order is the accounts'.
    let stakes = p["diem_stakes"].as_array().unwrap();
    let for_beneficiary = stakes.iter().find(|s| s["beneficiary"].as_str() == Some(beneficiary.as_str())).unwrap();
    assert_eq!(for_beneficiary["staked"].as_str(), Some("0.5"));
    let moved = json(&mut env, &a, &["set-beneficiary", &beneficiary, &other]).await;
    assert_eq!(moved["events"][0], "DiemBeneficiaryChanged");
    let opened = json(&mut env, &a, &["unstake-diem", "0.5", "--beneficiary", &other]).await;
    let ticket = opened["ticket"].as_str().unwrap().to_string();
    assert_eq!(json(&mut env, &a, &["cancel-diem-unstake", &ticket]).await["events"][0], "DiemUnstakeCancelled");
    // Cancelled into Alice's own stake; out again so that all her DIEM can be burned.
    let ticket = json(&mut env, &a, &["unstake-diem", "0.5"]).await["ticket"].as_str().unwrap().to_string();
    env.advance(SECONDS_PER_DAY).await;
    json(&mut env, &a, &["finalize-diem-unstake", &ticket]).await;

    // Burn it all, claim, unstake through the cooldown, cancel and redo, compound.
    let burned = json(&mut env, &a, &["burn", &minted]).await;
    assert_eq!(burned["events"][0], "DiemBurned");
    // The last burn releases everything it locked: the 90 sVVV of the mint.
    assert_eq!(burned["released_svvv"], "90");
    assert!(burned["result"].as_str().unwrap().ends_with("released 90 sVVV"), "{burned}");
    env.advance(100).await;
    let claimed = json(&mut env, &a, &["claim"]).await;
    assert_eq!(claimed["events"][0], "RewardsClaimed");
    let amount = claimed["amount"].as_str().unwrap().to_string();
    assert!(amount.parse::<f64>().unwrap() > 0.0, "{claimed}");
    assert_eq!(claimed["result"].as_str(), Some(format!("claimed {amount} VVV of rewards").as_str()));
    env.advance(100).await;
    let compounded = json(&mut env, &a, &["claim", "--compound"]).await;
    assert_eq!(compounded["events"][0], "RewardsClaimed");
    assert!(compounded["result"].as_str().unwrap().starts_with("compounded "), "{compounded}");
    let first = json(&mut env, &a, &["unstake", "500"]).await["ticket"].as_str().unwrap().to_string();
    json(&mut env, &a, &["cancel-unstake", &first]).await;
    let second = json(&mut env, &a, &["unstake", "500"]).await["ticket"].as_str().unwrap().to_string();
    assert_ne!(first, second, "each request is a ticket of its own");
    // Handed to another wallet, which finalizes it.
    let friend = env.user(0).await;
    let to = friend.pubkey().to_string();
    assert_eq!(json(&mut env, &a, &["transfer-ticket", &second, &to]).await["events"][0], "TicketTransferred");
    env.advance(7 * SECONDS_PER_DAY).await;
    let fk = friend.key.insecure_clone();
    let paid = json(&mut env, &fk, &["finalize-unstake", &second]).await;
    assert_eq!(paid["events"][0], "UnstakeFinalized");
    assert_eq!((paid["amount"].as_str(), paid["destination"].as_str()), (Some("500"), Some(friend.vvv.to_string().as_str())));
    json(&mut env, &f, &["pay-treasury"]).await;
    let report = json(&mut env, &a, &["audit"]).await;
    assert!(report["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true), "{report:#}");
    assert!(report["events_replayed"].as_u64().unwrap() > 10);
}

#[tokio::test]
async fn program_errors_are_shown_by_name_and_message() {
    let mut env = Env::launched().await;
    let alice = env.user(1_000 * ONE_VVV).await;
    let a = alice.key.insecure_clone();
    run(&mut env, &a, &["stake", "100"]).await.unwrap();
    let err = run(&mut env, &a, &["unstake", "100.000001"]).await.unwrap_err().to_string();
    assert!(err.contains("InsufficientUnlocked") && err.contains("Not enough unlocked sVVV"), "{err}");
    let err = run(&mut env, &a, &["mint", "90", "--min-out", "1000"]).await.unwrap_err().to_string();
    assert!(err.contains("SlippageExceeded") && err.contains("6008"), "{err}");
    let nowhere = solana_keypair::Keypair::new().pubkey().to_string();
    let err = run(&mut env, &a, &["finalize-unstake", &nowhere]).await.unwrap_err().to_string();
    assert!(err.contains("is not open"), "{err}");
    assert!(Cli::try_parse_from(["diem", "finalize-unstake"]).is_err(), "the ticket id is required");
    let err = run(&mut env, &a, &["transfer-ticket", &nowhere, "11111111111111111111111111111111"]).await.unwrap_err().to_string();
    assert!(err.contains("default (all-zero) key"), "{err}");
    let ticket = json(&mut env, &a, &["unstake", "10"]).await["ticket"].as_str().unwrap().to_string();
    let err = run(&mut env, &a, &["finalize-unstake", &ticket]).await.unwrap_err().to_string();
    assert!(err.contains("CooldownNotElapsed"), "{err}");
    // It says when: 7 days from now, to the second, and how long that is.
    let unlock_at = env.ticket(&ticket.parse().unwrap()).await.unwrap().unlock_at;
    let day = diem_client::credit::format_day(diem_client::credit::day_of(unlock_at));
    assert!(err.contains(&format!("unlocks at {day}")) && err.contains("(in 7 d)"), "{err}");
    let err = run(&mut env, &a, &["stake", "1.0000001"]).await.unwrap_err().to_string();
    assert!(err.contains("more than 6 decimal places"), "{err}");
    // A failure outside the program in plain words: more DIEM than the wallet holds.
    let err = run(&mut env, &a, &["stake-diem", "1000000"]).await.unwrap_err().to_string();
    assert!(err.starts_with("not enough tokens in the source account"), "{err}");
    // Administration through the CLI: pausing mint refuses a mint by name; the flags read as names.
    let authority = env.authority.insecure_clone();
    let paused = run(&mut env, &authority, &["admin", "pause", "mint"]).await.unwrap();
    assert!(paused.human.contains("paused: nothing -> mint"), "{}", paused.human);
    let err = run(&mut env, &a, &["mint", "1"]).await.unwrap_err().to_string();
    assert!(err.contains("OperationPaused"), "{err}");
    run(&mut env, &authority, &["admin", "pause", "--clear", "mint"]).await.unwrap();
    run(&mut env, &a, &["mint", "1"]).await.unwrap();
    let err = run(&mut env, &a, &["admin", "pause", "stake"]).await.unwrap_err().to_string();
    assert!(err.contains("Unauthorized"), "{err}");
}

#[tokio::test]
async fn curve_generate_prints_decimal_strings() {
    let mut env = Env::new().await;
    let nobody = Keypair::new();
    let out = json(
        &mut env,
        &nobody,
        &[
            "curve",
            "generate",
            "--base-rate",
            "90",
            "--power",
            "2",
            "--target-supply",
            "40000",
            "--step",
            "500",
            "--vvv-decimals",
            "6",
        ],
    )
    .await;
    let entries = out["entries"].as_array().unwrap();
    assert_eq!(entries.len(), CURVE_LEN);
    let expected = generate_curve(&CurveParams::LAUNCH, 6).unwrap();
    for (row, e) in entries.iter().zip(&expected) {
        assert_eq!(row["supply_bound"].as_str().unwrap(), e.supply_bound.to_string());
        assert_eq!(row["rate"].as_str().unwrap(), e.rate().to_string());
    }
    assert_eq!(entries[0]["supply_bound"], "500000000000");
}

#[tokio::test]
async fn curve_show_entitlements_and_admin() {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    let a = alice.key.insecure_clone();
    let shown = json(&mut env, &a, &["curve", "show"]).await;
    let generated = launch_curve();
    assert_eq!(shown["entries"][79]["rate"].as_str().unwrap(), generated[79].rate().to_string());
    run(&mut env, &a, &["stake", "10000"]).await.unwrap();
    let minted = json(&mut env, &a, &["mint", "900"]).await["minted"].as_str().unwrap().to_string();
    run(&mut env, &a, &["stake-diem", &minted]).await.unwrap();
    // Credit for the next UTC day: the stake at its 00:00.
    let now = env.now().await;
    let day = now / SECONDS_PER_DAY + 1;
    let date = diem_client::credit::format_day(day);
    assert_eq!(diem_client::credit::parse_day(&date).unwrap(), day);
    let out = json(&mut env, &a, &["entitlements", "--day", &date]).await;
    let rows = out["entitlements"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["owner"], alice.pubkey().to_string());
    assert_eq!(rows[0]["credit_usd"].as_str().unwrap(), minted);
    // The stake was made during the current day, after its 00:00: no credit for today.
    let today = day - 1;
    let events = env.bank.event_log.clone();
    assert!(diem_client::credit::diem_staked_at(&events, today * SECONDS_PER_DAY).is_empty());
    assert_eq!(diem_client::credit::diem_staked_at(&events, day * SECONDS_PER_DAY).len(), 1);
    // Two-step authority and parameters through the CLI.
    let authority = env.authority.insecure_clone();
    let next = Keypair::new();
    let pk = next.pubkey().to_string();
    run(&mut env, &authority, &["admin", "propose-authority", &pk]).await.unwrap();
    // After the launch a parameter is proposed, shown to users, and applied by anyone when due.
    let err = run(&mut env, &authority, &["admin", "set-params", "--emission-rate", "2.5"]).await.unwrap_err();
    assert!(err.to_string().contains("ChangeMustBeProposed"), "{err}");
    run(&mut env, &authority, &["admin", "propose", "emission-rate", "2.5"]).await.unwrap();
    let pending = json(&mut env, &a, &["admin", "pending"]).await;
    assert_eq!(pending["pending"][0]["kind"], "emission-rate");
    let position = json(&mut env, &a, &["position"]).await;
    assert_eq!(position["pending_changes"][0]["kind"], "emission-rate", "{position:#}");
    let err = run(&mut env, &a, &["admin", "apply", "emission-rate"]).await.unwrap_err();
    assert!(err.to_string().contains("ChangeNotDue"), "{err}");
    env.advance(pending["change_delay"].as_i64().unwrap()).await;
    run(&mut env, &a, &["admin", "apply", "emission-rate"]).await.unwrap();
    assert_eq!(env.config().await.params.emission_rate, 2_500_000);
    // For a multisig: the unsigned message, paid by and naming the multisig as authority.
    let multisig = Keypair::new().pubkey();
    let out = json(
        &mut env,
        &a,
        &["admin", "--export", "base64", "--authority", &multisig.to_string(), "propose", "diem-cooldown", "7200"],
    )
    .await;
    let bytes = base64_decode(out["messages"][0].as_str().unwrap());
    let message: solana_transaction::Message = bincode_message(&bytes);
    assert_eq!(message.account_keys[0], multisig);
    assert!(message.account_keys.contains(&diem::ID));
    assert!(env.reader().pending_changes().await.unwrap().iter().all(|p| p.change.kind() != 4), "nothing was sent");
}

/// The client's quote (the program's maths over the curve read from chain) equals the
/// program's own `quote_mint` to the base unit, over many supplies and amounts.
#[tokio::test]
async fn client_quotes_equal_the_programs() {
    let mut env = Env::launched().await;
    let whale = env.user(u64::MAX / 2).await;
    env.by(&whale).stake(u64::MAX / 2, None).await.unwrap();
    let curve = launch_curve();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut compared = 0;
    for _ in 0..25 {
        let supply = env.config().await.pool.outstanding_diem;
        for _ in 0..8 {
            let amount = match next() % 3 {
                0 => next() % (1_000 * ONE_VVV),
                1 => next() % (1_000_000 * ONE_VVV),
                _ => next() % (100_000_000 * ONE_VVV),
            };
            let client = quote_mint(&curve, supply, amount);
            match (client, env.quote(amount).await) {
                (Ok(c), Ok(p)) => assert_eq!(c.diem_out, p, "supply {supply}, amount {amount}"),
                (Err(c), Err(p)) => assert_diem_err(p, c),
                (c, p) => panic!("supply {supply}, amount {amount}: client {c:?}, program {p:?}"),
            }
            compared += 1;
        }
        // Move the supply up the curve by a random lock.
        let lock = next() % (3_000_000 * ONE_VVV) + ONE_VVV;
        let _ = env.by(&whale).mint(lock, 0).await;
    }
    assert_eq!(compared, 200);
    assert!(
        env.config().await.pool.outstanding_diem > 20_000 * ONE_DIEM,
        "the walk reached the steep part of the curve"
    );
}

#[tokio::test]
async fn the_demo_runs_to_a_clean_audit() {
    // No launch file named: the one built into the binary, whatever the working directory.
    let lines = diem_cli::demo::run(None).await.expect("demo");
    assert!(lines[0].contains("migrations/launch.toml (built in)"), "{}", lines[0]);
    assert!(lines.last().unwrap().contains("every invariant holds"), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("of inference today")));
    assert!(lines.iter().any(|l| l.contains("minted")));
    // The credit's day reads as a date, not as a day number.
    let credit: Vec<&String> = lines.iter().filter(|l| l.contains("of inference today")).collect();
    for line in &credit {
        let date = line.split(" on ").nth(1).and_then(|rest| rest.split(':').next()).unwrap_or_default();
        assert!(diem_client::credit::parse_day(date).is_ok(), "no YYYY-MM-DD in {line:?}");
        assert!(!line.contains("day 2"), "{line}");
    }
    assert_eq!(credit.len(), 2, "{lines:#?}");
}

/// A launch file named on the command line is the one the demo runs; one that does not parse
/// is refused by name, before any bank starts.
#[tokio::test]
async fn the_demo_runs_a_named_launch_file_and_refuses_a_bad_one() {
    let launch = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/launch.toml"));
    let lines = diem_cli::demo::run(Some(launch)).await.expect("demo");
    assert!(lines[0].contains(&launch.display().to_string()), "{}", lines[0]);
    let bad = std::env::temp_dir().join(format!("diem-bad-launch-{}.toml", std::process::id()));
    std::fs::write(&bad, "[curve]\nbase_rate = \"ninety\"\n").unwrap();
    let err = diem_cli::demo::run(Some(&bad)).await.unwrap_err().to_string();
    std::fs::remove_file(&bad).unwrap();
    assert!(err.contains("--params") && err.contains("diem-bad-launch"), "{err}");
}

/// Reads run without a signer: quote, someone's position, the credit, the curve and the audit.
#[tokio::test]
async fn reads_need_no_signer() {
    let mut env = Env::launched().await;
    let alice = env.user(10_000 * ONE_VVV).await;
    env.by(&alice).stake(5_000 * ONE_VVV, None).await.unwrap();
    let units = Units { raw: false };
    let owner = alice.pubkey().to_string();
    for args in [
        vec!["quote", "900"],
        vec!["position", owner.as_str()],
        vec!["entitlements", "--day", "2026-12-02"],
        vec!["curve", "show"],
        vec!["audit"],
    ] {
        let cli = Cli::try_parse_from(std::iter::once("diem").chain(args.iter().copied())).unwrap();
        let out = execute(&cli.command, &mut env.bank, None, units).await;
        assert!(out.is_ok(), "{args:?}: {:?}", out.err());
    }
    let cli = Cli::try_parse_from(["diem", "position", owner.as_str()]).unwrap();
    let out = execute(&cli.command, &mut env.bank, None, units).await.unwrap();
    assert_eq!(out.json["active"], "5000");
    // What signs still needs one, and says so.
    let cli = Cli::try_parse_from(["diem", "stake", "1"]).unwrap();
    let err = execute(&cli.command, &mut env.bank, None, units).await.unwrap_err().to_string();
    assert!(err.contains("`stake` signs a transaction: pass --keypair FILE"), "{err}");
}

/// The deployment flow of `scripts/validator-e2e.sh`, on the bank: a VVV mint from `dev`,
/// `init` from the launch file by the upgrade authority, the launch ended by opening every
/// inflow, a wallet funded.
#[tokio::test]
async fn init_from_the_launch_file_with_dev_helpers() {
    let mut env = Env::new().await;
    let deployer = env.deployer.insecure_clone();
    let dir = std::env::temp_dir().join(format!("diem-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keyfile = dir.join("alice.json");
    let out = json(&mut env, &deployer, &["keygen", keyfile.to_str().unwrap()]).await;
    let alice = diem_cli::keypair::read_keypair(&keyfile).unwrap();
    assert_eq!(out["pubkey"], alice.pubkey().to_string());

    let setup = json(&mut env, &deployer, &["dev", "setup-vvv", "--amount", "500000"]).await;
    let (mint, treasury) =
        (setup["vvv_mint"].as_str().unwrap().to_string(), setup["treasury"].as_str().unwrap().to_string());
    let launch = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/launch.toml");
    json(&mut env, &deployer, &["init", "--vvv-mint", &mint, "--treasury", &treasury, "--params", launch]).await;
    let config = env.config().await;
    assert_eq!(
        (config.authority, config.curve_version, config.paused, config.in_launch()),
        (deployer.pubkey(), 1, pause::LAUNCH_INFLOWS, true)
    );
    assert_eq!(config.params.emission_rate, 79_274, "2,500,000 VVV a year from the launch file");
    json(&mut env, &deployer, &["admin", "pause", "--clear", "all"]).await;
    assert!(!env.config().await.in_launch());
    json(&mut env, &deployer, &["dev", "fund", &mint, &alice.pubkey().to_string(), "2500"]).await;
    json(&mut env, &deployer, &["fund-rewards", "100000"]).await;
    json(&mut env, &alice, &["stake", "2000"]).await;
    let minted = json(&mut env, &alice, &["mint", "900"]).await;
    assert_eq!(minted["minted"], minted["quoted"]);
    let report = json(&mut env, &alice, &["audit"]).await;
    assert!(report["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true), "{report:#}");
    let _ = std::fs::remove_dir_all(dir);
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn bincode_message(bytes: &[u8]) -> solana_transaction::Message {
    bincode::deserialize(bytes).unwrap()
}
