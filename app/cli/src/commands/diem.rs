//! DIEM: mint (quote first, with slippage), burn, stake DIEM for a beneficiary, DIEM tickets.
use diem::constants::DIEM_DECIMALS;
use diem_client::chain::Chain;
use diem_client::ops::Client;
use serde_json::json;

use crate::args::Command;
use crate::output::{done, ticket_opened};
use crate::{CliError, Output, Units};

pub async fn run<C: Chain>(command: &Command, client: &mut Client<'_, C>, units: Units) -> Result<Output, CliError> {
    let show = |x| units.show(x, DIEM_DECIMALS);
    Ok(match command {
        Command::Mint { amount, min_out, slippage_bps } => {
            let d = client.config().await?.vvv_decimals;
            let svvv = units.parse(amount, d)?;
            let quote = client.reader().quote(svvv).await?.diem_out;
            let min = match min_out {
                Some(m) => units.parse(m, DIEM_DECIMALS)?,
                None => {
                    let bps = slippage_bps.unwrap_or(50);
                    diem_client::curve::min_out_for_slippage(quote, bps)
                        .ok_or_else(|| CliError::Usage(format!("--slippage-bps {bps} is above 10000 (100 %)")))?
                }
            };
            let outcome = client.mint(svvv, min).await?;
            let minted = diem_client::ops::user::diem_minted(&outcome).unwrap_or_default();
            let what = format!(
                "locked {} sVVV: quoted {} DIEM, minted {} DIEM (minimum {})",
                units.show(svvv, d),
                show(quote),
                show(minted),
                show(min)
            );
            let mut out = done(what, &outcome);
            out.json["quoted"] = json!(show(quote));
            out.json["minted"] = json!(show(minted));
            out
        }
        Command::Burn { amount } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            done(format!("burned {} DIEM", show(amount)), &client.burn(amount).await?)
        }
        Command::StakeDiem { amount, beneficiary } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            let what = match beneficiary {
                Some(b) => format!("staked {} DIEM for {b}", show(amount)),
                None => format!("staked {} DIEM", show(amount)),
            };
            done(what, &client.stake_diem(amount, *beneficiary).await?)
        }
        Command::UnstakeDiem { amount, beneficiary } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            let outcome = client.unstake_diem(amount, *beneficiary).await?;
            ticket_opened(format!("unstaking {} DIEM", show(amount)), &outcome)
        }
        Command::CancelDiemUnstake { ticket, beneficiary } => done(
            format!("DIEM ticket {ticket} cancelled"),
            &client.cancel_diem_unstake(ticket, *beneficiary).await?,
        ),
        Command::FinalizeDiemUnstake { ticket } => {
            done(format!("DIEM ticket {ticket} finalized"), &client.finalize_diem_unstake(ticket).await?)
        }
        Command::SetBeneficiary { from, to } => done(
            format!("the DIEM staked for {from} now credits {to} (from the next 00:00 UTC)"),
            &client.set_diem_beneficiary(*from, *to).await?,
        ),
        other => return Err(CliError::Usage(format!("`{}` is not a DIEM command", super::name(other)))),
    })
}
