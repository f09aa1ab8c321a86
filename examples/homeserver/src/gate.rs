//! The engine in front of every route: an axum middleware that looks the request line up once
//! (`matrix_authz::decide::route`), introspects the bearer token, gathers only the facts that
//! route asks for, decides along it, and either sends the engine's HTTP answer unchanged or lets
//! the request through to its handler with the caller attached. When introspection fails the
//! engine is not asked at all: the answer is 503 `M_UNKNOWN`.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONNECTION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use matrix_authz::decide::{Route, route};
use matrix_authz::{Decision, HttpAnswer};
use serde_json::Value;

use crate::introspection::{INACTIVE, Introspection};
use crate::state::{AppState, Stats, unix_now};

/// The largest request body the gate reads (the keys upload is the largest body it looks into).
const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long the gate waits for a request's whole body, from the end of its headers, by default
/// (`--body-timeout-seconds`); a slower body gets 408 and the connection is closed.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// The length of a UIA session id this server hands out.
const UIA_SESSION_LENGTH: usize = 24;

/// Who is calling, for the handlers behind the gate.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user, `None` for requests without a token.
    pub user_id: Option<String>,
    /// The device the engine read from the token.
    pub device_id: Option<String>,
}

/// What introspection found for the request's credentials: `None` without an `Authorization`
/// header, `Some(None)` for a header that is no bearer token or a token nobody knows.
type Introspected = Option<Option<Arc<Introspection>>>;

/// The middleware.
pub async fn gate(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    // A declared length over the limit is refused before a byte of the body is read (hyper
    // checks that `Content-Length` is one number; the body's size hint carries it).
    let declared = body.size_hint().lower();
    if declared > MAX_BODY_BYTES as u64 {
        return closing(too_large());
    }
    // The decision reads a few body fields (the keys of a cross-signing upload, the `type` of a
    // login), so the body is read here once and handed on, within the body timeout.
    let body = match tokio::time::timeout(app.body_timeout, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return closing(too_large()),
        Err(_) => {
            return closing(matrix_error(
                StatusCode::REQUEST_TIMEOUT,
                "M_UNKNOWN",
                "The request body did not arrive in time",
            ));
        }
    };
    let started = Instant::now();
    app.stats.requests.fetch_add(1, Ordering::Relaxed);
    let mut decided = None;
    let outcome = authorize(&app, &parts, &body, &mut decided).await;
    Stats::add(&app.stats.gate_nanos, started.elapsed());
    // Logged outside the measured time: a write to stdout costs more than the rest of the gate.
    if let Some(line) = decided {
        println!("{line}");
    }
    let caller = match outcome {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    // A preflight the engine allowed is answered here: no handler serves `OPTIONS`.
    if parts.method == Method::OPTIONS {
        return crate::cors::preflight();
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// Decides on one request: the caller when it may go through, else the answer to send; the
/// engine's decision, when it made one, in `decided` as a log line.
async fn authorize(
    app: &AppState,
    parts: &request::Parts,
    body: &Bytes,
    decided: &mut Option<String>,
) -> Result<Caller, Response> {
    let method = parts.method.as_str();
    // The raw path, not percent-decoded: the engine matches and decodes it itself.
    let path = parts.uri.path();
    // One lookup: the route says which facts its decision reads.
    let looked_up = Instant::now();
    let route = route(&app.policy, method, path);
    Stats::add(&app.stats.engine_nanos, looked_up.elapsed());

    // A CORS preflight is allowed whatever it carries: no introspection for it.
    let credentials = if route.is_preflight() { None } else { bearer_token(&parts.headers) };
    let introspected: Introspected = match credentials {
        None => None,
        Some(None) => Some(None),
        Some(Some(token)) => match app.introspector.introspect(token).await {
            Ok(found) => Some(found),
            Err(why) => {
                eprintln!("homeserver: {method} {path}: introspection failed, {why}");
                app.stats.unavailable.fetch_add(1, Ordering::Relaxed);
                return Err(matrix_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "M_UNKNOWN",
                    "Unable to introspect the access token",
                ));
            }
        },
    };
    decide(app, &route, parts, body, introspected.as_ref(), decided).map_err(send)
}

/// The engine's decision along `route`, with the facts it names.
fn decide(
    app: &AppState,
    route: &Route<'_>,
    parts: &request::Parts,
    body: &Bytes,
    introspected: Option<&Option<Arc<Introspection>>>,
    log: &mut Option<String>,
) -> Result<Caller, HttpAnswer> {
    let (method, path) = (parts.method.as_str(), parts.uri.path());
    let facts = route.facts();
    let user_id = introspected.and_then(Option::as_ref).map(|i| i.user_id.as_str());

    let mut request = matrix_authz::Request::new(method, path);
    request.token = introspected.map(|found| found.as_ref().map_or(INACTIVE, |i| i.token()));
    if facts.query_kind {
        request.query_kind = query_param(parts.uri.query(), "kind");
    }
    if facts.now {
        request.now = Some(unix_now());
    }
    if facts.account_management_uri {
        request.context.account_management_uri = Some(&app.account_management_uri);
    }
    // The body is parsed only when the route reads it (the `type` of a login or registration,
    // the keys of a cross-signing upload).
    let json: Option<Value> = (facts.body || facts.cross_signing).then(|| serde_json::from_slice(body).ok()).flatten();
    if facts.body {
        request.context.body.login_type = json.as_ref().and_then(|b| b.get("type")).and_then(Value::as_str);
        request.context.body.inhibit_login =
            json.as_ref().and_then(|b| b.get("inhibit_login")) == Some(&Value::Bool(true));
    }
    // Only a cross-signing upload needs the user's key state and a UIA session.
    let session;
    if facts.cross_signing {
        request.context.cross_signing = app.cross_signing_facts(user_id, json.as_ref());
        session = match retried_session(json.as_ref()) {
            Some(given) => given.to_owned(),
            None => matrix_authz::device::generate_random(UIA_SESSION_LENGTH)
                .map(String::from)
                .map_err(|e| engine_failure(e.into()))?,
        };
        request.context.uia_session = Some(&session);
    }
    // This server has no rooms with guest access: a guest's join finds no `m.room.guest_access`
    // (`facts.room_guest_access`), which counts as `forbidden`.

    app.stats.decisions.fetch_add(1, Ordering::Relaxed);
    let deciding = Instant::now();
    let decided = route.decide(&request).map(|decision| {
        let answer = decision.render();
        (decision, answer)
    });
    Stats::add(&app.stats.engine_nanos, deciding.elapsed());
    let (decision, answer) = decided.map_err(engine_failure)?;
    *log = Some(log_line(method, path, user_id, &decision));
    if let Some(answer) = answer {
        return Err(answer);
    }
    if decision.consumes_approval() == Some(true) {
        app.close_approval_window(user_id);
    }
    Ok(Caller { user_id: user_id.map(str::to_owned), device_id: decision.subject().device.map(str::to_owned) })
}

/// The access token of `Authorization: Bearer <token>`: `None` without the header, `Some(None)`
/// for a header this server cannot read (another scheme, no token, not ASCII), which counts as a
/// failed authentication rather than an anonymous request. The deprecated `access_token` query
/// parameter is not supported.
fn bearer_token(headers: &HeaderMap) -> Option<Option<&str>> {
    let value = headers.get(AUTHORIZATION)?;
    let token = value.to_str().ok().and_then(|v| {
        let (scheme, token) = v.split_once(' ')?;
        let token = token.trim_matches(' ');
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' ')).then_some(token)
    });
    Some(token)
}

