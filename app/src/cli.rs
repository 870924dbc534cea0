//! The `diem` command line: argument parsing and output. Commands run through [`ops::Client`]
//! over any [`Chain`], so the tests drive exactly what users run.
use std::path::PathBuf;

use anchor_lang::prelude::Pubkey;
use clap::{Args, Parser, Subcommand};
use diem::constants::DIEM_DECIMALS;
use serde_json::{Value, json};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::amount::{format_amount, parse_amount};
use crate::chain::{Chain, Sent};
use crate::curve::{CurveParams, generate_curve};
use crate::launch::{LaunchFile, pause_flag};
use crate::ops::{Client, OpsError, PositionReport, parse_day};

#[derive(Parser, Debug)]
#[command(name = "diem", version, about = "Stake VVV, mint and burn DIEM, stake DIEM for inference credit")]
pub struct Cli {
    /// JSON-RPC endpoint.
    #[arg(long, global = true, default_value = "http://127.0.0.1:8899")]
    pub url: String,
    /// Keypair file of the signer and fee payer (Solana CLI format).
    #[arg(long, global = true)]
    pub keypair: Option<PathBuf>,
    /// The program id; this build talks to the id it was compiled with.
    #[arg(long, global = true)]
    pub program_id: Option<Pubkey>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    pub json: bool,
    /// Amounts in base units instead of whole tokens, in and out.
    #[arg(long, global = true)]
    pub raw: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole lifecycle on an embedded in-process bank.
    Demo,
    /// Initialize the program from a launch file (signer: the upgrade authority).
    Init(InitArgs),
    /// Stake VVV for sVVV.
    Stake {
        amount: String,
        /// Credit the stake to another owner's position.
        #[arg(long)]
        recipient: Option<Pubkey>,
    },
    /// Start the sVVV unstake cooldown (7 days at launch).
    Unstake {
        amount: String,
    },
    CancelUnstake,
    FinalizeUnstake,
    /// Claim pending VVV rewards (or compound them into sVVV).
    Claim {
        #[arg(long)]
        compound: bool,
    },
    /// Lock sVVV to mint DIEM at the current rate; shows the quote first.
    Mint {
        amount: String,
        /// Least DIEM to accept.
        #[arg(long, conflicts_with = "slippage_bps")]
        min_out: Option<String>,
        /// Accept up to this many basis points less than the quote (default 50).
        #[arg(long)]
        slippage_bps: Option<u16>,
    },
    /// Burn DIEM to unlock sVVV at the position's average rate.
    Burn {
        amount: String,
    },
    StakeDiem {
        amount: String,
    },
    /// Start the DIEM unstake cooldown (1 day at launch; a new request restarts it).
    UnstakeDiem {
        amount: String,
    },
    CancelDiemUnstake,
    FinalizeDiemUnstake,
    /// Add VVV to the reward reserve.
    FundRewards {
        amount: String,
    },
    /// Pay the treasury's accrued share (anyone may call it).
    PayTreasury,
    /// Balances, pending rewards, cooldowns and average lock rate.
    Position {
        owner: Option<Pubkey>,
    },
    /// DIEM a lock of AMOUNT sVVV would mint now.
    Quote {
        amount: String,
    },
    #[command(subcommand)]
    Curve(CurveCommand),
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Reconcile positions, totals, vaults and supply with the event history (SPEC §10).
    Audit,
    /// Per-owner inference credit for a UTC day.
    Entitlements {
        /// YYYY-MM-DD
        #[arg(long)]
        day: String,
    },
    /// Write a new keypair file (Solana CLI format) and print its public key.
    Keygen {
        outfile: PathBuf,
    },
    /// Local-network helpers (a test validator): a VVV mint and funded wallets.
    #[command(subcommand)]
    Dev(DevCommand),
}

