//! `diem serve`: the record, read-only over HTTP, for a billing system.
//!
//! - `GET /v1/entitlements/{YYYY-MM-DD}`: the day's credit (JSON; CSV with `?format=csv` or
//!   `Accept: text/csv`).
//! - `GET /v1/owners/{owner}`: position, the DIEM stakes it controls or is credited by, its
//!   open tickets and today's credit (as a beneficiary).
//! - `GET /v1/owners/{owner}/history?after=SEQ&limit=N`: the owner's events after event `SEQ`
//!   (at most 1,000 a page) with running balances, and `next_after` for the next page.
//! - `GET /v1/audit`: the follower's last audit (store, frozen days, and chain when an RPC URL is
//!   configured) with `audited_at`; 200 when every check holds, 409 with the report when one
//!   breaks, 503 when the chain could not be read or no audit has completed yet.
//! - `GET /health`: the last indexed event and slot, the lag behind the cluster and the
//!   follower's last sync, within a bounded time; 503 when the follower is failing or the cluster
//!   cannot be reached.
//!
//! With API keys configured (`diem serve --api-keys FILE`), every endpoint but `/health` needs
//! `Authorization: Bearer KEY` (or `X-Api-Key: KEY`), compared in constant time; otherwise 401.
//!
//! Every error is a JSON body `{"error": …}` quoting at most a short prefix of the input: 400 for
//! bad input (malformed queries included), 404 for an unknown path, 405 for another method, 413
//! for a request carrying a body, 429 past the rate limit (with `Retry-After`), 503 for a request
//! that took too long.
//!
//! Bounds ([`Limits`]): connections at once, the time to send a request's headers (a connection
//! that sends nothing is closed), headers' size, a request's time, and a token bucket per API key
//! (per client address without one).
use std::collections::HashMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::audit::ServedAudit;
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
    /// The last audit, kept fresh by the follower (or by [`crate::follow::audit_periodically`]).
    pub audit: Arc<ServedAudit>,
    pub limits: Limits,
    rate: RateLimiter,
}

impl ApiState {
    pub fn new(store: Store, source: Option<RpcSource>, follower: Option<Arc<FollowerStatus>>) -> Self {
        Self::with(store, source, follower, Vec::new(), Limits::default())
    }

    pub fn with(
        store: Store,
        source: Option<RpcSource>,
        follower: Option<Arc<FollowerStatus>>,
        api_keys: Vec<String>,
        limits: Limits,
    ) -> Self {
        let rate = RateLimiter::new(limits.requests_per_second, limits.burst);
        Self { store, source, follower, api_keys, audit: Arc::default(), limits, rate }
    }
}

/// What one server accepts.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// A client must send a request's headers within this (an idle connection is closed too).
    pub header_read_timeout: Duration,
    /// Bytes of request line and headers.
    pub max_header_bytes: usize,
    /// Longest a request may take to answer.
    pub request_timeout: Duration,
    /// Sustained requests a second per API key (per client address without a key).
    pub requests_per_second: f64,
    /// Requests a client may send at once above the sustained rate.
    pub burst: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            header_read_timeout: Duration::from_secs(5),
            max_header_bytes: 16 * 1024,
            request_timeout: Duration::from_secs(10),
            requests_per_second: 200.0,
            burst: 400.0,
        }
    }
}

/// Clients remembered by the rate limiter at most; past it, the idle ones are forgotten.
const MAX_RATE_CLIENTS: usize = 10_000;

/// A token bucket per client.
#[derive(Debug)]
struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    fn new(per_second: f64, burst: f64) -> Self {
        Self { per_second, burst: burst.max(1.0), buckets: Mutex::default() }
    }

    /// Takes a token from `client`'s bucket: `Err(seconds until the next one)` when empty.
    fn take(&self, client: &str) -> Result<(), f64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if buckets.len() >= MAX_RATE_CLIENTS && !buckets.contains_key(client) {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * per_second < burst);
        }
        let (tokens, at) = buckets.entry(client.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - *tokens) / self.per_second.max(f64::MIN_POSITIVE))
        }
    }
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

/// Every request passes here first: it must carry no body, stay within its client's rate, present
/// a key when keys are configured (not for `/health`), and be answered in time.
async fn guard(
    State(s): State<Arc<ApiState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers();
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|l| l > 0) || headers.contains_key(header::TRANSFER_ENCODING) {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "this API is read-only: a request carries no body");
    }
    let open = s.api_keys.is_empty() || request.uri().path() == "/health";
    let presented = presented_key(headers).unwrap_or_default().as_bytes();
    // Every configured key is compared, so the time taken does not say which one nearly matched.
    let key = s.api_keys.iter().enumerate().fold(None, |found, (i, key)| {
        if same_key(presented, key.as_bytes()) { Some(i) } else { found }
    });
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let client = match (key, peer) {
        (Some(i), _) => format!("key {i}"),
        (None, Some(addr)) => format!("address {}", addr.ip()),
        (None, None) => "address unknown".to_string(),
    };
    if let Err(wait) = s.rate.take(&client) {
        let mut response = error(StatusCode::TOO_MANY_REQUESTS, "too many requests: slow down and retry");
        let seconds = wait.ceil().max(1.0) as u64;
        if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    if !open && key.is_none() {
        return error(StatusCode::UNAUTHORIZED, "an API key is required: send `Authorization: Bearer KEY`");
    }
    let limit = s.limits.request_timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => error(StatusCode::SERVICE_UNAVAILABLE, format!("the request took longer than {limit:?}; retry later")),
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
        .route("/v1/beneficiaries/{beneficiary}/allocation", get(allocation))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such endpoint: the API is described at /openapi.json") })
        .method_not_allowed_fallback(|| async {
            error(StatusCode::METHOD_NOT_ALLOWED, "this API is read-only: use GET")
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        // What it serves is public chain data: a page on another origin (the staking page's
        // history) may read it. API keys still apply; a browser cannot send them cross-origin.
        .layer(axum::middleware::map_response(|mut response: Response| async move {
            response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
            response
        }))
        .with_state(state)
}

/// Serves until the process ends, within the state's [`Limits`]: at most `max_connections` at
/// once, each closed when its client is slower than `header_read_timeout` to send a request.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<ApiState>) -> std::io::Result<()> {
    serve_with(listener, state, Router::new()).await
}

/// [`serve`], with `public` routes beside the record's: outside its API keys and rate limit
/// (what wallets fetch must be open), inside its connection limits.
pub async fn serve_with(listener: tokio::net::TcpListener, state: Arc<ApiState>, public: Router) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let limits = state.limits.clone();
    let app = public.merge(router(state));
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else { return Ok(()) };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors or a connection reset before it was accepted: the listener
            // itself is fine, so pause briefly and go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        let limits = limits.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(request.map(axum::body::Body::new))
            });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .max_buf_size(limits.max_header_bytes.max(8192));
            // A connection ends in an error when its client misbehaves; that is the client's
            // problem, not the server's.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            drop(slot);
        });
    }
}

