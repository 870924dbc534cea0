//! `init` and the config authority's commands. Each admin command is a list of instructions:
//! signed and sent in order, or, with `--export`, printed as unsigned transaction messages for
//! a multisig to propose.
use std::path::Path;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use diem::state::Change;
use diem_client::chain::{Chain, Outcome};
use diem_client::governance::{PendingChangeReport, kind_by_name, kind_name};
use diem_client::ix;
use diem_client::launch::{LaunchFile, pause_flag};
use diem_client::ops::{Client, Reader};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::args::{AdminArgs, AdminCommand, Command, ProposeCommand};
use crate::output::{done, utc};
use crate::{CliError, Output, Units};

/// The launch file at `path`, its curve section checked.
pub fn load_launch(path: &Path) -> Result<LaunchFile, CliError> {
    LaunchFile::load(path).map_err(|e| CliError::Usage(format!("--params {}: {e}", path.display())))
}

/// Refuses a launch whose metadata URI wallets could never fetch on the cluster at `url` (a
/// placeholder domain; loopback beyond a local validator), unless `--allow-placeholder-uri`.
pub fn check_metadata_uri(init: &crate::args::InitArgs, url: &str) -> Result<(), CliError> {
    if init.allow_placeholder_uri {
        return Ok(());
    }
    let launch = load_launch(&init.params)?;
    let local = diem_client::metadata_uri::is_local_url(url);
    diem_client::metadata_uri::check_metadata_uri(&launch.launch.diem_uri, local).map_err(|e| {
        CliError::Usage(format!(
            "--params {}: {e}. Set [launch] diem_uri to where `diem serve --public-url` or the page is hosted, or pass --allow-placeholder-uri",
            init.params.display()
        ))
    })
}

/// Pause flag names to bits; an unknown name is refused.
pub fn pause_bits(flags: &[String]) -> Result<u16, CliError> {
    flags.iter().try_fold(0u16, |bits, f| {
        pause_flag(f).map(|bit| bits | bit).ok_or_else(|| {
            CliError::Usage(format!("unknown pause flag '{f}' (stake, mint, stake-diem, claim-and-stake)"))
        })
    })
}

/// A change kind by name or number; an unknown one is refused.
pub fn change_kind(text: &str) -> Result<u8, CliError> {
    kind_by_name(text).ok_or_else(|| {
        CliError::Usage(format!("unknown change kind '{text}' ({})", diem_client::governance::KIND_NAMES.join(", ")))
    })
}

/// `init`: initialize from the launch file, and commit the launch curve when the signer is the
/// config authority too.
pub async fn init<C: Chain>(command: &Command, client: &mut Client<'_, C>) -> Result<Output, CliError> {
    let Command::Init(a) = command else {
        return Err(CliError::Usage(format!("`{}` is not init", super::name(command))));
    };
    let launch = load_launch(&a.params)?;
    let authority = a.authority.unwrap_or(client.signer.pubkey());
    let sent = client.init(&launch, a.vvv_mint, a.treasury, authority).await?;
    let what = format!("initialized (authority {authority}); {} transactions", sent.len());
    Ok(Output {
        human: what.clone(),
        json: json!({ "result": what, "signatures": sent.iter().map(|s| s.signature.clone()).collect::<Vec<_>>() }),
    })
}

/// The pending changes, as `admin pending` prints them.
pub async fn pending<C: Chain>(reader: &mut Reader<'_, C>) -> Result<Output, CliError> {
    let config = reader.config().await?;
    let governance = reader.governance().await?;
    let now = reader.chain.now().await?;
    let list: Vec<PendingChangeReport> =
        reader.pending_changes().await?.iter().map(|p| PendingChangeReport::new(p, &config)).collect();
    let mut human = format!("change delay {} s; {} pending", governance.change_delay, list.len());
    for p in &list {
        let due = if now >= p.eta { "due now".to_string() } else { format!("due {}", utc(p.eta)) };
        human += &format!("\n  {:<16} {} ({due})", p.kind, p.what);
    }
    Ok(Output { human, json: json!({ "change_delay": governance.change_delay, "pending": list }) })
}

