//! Solana Actions for stake, mint and stake-DIEM: `GET /actions.json` maps the site's paths to
//! the API, `GET /api/actions/{name}` describes an action and the amounts it offers, `POST` with
//! the wallet's `account` returns the unsigned transaction, and `OPTIONS` answers the CORS
//! preflight. Every response carries the Actions CORS headers and version; every refusal is a
//! 4xx JSON `{"message": …}`.
use std::str::FromStr;
use std::sync::Arc;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::associated_token::{get_associated_token_address_with_program_id, spl_associated_token_account as ata};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use diem::constants::DIEM_DECIMALS;
use diem::state::Config;
use diem_client::amount::{format_amount, parse_amount};
use diem_client::curve::min_out_for_slippage;
use diem_client::{ix, pda};
use serde::Deserialize;
use diem_client::chain::Chain;
use diem_client::rpc::RpcChain;

use crate::Gateway;
use crate::spec::*;
use crate::transaction::{BuildError, unsigned};

/// Slippage a mint Blink accepts: the quote is taken when the wallet asks, signed seconds later.
pub const MINT_SLIPPAGE_BPS: u16 = 50;

/// The actions offered, by path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionName {
    Stake,
    Mint,
    StakeDiem,
}

impl FromStr for ActionName {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "stake" => Ok(Self::Stake),
            "mint" => Ok(Self::Mint),
            "stake-diem" => Ok(Self::StakeDiem),
            _ => Err(()),
        }
    }
}

impl ActionName {
    fn path(self) -> &'static str {
        match self {
            Self::Stake => "stake",
            Self::Mint => "mint",
            Self::StakeDiem => "stake-diem",
        }
    }

    /// The token the amount is in.
    fn unit(self) -> &'static str {
        match self {
            Self::Stake => "VVV",
            Self::Mint => "sVVV",
            Self::StakeDiem => "DIEM",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Stake => "Stake VVV",
            Self::Mint => "Mint DIEM",
            Self::StakeDiem => "Stake DIEM for inference credit",
        }
    }

    fn description(self, config: &Config) -> String {
        match self {
            Self::Stake => format!(
                "Stake VVV as sVVV to share the emissions. Unstaking opens a ticket that unlocks {} days later.",
                config.params.svvv_cooldown_secs / 86_400
            ),
            Self::Mint => format!(
                "Lock unlocked sVVV to mint DIEM at the curve's rate (it rises with the DIEM supply); accepts up to {} % less than quoted. Burning DIEM later releases the sVVV.",
                f64::from(MINT_SLIPPAGE_BPS) / 100.0
            ),
            Self::StakeDiem => "Stake DIEM: each DIEM staked at 00:00 UTC is $1 of AI inference that day (at least 0.1 DIEM). Unstaking opens a ticket.".into(),
        }
    }

    /// What is done with the amount: a mint locks sVVV.
    fn amount_verb(self) -> &'static str {
        match self {
            Self::Stake | Self::StakeDiem => "Stake",
            Self::Mint => "Lock",
        }
    }

    /// The amounts offered as buttons, in whole tokens.
    fn presets(self) -> &'static [&'static str] {
        match self {
            Self::Stake => &["100", "1000"],
            Self::Mint => &["100", "1000"],
            Self::StakeDiem => &["1", "10"],
        }
    }
}

pub fn router(gateway: Arc<Gateway>) -> Router {
    Router::new()
        .route("/actions.json", get(actions_json).options(preflight))
        .route("/api/actions/{name}", get(describe).post(transaction).options(preflight))
        .with_state(gateway)
}

/// The Actions CORS headers and version, on every response (errors included).
fn headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET,POST,PUT,OPTIONS"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Authorization, Content-Encoding, Accept-Encoding"),
    );
    h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("X-Action-Version, X-Blockchain-Ids"));
    h.insert("X-Action-Version", HeaderValue::from_static(ACTION_VERSION));
    h
}

fn reply<T: serde::Serialize>(status: StatusCode, body: T) -> Response {
    (status, headers(), Json(body)).into_response()
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    reply(status, ActionError { message: message.into() })
}

async fn preflight() -> Response {
    (StatusCode::OK, headers()).into_response()
}

async fn actions_json() -> Response {
    reply(
        StatusCode::OK,
        ActionsJson { rules: vec![ActionRule { path_pattern: "/api/actions/**", api_path: "/api/actions/**" }] },
    )
}

