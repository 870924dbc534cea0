//! What wallets fetch from DIEM over HTTP, served by `diem serve` beside the record:
//!
//! - [`actions`]: Solana Actions ("Blinks") for stake, mint and stake-DIEM. A GET says what the
//!   action does and which amounts it offers; a POST with the wallet's `account` returns the
//!   unsigned transaction (a compute-unit limit from a simulation, a priority fee, the program's
//!   instructions) for the wallet to sign. A refusal the simulation finds comes back as a 422
//!   naming the program's error, never as a transaction that would fail.
//! - [`metadata`]: the DIEM token metadata JSON and logo the launch's URI points at, so wallets
//!   show DIEM's logo.
use std::sync::Arc;

use axum::Router;

pub mod actions;
pub mod metadata;
mod spec;
mod transaction;

/// What the routes need: the cluster to read and simulate on, and the address wallets reach
/// this server at (icons and links are absolute).
#[derive(Clone, Debug)]
pub struct Gateway {
    pub rpc_url: String,
    /// `http://127.0.0.1:8080` or `https://diem.example`: no trailing slash.
    pub public_url: String,
}

/// Every route: `/actions.json`, `/api/actions/{stake,mint,stake-diem}`, `/metadata/diem.{json,svg}`.
pub fn router(gateway: Gateway) -> Router {
    let gateway = Arc::new(gateway);
    actions::router(gateway.clone()).merge(metadata::router(gateway))
}