/// The value of `name` in a query string, taken as is (the values the engine reads are plain).
fn query_param<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?.split('&').find_map(|pair| pair.split_once('=').filter(|(n, _)| *n == name).map(|(_, v)| v))
}

/// The `auth.session` a client sends when it retries after the `m.oauth` stage.
fn retried_session(body: Option<&Value>) -> Option<&str> {
    body?.get("auth")?.get("session")?.as_str()
}

/// The engine's answer as an axum response, status, headers and body unchanged.
fn send(mut answer: HttpAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = std::mem::take(&mut answer.body);
    let mut response = (status, [(CONTENT_TYPE, "application/json")], body).into_response();
    // The engine's own check first (no control character, whatever built the answer), then http's.
    for (name, value) in answer.sendable_headers() {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// A request the engine could not decide: the host gave it too little (a bug in this server).
fn engine_failure(error: matrix_authz::Error) -> HttpAnswer {
    eprintln!("homeserver: the engine could not decide: {} ({error})", error.code());
    let body = serde_json::json!({ "errcode": "M_UNKNOWN", "error": "Internal server error" });
    HttpAnswer { status: 500, headers: Vec::new(), body: body.to_string() }
}

/// 413 `M_TOO_LARGE`.
fn too_large() -> Response {
    matrix_error(StatusCode::PAYLOAD_TOO_LARGE, "M_TOO_LARGE", "The request body is too large")
}

/// `response` with `Connection: close`: the rest of the body is never read, so the connection
/// cannot carry another request.
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A Matrix error response of this server's own.
pub fn matrix_error(status: StatusCode, errcode: &str, error: &str) -> Response {
    let body = serde_json::json!({ "errcode": errcode, "error": error });
    (status, [(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn log_line(method: &str, path: &str, user_id: Option<&str>, decision: &Decision<'_>) -> String {
    let who = user_id.unwrap_or("-");
    let what = match decision.errcode() {
        Some(errcode) => format!("{} {errcode}", decision.kind()),
        None => decision.kind().to_owned(),
    };
    format!("{method} {path} ({who}): {what}")
}
