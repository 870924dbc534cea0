//! `diem serve`: the record, read-only over HTTP, for a billing system.
//!
//! - `GET /v1/entitlements/{YYYY-MM-DD}`: the day's credit (JSON; CSV with `?format=csv` or
//!   `Accept: text/csv`).
//! - `GET /v1/owners/{owner}`: position, DIEM stake and today's credit.
//! - `GET /v1/owners/{owner}/history?after=SEQ&limit=N`: the owner's events after event `SEQ`
//!   (at most 1,000 a page) with running balances, and `next_after` for the next page.
//! - `GET /v1/audit`: the audit (store, and chain when an RPC URL is configured); 200 when every
//!   check holds, 409 with the report when one breaks, 503 when the chain could not be read.
//! - `GET /health`: the last indexed event and slot, the lag behind the cluster and the
//!   follower's last sync, within a bounded time; 503 when the follower is failing or the cluster
//!   cannot be reached.
//!
//! With API keys configured (`diem serve --api-keys FILE`), every endpoint but `/health` needs
//! `Authorization: Bearer KEY` (or `X-Api-Key: KEY`), compared in constant time; otherwise 401.
//!
//! Every error is a JSON body `{"error": …}` quoting at most a short prefix of the input: 400 for
//! bad input (malformed queries included), 404 for an unknown path, 405 for another method.
use std::str::FromStr;
use std::sync::Arc;

use anchor_lang::prelude::Pubkey;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::source::RpcSource;
use crate::status::FollowerStatus;
use crate::store::Store;

/// Most history entries one page carries.
pub const MAX_HISTORY_PAGE: u32 = 1_000;
/// How long `/health` waits for the cluster before it reports it unreachable.
pub const HEALTH_CLUSTER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

pub struct ApiState {
    pub store: Store,
    /// For `/health`'s lag and `/v1/audit`'s chain side.
    pub source: Option<RpcSource>,
    /// The follower feeding this store, when the server runs one.
    pub follower: Option<Arc<FollowerStatus>>,
    /// Keys a client must present (none: the API is open, for a loopback or private network).
    pub api_keys: Vec<String>,
}

/// Reads an API key file: one key per line; blank lines and `#` comments are skipped. A key
/// shorter than 16 characters is refused (it could be guessed).
pub fn load_api_keys(text: &str) -> Result<Vec<String>, String> {
    let keys: Vec<String> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect();
    if keys.is_empty() {
        return Err("the API key file holds no key".into());
    }
    if let Some((line, _)) = keys.iter().enumerate().find(|(_, k)| k.len() < 16) {
        return Err(format!("API key {} is shorter than 16 characters", line + 1));
    }
    Ok(keys)
}

/// Equal in constant time for equal lengths: the comparison reads every byte whatever differs.
fn same_key(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The key a request presents, if any.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    bearer.or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok())).map(str::trim)
}

async fn require_key(
    State(s): State<Arc<ApiState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if s.api_keys.is_empty() || request.uri().path() == "/health" {
        return next.run(request).await;
    }
    let presented = presented_key(request.headers()).unwrap_or_default().as_bytes();
    // Every configured key is compared, so the time taken does not say which one nearly matched.
    let accepted = s.api_keys.iter().fold(false, |ok, key| same_key(presented, key.as_bytes()) | ok);
    if accepted {
        next.run(request).await
    } else {
        error(StatusCode::UNAUTHORIZED, "an API key is required: send `Authorization: Bearer KEY`")
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// At most the first 64 characters of what a client sent, for an error message.
fn quoted(input: &str) -> String {
    const MAX: usize = 64;
    match input.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}… ({} bytes)", &input[..cut], input.len()),
        None => input.to_string(),
    }
}

fn bad_query(e: QueryRejection) -> Response {
    error(StatusCode::BAD_REQUEST, format!("malformed query: {}", quoted(&e.body_text())))
}

fn bad_path(e: PathRejection) -> Response {
    error(StatusCode::BAD_REQUEST, format!("malformed path: {}", quoted(&e.body_text())))
}

fn internal(e: impl std::fmt::Display) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

pub fn router(state: Arc<ApiState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/entitlements/{day}", get(entitlements))
        .route("/v1/owners/{owner}", get(owner))
        .route("/v1/owners/{owner}/history", get(history))
        .route("/v1/audit", get(audit))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "no such endpoint: see /health, /v1/entitlements/{YYYY-MM-DD}, /v1/owners/{owner}[/history], /v1/audit",
            )
        })
        .method_not_allowed_fallback(|| async {
            error(StatusCode::METHOD_NOT_ALLOWED, "this API is read-only: use GET")
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), require_key))
        .with_state(state)
}

/// Serves until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<ApiState>) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