/// What `admin` sends, in order, and what to say once it is sent.
async fn plan<C: Chain>(
    admin: &AdminCommand,
    reader: &mut Reader<'_, C>,
    authority: Pubkey,
    units: Units,
) -> Result<(Vec<Instruction>, String), CliError> {
    let config = reader.config().await?;
    let propose =
        |change: Change| ix::propose_change(authority, change, ix::treasury_candidate(&change, config.treasury));
    let curve_from = |params: &Path| -> Result<Vec<diem::state::CurveEntry>, CliError> {
        load_launch(params)?
            .curve(config.vvv_decimals)
            .map_err(|e| CliError::Usage(format!("--params {}: {e}", params.display())))
    };
    Ok(match admin {
        AdminCommand::Pause { flags, clear } => {
            let bits = pause_bits(flags)?;
            let current = config.paused;
            let new = if *clear { current & !bits } else { current | bits };
            let (was, now) = (diem_client::launch::pause_names(current), diem_client::launch::pause_names(new));
            (vec![ix::set_pause(authority, new)], format!("paused: {was} -> {now}"))
        }
        AdminCommand::SetParams {
            emission_rate,
            treasury_share_unlocked_bps,
            treasury_share_locked_bps,
            svvv_cooldown_secs,
            diem_cooldown_secs,
        } => {
            let mut p = config.params;
            if let Some(r) = emission_rate {
                p.emission_rate = units.parse(r, config.vvv_decimals)?;
            }
            p.treasury_share_unlocked_bps = treasury_share_unlocked_bps.unwrap_or(p.treasury_share_unlocked_bps);
            p.treasury_share_locked_bps = treasury_share_locked_bps.unwrap_or(p.treasury_share_locked_bps);
            p.svvv_cooldown_secs = svvv_cooldown_secs.unwrap_or(p.svvv_cooldown_secs);
            p.diem_cooldown_secs = diem_cooldown_secs.unwrap_or(p.diem_cooldown_secs);
            let d = config.vvv_decimals;
            let what = format!(
                "parameters set: emission {} VVV a second, treasury's cut {} % of unlocked and {} % of locked sVVV's rewards, cooldowns {} (sVVV) and {} (DIEM)",
                units.show(p.emission_rate, d),
                f64::from(p.treasury_share_unlocked_bps) / 100.0,
                f64::from(p.treasury_share_locked_bps) / 100.0,
                crate::output::wait(p.svvv_cooldown_secs),
                crate::output::wait(p.diem_cooldown_secs),
            );
            (vec![ix::set_params(authority, p)], what)
        }
        AdminCommand::SetTreasury { treasury } => {
            (vec![ix::set_treasury(authority, *treasury)], format!("treasury set to {treasury}"))
        }
        AdminCommand::SetMetadataUri { uri } => {
            if uri.len() > diem::constants::MAX_URI_LEN {
                return Err(CliError::Usage(format!(
                    "the metadata URI is {} bytes; at most {} fit",
                    uri.len(),
                    diem::constants::MAX_URI_LEN
                )));
            }
            (vec![ix::set_metadata_uri(authority, uri.clone())], format!("metadata URI set to {uri}"))
        }
        AdminCommand::ProposeAuthority { proposed } => {
            (vec![ix::propose_authority(authority, *proposed)], format!("proposed {proposed} as authority"))
        }
        AdminCommand::AcceptAuthority => (vec![ix::accept_authority(authority)], "authority accepted".into()),
        AdminCommand::ReplaceCurve { params } => {
            let ixs = ix::clear_and_replace_curve(authority, &curve_from(params)?);
            let chunks = ixs.len() - 2;
            (ixs, format!("staging cleared, curve staged in {chunks} chunks and committed"))
        }
        AdminCommand::Propose(change) => {
            let (ixs, change) = match change {
                ProposeCommand::Curve { params } => {
                    let curve = curve_from(params)?;
                    let change = Change::Curve { hash: diem::math::curve::curve_hash(&curve) };
                    (ix::propose_curve(authority, &curve, config.treasury), change)
                }
                other => {
                    let change = match other {
                        ProposeCommand::EmissionRate { rate } => {
                            Change::EmissionRate { rate: units.parse(rate, config.vvv_decimals)? }
                        }
                        ProposeCommand::TreasuryShares { unlocked_bps, locked_bps } => {
                            Change::TreasuryShares { unlocked_bps: *unlocked_bps, locked_bps: *locked_bps }
                        }
                        ProposeCommand::Treasury { account } => Change::Treasury { account: *account },
                        ProposeCommand::SvvvCooldown { secs } => Change::SvvvCooldown { secs: *secs },
                        ProposeCommand::DiemCooldown { secs } => Change::DiemCooldown { secs: *secs },
                        ProposeCommand::ChangeDelay { secs } => Change::ChangeDelay { secs: *secs },
                        ProposeCommand::Curve { .. } => return Err(CliError::Usage("curve is proposed above".into())),
                    };
                    (vec![propose(change)], change)
                }
            };
            let what = diem_client::governance::describe(&change, &config);
            (ixs, format!("proposed {}: {what}", kind_name(change.kind())))
        }
        AdminCommand::Apply { kind } => {
            let kind = change_kind(kind)?;
            (vec![reader.apply_change_ix(authority, kind).await?], format!("applied the {} change", kind_name(kind)))
        }
        AdminCommand::Cancel { kind } => {
            let kind = change_kind(kind)?;
            (
                vec![ix::cancel_change(authority, kind, config.treasury)],
                format!("cancelled the {} change", kind_name(kind)),
            )
        }
        AdminCommand::Pending => return Err(CliError::Usage("`admin pending` sends nothing".into())),
    })
}

