//! `diem serve` in one call: the HTTP API over a store, with the follower (or, serving the
//! record as it is, a periodic auditor) and the billing deliverer beside it on a store of their
//! own, so the command line only gathers the settings.
use std::sync::Arc;

use solana_keypair::Keypair;

use crate::billing::{Deliverer, DeliveryOptions};
use crate::follow::{FollowOptions, FollowSinks};
use crate::http::{ApiState, Limits};
use crate::source::RpcSource;
use crate::status::FollowerStatus;
use crate::store::{Store, StoreError};

/// Where and how final days are pushed.
pub struct Billing {
    pub endpoints: Vec<String>,
    /// The first day a newly registered endpoint is owed.
    pub from_day: i64,
    pub signer: Keypair,
    pub options: DeliveryOptions,
}

/// What a server runs.
pub struct Service {
    /// The store's URL (the background work opens a store of its own).
    pub db: String,
    /// The cluster, shared by the API (`/health`, `/metrics`) and the follower.
    pub source: RpcSource,
    /// Follow the cluster, or serve the record as it is (`None`).
    pub follow: Option<FollowOptions>,
    pub api_keys: Vec<String>,
    pub limits: Limits,
    pub billing: Option<Billing>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("server: {0}")]
    Server(#[from] std::io::Error),
}

/// Serves `store` on `listener` (with `public` routes beside the API, outside its keys) until
/// the process ends; the follower and the deliverer run in the background.
pub async fn run(
    listener: tokio::net::TcpListener,
    store: Store,
    service: Service,
    public: axum::Router,
) -> Result<(), ServiceError> {
    // Endpoints are registered before serving, so a store that refuses them is an error now.
    if let Some(billing) = &service.billing {
        for endpoint in &billing.endpoints {
            crate::billing::outbox::register(&store, endpoint, billing.from_day).await?;
        }
    }
    let status = service.follow.is_some().then(|| Arc::new(FollowerStatus::default()));
    let state =
        Arc::new(ApiState::with(store, Some(service.source.clone()), status.clone(), service.api_keys, service.limits));
    let background = Store::open(&service.db).await?;
    let (audit, source, follow, billing) = (state.audit.clone(), service.source, service.follow, service.billing);
    tokio::spawn(async move {
        let deliverer = match billing {
            Some(b) => match Deliverer::new(&background, b.endpoints, b.from_day, b.signer, b.options).await {
                Ok(d) => Some(d),
                Err(error) => {
                    tracing::error!(%error, "billing delivery not started");
                    None
                }
            },
            None => None,
        };
        let work = async {
            match (follow, status) {
                (Some(options), Some(status)) => {
                    let sinks = FollowSinks { status: Some(&status), audit: Some(&audit), ..Default::default() };
                    if let Err(error) = crate::follow::follow(&background, &source, &options, sinks).await {
                        tracing::error!(%error, "following stopped");
                    }
                }
                _ => {
                    let every = FollowOptions::default().audit_every;
                    crate::follow::audit_periodically(&background, Some(&source), &audit, every).await
                }
            }
        };
        tokio::select! {
            () = work => {}
            never = Deliverer::run_if_any(deliverer.as_ref()) => match never {},
        }
    });
    crate::http::serve_with(listener, state, public).await?;
    Ok(())
}
