//! The command line's arguments (clap). Every command and option has a help line.
use std::path::PathBuf;

use anchor_lang::prelude::Pubkey;
use clap::{Args, Parser, Subcommand};
use diem_client::amount::TypedAmount;

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
    /// Micro-lamports a compute unit each transaction offers (default: the 75th percentile of
    /// what recent slots paid for the same accounts, at least 1). Every transaction also carries
    /// a compute-unit limit from a simulation, which refuses a failing one before it is signed.
    #[arg(long, global = true, value_name = "MICRO_LAMPORTS")]
    pub priority_fee: Option<u64>,
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of a report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Where the record is kept, and how it is read.
#[derive(Args, Debug, Clone)]
pub struct RecordArgs {
    /// The store: sqlite://PATH or postgres://USER@HOST/DB (default: SQLite in the data
    /// directory, $XDG_DATA_HOME/diem or ~/.local/share/diem).
    #[arg(long, env = "DIEM_DB")]
    pub db: Option<String>,
    /// Answer from the record as it is, without catching up with the cluster first.
    #[arg(long)]
    pub offline: bool,
    /// Commitment the record reads at; billing must use finalized.
    #[arg(long, default_value = "finalized", value_parser = ["finalized", "confirmed"])]
    pub commitment: String,
    /// Events committed together while catching up (a crash re-reads at most this many).
    #[arg(long, default_value_t = diem_indexer::sync::DEFAULT_BATCH_EVENTS as u64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub batch_events: u64,
    /// Signatures per `getSignaturesForAddress` page while catching up (at most 1,000).
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub page: u32,
}

/// How a follower learns of new transactions.
#[derive(Args, Debug, Clone)]
pub struct WakeArgs {
    /// The node's websocket: each finalized transaction mentioning the program wakes the
    /// follower at once (default: beside --url, 8899 → 8900); `none` polls only.
    #[arg(long, value_name = "URL")]
    pub ws_url: Option<String>,
}

impl WakeArgs {
    /// The websocket to watch, given the JSON-RPC URL.
    pub fn websocket(&self, rpc_url: &str) -> Option<String> {
        match self.ws_url.as_deref() {
            Some("none") => None,
            Some(url) => Some(url.to_string()),
            None => diem_indexer::wake::websocket_url(rpc_url),
        }
    }
}

/// Where final days are pushed (docs/record.md, "Delivery to billing").
#[derive(Args, Debug, Clone)]
pub struct BillingArgs {
    /// Push each final day to this URL (repeatable): a signed JSON statement POSTed with an
    /// `Idempotency-Key`, retried with backoff until the endpoint answers 2xx.
    #[arg(long = "billing-endpoint", value_name = "URL", value_parser = parse_endpoint)]
    pub endpoints: Vec<String>,
    /// The keypair that signs each delivered day (default: --keypair's, or the Solana CLI's).
    #[arg(long, value_name = "FILE")]
    pub billing_keypair: Option<PathBuf>,
    /// The first day an endpoint registered now is owed, YYYY-MM-DD (default: every frozen day).
    /// An endpoint registered before keeps its first day.
    #[arg(long, value_name = "DAY")]
    pub billing_from: Option<String>,
    /// Milliseconds before the first retry of a failed delivery (doubling after each further
    /// failure, at most five minutes).
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=300_000))]
    pub billing_retry_ms: u64,
    /// Seconds an endpoint has to answer before the attempt counts as failed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub billing_timeout_secs: u64,
}

/// An http(s) URL with a host.
fn parse_endpoint(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| format!("'{text}' is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("'{text}' names no host"));
    }
    Ok(text.to_string())
}

