//! Waking the follower the moment the cluster finalizes a transaction that mentions the
//! program: a `logsSubscribe` over the node's websocket (at the record's commitment). Each
//! notification wakes the follower for an immediate sync; polling stays the fallback (a lost
//! connection is reconnected with a doubling pause, and the follower keeps its interval).
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;

/// The longest pause between two connection attempts.
const MAX_RECONNECT: Duration = Duration::from_secs(30);

/// The websocket URL a node serves beside its JSON-RPC URL, by the Solana convention: `ws` for
/// `http`, `wss` for `https`, and the port after an explicit one (8899 → 8900).
pub fn websocket_url(rpc_url: &str) -> Option<String> {
    let (scheme, rest) = if let Some(rest) = rpc_url.strip_prefix("http://") {
        ("ws", rest)
    } else {
        ("wss", rpc_url.strip_prefix("https://")?)
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let authority = match authority.rsplit_once(':') {
        Some((host, port)) => match port.parse::<u16>() {
            Ok(p) => format!("{host}:{}", p.checked_add(1)?),
            Err(_) => authority.to_string(),
        },
        None => authority.to_string(),
    };
    Some(format!("{scheme}://{authority}/{path}"))
}

/// What the watcher has seen, for `/metrics` and the tests.
#[derive(Debug, Default)]
pub struct WakeStats {
    pub connections: AtomicU64,
    pub notifications: AtomicU64,
}

/// Watches `ws_url` for finalized transactions mentioning `program` and wakes `wake` for each,
/// until the task is dropped.
pub async fn watch(ws_url: String, program: String, commitment: String, wake: Arc<Notify>, stats: Arc<WakeStats>) {
    let mut pause = Duration::from_millis(500);
    loop {
        match subscribe(&ws_url, &program, &commitment, &wake, &stats).await {
            Ok(()) => tracing::warn!(url = %ws_url, "websocket closed; polling until it reconnects"),
            Err(error) => tracing::warn!(url = %ws_url, %error, "websocket unavailable; polling until it reconnects"),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_RECONNECT);
    }
}

async fn subscribe(
    ws_url: &str,
    program: &str,
    commitment: &str,
    wake: &Notify,
    stats: &WakeStats,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let (mut socket, _) = tokio_tungstenite::connect_async(ws_url).await?;
    let request = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "logsSubscribe",
        "params": [{"mentions": [program]}, {"commitment": commitment}],
    });
    socket.send(Message::text(request.to_string())).await?;
    stats.connections.fetch_add(1, Relaxed);
    tracing::info!(url = %ws_url, "subscribed to the program's finalized transactions");
    // A subscription may have missed a transaction while it was being set up: sync once now.
    wake.notify_one();
    while let Some(message) = socket.next().await {
        match message? {
            Message::Text(text) if text.contains("\"logsNotification\"") => {
                stats.notifications.fetch_add(1, Relaxed);
                wake.notify_one();
            }
            Message::Ping(payload) => socket.send(Message::Pong(payload)).await?,
            Message::Close(_) => return Ok(()),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::websocket_url;

    #[test]
    fn the_websocket_is_beside_the_rpc_port() {
        assert_eq!(websocket_url("http://127.0.0.1:8899").as_deref(), Some("ws://127.0.0.1:8900/"));
        assert_eq!(websocket_url("https://api.example.org/key").as_deref(), Some("wss://api.example.org/key"));
        assert_eq!(websocket_url("http://[::1]:8899/").as_deref(), Some("ws://[::1]:8900/"));
        assert_eq!(websocket_url("ftp://x"), None);
        assert_eq!(websocket_url("http://h:65535"), None);
    }
}