/// Each instruction as an unsigned legacy transaction message paid by `authority`.
fn export(ixs: &[Instruction], authority: &Pubkey, encoding: &str) -> Output {
    let messages: Vec<String> = ixs
        .iter()
        .map(|ix| {
            let bytes = solana_transaction::Message::new(std::slice::from_ref(ix), Some(authority)).serialize();
            match encoding {
                "base64" => base64::engine::general_purpose::STANDARD.encode(bytes),
                _ => bs58::encode(bytes).into_string(),
            }
        })
        .collect();
    Output {
        human: messages.join("\n"),
        json: json!({ "authority": authority.to_string(), "encoding": encoding, "messages": messages }),
    }
}

/// Runs an admin command: signs and sends its instructions in order, or exports them.
pub async fn run<C: Chain>(
    args: &AdminArgs,
    chain: &mut C,
    signer: Option<&Keypair>,
    units: Units,
) -> Result<Output, CliError> {
    if let AdminCommand::Pending = args.command {
        return pending(&mut Reader::new(chain)).await;
    }
    if let Some(encoding) = &args.export {
        let authority = args
            .authority
            .or(signer.map(|s| s.pubkey()))
            .ok_or_else(|| CliError::Usage("--export needs --authority PUBKEY (the multisig) or a keypair".into()))?;
        let (ixs, _) = plan(&args.command, &mut Reader::new(chain), authority, units).await?;
        return Ok(export(&ixs, &authority, encoding));
    }
    let signer =
        signer.ok_or_else(|| CliError::Usage("admin commands sign: pass --keypair FILE (or --export)".into()))?;
    let (ixs, what) = plan(&args.command, &mut Reader::new(chain), signer.pubkey(), units).await?;
    let mut last = Outcome::default();
    for ix in ixs {
        last = chain.send(&[ix], &[signer]).await?;
    }
    Ok(done(what, &last))
}
