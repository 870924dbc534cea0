//! What the follower last did, shared with the HTTP server: `/health` reports it, so a record
//! that has stopped moving is never "healthy".
use std::sync::Mutex;

use serde::Serialize;

/// The follower's last attempts (unix seconds).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FollowerState {
    /// When a sync last completed.
    pub last_success: Option<i64>,
    /// When a sync was last tried.
    pub last_attempt: Option<i64>,
    /// Why the last sync failed, if it did (cleared by the next success).
    pub last_error: Option<String>,
    /// The follower gave up (a gap or pruned history it cannot cross by itself).
    pub stopped: bool,
}

impl FollowerState {
    pub fn failing(&self) -> bool {
        self.stopped || self.last_error.is_some()
    }
}

#[derive(Debug, Default)]
pub struct FollowerStatus(Mutex<FollowerState>);

/// Seconds since 1970, as the record's clocks count them.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

impl FollowerStatus {
    pub fn succeeded(&self) {
        self.update(|s| {
            s.last_attempt = Some(unix_now());
            s.last_success = s.last_attempt;
            s.last_error = None;
        });
    }

    pub fn failed(&self, error: &str, stopped: bool) {
        self.update(|s| {
            s.last_attempt = Some(unix_now());
            s.last_error = Some(error.to_string());
            s.stopped |= stopped;
        });
    }

    pub fn get(&self) -> FollowerState {
        self.0.lock().map(|s| s.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    fn update(&self, f: impl FnOnce(&mut FollowerState)) {
        match self.0.lock() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}