#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Create a VVV mint (SPL Token; the signer mints), the signer's VVV account holding AMOUNT,
    /// and a treasury account; prints both addresses.
    SetupVvv {
        #[arg(long, default_value_t = 6)]
        decimals: u8,
        #[arg(long, default_value = "1000000")]
        amount: String,
    },
    /// Mint AMOUNT VVV to OWNER's associated account (creating it), and 1 SOL for fees.
    Fund { vvv_mint: Pubkey, owner: Pubkey, amount: String },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(long)]
    pub vvv_mint: Pubkey,
    /// VVV token account that receives the treasury's share.
    #[arg(long)]
    pub treasury: Pubkey,
    /// Config authority (default: the signer, who then also commits the launch curve).
    #[arg(long)]
    pub authority: Option<Pubkey>,
    #[arg(long, default_value = "migrations/launch.toml")]
    pub params: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum CurveCommand {
    /// Print the 256 entries generated from the four curve numbers.
    Generate {
        #[arg(long)]
        base_rate: f64,
        #[arg(long)]
        power: f64,
        #[arg(long)]
        target_supply: f64,
        #[arg(long)]
        step: f64,
        #[arg(long)]
        vvv_decimals: u8,
    },
    /// Print the live curve.
    Show,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Set pause flags (stake, mint, stake-diem, claim-and-stake), or clear them.
    Pause {
        flags: Vec<String>,
        #[arg(long)]
        clear: bool,
    },
    SetParams {
        /// VVV per second.
        #[arg(long)]
        emission_rate: Option<String>,
        #[arg(long)]
        treasury_share_unlocked_bps: Option<u16>,
        #[arg(long)]
        treasury_share_locked_bps: Option<u16>,
        #[arg(long)]
        svvv_cooldown_secs: Option<i64>,
        #[arg(long)]
        diem_cooldown_secs: Option<i64>,
    },
    SetTreasury {
        treasury: Pubkey,
    },
    ProposeAuthority {
        proposed: Pubkey,
    },
    AcceptAuthority,
    /// Stage and commit a curve generated from a launch file's [curve] section.
    ReplaceCurve {
        #[arg(long, default_value = "migrations/launch.toml")]
        params: PathBuf,
    },
}

/// What a command printed: a human line (or lines) and the same as JSON.
#[derive(Debug)]
pub struct Output {
    pub human: String,
    pub json: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Ops(#[from] OpsError),
    #[error("{0}")]
    Usage(String),
}

impl From<crate::chain::ChainError> for CliError {
    fn from(e: crate::chain::ChainError) -> Self {
        CliError::Ops(OpsError::Chain(e))
    }
}

/// Reads a Solana CLI keypair file (a JSON array of 64 bytes).
pub fn read_keypair(path: &std::path::Path) -> Result<Keypair, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read keypair {}: {e}", path.display())))?;
    let bytes: Vec<u8> =
        serde_json::from_str(&text).map_err(|e| CliError::Usage(format!("keypair {}: {e}", path.display())))?;
    Keypair::try_from(bytes.as_slice()).map_err(|e| CliError::Usage(format!("keypair {}: {e}", path.display())))
}

pub fn default_keypair_path() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    home.join(".config/solana/id.json")
}

/// Amount formatting and parsing per `--raw`.
#[derive(Clone, Copy)]
pub struct Units {
    pub raw: bool,
}

impl Units {
    pub fn parse(&self, text: &str, decimals: u8) -> Result<u64, CliError> {
        if self.raw {
            return text.parse().map_err(|_| CliError::Usage(format!("'{text}' is not a whole number of base units")));
        }
        parse_amount(text, decimals).map_err(|e| CliError::Usage(e.to_string()))
    }
    pub fn show(&self, units: u64, decimals: u8) -> String {
        if self.raw { units.to_string() } else { format_amount(units, decimals) }
    }
}

fn sent_json(sent: &Sent) -> Value {
    json!({ "signature": sent.signature, "events": sent.events.iter().map(|e| e.name()).collect::<Vec<_>>() })
}

fn done(what: String, sent: &Sent) -> Output {
    let mut json = sent_json(sent);
    json["result"] = json!(what);
    Output { human: what, json }
}

