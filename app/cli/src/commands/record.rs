//! The record's commands (SPEC §12): `index sync|follow`, `entitlements`, `history`, `audit`
//! and `serve`, over the indexer's store. Each catches the record up first unless `--offline`.
use std::path::PathBuf;

use diem::constants::DIEM_DECIMALS;
use diem_indexer::audit::FullAudit;
use diem_indexer::follow::{FollowOptions, FollowSinks};
use diem_indexer::{Retry, RpcSource, Store, Syncer};
use serde_json::json;

use diem_indexer::billing::{Deliverer, DeliveryOptions};
use solana_keypair::Keypair;

use crate::args::{BillingArgs, Format, IndexCommand, RecordArgs, RecordCommand as Command};
use crate::{CliError, Output, Units};

/// `sqlite://…/diem/record.sqlite` in the data directory.
pub fn default_db() -> String {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    format!("sqlite://{}", base.join("diem/record.sqlite").display())
}

/// Where every record command keeps its record.
pub fn record_args(command: &Command) -> &RecordArgs {
    match command {
        Command::Audit { record }
        | Command::Entitlements { record, .. }
        | Command::History { record, .. }
        | Command::Serve { record, .. }
        | Command::Index(
            IndexCommand::Sync { record } | IndexCommand::Follow { record, .. } | IndexCommand::Deliver { record, .. },
        ) => record,
    }
}

/// The commands that run as a service (and log as one).
pub fn is_service(command: &Command) -> bool {
    matches!(
        command,
        Command::Serve { .. } | Command::Index(IndexCommand::Follow { .. } | IndexCommand::Deliver { .. })
    )
}

/// Where the command pushes final days, if it does.
pub fn billing_args(command: &Command) -> Option<&BillingArgs> {
    match command {
        Command::Serve { billing, .. }
        | Command::Index(IndexCommand::Follow { billing, .. } | IndexCommand::Deliver { billing, .. }) => {
            Some(billing).filter(|b| !b.endpoints.is_empty())
        }
        _ => None,
    }
}

/// The first day `billing`'s newly registered endpoints are owed (every frozen day by default).
fn billing_from(billing: &BillingArgs) -> Result<i64, CliError> {
    match &billing.billing_from {
        Some(day) => diem_client::credit::parse_day(day).map_err(|e| CliError::Usage(format!("--billing-from: {e}"))),
        None => Ok(i64::MIN),
    }
}

fn delivery_options(billing: &BillingArgs) -> DeliveryOptions {
    DeliveryOptions {
        first_retry: std::time::Duration::from_millis(billing.billing_retry_ms),
        timeout: std::time::Duration::from_secs(billing.billing_timeout_secs),
        ..DeliveryOptions::default()
    }
}

/// A deliverer for `billing`'s endpoints on `store` (registering them), signing with `signer`.
async fn deliverer<'s>(store: &'s Store, billing: &BillingArgs, signer: Keypair) -> Result<Deliverer<'s>, CliError> {
    Deliverer::new(store, billing.endpoints.clone(), billing_from(billing)?, signer, delivery_options(billing))
        .await
        .map_err(store_error)
}


fn store_error(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("record: {e}"))
}

/// Catches the record up, drawing a progress bar on a terminal.
async fn sync(
    store: &Store,
    source: &RpcSource,
    record: &RecordArgs,
    quiet: bool,
) -> Result<diem_indexer::SyncReport, CliError> {
    let bar = indicatif::ProgressBar::new(0);
    if quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} transactions, {msg} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut on_progress = |p: diem_indexer::SyncProgress| {
        bar.set_length(p.transactions_total);
        bar.set_position(p.transactions_done);
        bar.set_message(format!("{} events", p.events));
    };
    let mut syncer = Syncer::new(store, source);
    syncer.batch_events = record.batch_events as usize;
    syncer.page = record.page;
    let report = syncer.sync(&mut on_progress).await.map_err(store_error);
    bar.finish_and_clear();
    report
}

