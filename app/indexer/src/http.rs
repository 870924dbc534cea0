//! `diem serve`: the record, read-only over HTTP, for a billing system.
//!
//! - `GET /v1/entitlements/{YYYY-MM-DD}`: the day's credit (JSON; CSV with `?format=csv` or
//!   `Accept: text/csv`).
//! - `GET /v1/owners/{owner}`: position, DIEM stake and today's credit.
//! - `GET /v1/owners/{owner}/history`: every event of the owner with running balances.
//! - `GET /v1/audit`: the audit (store, and chain when an RPC URL is configured); 200 when every
//!   check holds, 409 with the report when one breaks.
//! - `GET /health`: the last indexed event and slot, and the lag behind the cluster.
//!
//! Bad input is a 400 with `{"error": …}`; an unknown path a 404 in the same shape.
use std::str::FromStr;
use std::sync::Arc;

use anchor_lang::prelude::Pubkey;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::source::RpcSource;
use crate::store::Store;

pub struct ApiState {
    pub store: Store,
    /// For `/health`'s lag and `/v1/audit`'s chain side.
    pub source: Option<RpcSource>,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
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
        Some(source) => Some(source.slot().await.map_err(|e| e.to_string())),
        None => None,
    };
    let (cluster_slot, lag, cluster_error) = match cluster {
        Some(Ok(slot)) => (Some(slot), Some(slot.saturating_sub(checkpoint.synced_slot)), None),
        Some(Err(e)) => (None, None, Some(e)),
        None => (None, None, None),
    };
    Json(json!({
        "backend": s.store.backend(),
        "last_seq": checkpoint.last_seq,
        "last_slot": checkpoint.last_slot,
        "last_block_time": checkpoint.last_block_time,
        "synced_slot": checkpoint.synced_slot,
        "synced_time": checkpoint.synced_time,
        "cluster_slot": cluster_slot,
        "lag_slots": lag,
        "cluster_error": cluster_error,
    }))
    .into_response()
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
}

async fn entitlements(
    State(s): State<Arc<ApiState>>,
    Path(day): Path<String>,
    Query(q): Query<FormatQuery>,
    headers: HeaderMap,
) -> Response {
    let day = match diem_client::credit::parse_day(&day) {
        Ok(d) => d,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let accept_csv = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/csv"));
    let csv = match q.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => return error(StatusCode::BAD_REQUEST, format!("format '{other}': expected json or csv")),
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
        .map_err(|_| error(StatusCode::BAD_REQUEST, format!("owner '{text}' is not a base58 public key")))
}

async fn owner(State(s): State<Arc<ApiState>>, Path(owner): Path<String>) -> Response {
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

async fn history(State(s): State<Arc<ApiState>>, Path(owner): Path<String>) -> Response {
    let owner = match parse_owner(&owner) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match s.store.history(&owner, u32::MAX >> 1).await {
        Ok(entries) => Json(json!({"owner": owner, "entries": entries})).into_response(),
        Err(e) => internal(e),
    }
}

async fn audit(State(s): State<Arc<ApiState>>) -> Response {
    let report = match crate::audit::full_audit(&s.store, s.source.as_ref().map(RpcSource::url)).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let status = if report.ok() { StatusCode::OK } else { StatusCode::CONFLICT };
    (status, Json(report)).into_response()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}
