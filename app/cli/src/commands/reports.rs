//! Reads that need no keypair: a position, a quote, the live curve, the audit, the daily credit.
use diem::constants::DIEM_DECIMALS;
use diem_client::chain::Chain;
use anchor_lang::prelude::Pubkey;
use diem_client::ops::Reader;
use diem_client::ops::reports::TicketReport;
use serde_json::{Value, json};

use crate::args::{ReadCommand, RecordCommand};
use crate::output::{curve_output, position_output, tickets_output};
use crate::{CliError, Output, Units};

/// `diem tickets`: the owner's open tickets, read back from chain, soonest first.
pub async fn tickets<C: Chain>(reader: &mut Reader<'_, C>, owner: &Pubkey, units: Units) -> Result<Output, CliError> {
    let d = reader.config().await?.vvv_decimals;
    let now = reader.chain.now().await?;
    let held = reader.tickets_of(owner).await?;
    let reports: Vec<TicketReport> = held.iter().map(|(a, t)| TicketReport::new(a, t, now)).collect();
    Ok(tickets_output(&owner.to_string(), &reports, d, units))
}

/// A read of the chain: `owner`'s, or `me`'s (the keypair's) where none is named.
pub async fn read<C: Chain>(
    command: &ReadCommand,
    reader: &mut Reader<'_, C>,
    me: Option<Pubkey>,
    units: Units,
) -> Result<Output, CliError> {
    let whose = |owner: &Option<Pubkey>, what: &str| {
        owner.or(me).ok_or_else(|| CliError::Usage(format!("`{what}` shows the keypair's: pass --keypair FILE, or name an owner")))
    };
    Ok(match command {
        ReadCommand::Position { owner } => position_output(&reader.position_report(&whose(owner, "position")?).await?, units),
        ReadCommand::Tickets { owner } => return tickets(reader, &whose(owner, "tickets")?, units).await,
        ReadCommand::Quote { amount } => {
            let d = reader.config().await?.vvv_decimals;
            let svvv = units.parse(amount, d)?;
            let out = reader.quote(svvv).await?.diem_out;
            let rate = diem_client::curve::average_rate(svvv, out);
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
    })
}

/// `curve show`: the live table.
pub async fn curve<C: Chain>(reader: &mut Reader<'_, C>, units: Units) -> Result<Output, CliError> {
    let d = reader.config().await?.vvv_decimals;
    Ok(curve_output(&reader.curve().await?, d, units))
}

/// The record's reports answered by replaying the chain's events (the embedded bank keeps them
/// all); history, the index and the server need the record's database.
pub async fn from_events<C: Chain>(command: &RecordCommand, reader: &mut Reader<'_, C>, units: Units) -> Result<Output, CliError> {
    Ok(match command {
        RecordCommand::Audit { .. } => {
            let report = reader.audit().await?;
            let mut human = format!(
                "audit: {} events replayed, {} positions, {} DIEM stakes, DIEM supply {}\n",
                report.events_replayed,
                report.positions,
                report.diem_stakes,
                units.show(report.diem_supply, DIEM_DECIMALS)
            );
            human += &crate::output::check_lines(&report.checks, &report.trust_assumptions);
            human += if report.ok() { "all invariants hold" } else { "INVARIANTS BROKEN" };
            let json = serde_json::to_value(&report).map_err(|e| CliError::Usage(format!("cannot encode: {e}")))?;
            Output { human, json }
        }
        RecordCommand::Entitlements { day, .. } => {
            let day_number = diem_client::credit::parse_day(day).map_err(|e| CliError::Usage(format!("--day: {e}")))?;
            let list = reader.entitlements(day_number).await?;
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
        RecordCommand::History { .. } | RecordCommand::Index(_) | RecordCommand::Serve { .. } => {
            return Err(CliError::Usage(format!("`{}` needs the record's database: run it over --url", super::name_of(command))));
        }
    })
}
