//! sVVV: stake, unstake (cancel, finalize), claim, fund rewards, pay the treasury.
use diem_client::chain::Chain;
use diem_client::ops::Client;

use crate::args::Command;
use crate::output::done;
use crate::{CliError, Output, Units};

pub async fn run<C: Chain>(command: &Command, client: &mut Client<'_, C>, units: Units) -> Result<Output, CliError> {
    let d = client.config().await?.vvv_decimals;
    Ok(match command {
        Command::Stake { amount, recipient } => {
            let amount = units.parse(amount, d)?;
            done(format!("staked {} VVV", units.show(amount, d)), &client.stake(amount, *recipient).await?)
        }
        Command::Unstake { amount } => {
            let amount = units.parse(amount, d)?;
            done(format!("unstaking {} sVVV", units.show(amount, d)), &client.unstake(amount).await?)
        }
        Command::CancelUnstake => done("unstake cancelled".into(), &client.cancel_unstake().await?),
        Command::FinalizeUnstake => done("unstake finalized".into(), &client.finalize_unstake().await?),
        Command::Claim { compound: true } => done("rewards compounded".into(), &client.claim_and_stake().await?),
        Command::Claim { compound: false } => done("rewards claimed".into(), &client.claim().await?),
        Command::FundRewards { amount } => {
            let amount = units.parse(amount, d)?;
            done(format!("funded {} VVV of rewards", units.show(amount, d)), &client.fund_rewards(amount).await?)
        }
        Command::PayTreasury => done("treasury paid".into(), &client.pay_treasury().await?),
        other => return Err(CliError::Usage(format!("`{}` is not an sVVV command", super::name(other)))),
    })
}
