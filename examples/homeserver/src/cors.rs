//! CORS for web clients (client-server API, "Web Browser Clients"): every answer of the Matrix
//! routes, the gate's and the engine's included, carries the headers the specification lists,
//! and a preflight the engine allowed (step 0) is answered here with no handler behind it.
//!
//! `WWW-Authenticate` is exposed so that a page can read the engine's challenges (RFC 6750
//! `insufficient_scope`, RFC 9470 step-up), and `Retry-After` for the same reason; without it a
//! browser hides both from the page's script.

use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

const HEADERS: [(axum::http::HeaderName, &str); 4] = [
    (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    (ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    (ACCESS_CONTROL_ALLOW_HEADERS, "X-Requested-With, Content-Type, Authorization"),
    (ACCESS_CONTROL_EXPOSE_HEADERS, "WWW-Authenticate, Retry-After"),
];

/// Adds the CORS headers to an answer (a `map_response` layer outside the gate).
pub async fn headers(mut response: Response) -> Response {
    for (name, value) in HEADERS {
        response.headers_mut().insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The answer to a preflight the engine allowed.
pub fn preflight() -> Response {
    (StatusCode::NO_CONTENT, [(ACCESS_CONTROL_MAX_AGE, "600")]).into_response()
}
