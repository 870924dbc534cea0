//! `diem`: the command line of the DIEM program. See `diem --help`.
use std::process::ExitCode;

use clap::Parser;
use diem_cli::commands::{execute, is_offline, needs_signer, validate};
use diem_cli::keypair::{default_keypair_path, read_keypair};
use diem_cli::{Cli, CliError, Output, Units};
use diem_client::rpc::RpcChain;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return argument_error(e),
    };
    match run(&cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Broken { report, json }) => {
            let text = if cli.json { serde_json::to_string_pretty(&json).unwrap_or_default() } else { report };
            println!("{text}");
            ExitCode::FAILURE
        }
        Err(e) => {
            if cli.json {
                println!("{}", serde_json::json!({ "error": e.to_string() }));
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

/// A command line clap refuses: its usual text on stderr, or under `--json` (wherever it stands
/// on the line) the same message as JSON on stdout, so a script reading JSON gets JSON. Exit code
/// 2 either way; `--help` and `--version` print as usual.
fn argument_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let json = std::env::args().skip(1).any(|a| a == "--json");
    if !json || matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let message = e.render().to_string();
    println!("{}", serde_json::json!({ "error": message.trim(), "kind": "usage" }));
    ExitCode::from(2)
}

async fn run(cli: &Cli) -> Result<(), CliError> {
    if let Some(id) = cli.program_id {
        if id != diem::ID {
            return Err(CliError::Usage(format!("this build of diem talks to program {}, not {id}", diem::ID)));
        }
    }
    let units = Units { raw: cli.raw };
    // Arguments first, then the keypair (only where the command signs), then the network.
    validate(&cli.command, units)?;
    if let diem_cli::Command::Init(init) = &cli.command {
        diem_cli::commands::admin::check_metadata_uri(init, &cli.url)?;
    }
    #[cfg(feature = "demo")]
    if let diem_cli::Command::Demo { params } = &cli.command {
        diem_cli::demo::run(params.as_deref()).await?;
        return Ok(());
    }
    if let diem_cli::Command::Record(record_command) = &cli.command {
        // Reads of the record may answer from it alone; audit and the index need the cluster.
        use diem_cli::args::{IndexCommand::Deliver, RecordCommand::{Entitlements, History, Index, Serve}};
        let offline = matches!(record_command, Entitlements { .. } | History { .. } | Serve { .. } | Index(Deliver { .. }))
            && diem_cli::commands::record::record_args(record_command).offline;
        // Delivered days are signed: the keypair is read before anything else happens.
        let billing_signer = match diem_cli::commands::record::billing_args(record_command) {
            Some(billing) => Some(read_keypair(
                &billing.billing_keypair.clone().or_else(|| cli.keypair.clone()).unwrap_or_else(default_keypair_path),
            )?),
            None => None,
        };
        if !offline {
            RpcChain::new(&cli.url).check_reachable().await?;
        }
        if diem_cli::commands::record::is_service(record_command) {
            diem_cli::logging::init();
        }
        let out = diem_cli::commands::record::run(&cli.url, record_command, units, cli.json, billing_signer).await?;
        return print(cli, out);
    }
    let signer = match needs_signer(&cli.command) {
        true => Some(read_keypair(&cli.keypair.clone().unwrap_or_else(default_keypair_path))?),
        false => None,
    };
    let mut chain = RpcChain::new(&cli.url).with_priority_fee(cli.priority_fee);
    if !is_offline(&cli.command) {
        // One cheap call up front, so an unreachable endpoint is reported as such.
        chain.check_reachable().await?;
    }
    print(cli, execute(&cli.command, &mut chain, signer.as_ref(), units).await?)
}

fn print(cli: &Cli, out: Output) -> Result<(), CliError> {
    use std::io::Write;
    let text = if cli.json { serde_json::to_string_pretty(&out.json).unwrap_or_default() } else { out.human };
    // A reader that stops early (`diem curve show | head`) is not an error.
    match writeln!(std::io::stdout(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Usage(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}
