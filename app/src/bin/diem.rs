//! `diem`: the command line of the DIEM program. See `diem --help`.
use std::process::ExitCode;

use clap::Parser;
use diem_client::cli::{Cli, CliError, Command, Units, default_keypair_path, execute, read_keypair};
use diem_client::rpc::RpcChain;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli).await {
        Ok(()) => ExitCode::SUCCESS,
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

async fn run(cli: &Cli) -> Result<(), CliError> {
    if let Some(id) = cli.program_id {
        if id != diem::ID {
            return Err(CliError::Usage(format!("this build of diem talks to program {}, not {id}", diem::ID)));
        }
    }
    if let Command::Demo = cli.command {
        diem_client::demo::run().await?;
        return Ok(());
    }
    let units = Units { raw: cli.raw };
    // Offline commands need no keypair.
    if matches!(cli.command, Command::Curve(diem_client::cli::CurveCommand::Generate { .. }) | Command::Keygen { .. }) {
        let mut chain = RpcChain::new(&cli.url, solana_keypair::Keypair::new());
        return print(cli, execute(&cli.command, &mut chain, &solana_keypair::Keypair::new(), units).await?);
    }
    let signer = read_keypair(&cli.keypair.clone().unwrap_or_else(default_keypair_path))?;
    let mut chain = RpcChain::new(&cli.url, signer.insecure_clone());
    print(cli, execute(&cli.command, &mut chain, &signer, units).await?)
}

fn print(cli: &Cli, out: diem_client::cli::Output) -> Result<(), CliError> {
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
