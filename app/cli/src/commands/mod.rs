//! One file per group of commands; [`execute`] runs one. Every argument that can be checked
//! without the chain is checked first ([`validate`]), so a bad argument is reported as such,
//! before any keypair or network is touched.
use diem_client::chain::Chain;
use diem_client::ops::{Client, Reader};
use solana_keypair::Keypair;

use crate::args::{AdminCommand, Command, CurveCommand, DevCommand, ProposeCommand};
use crate::{CliError, Output, Units};

pub mod admin;
pub mod curve;
pub mod dev;
pub mod diem;
pub mod record;
pub mod reports;
pub mod svvv;

/// Whether `command` needs the keypair: every command that signs, and `position` without an
/// owner (it shows the keypair's). Reads and offline commands need none.
pub fn needs_signer(command: &Command) -> bool {
    if let Command::Admin(a) = command {
        // `pending` reads; an export names its authority.
        return !matches!(a.command, AdminCommand::Pending) && a.authority.is_none();
    }
    !matches!(
        command,
        Command::Quote { .. }
            | Command::Position { owner: Some(_) }
            | Command::Tickets { owner: Some(_) }
            | Command::Curve(_)
            | Command::Audit { .. }
            | Command::Entitlements { .. }
            | Command::History { .. }
            | Command::Index(_)
            | Command::Serve { .. }
            | Command::Keygen { .. }
    ) && !is_demo(command)
}

/// Whether `command` talks to no chain at all.
pub fn is_offline(command: &Command) -> bool {
    matches!(command, Command::Curve(CurveCommand::Generate { .. }) | Command::Keygen { .. }) || is_demo(command)
}

fn is_demo(command: &Command) -> bool {
    #[cfg(feature = "demo")]
    if let Command::Demo { .. } = command {
        return true;
    }
    let _ = command;
    false
}

/// Checks every argument that needs no chain: amounts, dates, pause flags, launch files.
pub fn validate(command: &Command, units: Units) -> Result<(), CliError> {
    match command {
        Command::Stake { amount, .. } => units.check("stake AMOUNT", amount),
        Command::Unstake { amount } => units.check("unstake AMOUNT", amount),
        Command::Mint { amount, min_out, .. } => {
            units.check("mint AMOUNT", amount)?;
            match min_out {
                Some(m) => units.check("mint --min-out", m),
                None => Ok(()),
            }
        }
        Command::Burn { amount } => units.check("burn AMOUNT", amount),
        Command::StakeDiem { amount, beneficiary } => {
            not_default("stake-diem --beneficiary", beneficiary.as_ref())?;
            units.check("stake-diem AMOUNT", amount)
        }
        Command::UnstakeDiem { amount, .. } => units.check("unstake-diem AMOUNT", amount),
        Command::TransferTicket { new_owner, .. } => not_default("transfer-ticket NEW_OWNER", Some(new_owner)),
        Command::SetBeneficiary { from, to } => {
            not_default("set-beneficiary TO", Some(to))?;
            if from == to {
                return Err(CliError::Usage(format!("set-beneficiary: the stake already credits {to}")));
            }
            Ok(())
        }
        Command::FundRewards { amount } => units.check("fund-rewards AMOUNT", amount),
        Command::Quote { amount } => units.check("quote AMOUNT", amount),
        Command::Entitlements { day, .. } => {
            diem_client::credit::parse_day(day).map(|_| ()).map_err(|e| CliError::Usage(format!("--day: {e}")))
        }
        Command::Init(a) => admin::load_launch(&a.params).map(|_| ()),
        Command::Admin(a) => match &a.command {
            AdminCommand::ReplaceCurve { params } | AdminCommand::Propose(ProposeCommand::Curve { params }) => {
                admin::load_launch(params).map(|_| ())
            }
            AdminCommand::Pause { flags, .. } => admin::pause_bits(flags).map(|_| ()),
            AdminCommand::SetParams { emission_rate: Some(rate), .. } => {
                units.check_any("set-params --emission-rate", rate).map(|_| ())
            }
            AdminCommand::Propose(ProposeCommand::EmissionRate { rate }) => {
                units.check_any("propose emission-rate RATE", rate).map(|_| ())
            }
            AdminCommand::Apply { kind } | AdminCommand::Cancel { kind } => admin::change_kind(kind).map(|_| ()),
            _ => Ok(()),
        },
        Command::Dev(DevCommand::SetupVvv { amount, .. }) => units.check("dev setup-vvv --amount", amount),
        Command::Dev(DevCommand::Fund { amount, .. }) => units.check("dev fund AMOUNT", amount),
        Command::Curve(CurveCommand::Generate { .. }) => curve::generate(command, units).map(|_| ()),
        _ => Ok(()),
    }
}