/// Runs a record command; `billing_signer` signs delivered days (read by the caller when the
/// command names billing endpoints).
pub async fn run(
    url: &str,
    command: &Command,
    units: Units,
    json_out: bool,
    billing_signer: Option<Keypair>,
) -> Result<Output, CliError> {
    let record = record_args(command);
    let db = record.db.clone().unwrap_or_else(default_db);
    let store = if record.offline { Store::open_existing(&db).await } else { Store::open(&db).await };
    let store = store.map_err(store_error)?;
    let source = RpcSource::new(url, &record.commitment, Retry::default());
    let follows =
        matches!(command, Command::Index(IndexCommand::Follow { .. }) | Command::Serve { no_follow: false, .. });
    let synced = if record.offline || follows { None } else { Some(sync(&store, &source, record, json_out).await?) };
    Ok(match command {
        Command::Index(IndexCommand::Sync { .. }) => {
            let r = synced.unwrap_or_default();
            Output {
                human: format!(
                    "record ({}) holds events 1 to {}: {} transactions read, {} events recorded; finalized through slot {}",
                    store.backend(),
                    r.last_seq,
                    r.transactions,
                    r.events,
                    r.synced_slot
                ),
                json: serde_json::to_value(&r).unwrap_or_default(),
            }
        }
        Command::Index(IndexCommand::Follow { interval_secs, max_polls, wake, .. }) => {
            let options = FollowOptions {
                max_polls: *max_polls,
                websocket: wake.websocket(url),
                ..FollowOptions::every(*interval_secs)
            };
            let say = |r: &diem_indexer::SyncReport| {
                eprintln!("recorded {} events; the record holds 1 to {}", r.events, r.last_seq)
            };
            let sinks = FollowSinks { on_events: (!json_out).then_some(&say as _), ..FollowSinks::default() };
            let deliverer = match (billing_args(command), billing_signer) {
                (Some(billing), Some(signer)) => Some(deliverer(&store, billing, signer).await?),
                _ => None,
            };
            let report = tokio::select! {
                report = diem_indexer::follow::follow(&store, &source, &options, sinks) => report.map_err(store_error)?,
                never = Deliverer::run_if_any(deliverer.as_ref()) => match never {},
            };
            Output {
                human: format!("stopped following: record holds events 1 to {}", report.last_seq),
                json: serde_json::to_value(&report).unwrap_or_default(),
            }
        }
        Command::Index(IndexCommand::Deliver { give_up_secs, billing, .. }) => {
            let Some(signer) = billing_signer.filter(|_| !billing.endpoints.is_empty()) else {
                return Err(CliError::Usage("deliver: name at least one --billing-endpoint".into()));
            };
            let deliverer = deliverer(&store, billing, signer).await?;
            let report =
                deliverer.until_delivered(std::time::Duration::from_secs(*give_up_secs)).await.map_err(store_error)?;
            let depth = diem_indexer::billing::outbox::depth(&store).await.map_err(store_error)?;
            let json = json!({ "last_pass": report, "endpoints": depth });
            let mut human = String::new();
            for d in &depth {
                human += &format!("{}: {} days delivered, {} owed\n", d.endpoint, d.delivered, d.owed);
            }
            if report.endpoints_owed > 0 {
                return Err(CliError::Usage(format!(
                    "{human}gave up after {give_up_secs} s with days still owed (they stay queued: run deliver again)"
                )));
            }
            Output { human: human.trim_end().to_string(), json }
        }
        Command::Entitlements { day, format, .. } => {
            let day = diem_client::credit::parse_day(day).map_err(|e| CliError::Usage(format!("--day: {e}")))?;
            let credit = diem_indexer::credit::day_credit(&store, day).await.map_err(store_error)?;
            let json = serde_json::to_value(&credit).unwrap_or_default();
            let human = match format {
                Format::Csv => diem_indexer::csv::entitlements_csv(&credit).trim_end().to_string(),
                Format::Json => serde_json::to_string_pretty(&json).unwrap_or_default(),
                Format::Table => {
                    let mut out = format!(
                        "inference credit for {} (stake at 00:00 UTC, at least 0.1 DIEM){}:\n",
                        credit.day,
                        if credit.is_final { "" } else { " — not final: the record has not yet passed 00:00 UTC" }
                    );
                    out += &format!("  {:<44}  {:>20}  {:>14}\n", "owner", "DIEM staked", "credit");
                    for e in &credit.entitlements {
                        out += &format!(
                            "  {:<44}  {:>20}  {:>14}\n",
                            e.owner,
                            units.show(e.staked_diem, DIEM_DECIMALS),
                            format!("${}", e.credit_usd)
                        );
                    }
                    out += &format!("  {} owners", credit.entitlements.len());
                    out
                }
            };
            Output { human, json }
        }
        Command::History { owner, .. } => {
            // Page by page, so the store never answers with one unbounded result.
            let mut entries = Vec::new();
            loop {
                let after = entries.last().map_or(0, |e: &diem_indexer::store::HistoryEntry| e.seq);
                let page = store
                    .history(&owner.to_string(), after, diem_indexer::http::MAX_HISTORY_PAGE)
                    .await
                    .map_err(store_error)?;
                let full = page.len() == diem_indexer::http::MAX_HISTORY_PAGE as usize;
                entries.extend(page);
                if !full {
                    break;
                }
            }
            // Whole tokens need the VVV mint's decimals, from the cluster; offline, base units.
            let vvv_decimals = match record.offline {
                true => None,
                false => diem_client::ops::Reader::new(&mut diem_client::rpc::RpcChain::new(url))
                    .config()
                    .await
                    .ok()
                    .map(|c| c.vvv_decimals),
            };
            let shown = Units { raw: units.raw || vvv_decimals.is_none() };
            let d = vvv_decimals.unwrap_or(0);
            // A handed-on ticket may be of either token; the record keeps only its base units.
            let unit = |kind: &str| match kind {
                "TicketTransferred" => None,
                k if k.starts_with("Diem") => Some((DIEM_DECIMALS, "DIEM")),
                _ => Some((d, "VVV")),
            };
            let mut human = format!("history of {owner}{}:\n", if shown.raw { " (amounts in base units)" } else { "" });
            human += &format!(
                "  {:>8}  {:<23}  {:<22} {:>24}  {:>18} {:>18} {:>18} {:>18}  {:<44} {:<44} signature\n",
                "event",
                "time (UTC)",
                "kind",
                "amount",
                "sVVV active",
                "sVVV locked",
                "DIEM owed",
                "DIEM staked after",
                "with",
                "ticket"
            );
            let key = owner.to_string();
            for e in &entries {
                // The other side: the beneficiary or new ticket owner, or the owner when this
                // key is the beneficiary.
                let with = match (&e.owner, &e.counterparty) {
                    (Some(o), Some(c)) if *o == key => c.clone(),
                    (Some(o), Some(_)) => o.clone(),
                    _ => String::new(),
                };
                let amount = |a: u64| match unit(&e.kind) {
                    Some((decimals, token)) => format!("{} {token}", shown.show(a, decimals)),
                    None => format!("{a} (base units)"),
                };
                let time = e.event_time.or(e.block_time).map(crate::output::utc).unwrap_or_default();
                human += &format!(
                    "  {:>8}  {:<23}  {:<22} {:>24}  {:>18} {:>18} {:>18} {:>18}  {:<44} {:<44} {}\n",
                    e.seq,
                    time,
                    e.kind,
                    e.amount.map(amount).unwrap_or_default(),
                    shown.show(e.svvv_active, d),
                    shown.show(e.svvv_locked, d),
                    shown.show(e.diem_outstanding, DIEM_DECIMALS),
                    e.diem_staked.map(|a| shown.show(a, DIEM_DECIMALS)).unwrap_or_default(),
                    with,
                    e.ticket.as_deref().unwrap_or(""),
                    e.signature
                );
            }
            human += &format!("  {} events", entries.len());
            Output { human, json: json!({ "owner": owner.to_string(), "entries": entries }) }
        }
        Command::Audit { .. } => {
            let report = if record.offline {
                diem_indexer::audit::full_audit(&store, Some(url)).await.map_err(store_error)?
            } else {
                diem_indexer::follow::settled_audit(&store, &source).await.map_err(store_error)?
            };
            audit_output(&report, units)?
        }
        Command::Serve { bind, no_follow, interval_secs, api_keys, public_url, wake, .. } => {
            let api_keys = match api_keys {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| CliError::Usage(format!("--api-keys {}: {e}", path.display())))?;
                    diem_indexer::http::load_api_keys(&text)
                        .map_err(|e| CliError::Usage(format!("--api-keys {}: {e}", path.display())))?
                }
                None => Vec::new(),
            };
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| CliError::Usage(format!("--bind {bind}: {e}")))?;
            let address = listener.local_addr().map_err(|e| CliError::Usage(e.to_string()))?;
            let public_url =
                public_url.clone().unwrap_or_else(|| format!("http://{address}")).trim_end_matches('/').to_string();
            eprintln!(
                "serving the record ({}) on http://{address}; Blinks at {public_url}/actions.json, token metadata at {public_url}/metadata/diem.json",
                store.backend()
            );
            let wallets = diem_actions::router(diem_actions::Gateway { rpc_url: url.to_string(), public_url });
            let billing = match (billing_args(command), billing_signer) {
                (Some(billing), Some(signer)) => Some(diem_indexer::service::Billing {
                    endpoints: billing.endpoints.clone(),
                    from_day: billing_from(billing)?,
                    signer,
                    options: delivery_options(billing),
                }),
                _ => None,
            };
            let service = diem_indexer::service::Service {
                db: db.clone(),
                source: RpcSource::new(url, &record.commitment, Retry::default()),
                follow: (!no_follow)
                    .then(|| FollowOptions { websocket: wake.websocket(url), ..FollowOptions::every(*interval_secs) }),
                api_keys,
                limits: diem_indexer::http::Limits::default(),
                billing,
            };
            diem_indexer::service::run(listener, store, service, wallets).await.map_err(store_error)?;
            Output { human: String::new(), json: json!({}) }
        }
    })
}

fn audit_output(report: &FullAudit, units: Units) -> Result<Output, CliError> {
    let mut human = format!("audit of the record: {} events replayed\n", report.store.events_replayed);
    human += &crate::output::check_lines(&report.store.checks, &[]);
    if let Some(chain) = &report.chain {
        human += &format!(
            "against the chain: {} positions, {} DIEM stakes, DIEM supply {}\n",
            chain.positions,
            chain.diem_stakes,
            units.show(chain.diem_supply, DIEM_DECIMALS)
        );
        human += &crate::output::check_lines(&chain.checks, &chain.trust_assumptions);
    }
    if let Some(e) = &report.chain_error {
        human += &format!("  [UNKNOWN] the chain could not be read: {e}\n");
    }
    let json = serde_json::to_value(report).map_err(|e| CliError::Usage(format!("cannot encode: {e}")))?;
    if report.broken() {
        return Err(CliError::Broken { report: human + "INVARIANTS BROKEN", json });
    }
    if let Some(e) = &report.chain_error {
        // Not a break: the audit could not be completed.
        return Err(CliError::Usage(format!(
            "{human}audit incomplete: the record's own checks hold, but the chain could not be read ({e})"
        )));
    }
    Ok(Output { human: human + "all invariants hold", json })
}