#[derive(Subcommand, Debug)]
pub enum IndexCommand {
    /// Catch up with the cluster, with a progress bar, and stop.
    Sync {
        #[command(flatten)]
        record: RecordArgs,
    },
    /// Catch up, then keep up: poll the cluster, backing off while it fails.
    Follow {
        /// Seconds between polls.
        #[arg(long, default_value_t = 2.0)]
        interval_secs: f64,
        /// Stop after this many polls (default: never).
        #[arg(long)]
        max_polls: Option<u64>,
        #[command(flatten)]
        wake: WakeArgs,
        #[command(flatten)]
        billing: BillingArgs,
        #[command(flatten)]
        record: RecordArgs,
    },
    /// Push every final day still owed to the billing endpoints, then stop (non-zero exit if
    /// some endpoint still has not acknowledged after --give-up-secs).
    Deliver {
        /// Stop retrying after this many seconds.
        #[arg(long, default_value_t = 600)]
        give_up_secs: u64,
        #[command(flatten)]
        billing: BillingArgs,
        #[command(flatten)]
        record: RecordArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole lifecycle on an embedded in-process bank.
    #[cfg(feature = "demo")]
    Demo {
        /// Launch parameter file the demo initializes from (default: the repository's
        /// migrations/launch.toml, built into the binary, so the demo runs from any directory).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Initialize the program from a launch file (signer: the upgrade authority).
    Init(InitArgs),
    #[command(flatten)]
    Svvv(SvvvCommand),
    #[command(flatten)]
    Diem(DiemCommand),
    #[command(flatten)]
    Read(ReadCommand),
    /// Generate a curve table from its four numbers, or show the live one.
    #[command(subcommand)]
    Curve(CurveCommand),
    /// The config authority's commands: pause flags, queued changes, authority, curve.
    Admin(AdminArgs),
    #[command(flatten)]
    Record(RecordCommand),
    /// Write a new keypair file (Solana CLI format) and print its public key.
    Keygen {
        /// Where to write it.
        outfile: PathBuf,
    },
    /// Local-network helpers (a test validator): a VVV mint and funded wallets.
    #[command(subcommand)]
    Dev(DevCommand),
}

/// sVVV: stake VVV, unstake tickets, rewards.
#[derive(Subcommand, Debug)]
pub enum SvvvCommand {
    /// Stake VVV for sVVV.
    Stake {
        /// VVV to stake (whole tokens, e.g. 1.5).
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
        /// Credit the stake to another owner's position.
        #[arg(long)]
        recipient: Option<Pubkey>,
    },
    /// Open an sVVV unstake ticket: the amount leaves the stake now and can be finalized after
    /// the cooldown (7 days at launch). Each request is its own ticket; none moves another.
    Unstake {
        /// Unlocked sVVV to unstake.
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
    },
    /// Cancel an sVVV ticket: its amount returns to your stake and earns again.
    CancelUnstake {
        /// The ticket's address (see `diem tickets`).
        ticket: Pubkey,
    },
    /// Receive the VVV of an sVVV ticket whose unlock time has passed.
    FinalizeUnstake {
        /// The ticket's address (see `diem tickets`).
        ticket: Pubkey,
    },
    /// Hand a ticket (sVVV or DIEM) to another owner, who alone may then finalize or cancel it.
    TransferTicket {
        /// The ticket's address.
        ticket: Pubkey,
        /// Its new owner.
        new_owner: Pubkey,
    },
    /// Claim pending VVV rewards (or compound them into sVVV).
    Claim {
        /// Stake the rewards as sVVV instead of paying them out.
        #[arg(long)]
        compound: bool,
    },
    /// Add VVV to the reward reserve.
    FundRewards {
        /// VVV to add.
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
    },
    /// Pay the treasury's accrued share (anyone may call it).
    PayTreasury,
}

/// DIEM: mint and burn on the curve, stake for inference credit, DIEM tickets.
#[derive(Subcommand, Debug)]
pub enum DiemCommand {
    /// Lock sVVV to mint DIEM at the current rate; shows the quote first.
    Mint {
        /// Unlocked sVVV to lock.
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
        /// Least DIEM to accept.
        #[arg(value_parser = TypedAmount::positive, long, conflicts_with = "slippage_bps")]
        min_out: Option<TypedAmount>,
        /// Accept up to this many basis points less than the quote (0 to 10,000; default 50).
        #[arg(long, value_parser = clap::value_parser!(u16).range(0..=10_000))]
        slippage_bps: Option<u16>,
    },
    /// Burn DIEM to unlock sVVV at the position's average rate.
    Burn {
        /// DIEM to burn (at most the position's outstanding DIEM).
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
    },
    /// Stake DIEM for inference credit; it counts from the next 00:00 UTC. You control the
    /// stake; the beneficiary (default: you) receives its credit.
    StakeDiem {
        /// DIEM to stake.
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
        /// Who receives the credit (a depositor of your vault, another wallet).
        #[arg(long)]
        beneficiary: Option<Pubkey>,
    },
    /// Open a DIEM unstake ticket from your stake for a beneficiary: the amount stops counting
    /// now and can be finalized after the cooldown (1 day at launch). No other ticket moves.
    UnstakeDiem {
        /// Staked DIEM to unstake.
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
        /// The beneficiary of the stake to unstake from (default: you).
        #[arg(long)]
        beneficiary: Option<Pubkey>,
    },
    /// Cancel a DIEM ticket: its DIEM returns to your stake for a beneficiary.
    CancelDiemUnstake {
        /// The ticket's address (see `diem tickets`).
        ticket: Pubkey,
        /// The beneficiary of the stake it returns to (default: you).
        #[arg(long)]
        beneficiary: Option<Pubkey>,
    },
    /// Receive the DIEM of a DIEM ticket whose unlock time has passed.
    FinalizeDiemUnstake {
        /// The ticket's address (see `diem tickets`).
        ticket: Pubkey,
    },
    /// Move your whole DIEM stake for one beneficiary to another; it counts for the new one
    /// from the next 00:00 UTC.
    SetBeneficiary {
        /// The stake's current beneficiary.
        from: Pubkey,
        /// Its new beneficiary.
        to: Pubkey,
    },
}

/// Reads of the chain that need no keypair when an owner is named.
#[derive(Subcommand, Debug)]
pub enum ReadCommand {
    /// Your open unstake tickets (or another owner's), soonest first, with their unlock times.
    Tickets {
        /// Whose tickets (default: the keypair's; with an owner no keypair is needed).
        owner: Option<Pubkey>,
    },
    /// Balances, pending rewards, cooldowns and average lock rate.
    Position {
        /// Whose position (default: the keypair's; with an owner no keypair is needed).
        owner: Option<Pubkey>,
    },
    /// DIEM a lock of AMOUNT sVVV would mint now.
    Quote {
        /// sVVV to lock.
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
    },
}

/// The entitlement record (SPEC §12): kept in a database, read, served.
#[derive(Subcommand, Debug)]
pub enum RecordCommand {
    /// Catch the record up with the cluster, then reconcile it with every account, the vaults
    /// and the mint supply (SPEC §10); exits non-zero on any break.
    Audit {
        #[command(flatten)]
        record: RecordArgs,
    },
    /// Per-owner inference credit for a UTC day, from the record (the stake at 00:00 UTC).
    Entitlements {
        /// The UTC day, YYYY-MM-DD.
        #[arg(long)]
        day: String,
        /// table, json or csv.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        record: RecordArgs,
    },
    /// An owner's issuance, DIEM into and out of stake, burns, sVVV stake and unstake, with
    /// running balances and signatures, in order, from the record.
    History {
        /// Whose history.
        owner: Pubkey,
        #[command(flatten)]
        record: RecordArgs,
    },
    /// Keep the record of the program's events (SPEC §12).
    #[command(subcommand)]
    Index(IndexCommand),
    /// Serve the record read-only over HTTP for a billing system, following the cluster; and,
    /// open to any wallet, the Blinks (stake, mint, stake DIEM) and the DIEM token metadata.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Serve the record as it is, without following the cluster.
        #[arg(long)]
        no_follow: bool,
        /// The address wallets reach this server at, for the Blinks' icons and links and the
        /// token metadata's logo (default: http:// and the bound address).
        #[arg(long)]
        public_url: Option<String>,
        /// Seconds between polls of the cluster when following.
        #[arg(long, default_value_t = 2.0)]
        interval_secs: f64,
        /// A file of API keys, one a line: every endpoint but /health then needs
        /// `Authorization: Bearer KEY`. Without it the API is open (keep it on a private network).
        #[arg(long)]
        api_keys: Option<PathBuf>,
        #[command(flatten)]
        wake: WakeArgs,
        #[command(flatten)]
        billing: BillingArgs,
        #[command(flatten)]
        record: RecordArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Create a VVV mint (SPL Token; the signer mints), the signer's VVV account holding AMOUNT,
    /// and a treasury account; prints both addresses.
    SetupVvv {
        /// Decimals of the new mint.
        #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(0..=18))]
        decimals: u8,
        /// VVV minted to the signer.
        #[arg(value_parser = TypedAmount::positive, long, default_value = "1000000")]
        amount: TypedAmount,
    },
    /// Mint AMOUNT VVV to OWNER's associated account (creating it), and 1 SOL for fees.
    Fund {
        /// The VVV mint (the signer must be its mint authority).
        vvv_mint: Pubkey,
        /// Who receives the VVV.
        owner: Pubkey,
        /// VVV to mint.
        #[arg(value_parser = TypedAmount::positive)]
        amount: TypedAmount,
    },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The VVV mint the program stakes.
    #[arg(long)]
    pub vvv_mint: Pubkey,
    /// VVV token account that receives the treasury's share.
    #[arg(long)]
    pub treasury: Pubkey,
    /// Config authority (default: the signer, who then also commits the launch curve).
    #[arg(long)]
    pub authority: Option<Pubkey>,
    /// Launch parameter file.
    #[arg(long, default_value = "migrations/launch.toml")]
    pub params: PathBuf,
    /// Launch with a metadata URI wallets cannot fetch: a reserved or placeholder domain, or a
    /// loopback address on a cluster beyond this machine (refused by default).
    #[arg(long)]
    pub allow_placeholder_uri: bool,
}

#[derive(Subcommand, Debug)]
pub enum CurveCommand {
    /// Print the 256 entries generated from the four curve numbers.
    Generate {
        /// VVV per DIEM at zero supply (launch: 90).
        #[arg(long, allow_negative_numbers = true)]
        base_rate: f64,
        /// Multiplier in the exponent (launch: 2).
        #[arg(long, allow_negative_numbers = true)]
        power: f64,
        /// Supply in DIEM at which the exponent reaches the power (launch: 40000).
        #[arg(long, allow_negative_numbers = true)]
        target_supply: f64,
        /// DIEM per bucket (launch: 500).
        #[arg(long, allow_negative_numbers = true)]
        step: f64,
        /// Decimals of the VVV mint.
        #[arg(long)]
        vvv_decimals: u8,
    },
    /// Print the live curve.
    Show,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Set pause flags (stake, mint, stake-diem, claim-and-stake, all), or clear them; the first
    /// inflow cleared ends the launch for good.
    Pause {
        /// Flags to set (or clear).
        flags: Vec<String>,
        /// Clear the flags instead of setting them.
        #[arg(long)]
        clear: bool,
    },
    /// Change parameters; those not given keep their value.
    SetParams {
        /// VVV per second.
        #[arg(long)]
        emission_rate: Option<TypedAmount>,
        /// Treasury's cut of what unlocked sVVV earns, basis points.
        #[arg(long, value_parser = clap::value_parser!(u16).range(0..=10_000))]
        treasury_share_unlocked_bps: Option<u32>,
        /// Treasury's cut of what locked sVVV earns, basis points.
        #[arg(long, value_parser = clap::value_parser!(u16).range(0..=10_000))]
        treasury_share_locked_bps: Option<u32>,
        /// sVVV unstake cooldown, seconds.
        #[arg(long, value_parser = clap::value_parser!(i64).range(0..=diem::constants::MAX_COOLDOWN_SECS))]
        svvv_cooldown_secs: Option<i64>,
        /// DIEM unstake cooldown, seconds.
        #[arg(long, value_parser = clap::value_parser!(i64).range(0..=diem::constants::MAX_COOLDOWN_SECS))]
        diem_cooldown_secs: Option<i64>,
    },
    /// Pay the treasury's share to another VVV account.
    SetTreasury {
        /// The VVV token account.
        treasury: Pubkey,
    },
    /// Point DIEM's token metadata (what wallets show) at a new JSON URI.
    SetMetadataUri {
        /// The metadata JSON's URL, at most 200 bytes.
        uri: String,
    },
    /// Propose the next config authority (it must accept).
    ProposeAuthority {
        /// The proposed authority.
        proposed: Pubkey,
    },
    /// Accept the authority proposed to the signer.
    AcceptAuthority,
    /// Stage and commit a curve generated from a launch file's [curve] section (at the launch).
    ReplaceCurve {
        /// Launch parameter file whose [curve] section is used.
        #[arg(long, default_value = "migrations/launch.toml")]
        params: PathBuf,
    },
    /// Propose a change that applies after the change delay (at once during the launch).
    #[command(subcommand)]
    Propose(ProposeCommand),
    /// The pending changes: what will change, and from when anyone may apply it.
    Pending,
    /// Apply a due change (anyone may): KIND is its name (emission-rate, treasury-shares,
    /// treasury, svvv-cooldown, diem-cooldown, curve, change-delay) or number.
    Apply {
        /// The change's kind.
        kind: String,
    },
    /// Withdraw a pending change before it is applied.
    Cancel {
        /// The change's kind.
        kind: String,
    },
}

/// What an admin command does with its transactions.
#[derive(Args, Debug)]
pub struct AdminArgs {
    /// Print each unsigned transaction message (base58 or base64) instead of signing, for a
    /// multisig (Squads) proposal; `--authority` names the multisig.
    #[arg(long, value_parser = ["base58", "base64"])]
    pub export: Option<String>,
    /// The authority the exported messages are for (default: the keypair's public key).
    #[arg(long, requires = "export")]
    pub authority: Option<Pubkey>,
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// A change to propose (SPEC §8).
#[derive(Subcommand, Debug, Clone)]
pub enum ProposeCommand {
    /// The emission rate, VVV per second.
    EmissionRate {
        /// VVV per second (whole tokens).
        rate: TypedAmount,
    },
    /// Both treasury shares, basis points.
    TreasuryShares {
        /// Treasury's cut of what unlocked sVVV earns.
        #[arg(long, value_parser = clap::value_parser!(u16).range(0..=10_000))]
        unlocked_bps: u32,
        /// Treasury's cut of what locked sVVV earns.
        #[arg(long, value_parser = clap::value_parser!(u16).range(0..=10_000))]
        locked_bps: u32,
    },
    /// The VVV account the treasury's share is paid to.
    Treasury {
        /// The VVV token account.
        account: Pubkey,
    },
    /// The sVVV unstake cooldown.
    SvvvCooldown {
        /// Seconds.
        #[arg(value_parser = clap::value_parser!(i64).range(0..=diem::constants::MAX_COOLDOWN_SECS))]
        secs: i64,
    },
    /// The DIEM unstake cooldown.
    DiemCooldown {
        /// Seconds.
        #[arg(value_parser = clap::value_parser!(i64).range(0..=diem::constants::MAX_COOLDOWN_SECS))]
        secs: i64,
    },
    /// The change delay (raising it applies at once).
    ChangeDelay {
        /// Seconds.
        #[arg(value_parser = clap::value_parser!(i64).range(0..=diem::constants::MAX_CHANGE_DELAY_SECS))]
        secs: i64,
    },
    /// A curve generated from a launch file's [curve] section: staged now, live when applied.
    Curve {
        /// Launch parameter file whose [curve] section is used.
        #[arg(long, default_value = "migrations/launch.toml")]
        params: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command, at every level, and every argument has a help text.
    #[test]
    fn every_command_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let name = format!("{path} {}", sub.get_name());
                if sub.get_about().is_none() {
                    missing.push(name.clone());
                }
                for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
                    if arg.get_help().is_none() && arg.get_id() != "help" {
                        missing.push(format!("{name} <{}>", arg.get_id()));
                    }
                }
                walk(sub, &name, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "diem", &mut missing);
        assert!(missing.is_empty(), "no help for: {missing:#?}");
    }
}
