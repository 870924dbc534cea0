//! DIEM: mint (quote first, with slippage), burn, stake and unstake DIEM.
use diem::constants::DIEM_DECIMALS;
use diem_client::chain::Chain;
use diem_client::ops::Client;
use serde_json::json;

use crate::args::Command;
use crate::output::done;
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
        Command::StakeDiem { amount } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            done(format!("staked {} DIEM", show(amount)), &client.stake_diem(amount).await?)
        }
        Command::UnstakeDiem { amount } => {
            let amount = units.parse(amount, DIEM_DECIMALS)?;
            done(format!("unstaking {} DIEM", show(amount)), &client.unstake_diem(amount).await?)
        }
        Command::CancelDiemUnstake => done("DIEM unstake cancelled".into(), &client.cancel_diem_unstake().await?),
        Command::FinalizeDiemUnstake => done("DIEM unstake finalized".into(), &client.finalize_diem_unstake().await?),
        other => return Err(CliError::Usage(format!("`{}` is not a DIEM command", super::name(other)))),
    })
}