/// Reads and simulates at `confirmed`, what the wallet's own preflight sees.
fn rpc(gateway: &Gateway) -> RpcChain {
    RpcChain::new(&gateway.rpc_url)
}

async fn read_config(chain: &mut RpcChain) -> Result<Config, Response> {
    let account = chain
        .account(&pda::config())
        .await
        .map_err(|e| refuse(StatusCode::BAD_GATEWAY, format!("cannot read the cluster: {e}")))?
        .ok_or_else(|| refuse(StatusCode::SERVICE_UNAVAILABLE, "the DIEM program is not initialized on this cluster"))?;
    diem_client::accounts::config(&account.data)
        .map_err(|e| refuse(StatusCode::BAD_GATEWAY, format!("the config account does not decode: {e}")))
}

async fn describe(State(gateway): State<Arc<Gateway>>, Path(name): Path<String>) -> Response {
    let Ok(action) = name.parse::<ActionName>() else {
        return refuse(StatusCode::NOT_FOUND, format!("no action {name:?}: stake, mint or stake-diem"));
    };
    let config = match read_config(&mut rpc(&gateway)).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let path = format!("/api/actions/{}", action.path());
    let unit = action.unit();
    let mut links: Vec<LinkedAction> = action
        .presets()
        .iter()
        .map(|amount| LinkedAction {
            kind: "transaction",
            label: format!("{} {amount} {unit}", action.amount_verb()),
            href: format!("{path}?amount={amount}"),
            parameters: vec![],
        })
        .collect();
    links.push(LinkedAction {
        kind: "transaction",
        label: verb(action).into(),
        href: format!("{path}?amount={{amount}}"),
        parameters: vec![ActionParameter {
            kind: "number",
            name: "amount",
            label: format!("{unit} to {}", action.amount_verb().to_lowercase()),
            required: true,
            pattern: Some(r"^\d+(\.\d+)?$"),
            pattern_description: Some("an amount in whole tokens, like 12.5"),
        }],
    });
    let paused = match action {
        ActionName::Stake => config.paused & diem::constants::pause::STAKE != 0,
        ActionName::Mint => config.paused & diem::constants::pause::MINT != 0,
        ActionName::StakeDiem => config.paused & diem::constants::pause::STAKE_DIEM != 0,
    };
    reply(
        StatusCode::OK,
        ActionGetResponse {
            kind: "action",
            icon: format!("{}/metadata/diem.svg", gateway.public_url),
            title: action.title().into(),
            description: action.description(&config),
            label: verb(action).into(),
            links: Links { actions: links },
            disabled: paused.then_some(true),
            error: paused.then(|| ActionError { message: format!("{} is paused", action.title()) }),
        },
    )
}

fn verb(action: ActionName) -> &'static str {
    match action {
        ActionName::Stake => "Stake",
        ActionName::Mint => "Mint",
        ActionName::StakeDiem => "Stake DIEM",
    }
}

#[derive(Deserialize)]
struct PostQuery {
    amount: Option<String>,
    /// Stake-DIEM only: whose credit (default the signer).
    beneficiary: Option<String>,
}

async fn transaction(
    State(gateway): State<Arc<Gateway>>,
    Path(name): Path<String>,
    Query(query): Query<PostQuery>,
    body: Option<Json<ActionPostRequest>>,
) -> Response {
    let Ok(action) = name.parse::<ActionName>() else {
        return refuse(StatusCode::NOT_FOUND, format!("no action {name:?}: stake, mint or stake-diem"));
    };
    let Some(Json(request)) = body else {
        return refuse(StatusCode::BAD_REQUEST, "the body must be JSON: {\"account\": \"<base58 address>\"}");
    };
    let Ok(account) = Pubkey::from_str(&request.account) else {
        return refuse(StatusCode::BAD_REQUEST, format!("account {:?} is not a Solana address", request.account));
    };
    let Some(amount_text) = query.amount else {
        return refuse(StatusCode::BAD_REQUEST, "amount is missing: ?amount=<whole tokens>");
    };
    let mut chain = rpc(&gateway);
    let config = match read_config(&mut chain).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let decimals = if action == ActionName::StakeDiem { DIEM_DECIMALS } else { config.vvv_decimals };
    let amount = match parse_amount(&amount_text, decimals) {
        Ok(0) => return refuse(StatusCode::BAD_REQUEST, "amount must be more than zero"),
        Ok(a) => a,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, format!("amount {amount_text:?}: {e}")),
    };
    let built = match action {
        ActionName::Stake => Ok(stake(&config, account, amount)),
        ActionName::Mint => mint(&mut chain, &config, account, amount).await,
        ActionName::StakeDiem => match query.beneficiary.as_deref().map(Pubkey::from_str).transpose() {
            Ok(beneficiary) => Ok(stake_diem(account, beneficiary.unwrap_or(account), amount)),
            Err(_) => Err(refuse(StatusCode::BAD_REQUEST, "beneficiary is not a Solana address")),
        },
    };
    let (instructions, message) = match built {
        Ok(b) => b,
        Err(r) => return r,
    };
    match unsigned(&chain, account, instructions).await {
        Ok(tx) => reply(
            StatusCode::OK,
            ActionPostResponse {
                kind: "transaction",
                transaction: base64::engine::general_purpose::STANDARD.encode(tx.wire),
                message: format!("{message} (compute-unit limit {}, priority fee {} micro-lamports a unit)", tx.units, tx.micro_lamports),
            },
        ),
        Err(BuildError::Refused(why)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, why),
        Err(BuildError::Cluster(why)) => refuse(StatusCode::BAD_GATEWAY, format!("cannot reach the cluster: {why}")),
    }
}

