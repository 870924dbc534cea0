//! `diem demo`: the whole lifecycle on an embedded bank, step by step, through the same
//! operations the command line runs.
use std::path::Path;

use diem::constants::*;
use diem_bank::{Bank, BankOptions, ONE_VVV, User, VVV_DECIMALS};
use diem_client::amount::format_amount;
use diem_client::credit::format_day;
use diem_client::ops::{Client, Reader};
use solana_signer::Signer;

use crate::output::position_output;
use crate::{CliError, Units};

fn vvv(units: u64) -> String {
    format_amount(units, VVV_DECIMALS)
}

fn diem(units: u64) -> String {
    format_amount(units, DIEM_DECIMALS)
}

async fn mint_rate(bank: &mut Bank) -> Result<String, CliError> {
    let mut reader = Reader::new(bank);
    let supply = reader.config().await?.pool.outstanding_diem;
    let curve = reader.curve().await?;
    let bucket =
        curve.iter().find(|e| e.supply_bound > supply).ok_or_else(|| CliError::Usage("supply cap reached".into()))?;
    Ok(format!("mint rate {} sVVV per DIEM at supply {} DIEM", vvv(bucket.rate() as u64), diem(supply)))
}

async fn balances(bank: &mut Bank, user: &User, name: &str) -> Result<String, CliError> {
    let mut reader = Reader::new(bank);
    let (wallet_vvv, wallet_diem) = (reader.token_balance(&user.vvv).await?, reader.token_balance(&user.diem).await?);
    let report = reader.position_report(&user.pubkey()).await?;
    Ok(format!(
        "    {name:<5} wallet {} VVV, {} DIEM | sVVV {} ({} locked) | DIEM outstanding {} staked {} | rewards {} VVV",
        vvv(wallet_vvv),
        diem(wallet_diem),
        vvv(report.active),
        vvv(report.locked),
        diem(report.outstanding_diem),
        diem(report.diem_staked),
        vvv(report.pending_rewards)
    ))
}

/// The repository's launch file, built into the binary: the demo's parameters when none are
/// named, so `diem demo` runs from any directory.
pub const BUILT_IN_LAUNCH: &str = include_str!("../../../migrations/launch.toml");