pub fn position_output(r: &PositionReport, units: Units) -> Output {
    let v = |x| units.show(x, r.vvv_decimals);
    let d = |x| units.show(x, DIEM_DECIMALS);
    let rate = r.average_lock_rate.map(v);
    let json = json!({
        "owner": r.owner, "active": v(r.active), "unlocked": v(r.unlocked), "locked": v(r.locked),
        "outstanding_diem": d(r.outstanding_diem), "pending_rewards": v(r.pending_rewards),
        "cooldown": r.cooldown_end.map(|end| json!({"amount": v(r.cooldown_amount), "ends_at": end, "ready": r.cooldown_ready})),
        "average_lock_rate": rate,
        "diem_staked": d(r.diem_staked),
        "diem_cooldown": r.diem_cooldown_end.map(|end| json!({"amount": d(r.diem_cooldown_amount), "ends_at": end, "ready": r.diem_cooldown_ready})),
    });
    let mut human = format!(
        "position of {}\n  sVVV active {} (unlocked {}, locked {})\n  DIEM outstanding {}{}\n  pending rewards {} VVV\n  DIEM staked {}",
        r.owner,
        v(r.active),
        v(r.unlocked),
        v(r.locked),
        d(r.outstanding_diem),
        rate.map(|x| format!(" (average lock rate {x} sVVV per DIEM)")).unwrap_or_default(),
        v(r.pending_rewards),
        d(r.diem_staked)
    );
    if let Some(end) = r.cooldown_end {
        human += &format!(
            "\n  sVVV unstaking {} (ends at {end}{})",
            v(r.cooldown_amount),
            if r.cooldown_ready { ", ready" } else { "" }
        );
    }
    if let Some(end) = r.diem_cooldown_end {
        human += &format!(
            "\n  DIEM unstaking {} (ends at {end}{})",
            d(r.diem_cooldown_amount),
            if r.diem_cooldown_ready { ", ready" } else { "" }
        );
    }
    Output { human, json }
}

