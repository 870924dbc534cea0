//! One file per group of commands; [`execute`] runs one. Every argument that can be checked
//! without the chain is checked first ([`validate`]), so a bad argument is reported as such,
//! before any keypair or network is touched.
use diem_client::chain::Chain;
use diem_client::ops::{Client, Reader};
use solana_keypair::Keypair;

use crate::args::{AdminCommand, Command, CurveCommand, DevCommand, DiemCommand, ProposeCommand, ReadCommand, RecordCommand, SvvvCommand};
use crate::{CliError, Output, Units};

pub mod admin;
pub mod curve;
pub mod dev;
pub mod diem;
pub mod record;
pub mod reports;
pub mod svvv;

/// Whether `command` needs the keypair: every command that signs, and a read of the keypair's
/// own position or tickets. Reads of a named owner and offline commands need none.
pub fn needs_signer(command: &Command) -> bool {
    match command {
        // `pending` reads; an export names its authority.
        Command::Admin(a) => !matches!(a.command, AdminCommand::Pending) && a.authority.is_none(),
        Command::Read(ReadCommand::Position { owner } | ReadCommand::Tickets { owner }) => owner.is_none(),
        Command::Read(ReadCommand::Quote { .. }) | Command::Curve(_) | Command::Record(_) | Command::Keygen { .. } => false,
        Command::Init(_) | Command::Svvv(_) | Command::Diem(_) | Command::Dev(_) => true,
        #[cfg(feature = "demo")]
        Command::Demo { .. } => false,
    }
}

/// Whether `command` talks to no chain at all.
pub fn is_offline(command: &Command) -> bool {
    match command {
        Command::Curve(CurveCommand::Generate { .. }) | Command::Keygen { .. } => true,
        #[cfg(feature = "demo")]
        Command::Demo { .. } => true,
        _ => false,
    }
}

/// Checks every argument that needs no chain: amounts, dates, pause flags, launch files.
pub fn validate(command: &Command, units: Units) -> Result<(), CliError> {
    match command {
        Command::Svvv(SvvvCommand::Stake { amount, .. }) => units.check("stake AMOUNT", amount),
        Command::Svvv(SvvvCommand::Unstake { amount }) => units.check("unstake AMOUNT", amount),
        Command::Diem(DiemCommand::Mint { amount, min_out, .. }) => {
            units.check("mint AMOUNT", amount)?;
            match min_out {
                Some(m) => units.check("mint --min-out", m),
                None => Ok(()),
            }
        }
        Command::Diem(DiemCommand::Burn { amount }) => units.check("burn AMOUNT", amount),
        Command::Diem(DiemCommand::StakeDiem { amount, beneficiary }) => {
            not_default("stake-diem --beneficiary", beneficiary.as_ref())?;
            units.check("stake-diem AMOUNT", amount)
        }
        Command::Diem(DiemCommand::UnstakeDiem { amount, .. }) => units.check("unstake-diem AMOUNT", amount),
        Command::Svvv(SvvvCommand::TransferTicket { new_owner, .. }) => not_default("transfer-ticket NEW_OWNER", Some(new_owner)),
        Command::Diem(DiemCommand::SetBeneficiary { from, to }) => {
            not_default("set-beneficiary TO", Some(to))?;
            if from == to {
                return Err(CliError::Usage(format!("set-beneficiary: the stake already credits {to}")));
            }
            Ok(())
        }
        Command::Svvv(SvvvCommand::FundRewards { amount }) => units.check("fund-rewards AMOUNT", amount),
        Command::Read(ReadCommand::Quote { amount }) => units.check("quote AMOUNT", amount),
        Command::Record(RecordCommand::Entitlements { day, .. }) => {
            diem_client::credit::parse_day(day).map(|_| ()).map_err(|e| CliError::Usage(format!("--day: {e}")))
        }
        Command::Init(a) => admin::load_launch(&a.params).map(|_| ()),
        Command::Admin(a) => match &a.command {
            AdminCommand::ReplaceCurve { params } | AdminCommand::Propose(ProposeCommand::Curve { params }) => {
                admin::load_launch(params).map(|_| ())
            }
            AdminCommand::Pause { flags, .. } => admin::pause_bits(flags).map(|_| ()),
            AdminCommand::SetParams { emission_rate: Some(rate), .. } => {
                units.check("set-params --emission-rate", rate)
            }
            AdminCommand::Propose(ProposeCommand::EmissionRate { rate }) => {
                units.check("propose emission-rate RATE", rate)
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

/// The command's name as typed (`finalize-diem-unstake`), for messages: the variant of the
/// group enum that holds it, in clap's kebab case.
pub fn name(command: &Command) -> String {
    match command {
        Command::Svvv(c) => name_of(c),
        Command::Diem(c) => name_of(c),
        Command::Read(c) => name_of(c),
        Command::Record(c) => name_of(c),
        other => name_of(other),
    }
}

/// A variant's name in kebab case, from its `Debug` form (derived, so it follows the variant).
pub fn name_of(variant: &impl std::fmt::Debug) -> String {
    let debug = format!("{variant:?}");
    let mut out = String::new();
    for (i, c) in debug.chars().take_while(|c| c.is_alphanumeric()).enumerate() {
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
    let me = signer.map(solana_signer::Signer::pubkey);
    match command {
        Command::Admin(a) => admin::run(a, chain, signer, units).await,
        Command::Curve(CurveCommand::Generate { .. }) => curve::generate(command, units),
        Command::Curve(CurveCommand::Show) => reports::curve(&mut Reader::new(chain), units).await,
        Command::Keygen { outfile } => dev::keygen(outfile),
        Command::Read(c) => reports::read(c, &mut Reader::new(chain), me, units).await,
        Command::Record(c) => reports::from_events(c, &mut Reader::new(chain), units).await,
        Command::Init(_) => admin::init(command, &mut Client::new(chain, signer_for(signer, command)?)).await,
        Command::Svvv(c) => svvv::run(c, &mut Client::new(chain, signer_for(signer, command)?), units).await,
        Command::Diem(c) => diem::run(c, &mut Client::new(chain, signer_for(signer, command)?), units).await,
        Command::Dev(c) => dev::run(c, &mut Client::new(chain, signer_for(signer, command)?), units).await,
        #[cfg(feature = "demo")]
        Command::Demo { .. } => Err(CliError::Usage("`demo` runs on its own embedded bank: run `diem demo`".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_as_typed() {
        let ticket = anchor_lang::prelude::Pubkey::new_unique();
        assert_eq!(name(&Command::Diem(DiemCommand::FinalizeDiemUnstake { ticket })), "finalize-diem-unstake");
        assert_eq!(name(&Command::Svvv(SvvvCommand::Stake { amount: "1".parse().unwrap(), recipient: None })), "stake");
        assert_eq!(name(&Command::Keygen { outfile: "k.json".into() }), "keygen");
    }
}