async fn health(State(s): State<Arc<ApiState>>) -> Response {
    let checkpoint = match s.store.checkpoint().await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let cluster = match &s.source {
        Some(source) => Some(match tokio::time::timeout(HEALTH_CLUSTER_TIMEOUT, source.slot()).await {
            Ok(slot) => slot.map_err(|e| e.to_string()),
            Err(_) => Err(format!("the cluster did not answer within {HEALTH_CLUSTER_TIMEOUT:?}")),
        }),
        None => None,
    };
    let (cluster_slot, lag, cluster_error) = match cluster {
        Some(Ok(slot)) => (Some(slot), Some(slot.saturating_sub(checkpoint.synced_slot)), None),
        Some(Err(e)) => (None, None, Some(e)),
        None => (None, None, None),
    };
    let follower = s.follower.as_ref().map(|f| f.get());
    let healthy = cluster_error.is_none() && !follower.as_ref().is_some_and(|f| f.failing());
    let status = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = Json(json!({
        "healthy": healthy,
        "follower": follower,
        "backend": s.store.backend(),
        "last_seq": checkpoint.last_seq,
        "last_slot": checkpoint.last_slot,
        "last_block_time": checkpoint.last_block_time,
        "synced_slot": checkpoint.synced_slot,
        "synced_time": checkpoint.synced_time,
        "cluster_slot": cluster_slot,
        "lag_slots": lag,
        "cluster_error": cluster_error,
    }));
    (status, body).into_response()
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
}

async fn entitlements(
    State(s): State<Arc<ApiState>>,
    day: Result<Path<String>, PathRejection>,
    q: Result<Query<FormatQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let (Path(day), Query(q)) = match (day, q) {
        (Ok(day), Ok(q)) => (day, q),
        (Err(e), _) => return bad_path(e),
        (_, Err(e)) => return bad_query(e),
    };
    let day = match diem_client::credit::parse_day(&day) {
        Ok(d) => d,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("day '{}': expected a calendar day as YYYY-MM-DD", quoted(&day)),
            );
        }
    };
    let accept_csv = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/csv"));
    let csv = match q.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => {
            return error(StatusCode::BAD_REQUEST, format!("format '{}': expected json or csv", quoted(other)));
        }
        None => accept_csv,
    };
    let credit = match crate::credit::day_credit(&s.store, day).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    if csv {
        let body = crate::csv::entitlements_csv(&credit);
        return ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response();
    }
    Json(credit).into_response()
}

fn parse_owner(text: &str) -> Result<String, Response> {
    Pubkey::from_str(text)
        .map(|k| k.to_string())
        .map_err(|_| error(StatusCode::BAD_REQUEST, format!("owner '{}' is not a base58 public key", quoted(text))))
}

async fn owner(State(s): State<Arc<ApiState>>, owner: Result<Path<String>, PathRejection>) -> Response {
    let owner = match owner {
        Ok(Path(owner)) => owner,
        Err(e) => return bad_path(e),
    };
    let owner = match parse_owner(&owner) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let today = diem_client::credit::day_of(unix_now());
    let result = async {
        let position = s.store.position(&owner).await?;
        let stake = s.store.diem_stake(&owner).await?;
        let staked = s.store.owner_staked_at(&owner, today * diem::constants::SECONDS_PER_DAY).await?;
        Ok::<_, crate::store::StoreError>((position, stake, staked))
    }
    .await;
    match result {
        Ok((position, stake, staked)) => Json(json!({
            "owner": owner,
            "position": position,
            "diem_stake": stake,
            "today": {
                "day": diem_client::credit::format_day(today),
                "staked_diem": staked,
                "credit_usd": diem_client::credit::credit_usd(staked),
            },
        }))
        .into_response(),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct HistoryQuery {
    /// The page starts after this event (0: from the first).
    after: Option<u64>,
    limit: Option<u32>,
}

async fn history(
    State(s): State<Arc<ApiState>>,
    owner: Result<Path<String>, PathRejection>,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Response {
    let (Path(owner), Query(q)) = match (owner, q) {
        (Ok(owner), Ok(q)) => (owner, q),
        (Err(e), _) => return bad_path(e),
        (_, Err(e)) => return bad_query(e),
    };
    let owner = match parse_owner(&owner) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let limit = q.limit.unwrap_or(MAX_HISTORY_PAGE);
    if limit == 0 || limit > MAX_HISTORY_PAGE {
        return error(StatusCode::BAD_REQUEST, format!("limit {limit}: expected 1 to {MAX_HISTORY_PAGE}"));
    }
    match s.store.history(&owner, q.after.unwrap_or(0), limit).await {
        Ok(entries) => {
            let next_after = (entries.len() == limit as usize).then(|| entries.last().map(|e| e.seq)).flatten();
            Json(json!({"owner": owner, "entries": entries, "next_after": next_after})).into_response()
        }
        Err(e) => internal(e),
    }
}

async fn audit(State(s): State<Arc<ApiState>>) -> Response {
    let report = match crate::audit::full_audit(&s.store, s.source.as_ref().map(RpcSource::url)).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    // A break is a conflict; a chain that could not be read leaves the audit incomplete.
    let status = if report.broken() {
        StatusCode::CONFLICT
    } else if report.chain_error.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, Json(report)).into_response()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}
