//! sVVV: stake, unstake tickets (open, cancel, finalize, transfer), claim, fund rewards, pay
//! the treasury.
use diem_client::chain::Chain;
use diem_client::ops::Client;

use crate::args::Command;
use crate::output::{done, ticket_opened};
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
            let outcome = client.unstake(amount).await?;
            ticket_opened(format!("unstaking {} sVVV", units.show(amount, d)), &outcome)
        }
        Command::CancelUnstake { ticket } => {
            done(format!("ticket {ticket} cancelled"), &client.cancel_unstake(ticket).await?)
        }
        Command::FinalizeUnstake { ticket } => {
            done(format!("ticket {ticket} finalized"), &client.finalize_unstake(ticket).await?)
        }
        Command::TransferTicket { ticket, new_owner } => done(
            format!("ticket {ticket} handed to {new_owner}"),
            &client.transfer_ticket(ticket, *new_owner).await?,
        ),
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