/// Runs the demo from `launch_file` (the built-in launch file if `None`) and returns what it
/// printed, line by line (also printed as it goes).
pub async fn run(launch_file: Option<&Path>) -> Result<Vec<String>, CliError> {
    let mut lines = Vec::new();
    let mut say = |line: String| {
        println!("{line}");
        lines.push(line);
    };
    let (launch, source) = match launch_file {
        Some(path) => (crate::commands::admin::load_launch(path)?, path.display().to_string()),
        None => (
            diem_client::launch::LaunchFile::parse(BUILT_IN_LAUNCH)
                .map_err(|e| CliError::Usage(format!("the built-in launch file: {e}")))?,
            "migrations/launch.toml (built in)".to_string(),
        ),
    };
    let mut bank = Bank::start(BankOptions::default()).await;
    let authority = bank.authority.insecure_clone();
    let deployer = bank.deployer.insecure_clone();
    let treasury = bank.treasury;
    let vvv_mint = bank.deployment.vvv_mint;

    say(format!("1. Deploy and initialize with {source} (minting paused), commit the curve"));
    Client::new(&mut bank, &deployer).init(&launch, vvv_mint, treasury, authority.pubkey()).await?;
    let curve = launch.curve(VVV_DECIMALS).map_err(|e| CliError::Usage(e.to_string()))?;
    Client::new(&mut bank, &authority).replace_curve(&curve).await?;
    let params = Reader::new(&mut bank).config().await?.params;
    say(format!(
        "    emission {} VVV/s, treasury shares {}/{} bps, cooldowns {} d / {} d",
        vvv(params.emission_rate),
        params.treasury_share_unlocked_bps,
        params.treasury_share_locked_bps,
        params.svvv_cooldown_secs / SECONDS_PER_DAY,
        params.diem_cooldown_secs / SECONDS_PER_DAY
    ));
    say(format!("    {}", mint_rate(&mut bank).await?));

    say("2. Minting announced: the authority unpauses it; the treasury funds 200,000 VVV of rewards".into());
    Client::new(&mut bank, &authority).set_pause(0).await?;
    let funder = bank.user(200_000 * ONE_VVV).await?;
    Client::new(&mut bank, &funder.key).fund_rewards(200_000 * ONE_VVV).await?;
    let alice = bank.user(100_000 * ONE_VVV).await?;
    let bob = bank.user(100_000 * ONE_VVV).await?;

    say("3. Alice stakes 60,000 VVV, Bob 40,000 VVV; one day passes".into());
    Client::new(&mut bank, &alice.key).stake(60_000 * ONE_VVV, None).await?;
    Client::new(&mut bank, &bob.key).stake(40_000 * ONE_VVV, None).await?;
    bank.advance(SECONDS_PER_DAY).await?;
    say(balances(&mut bank, &alice, "Alice").await?);
    say(balances(&mut bank, &bob, "Bob").await?);

    say("4. Both mint DIEM on the curve (quote first, 0.5 % slippage)".into());
    for (user, name, lock) in [(&alice, "Alice", 45_000 * ONE_VVV), (&bob, "Bob", 20_000 * ONE_VVV)] {
        let mut client = Client::new(&mut bank, &user.key);
        let quote = client.reader().quote(lock).await?.diem_out;
        let min_out = diem_client::curve::min_out_for_slippage(quote, 50).unwrap_or(quote);
        let minted = diem_client::ops::user::diem_minted(&client.mint(lock, min_out).await?).unwrap_or_default();
        say(format!("    {name} locks {} sVVV: quoted {} DIEM, minted {} DIEM", vvv(lock), diem(quote), diem(minted)));
        say(format!("    {}", mint_rate(&mut bank).await?));
    }

    say("5. Alice sells 100 DIEM to Bob; both stake DIEM for inference credit".into());
    bank.transfer_diem(&alice, &bob, 100 * ONE_DIEM).await?;
    for (user, name) in [(&alice, "Alice"), (&bob, "Bob")] {
        let held = Reader::new(&mut bank).token_balance(&user.diem).await?;
        Client::new(&mut bank, &user.key).stake_diem(held, None).await?;
        say(balances(&mut bank, user, name).await?);
    }

    say("6. The next UTC day begins: the service provider computes each owner's credit".into());
    let now = bank.now().await?;
    let next_midnight = (now / SECONDS_PER_DAY + 1) * SECONDS_PER_DAY;
    bank.advance(next_midnight - now + 60).await?;
    let day = next_midnight / SECONDS_PER_DAY;
    let credit = Reader::new(&mut bank).entitlements(day).await?;
    for e in &credit {
        let who = if e.owner == alice.pubkey().to_string() { "Alice" } else { "Bob" };
        say(format!(
            "    {who:<5} {} DIEM staked at 00:00 UTC on {}: ${} of inference today",
            diem(e.staked_diem),
            format_day(day),
            e.credit_usd
        ));
    }

    say("7. Alice exits: unstake DIEM (1 day), burn it all, unstake sVVV (7 days), claim".into());
    let staked = Reader::new(&mut bank).position_report(&alice.pubkey()).await?.diem_staked;
    let alice_ticket = opened(Client::new(&mut bank, &alice.key).unstake_diem(staked, None).await?)?;
    say(format!("    Alice's DIEM ticket {alice_ticket} unlocks in 1 day"));
    // She sold 100 DIEM; she buys them back from Bob to burn her whole outstanding. Bob's
    // request is a ticket of its own: it moves nothing of Alice's.
    bank.advance(SECONDS_PER_DAY / 2).await?;
    let bob_ticket = opened(Client::new(&mut bank, &bob.key).unstake_diem(100 * ONE_DIEM, None).await?)?;
    bank.advance(SECONDS_PER_DAY / 2).await?;
    Client::new(&mut bank, &alice.key).finalize_diem_unstake(&alice_ticket).await?;
    bank.advance(SECONDS_PER_DAY / 2).await?;
    Client::new(&mut bank, &bob.key).finalize_diem_unstake(&bob_ticket).await?;
    bank.transfer_diem(&bob, &alice, 100 * ONE_DIEM).await?;
    let outstanding = Reader::new(&mut bank).position_report(&alice.pubkey()).await?.outstanding_diem;
    Client::new(&mut bank, &alice.key).burn(outstanding).await?;
    say(format!("    Alice burned {} DIEM; {}", diem(outstanding), mint_rate(&mut bank).await?));
    let active = Reader::new(&mut bank).position_report(&alice.pubkey()).await?.active;
    let svvv_ticket = opened(Client::new(&mut bank, &alice.key).unstake(active).await?)?;
    bank.advance(7 * SECONDS_PER_DAY).await?;
    Client::new(&mut bank, &alice.key).finalize_unstake(&svvv_ticket).await?;
    Client::new(&mut bank, &alice.key).claim().await?;
    Client::new(&mut bank, &authority).pay_treasury().await?;
    say(balances(&mut bank, &alice, "Alice").await?);
    say(balances(&mut bank, &bob, "Bob").await?);
    let treasury_balance = Reader::new(&mut bank).token_balance(&treasury).await?;
    say(format!("    treasury received {} VVV (20 % of what locked sVVV earned)", vvv(treasury_balance)));
    say(position_output(&Reader::new(&mut bank).position_report(&bob.pubkey()).await?, Units { raw: false }).human);

    say("8. Audit: replay every event and reconcile with the chain".into());
    let report = Reader::new(&mut bank).audit().await?;
    for c in &report.checks {
        say(format!("    [{}] {}", if c.ok { "ok" } else { "BROKEN" }, c.name));
    }
    if !report.ok() {
        return Err(CliError::Usage("the audit found broken invariants".into()));
    }
    say(format!("done: {} events replayed, every invariant holds", report.events_replayed));
    Ok(lines)
}

/// The ticket an unstake request opened.
fn opened(outcome: diem_client::chain::Outcome) -> Result<anchor_lang::prelude::Pubkey, CliError> {
    diem_client::ops::user::opened_ticket(&outcome)
        .ok_or_else(|| CliError::Usage("the unstake request opened no ticket".into()))
}
