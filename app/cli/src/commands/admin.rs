//! `init` and the config authority's commands.
use std::path::Path;

use diem_client::chain::Chain;
use diem_client::launch::{LaunchFile, pause_flag};
use diem_client::ops::Client;
use serde_json::json;
use solana_signer::Signer;

use crate::args::{AdminCommand, Command};
use crate::output::done;
use crate::{CliError, Output, Units};

/// The launch file at `path`, its curve section checked.
pub fn load_launch(path: &Path) -> Result<LaunchFile, CliError> {
    LaunchFile::load(path).map_err(|e| CliError::Usage(format!("--params {}: {e}", path.display())))
}

/// Pause flag names to bits; an unknown name is refused.
pub fn pause_bits(flags: &[String]) -> Result<u16, CliError> {
    flags.iter().try_fold(0u16, |bits, f| {
        pause_flag(f).map(|bit| bits | bit).ok_or_else(|| {
            CliError::Usage(format!("unknown pause flag '{f}' (stake, mint, stake-diem, claim-and-stake)"))
        })
    })
}

pub async fn run<C: Chain>(command: &Command, client: &mut Client<'_, C>, units: Units) -> Result<Output, CliError> {
    let admin = match command {
        Command::Init(a) => {
            let launch = load_launch(&a.params)?;
            let authority = a.authority.unwrap_or(client.signer.pubkey());
            let sent = client.init(&launch, a.vvv_mint, a.treasury, authority).await?;
            let what = format!("initialized (authority {authority}); {} transactions", sent.len());
            return Ok(Output {
                human: what.clone(),
                json: json!({ "result": what, "signatures": sent.iter().map(|s| s.signature.clone()).collect::<Vec<_>>() }),
            });
        }
        Command::Admin(admin) => admin,
        other => return Err(CliError::Usage(format!("`{}` is not an admin command", super::name(other)))),
    };
    Ok(match admin {
        AdminCommand::Pause { flags, clear } => {
            let bits = pause_bits(flags)?;
            let current = client.config().await?.paused;
            let new = if *clear { current & !bits } else { current | bits };
            done(format!("pause flags {current:#06b} -> {new:#06b}"), &client.set_pause(new).await?)
        }
        AdminCommand::SetParams {
            emission_rate,
            treasury_share_unlocked_bps,
            treasury_share_locked_bps,
            svvv_cooldown_secs,
            diem_cooldown_secs,
        } => {
            let config = client.config().await?;
            let mut p = config.params;
            if let Some(r) = emission_rate {
                p.emission_rate = units.parse(r, config.vvv_decimals)?;
            }
            p.treasury_share_unlocked_bps = treasury_share_unlocked_bps.unwrap_or(p.treasury_share_unlocked_bps);
            p.treasury_share_locked_bps = treasury_share_locked_bps.unwrap_or(p.treasury_share_locked_bps);
            p.svvv_cooldown_secs = svvv_cooldown_secs.unwrap_or(p.svvv_cooldown_secs);
            p.diem_cooldown_secs = diem_cooldown_secs.unwrap_or(p.diem_cooldown_secs);
            done(format!("parameters set: {p:?}"), &client.set_params(p).await?)
        }
        AdminCommand::SetTreasury { treasury } => {
            done(format!("treasury set to {treasury}"), &client.set_treasury(*treasury).await?)
        }
        AdminCommand::ProposeAuthority { proposed } => {
            done(format!("proposed {proposed} as authority"), &client.propose_authority(*proposed).await?)
        }
        AdminCommand::AcceptAuthority => done("authority accepted".into(), &client.accept_authority().await?),
        AdminCommand::ReplaceCurve { params } => {
            let launch = load_launch(params)?;
            let d = client.config().await?.vvv_decimals;
            let curve = launch.curve(d).map_err(|e| CliError::Usage(format!("--params {}: {e}", params.display())))?;
            let sent = client.replace_curve(&curve).await?;
            let last = sent.last().cloned().unwrap_or_default();
            done(format!("staging cleared, curve staged in {} chunks and committed", sent.len().saturating_sub(2)), &last)
        }
    })
}