type Built = Result<(Vec<Instruction>, String), Response>;

fn stake(config: &Config, account: Pubkey, amount: u64) -> (Vec<Instruction>, String) {
    let d = ix::Deployment::from_config(config);
    let source = get_associated_token_address_with_program_id(&account, &config.vvv_mint, &config.vvv_token_program);
    (vec![ix::stake(&d, account, source, amount, account)], format!("Stake {} VVV", format_amount(amount, config.vvv_decimals)))
}

async fn mint(chain: &mut RpcChain, config: &Config, account: Pubkey, svvv: u64) -> Built {
    let curve = chain
        .account(&pda::curve())
        .await
        .map_err(|e| refuse(StatusCode::BAD_GATEWAY, format!("cannot read the curve: {e}")))?
        .and_then(|a| diem_client::accounts::curve(&a.data).ok())
        .ok_or_else(|| refuse(StatusCode::SERVICE_UNAVAILABLE, "no curve is live"))?;
    let quote = config
        .quote_mint(&curve, svvv)
        .map_err(|e| refuse(StatusCode::UNPROCESSABLE_ENTITY, format!("the curve refuses this lock: {e}")))?;
    let least = min_out_for_slippage(quote.diem_out, MINT_SLIPPAGE_BPS).unwrap_or(quote.diem_out);
    let diem_mint = pda::diem_mint();
    let token_2022 = anchor_spl::token_2022::ID;
    let destination = get_associated_token_address_with_program_id(&account, &diem_mint, &token_2022);
    Ok((
        vec![
            // The DIEM account in the same transaction: a first mint is one signature.
            ata::instruction::create_associated_token_account_idempotent(&account, &account, &diem_mint, &token_2022),
            ix::mint_diem(account, destination, svvv, least),
        ],
        format!(
            "Mint about {} DIEM for {} sVVV (at least {})",
            format_amount(quote.diem_out, DIEM_DECIMALS),
            format_amount(svvv, config.vvv_decimals),
            format_amount(least, DIEM_DECIMALS)
        ),
    ))
}

fn stake_diem(account: Pubkey, beneficiary: Pubkey, amount: u64) -> (Vec<Instruction>, String) {
    let source = get_associated_token_address_with_program_id(&account, &pda::diem_mint(), &anchor_spl::token_2022::ID);
    let whose = if beneficiary == account { "your".to_string() } else { format!("{beneficiary}'s") };
    (
        vec![ix::stake_diem(account, beneficiary, source, amount)],
        format!("Stake {} DIEM for {whose} credit from the next 00:00 UTC", format_amount(amount, DIEM_DECIMALS)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_round_trip_and_unknown_ones_are_refused() {
        for a in [ActionName::Stake, ActionName::Mint, ActionName::StakeDiem] {
            assert_eq!(a.path().parse::<ActionName>(), Ok(a));
        }
        assert!("unstake".parse::<ActionName>().is_err());
    }

    #[test]
    fn every_response_carries_the_actions_headers() {
        let h = headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(h[header::ACCESS_CONTROL_ALLOW_METHODS].to_str().unwrap().contains("POST"));
        assert_eq!(h["X-Action-Version"], ACTION_VERSION);
    }
}
