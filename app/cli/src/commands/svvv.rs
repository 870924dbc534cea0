//! sVVV: stake, unstake tickets (open, cancel, finalize, transfer), claim, fund rewards, pay
//! the treasury.
use diem_client::chain::Chain;
use diem_client::ops::Client;
use serde_json::json;

use crate::args::SvvvCommand as Command;
use crate::output::{done, ticket_finalized, ticket_opened};
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
            super::require_unlocked(client, ticket).await?;
            let outcome = client.finalize_unstake(ticket).await?;
            let paid = outcome.events_of::<diem::events::UnstakeFinalized>().first().map(|e| (e.amount, e.destination));
            let (amount, to) = paid.unwrap_or_default();
            ticket_finalized(format!("ticket {ticket}"), (units.show(amount, d), "VVV"), "paid to", to, &outcome)
        }
        Command::TransferTicket { ticket, new_owner } => done(
            format!("ticket {ticket} handed to {new_owner}"),
            &client.transfer_ticket(ticket, *new_owner).await?,
        ),
        Command::Claim { compound } => {
            let outcome = if *compound { client.claim_and_stake().await? } else { client.claim().await? };
            let amount = outcome.events_of::<diem::events::RewardsClaimed>().first().map(|e| e.amount);
            let amount = units.show(amount.unwrap_or_default(), d);
            let what = match compound {
                true => format!("compounded {amount} VVV of rewards into sVVV"),
                false => format!("claimed {amount} VVV of rewards"),
            };
            let mut out = done(what, &outcome);
            out.json["amount"] = json!(amount);
            out
        }
        Command::FundRewards { amount } => {
            let amount = units.parse(amount, d)?;
            done(format!("funded {} VVV of rewards", units.show(amount, d)), &client.fund_rewards(amount).await?)
        }
        Command::PayTreasury => done("treasury paid".into(), &client.pay_treasury().await?),
    })
}