/// The cluster's slot at the record's commitment, within [`HEALTH_CLUSTER_TIMEOUT`] (`None`
/// without a source).
pub(crate) async fn cluster_slot(s: &ApiState) -> Option<Result<u64, String>> {
    let source = s.source.as_ref()?;
    Some(match tokio::time::timeout(HEALTH_CLUSTER_TIMEOUT, source.slot()).await {
        Ok(slot) => slot.map_err(|e| e.to_string()),
        Err(_) => Err(format!("the cluster did not answer within {HEALTH_CLUSTER_TIMEOUT:?}")),
    })
}

async fn health(State(s): State<Arc<ApiState>>) -> Response {
    let checkpoint = match s.store.checkpoint().await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let (cluster_slot, lag, cluster_error) = match cluster_slot(&s).await {
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
    let today = diem_client::credit::day_of(crate::status::unix_now());
    let result = async {
        let position = s.store.position(&owner).await?;
        let stakes = s.store.diem_stakes_of(&owner).await?;
        let tickets = s.store.tickets_of(&owner).await?;
        let staked = s.store.owner_staked_at(&owner, today * diem::constants::SECONDS_PER_DAY).await?;
        let checkpoint = s.store.checkpoint().await?;
        Ok::<_, crate::store::StoreError>((position, stakes, tickets, staked, checkpoint))
    }
    .await;
    match result {
        Ok((position, stakes, tickets, staked, checkpoint)) => Json(json!({
            "owner": owner,
            "position": position,
            // The DIEM stakes this key controls and those that credit it.
            "diem_stakes": stakes,
            // The open unstake tickets it holds, soonest first.
            "tickets": tickets,
            "today": {
                "day": diem_client::credit::format_day(today),
                "staked_diem": staked,
                "credit_usd": diem_client::credit::credit_usd(staked),
                // Final once the record has passed today's 00:00 UTC on a completed sync.
                "final": crate::credit::is_final(&checkpoint, today),
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

#[derive(Deserialize)]
struct DayQuery {
    /// YYYY-MM-DD (default: today, UTC).
    day: Option<String>,
}

/// One beneficiary's allocation for a day, shaped like the live billing API's balance
/// (`diemEpochAllocation`, `nextEpochBegins`).
async fn allocation(
    State(s): State<Arc<ApiState>>,
    beneficiary: Result<Path<String>, PathRejection>,
    q: Result<Query<DayQuery>, QueryRejection>,
) -> Response {
    let (Path(beneficiary), Query(q)) = match (beneficiary, q) {
        (Ok(b), Ok(q)) => (b, q),
        (Err(e), _) => return bad_path(e),
        (_, Err(e)) => return bad_query(e),
    };
    let beneficiary = match parse_owner(&beneficiary) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let day = match q.day.as_deref().map(diem_client::credit::parse_day) {
        None => diem_client::credit::day_of(crate::status::unix_now()),
        Some(Ok(day)) => day,
        Some(Err(e)) => return error(StatusCode::BAD_REQUEST, format!("day: {e}")),
    };
    match crate::credit::allocation(&s.store, &beneficiary, day).await {
        Ok(a) => Json(a).into_response(),
        Err(e @ crate::store::StoreError::OutOfRange { .. }) => error(StatusCode::BAD_REQUEST, e.to_string()),
        Err(e) => internal(e),
    }
}

async fn metrics(State(s): State<Arc<ApiState>>) -> Response {
    match crate::metrics::render(&s).await {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response(),
        Err(e) => internal(e),
    }
}

/// The API's description (OpenAPI 3.1), checked against the routes by the record's tests.
pub const OPENAPI: &str = include_str!("../openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn audit(State(s): State<Arc<ApiState>>) -> Response {
    let Some((audited_at, report)) = s.audit.latest() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "no audit has completed yet: retry in a minute");
    };
    // A break is a conflict; a chain that could not be read leaves the audit incomplete.
    let status = if report.broken() {
        StatusCode::CONFLICT
    } else if report.chain_error.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let mut body = match serde_json::to_value(&report) {
        Ok(body) => body,
        Err(e) => return internal(e),
    };
    if let Some(fields) = body.as_object_mut() {
        fields.insert("audited_at".into(), audited_at.into());
    }
    (status, Json(body)).into_response()
}
