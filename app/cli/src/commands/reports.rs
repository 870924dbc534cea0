//! Reads that need no keypair: a position, a quote, the live curve, the audit, the daily credit.
use diem::constants::DIEM_DECIMALS;
use diem_client::chain::Chain;
use anchor_lang::prelude::Pubkey;
use diem_client::ops::Reader;
use diem_client::ops::reports::TicketReport;
use serde_json::{Value, json};

use crate::args::{Command, CurveCommand};
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

pub async fn run<C: Chain>(command: &Command, reader: &mut Reader<'_, C>, units: Units) -> Result<Output, CliError> {
    Ok(match command {
        Command::Position { owner: Some(owner) } => position_output(&reader.position_report(owner).await?, units),
        Command::Tickets { owner: Some(owner) } => return tickets(reader, owner, units).await,
        Command::Quote { amount } => {
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
        Command::Curve(CurveCommand::Show) => {
            let d = reader.config().await?.vvv_decimals;
            curve_output(&reader.curve().await?, d, units)
        }
        Command::Audit { .. } => {
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
        Command::Entitlements { day, .. } => {
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
        other => return Err(CliError::Usage(format!("`{}` is not a read", super::name(other)))),
    })
}
