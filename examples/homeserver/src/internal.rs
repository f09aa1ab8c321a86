//! The example's internal endpoints, outside the engine's gate: what the authorization server
//! calls, authenticated with a shared secret (`--internal-secret`), as MAS calls Synapse.
//!
//! - `POST /_example/internal/approve_cross_signing_reset` with `{"user_id": "@alice:NAME"}`: the
//!   user approved the reset of their cross-signing keys in the account-management UI, so the
//!   approval window opens (MSC4312; Synapse's admin API
//!   `_allow_cross_signing_replacement_without_uia`).
//! - `GET /_example/internal/stats`: the gate's counters (the load test reads them).
//!
//! Without a configured secret both answer 404. The secret never reaches the gate, so it is
//! never sent to the authorization server for introspection.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ring::digest::{SHA256, digest};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::gate::matrix_error;
use crate::introspection::Introspector;
use crate::routes::ok;
use crate::state::AppState;

/// The refusal of a request without `Authorization: Bearer <internal secret>`, `None` for one
/// with it.
fn refusal(app: &AppState, headers: &HeaderMap) -> Option<Response> {
    let Some(secret) = &app.internal_secret else {
        return Some(matrix_error(StatusCode::NOT_FOUND, "M_UNRECOGNIZED", "Unrecognized request"));
    };
    let Some(given) = headers.get(AUTHORIZATION) else {
        return Some(matrix_error(StatusCode::UNAUTHORIZED, "M_MISSING_TOKEN", "Missing access token"));
    };
    let given = given.as_bytes().strip_prefix(b"Bearer ").unwrap_or_default();
    // Digests first, so the comparison takes the same time whatever the length of the guess.
    let matches = digest(&SHA256, given).as_ref().ct_eq(digest(&SHA256, secret.as_bytes()).as_ref());
    (!bool::from(matches))
        .then(|| matrix_error(StatusCode::UNAUTHORIZED, "M_UNKNOWN_TOKEN", "Unrecognised access token"))
}

#[derive(Deserialize)]
struct Approval {
    user_id: String,
}

/// `POST /_example/internal/approve_cross_signing_reset`.
pub async fn approve_cross_signing_reset(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = refusal(&app, &headers) {
        return refused;
    }
    let Ok(Approval { user_id }) = serde_json::from_slice(&body) else {
        return matrix_error(StatusCode::BAD_REQUEST, "M_BAD_JSON", "Expected {\"user_id\": \"@user:server\"}");
    };
    let local = user_id.strip_prefix('@').and_then(|rest| rest.strip_suffix(app.server_name.as_str()));
    if local.and_then(|l| l.strip_suffix(':')).is_none_or(str::is_empty) {
        return matrix_error(StatusCode::BAD_REQUEST, "M_INVALID_PARAM", "Not a user of this server");
    }
    let until = app.approve_reset(&user_id);
    println!("  {user_id} may replace their cross-signing keys until {until}");
    ok(json!({ "user_id": user_id, "updatable_without_uia_before_ms": until.saturating_mul(1000) }))
}

/// `GET /_example/internal/stats`.
pub async fn stats(State(app): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(refused) = refusal(&app, &headers) {
        return refused;
    }
    let stats = &app.stats;
    let mut body = json!({
        "requests": stats.requests.load(Ordering::Relaxed),
        "decisions": stats.decisions.load(Ordering::Relaxed),
        "engine_nanos": stats.engine_nanos.load(Ordering::Relaxed),
        "gate_nanos": stats.gate_nanos.load(Ordering::Relaxed),
        "unavailable": stats.unavailable.load(Ordering::Relaxed),
    });
    if let Introspector::Remote(remote) = &app.introspector {
        body["introspection_calls"] = remote.calls.load(Ordering::Relaxed).into();
        body["introspection_failures"] = remote.failures.load(Ordering::Relaxed).into();
        body["cache_hits"] = remote.cache_hits.load(Ordering::Relaxed).into();
    }
    ok(body)
}
