//! DIEM: mint (quote first, with slippage), burn, stake DIEM for a beneficiary, DIEM tickets.
use diem::constants::DIEM_DECIMALS;
use diem_client::chain::Chain;
use diem_client::ops::Client;
use serde_json::json;

use crate::args::DiemCommand as Command;
use crate::output::{done, ticket_finalized, ticket_opened};
use crate::{CliError, Output, Units};

pub async fn run<C: Chain>(command: &Command, client: &mut Client<'_, C>, units: Units) -> Result<Output, CliError> {
    let show = |x| units.show(x, DIEM_DECIMALS);
    Ok(match command {
        Command::Mint { amount, min_out, slippage_bps } => {
            // One read of the config: the decimals, the quote and the deployment come from it.
            let config = client.config().await?;
            let d = config.vvv_decimals;
            let svvv = units.parse(amount, d)?;
            let quote = client.reader().quote_on(&config, svvv).await?.diem_out;
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
            let d = client.config().await?.vvv_decimals;
            let outcome = client.burn(amount).await?;
            let released = outcome.events_of::<diem::events::DiemBurned>().first().map(|e| e.svvv_unlocked);
            let released = released.unwrap_or_default();
            let mut out = done(format!("burned {} DIEM, released {} sVVV", show(amount), units.show(released, d)), &outcome);
            out.json["released_svvv"] = json!(units.show(released, d));
            out
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
            super::require_unlocked(client, ticket).await?;
            let outcome = client.finalize_diem_unstake(ticket).await?;
            let paid = outcome.events_of::<diem::events::DiemUnstakeFinalized>().first().map(|e| (e.amount, e.destination));
            let (amount, to) = paid.unwrap_or_default();
            ticket_finalized(format!("DIEM ticket {ticket}"), (show(amount), "DIEM"), "returned to", to, &outcome)
        }
        Command::SetBeneficiary { from, to } => done(
            format!("the DIEM staked for {from} now credits {to} (from the next 00:00 UTC)"),
            &client.set_diem_beneficiary(*from, *to).await?,
        ),
    })
}