fn signer_for<'k>(signer: Option<&'k Keypair>, command: &Command) -> Result<&'k Keypair, CliError> {
    signer.ok_or_else(|| CliError::Usage(format!("`{}` signs a transaction: pass --keypair FILE", name(command))))
}

/// The default (all-zero) key never receives credit or a ticket: refused before signing.
fn not_default(what: &str, key: Option<&anchor_lang::prelude::Pubkey>) -> Result<(), CliError> {
    match key {
        Some(k) if *k == anchor_lang::prelude::Pubkey::default() => {
            Err(CliError::Usage(format!("{what}: the default (all-zero) key cannot be named")))
        }
        _ => Ok(()),
    }
}

/// Refuses to finalize a ticket before its unlock time, saying when that is (the program would
/// refuse with `CooldownNotElapsed` and no time). A ticket that is not open is left to the
/// operation, which says so.
pub(crate) async fn require_unlocked<C: Chain>(
    client: &mut Client<'_, C>,
    ticket: &anchor_lang::prelude::Pubkey,
) -> Result<(), CliError> {
    let Some(t) = client.reader().ticket(ticket).await? else { return Ok(()) };
    let now = client.chain.now().await?;
    if now >= t.unlock_at {
        return Ok(());
    }
    Err(diem_client::chain::ChainError::Invalid(format!(
        "CooldownNotElapsed: ticket {ticket} unlocks at {} (in {}); finalize it then",
        crate::output::utc(t.unlock_at),
        crate::output::wait(t.unlock_at - now)
    ))
    .into())
}

/// The command's name as typed.
pub fn name(command: &Command) -> String {
    let debug = format!("{command:?}");
    let variant: String = debug.chars().take_while(|c| c.is_alphanumeric()).collect();
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Runs `command` on `chain`, signed by `signer` where it signs. (`demo` runs on its own bank.)
pub async fn execute<C: Chain>(
    command: &Command,
    chain: &mut C,
    signer: Option<&Keypair>,
    units: Units,
) -> Result<Output, CliError> {
    validate(command, units)?;
    if let Command::Admin(a) = command {
        return admin::run(a, chain, signer, units).await;
    }
    if !needs_signer(command) {
        return match command {
            Command::Curve(CurveCommand::Generate { .. }) => curve::generate(command, units),
            Command::Keygen { outfile } => dev::keygen(outfile),
            _ => reports::run(command, &mut Reader::new(chain), units).await,
        };
    }
    let signer = signer_for(signer, command)?;
    let mut client = Client::new(chain, signer);
    match command {
        Command::Init(_) => admin::init(command, &mut client).await,
        Command::Dev(_) => dev::run(command, &mut client, units).await,
        Command::Mint { .. }
        | Command::Burn { .. }
        | Command::StakeDiem { .. }
        | Command::UnstakeDiem { .. }
        | Command::CancelDiemUnstake { .. }
        | Command::FinalizeDiemUnstake { .. }
        | Command::SetBeneficiary { .. } => diem::run(command, &mut client, units).await,
        Command::Position { owner: None } => {
            let me = solana_signer::Signer::pubkey(signer);
            Ok(crate::output::position_output(&client.reader().position_report(&me).await?, units))
        }
        Command::Tickets { owner: None } => {
            let me = solana_signer::Signer::pubkey(signer);
            reports::tickets(&mut client.reader(), &me, units).await
        }
        _ => svvv::run(command, &mut client, units).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_as_typed() {
        let ticket = anchor_lang::prelude::Pubkey::new_unique();
        assert_eq!(name(&Command::FinalizeDiemUnstake { ticket }), "finalize-diem-unstake");
        assert_eq!(name(&Command::Stake { amount: "1".into(), recipient: None }), "stake");
    }
}
