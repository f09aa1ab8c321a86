//! The few client-server routes this example serves, behind the gate. A handler runs only when
//! the engine allowed the request, so none of them checks tokens or scopes again. The internal
//! endpoints (`internal.rs`) sit beside the gate, not behind it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Router, middleware};
use serde_json::{Value, json};

use crate::gate::{Caller, gate, matrix_error};
use crate::state::AppState;
use crate::{cors, internal};

/// The server: the client-server routes, every one of them (and the fallback) behind the gate,
/// and the internal endpoints beside it.
pub fn app(state: Arc<AppState>) -> Router {
    let gated = Router::new()
        .route("/_matrix/client/v1/auth_metadata", get(auth_metadata))
        .route("/_matrix/client/unstable/org.matrix.msc2965/auth_metadata", get(auth_metadata))
        .route("/_matrix/client/v3/account/whoami", get(whoami))
        .route("/_matrix/client/v3/sync", get(sync))
        .route("/_matrix/client/v3/createRoom", post(create_room))
        .route("/_matrix/client/v3/keys/device_signing/upload", post(upload_cross_signing_keys))
        .route("/_matrix/client/v3/room_keys/version/{version}", delete(delete_key_backup))
        // What the authorization server calls once the user approved a cross-signing reset in
        // the account-management UI (MSC4312; Synapse's admin API, which MAS calls).
        .route("/_synapse/admin/v1/users/{user_id}/_allow_cross_signing_replacement_without_uia", post(approve_reset))
        // Paths the engine let through that this example does not implement.
        .fallback(unrecognized)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), gate))
        // Outside the gate: its answers (a 503, the engine's refusals) carry the headers too.
        .layer(middleware::map_response(cors::headers));
    Router::new()
        .route("/_example/internal/approve_cross_signing_reset", post(internal::approve_cross_signing_reset))
        .route("/_example/internal/stats", get(internal::stats))
        .merge(gated)
        .with_state(state)
}

/// A 200 JSON answer.
pub fn ok(body: Value) -> Response {
    (StatusCode::OK, [(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// The authorization server's metadata (MSC2965), as read from its discovery at start-up.
async fn auth_metadata(State(app): State<Arc<AppState>>) -> Response {
    match &app.auth_metadata {
        Some(document) => (StatusCode::OK, [(CONTENT_TYPE, "application/json")], document.clone()).into_response(),
        None => unrecognized().await,
    }
}

async fn whoami(Extension(caller): Extension<Caller>) -> Response {
    ok(json!({ "user_id": caller.user_id, "device_id": caller.device_id }))
}

/// An empty sync: this example keeps no rooms or events, only the answer's shape.
async fn sync() -> Response {
    static BATCH: AtomicU64 = AtomicU64::new(1);
    let n = BATCH.fetch_add(1, Ordering::Relaxed);
    ok(json!({ "next_batch": format!("s{n}"), "rooms": { "join": {}, "invite": {}, "leave": {} } }))
}

async fn create_room() -> Response {
    static ROOMS: AtomicU64 = AtomicU64::new(1);
    let n = ROOMS.fetch_add(1, Ordering::Relaxed);
    ok(json!({ "room_id": format!("!room{n}:example.org") }))
}

async fn upload_cross_signing_keys(
    State(app): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let Ok(upload) = serde_json::from_slice::<Value>(&body) else {
        return matrix_error(StatusCode::BAD_REQUEST, "M_NOT_JSON", "The body is not JSON");
    };
    let Some(user_id) = caller.user_id else {
        return matrix_error(StatusCode::FORBIDDEN, "M_FORBIDDEN", "Only users have cross-signing keys");
    };
    app.store_keys(&user_id, Some(&upload));
    ok(json!({}))
}

async fn delete_key_backup(Path(version): Path<String>) -> Response {
    println!("  deleted key backup version {version}");
    ok(json!({}))
}

async fn approve_reset(State(app): State<Arc<AppState>>, Path(user_id): Path<String>) -> Response {
    let until = app.approve_reset(&user_id);
    println!("  {user_id} may replace their cross-signing keys until {until}");
    ok(json!({ "updatable_without_uia_before_ms": until.saturating_mul(1000) }))
}

async fn unrecognized() -> Response {
    matrix_error(StatusCode::NOT_FOUND, "M_UNRECOGNIZED", "Unrecognized request")
}
