//! What the server keeps: its policy, where it learns about tokens, its counters, and each user's
//! cross-signing keys with the approval window the authorization server opens. A real server
//! keeps the keys and the window in its database (Synapse: `e2e_cross_signing_keys` and
//! `updatable_without_uia_before_ms`); here they live in memory for as long as the process runs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use matrix_authz::Policy;
use matrix_authz::uia::CrossSigning;
use serde_json::{Value, json};

use crate::introspection::Introspector;

/// How long a cross-signing reset stays approved (Synapse's admin API opens 10 minutes).
pub const APPROVAL_WINDOW_SECS: i64 = 600;

/// The shared state of every request.
pub struct AppState {
    /// The decision rules.
    pub policy: Policy,
    /// Token introspection.
    pub introspector: Introspector,
    /// Where users manage their account (MSC4191); the `m.oauth` stage points there.
    pub account_management_uri: String,
    /// The secret of `/_example/internal/*` (the authorization server's calls), `None`: closed.
    pub internal_secret: Option<String>,
    /// The server name of this server's user ids.
    pub server_name: String,
    /// The authorization server's metadata, for `/_matrix/client/v1/auth_metadata` (the default
    /// mode only).
    pub auth_metadata: Option<String>,
    /// How long the gate waits for a request's whole body (`--body-timeout-seconds`).
    pub body_timeout: Duration,
    /// Time spent in the gate.
    pub stats: Stats,
    cross_signing: Mutex<HashMap<String, UserKeys>>,
}

/// Counters of the gate, for the load test (`GET /_example/internal/stats`).
#[derive(Debug, Default)]
pub struct Stats {
    /// Requests that went through the gate.
    pub requests: AtomicU64,
    /// Decisions the engine made.
    pub decisions: AtomicU64,
    /// Nanoseconds in the engine: the route lookup, the decision and its rendering.
    pub engine_nanos: AtomicU64,
    /// Nanoseconds in the whole gate after the body was read (introspection and cache included).
    pub gate_nanos: AtomicU64,
    /// Requests answered 503 because introspection failed.
    pub unavailable: AtomicU64,
}

impl Stats {
    /// Adds `elapsed` to `counter`.
    pub fn add(counter: &AtomicU64, elapsed: Duration) {
        counter.fetch_add(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

/// One user's cross-signing state.
#[derive(Debug, Default)]
struct UserKeys {
    /// The stored master, self-signing and user-signing keys.
    keys: Option<Value>,
    /// The end of the approval window (seconds since the epoch).
    reset_approved_until: Option<i64>,
}

impl AppState {
    /// A server with no cross-signing keys stored yet.
    pub fn new(
        policy: Policy,
        introspector: Introspector,
        account_management_uri: String,
        internal_secret: Option<String>,
        server_name: String,
        auth_metadata: Option<String>,
    ) -> Self {
        Self {
            policy,
            introspector,
            account_management_uri,
            internal_secret,
            server_name,
            auth_metadata,
            body_timeout: crate::gate::BODY_TIMEOUT,
            stats: Stats::default(),
            cross_signing: Mutex::default(),
        }
    }

    fn users(&self) -> MutexGuard<'_, HashMap<String, UserKeys>> {
        // A handler that panicked mid-update leaves plain data behind; keep serving.
        self.cross_signing.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The facts the engine needs to judge `upload` (a `keys/device_signing/upload` body).
    pub fn cross_signing_facts(&self, user_id: Option<&str>, upload: Option<&Value>) -> CrossSigning {
        let users = self.users();
        let stored = user_id.and_then(|u| users.get(u));
        let keys = stored.and_then(|s| s.keys.as_ref());
        CrossSigning {
            master_key_exists: keys.is_some(),
            keys_identical: keys.is_some_and(|k| *k == uploaded_keys(upload)),
            reset_approved_until: stored.and_then(|s| s.reset_approved_until),
        }
    }

    /// Stores the keys of an allowed upload.
    pub fn store_keys(&self, user_id: &str, upload: Option<&Value>) {
        self.users().entry(user_id.to_owned()).or_default().keys = Some(uploaded_keys(upload));
    }

    /// Opens the approval window, as the authorization server asks once the user approved the
    /// reset in the browser. Returns its end.
    pub fn approve_reset(&self, user_id: &str) -> i64 {
        let until = unix_now() + APPROVAL_WINDOW_SECS;
        self.users().entry(user_id.to_owned()).or_default().reset_approved_until = Some(until);
        until
    }

    /// Closes the window (policy `approval: single_use`, after the upload it allowed).
    pub fn close_approval_window(&self, user_id: Option<&str>) {
        let Some(user_id) = user_id else { return };
        if let Some(state) = self.users().get_mut(user_id) {
            state.reset_approved_until = None;
        }
    }
}

/// The three keys of an upload, as compared with the stored ones.
fn uploaded_keys(upload: Option<&Value>) -> Value {
    let field = |name: &str| upload.and_then(|u| u.get(name)).cloned().unwrap_or(Value::Null);
    json!({
        "master_key": field("master_key"),
        "self_signing_key": field("self_signing_key"),
        "user_signing_key": field("user_signing_key"),
    })
}

/// The current time in seconds since the epoch (the engine reads no clock: the host passes it).
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