/// Runs `command` as `signer` on `chain`. (`demo` is run by the binary, which owns the bank.)
pub async fn execute<C: Chain>(
    command: &Command,
    chain: &mut C,
    signer: &Keypair,
    units: Units,
) -> Result<Output, CliError> {
    let mut client = Client::new(chain, signer);
    let vvv_decimals = |c: &diem::state::Config| c.vvv_decimals;
    Ok(match command {
        Command::Demo => return Err(CliError::Usage("demo runs on its own bank; run `diem demo`".into())),
        Command::Init(a) => {
            let launch = LaunchFile::load(&a.params).map_err(|e| CliError::Usage(e.to_string()))?;
            let authority = a.authority.unwrap_or(signer.pubkey());
            let sent = client.init(&launch, a.vvv_mint, a.treasury, authority).await?;
            let what = format!("initialized (authority {authority}); {} transactions", sent.len());
            Output {
                human: what.clone(),
                json: json!({ "result": what, "signatures": sent.iter().map(|s| s.signature.clone()).collect::<Vec<_>>() }),
            }
        }
        Command::Stake { amount, recipient } => {
            let d = vvv_decimals(&client.config().await?);
            let amount = units.parse(amount, d)?;
            let sent = client.stake(amount, *recipient).await?;
            done(format!("staked {} VVV", units.show(amount, d)), &sent)
        }
        Command::Unstake { amount } => {
            let d = vvv_decimals(&client.config().await?);
            let amount = units.parse(amount, d)?;
            let sent = client.unstake(amount).await?;
            done(format!("unstaking {} sVVV", units.show(amount, d)), &sent)
        }
        Command::CancelUnstake => done("unstake cancelled".into(), &client.cancel_unstake().await?),
        Command::FinalizeUnstake => done("unstake finalized".into(), &client.finalize_unstake().await?),
        Command::Claim { compound } => {
            let sent = if *compound { client.claim_and_stake().await? } else { client.claim().await? };
            done(if *compound { "rewards compounded".into() } else { "rewards claimed".into() }, &sent)
        }
        Command::Mint { amount, min_out, slippage_bps } => {
            let d = vvv_decimals(&client.config().await?);
            let svvv = units.parse(amount, d)?;
            let quote = client.quote(svvv).await?;
            let min = match min_out {
                Some(m) => units.parse(m, DIEM_DECIMALS)?,
                None => crate::ops::min_out_for_slippage(quote, slippage_bps.unwrap_or(50)),
            };
            let (sent, minted) = client.mint(svvv, min).await?;
            let what = format!(
                "locked {} sVVV: quoted {} DIEM, minted {} DIEM (minimum {})",
                units.show(svvv, d),
                units.show(quote, DIEM_DECIMALS),
                units.show(minted, DIEM_DECIMALS),
                units.show(min, DIEM_DECIMALS)
            );
            let mut out = done(what, &sent);
            out.json["quoted"] = json!(units.show(quote, DIEM_DECIMALS));
            out.json["minted"] = json!(units.show(minted, DIEM_DECIMALS));
            out
        }
        Command::Burn { amount } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            done(format!("burned {} DIEM", units.show(amount, DIEM_DECIMALS)), &client.burn(amount).await?)
        }
        Command::StakeDiem { amount } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            done(format!("staked {} DIEM", units.show(amount, DIEM_DECIMALS)), &client.stake_diem(amount).await?)
        }
        Command::UnstakeDiem { amount } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            done(format!("unstaking {} DIEM", units.show(amount, DIEM_DECIMALS)), &client.unstake_diem(amount).await?)
        }
        Command::CancelDiemUnstake => done("DIEM unstake cancelled".into(), &client.cancel_diem_unstake().await?),
        Command::FinalizeDiemUnstake => done("DIEM unstake finalized".into(), &client.finalize_diem_unstake().await?),
        Command::FundRewards { amount } => {
            let d = vvv_decimals(&client.config().await?);
            let amount = units.parse(amount, d)?;
            done(format!("funded {} VVV of rewards", units.show(amount, d)), &client.fund_rewards(amount).await?)
        }
        Command::PayTreasury => done("treasury paid".into(), &client.pay_treasury().await?),
        Command::Position { owner } => {
            let owner = owner.unwrap_or(signer.pubkey());
            position_output(&client.position_report(&owner).await?, units)
        }
        Command::Quote { amount } => {
            let d = vvv_decimals(&client.config().await?);
            let svvv = units.parse(amount, d)?;
            let out = client.quote(svvv).await?;
            let rate = crate::curve::average_rate(svvv, out);
            Output {
                human: format!(
                    "{} sVVV mints {} DIEM{}",
                    units.show(svvv, d),
                    units.show(out, DIEM_DECIMALS),
                    rate.map(|r| format!(" (average {} sVVV per DIEM)", units.show(r, d))).unwrap_or_default()
                ),
                json: json!({ "svvv": units.show(svvv, d), "diem": units.show(out, DIEM_DECIMALS), "average_rate": rate.map(|r| units.show(r, d)) }),
            }
        }
        Command::Curve(CurveCommand::Generate { base_rate, power, target_supply, step, vvv_decimals }) => {
            let params =
                CurveParams { base_rate: *base_rate, power: *power, target_supply: *target_supply, step: *step };
            curve_output(&generate_curve(&params, *vvv_decimals), *vvv_decimals, units)
        }
        Command::Curve(CurveCommand::Show) => {
            let d = vvv_decimals(&client.config().await?);
            curve_output(&client.curve().await?, d, units)
        }
        Command::Admin(admin) => match admin {
            AdminCommand::Pause { flags, clear } => {
                let mut bits = 0u16;
                for f in flags {
                    bits |= pause_flag(f).ok_or_else(|| {
                        CliError::Usage(format!("unknown pause flag '{f}' (stake, mint, stake-diem, claim-and-stake)"))
                    })?;
                }
                let current = client.config().await?.paused;
                let new = if *clear { current & !bits } else { current | bits };
                done(format!("pause flags {current:#06b} -> {new:#06b}"), &client.set_pause(new).await?)
            }
            AdminCommand::SetParams {
                emission_rate,
                treasury_share_unlocked_bps,
                treasury_share_locked_bps,
                svvv_cooldown_secs,
                diem_cooldown_secs,
            } => {
                let config = client.config().await?;
                let mut p = config.params;
                if let Some(r) = emission_rate {
                    p.emission_rate = units.parse(r, config.vvv_decimals)?;
                }
                p.treasury_share_unlocked_bps = treasury_share_unlocked_bps.unwrap_or(p.treasury_share_unlocked_bps);
                p.treasury_share_locked_bps = treasury_share_locked_bps.unwrap_or(p.treasury_share_locked_bps);
                p.svvv_cooldown_secs = svvv_cooldown_secs.unwrap_or(p.svvv_cooldown_secs);
                p.diem_cooldown_secs = diem_cooldown_secs.unwrap_or(p.diem_cooldown_secs);
                done(format!("parameters set: {p:?}"), &client.set_params(p).await?)
            }
            AdminCommand::SetTreasury { treasury } => {
                done(format!("treasury set to {treasury}"), &client.set_treasury(*treasury).await?)
            }
            AdminCommand::ProposeAuthority { proposed } => {
                done(format!("proposed {proposed} as authority"), &client.propose_authority(*proposed).await?)
            }
            AdminCommand::AcceptAuthority => done("authority accepted".into(), &client.accept_authority().await?),
            AdminCommand::ReplaceCurve { params } => {
                let launch = LaunchFile::load(params).map_err(|e| CliError::Usage(e.to_string()))?;
                let d = vvv_decimals(&client.config().await?);
                let sent = client.replace_curve(&generate_curve(&launch.curve_params(), d)).await?;
                let last = sent.last().cloned().unwrap_or_default();
                done(format!("curve staged in {} chunks and committed", sent.len() - 1), &last)
            }
        },
        Command::Audit => {
            let report = client.audit().await?;
            let mut human = format!(
                "audit: {} events replayed, {} positions, {} DIEM stakes, DIEM supply {}\n",
                report.events_replayed,
                report.positions,
                report.diem_stakes,
                units.show(report.diem_supply, DIEM_DECIMALS)
            );
            for c in &report.checks {
                human += &format!("  [{}] {}: {}\n", if c.ok { "ok" } else { "BROKEN" }, c.name, c.detail);
            }
            human += if report.ok() { "all invariants hold" } else { "INVARIANTS BROKEN" };
            Output { human, json: serde_json::to_value(&report).unwrap_or_default() }
        }
        Command::Keygen { outfile } => {
            let key = Keypair::new();
            let bytes: Vec<u8> = key.to_bytes().to_vec();
            std::fs::write(outfile, serde_json::to_string(&bytes).unwrap_or_default())
                .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", outfile.display())))?;
            Output {
                human: key.pubkey().to_string(),
                json: json!({ "pubkey": key.pubkey().to_string(), "outfile": outfile.display().to_string() }),
            }
        }
        Command::Dev(DevCommand::SetupVvv { decimals, amount }) => {
            let amount = units.parse(amount, *decimals)?;
            let (mint, treasury) = crate::dev::setup_vvv(client.chain, signer, *decimals, amount).await?;
            Output {
                human: format!("VVV mint {mint}\ntreasury {treasury}"),
                json: json!({ "vvv_mint": mint.to_string(), "treasury": treasury.to_string() }),
            }
        }
        Command::Dev(DevCommand::Fund { vvv_mint, owner, amount }) => {
            let decimals = crate::dev::mint_decimals(client.chain, vvv_mint).await?;
            let amount = units.parse(amount, decimals)?;
            let account = crate::dev::fund(client.chain, signer, vvv_mint, owner, amount).await?;
            Output {
                human: format!("funded {owner}: {} VVV in {account}", units.show(amount, decimals)),
                json: json!({ "account": account.to_string() }),
            }
        }
        Command::Entitlements { day } => {
            let day_number = parse_day(day)?;
            let list = client.entitlements(day_number).await?;
            let mut human = format!("inference credit for {day} (stake at 00:00 UTC, at least 0.1 DIEM):\n");
            for e in &list {
                human += &format!(
                    "  {}  {} DIEM staked  ${}\n",
                    e.owner,
                    units.show(e.staked_diem, DIEM_DECIMALS),
                    e.credit_usd
                );
            }
            let rows: Vec<Value> = list.iter().map(|e| json!({"owner": e.owner, "staked_diem": units.show(e.staked_diem, DIEM_DECIMALS), "credit_usd": e.credit_usd})).collect();
            Output { human: human.trim_end().to_string(), json: json!({ "day": day, "entitlements": rows }) }
        }
    })
}

fn curve_output(entries: &[diem::state::CurveEntry], vvv_decimals: u8, units: Units) -> Output {
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| json!({ "supply_bound": e.supply_bound.to_string(), "rate": e.rate().to_string() }))
        .collect();
    let mut human = String::from("bucket  supply bound (DIEM)  rate (sVVV per DIEM)\n");
    for (i, e) in entries.iter().enumerate() {
        let rate =
            u64::try_from(e.rate()).map(|r| units.show(r, vvv_decimals)).unwrap_or_else(|_| e.rate().to_string());
        human += &format!("{i:>6}  {:>19}  {rate}\n", units.show(e.supply_bound, DIEM_DECIMALS));
    }
    Output { human: human.trim_end().to_string(), json: json!({ "entries": rows }) }
}
