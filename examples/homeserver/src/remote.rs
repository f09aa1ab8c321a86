//! Token introspection at the authorization server (RFC 7662), as a confidential client.
//!
//! Start-up reads the issuer's discovery document (OpenID Connect Discovery 1.0 section 4, RFC
//! 8414) for `introspection_endpoint` and MSC4191's `account_management_uri`. Each token is then
//! introspected with `token=...&token_type_hint=access_token`, authenticated with
//! `client_secret_basic` (RFC 6749 section 2.3.1), and the answer cached ([`crate::cache`]).
//!
//! Fail closed: an authorization server that cannot be reached, is slower than the timeout,
//! answers anything but 200 with a JSON object, an answer over the size cap, or an answer that
//! does not hold the fields this server reads with their types, is [`Unavailable`]: the gate
//! answers 503 `M_UNKNOWN` and asks the engine nothing. Such a failure is never cached, and
//! never taken for an answer.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Certificate, Client, Response, StatusCode, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::cache::{Cache, Hit, Key};
use crate::introspection::Introspection;

/// The longest wait for the authorization server, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// The largest introspection answer or discovery document read.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The authorization server could not tell.
#[derive(Debug)]
pub enum Unavailable {
    /// No answer: refused, reset, timed out.
    Unreachable(reqwest::Error),
    /// An HTTP status other than 200.
    Status(StatusCode),
    /// Not `application/json`.
    NotJson,
    /// Over [`MAX_ANSWER_BYTES`].
    TooLarge,
    /// A body that is not the expected JSON object.
    Malformed(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(e) => {
                let what = if e.is_timeout() { "no answer in time" } else { "no answer" };
                write!(f, "{what}: {e}")?;
                // reqwest's message names the URL only; the cause is further down.
                let mut source = std::error::Error::source(e);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            Self::Status(status) => write!(f, "status {status}"),
            Self::NotJson => f.write_str("the answer is not application/json"),
            Self::TooLarge => write!(f, "the answer is over {MAX_ANSWER_BYTES} bytes"),
            Self::Malformed(why) => write!(f, "a malformed answer: {why}"),
        }
    }
}

/// The outgoing HTTP client's settings.
pub struct ClientSettings {
    /// The only certificate authorities trusted (`--ca`); the system's roots when empty.
    pub ca_pem: Option<Vec<u8>>,
    /// Host names resolved to fixed addresses (`--resolve NAME=IP`), instead of asking DNS.
    pub resolve: Vec<(String, IpAddr)>,
}

/// The HTTP client for the authorization server: https only, no proxy, no redirect (a 3xx is a
/// failure, and credentials never follow one), [`TIMEOUT`] for everything.
pub fn http_client(settings: &ClientSettings) -> Result<Client, String> {
    let mut builder = Client::builder()
        .https_only(true)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .user_agent(concat!("matrix-authz-example-homeserver/", env!("CARGO_PKG_VERSION")));
    for (name, ip) in &settings.resolve {
        // The port is ignored: the URL's is used.
        builder = builder.resolve(name, SocketAddr::new(*ip, 0));
    }
    if let Some(pem) = &settings.ca_pem {
        let roots = Certificate::from_pem_bundle(pem).map_err(|e| format!("`--ca`: {e}"))?;
        if roots.is_empty() {
            return Err("`--ca`: no certificate in the file".to_owned());
        }
        builder = builder.tls_certs_only(roots);
    }
    builder.build().map_err(|e| format!("cannot make the HTTP client: {e}"))
}

/// What this server reads from the issuer's discovery document.
#[derive(Debug, Deserialize)]
pub struct Discovery {
    /// The whole document, which the server hands on to clients at
    /// `/_matrix/client/v1/auth_metadata` (MSC2965), as Synapse does for MAS.
    #[serde(skip)]
    pub document: String,
    /// Must equal the configured issuer (OpenID Connect Discovery 1.0 section 4.3).
    pub issuer: String,
    /// RFC 8414 / RFC 7662 section 4.
    pub introspection_endpoint: String,
    /// MSC4191.
    pub account_management_uri: Option<String>,
}

/// Reads `issuer`'s discovery document.
pub async fn discover(http: &Client, issuer: &Url) -> Result<Discovery, String> {
    let location = format!("{}/.well-known/openid-configuration", issuer.as_str().trim_end_matches('/'));
    let failed = |e: Unavailable| format!("cannot read the discovery document at {location}: {e}");
    let response = http.get(&location).header(ACCEPT, "application/json").send().await;
    let document: serde_json::Map<String, serde_json::Value> =
        read_json(response.map_err(Unavailable::Unreachable)).await.map_err(failed)?;
    let document = serde_json::Value::Object(document);
    let mut discovery = Discovery::deserialize(&document).map_err(|e| failed(Unavailable::Malformed(e.to_string())))?;
    if discovery.issuer != issuer.as_str() {
        return Err(format!("{location} names the issuer `{}`, not `{issuer}`", discovery.issuer));
    }
    discovery.document = document.to_string();
    Ok(discovery)
}

/// The RFC 7662 client with its cache.
pub struct Remote {
    http: Client,
    endpoint: Url,
    /// The client id and secret, each form-urlencoded as `client_secret_basic` requires.
    client_id: String,
    client_secret: String,
    /// The server name user ids end with.
    server_name: String,
    cache: Cache,
    /// Requests sent to the authorization server.
    pub calls: AtomicU64,
    /// Answers taken from the cache.
    pub cache_hits: AtomicU64,
    /// Requests that got no usable answer.
    pub failures: AtomicU64,
}

impl Remote {
    /// A client of `endpoint` (an https URL), authenticating as `client_id` with `client_secret`.
    pub fn new(
        http: Client,
        endpoint: Url,
        client_id: &str,
        client_secret: &str,
        server_name: String,
        cache: Cache,
    ) -> Self {
        let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
        Self {
            http,
            endpoint,
            client_id: encode(client_id),
            client_secret: encode(client_secret),
            server_name,
            cache,
            calls: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        }
    }

    /// What the authorization server says (or lately said) about `token`: `None` for an inactive
    /// or unknown one.
    pub async fn introspect(&self, token: &str) -> Result<Option<Arc<Introspection>>, Unavailable> {
        let key = Key::of(token);
        if let Some(hit) = self.cache.get(&key) {
            self.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(match hit {
                Hit::Active(answer) => Some(answer),
                Hit::Inactive => None,
            });
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        let answer = self.ask(token).await.inspect_err(|_| {
            self.failures.fetch_add(1, Ordering::Relaxed);
        })?;
        match answer.read(&self.server_name, SystemTime::now()) {
            Ok(Some((introspection, expires))) => {
                let introspection = Arc::new(introspection);
                self.cache.insert_active(key, Arc::clone(&introspection), expires);
                Ok(Some(introspection))
            }
            Ok(None) => {
                self.cache.insert_inactive(key);
                Ok(None)
            }
            Err(why) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                Err(Unavailable::Malformed(why))
            }
        }
    }

    async fn ask(&self, token: &str) -> Result<Answer, Unavailable> {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token)
            .append_pair("token_type_hint", "access_token")
            .finish();
        let response = self
            .http
            .post(self.endpoint.clone())
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(form)
            .send()
            .await;
        read_json(response.map_err(Unavailable::Unreachable)).await
    }
}

/// The body of a 200 `application/json` answer, read up to [`MAX_ANSWER_BYTES`] and parsed
/// strictly into `T`.
async fn read_json<T: DeserializeOwned>(response: Result<Response, Unavailable>) -> Result<T, Unavailable> {
    let mut response = response?;
    if response.status() != StatusCode::OK {
        return Err(Unavailable::Status(response.status()));
    }
    let media_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = media_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(Unavailable::NotJson);
    }
    if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        return Err(Unavailable::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Unavailable::Unreachable)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(Unavailable::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    // An object, not the sequence form serde would also take for a struct; parsed straight into
    // the struct, so a member given twice is an error rather than the last one winning.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(Unavailable::Malformed("not a JSON object".to_owned()));
    }
    serde_json::from_slice(&body).map_err(|e| Unavailable::Malformed(e.to_string()))
}

/// An introspection answer (RFC 7662 section 2.2): `active` is required and every field this
/// server reads must have its type (a string where a string is due, and so on), else the answer
/// is malformed. Other members are allowed and ignored.
#[derive(Debug, Deserialize)]
struct Answer {
    active: bool,
    scope: Option<String>,
    username: Option<String>,
    device_id: Option<String>,
    exp: Option<i64>,
    auth_time: Option<i64>,
    acr: Option<String>,
    token_type: Option<String>,
    /// The claim by which this example's authorization server marks a guest's token. The Matrix
    /// specification leaves guests under OAuth open; this name is the example's own.
    #[serde(rename = "matrix_example_guest")]
    guest: Option<bool>,
}

impl Answer {
    /// What the answer says at `now`: the token and when it expires, `None` when it is not a
    /// live access token, an error when an active answer lacks what this server needs.
    fn read(self, server_name: &str, now: SystemTime) -> Result<Option<(Introspection, Option<SystemTime>)>, String> {
        if !self.active {
            return Ok(None);
        }
        // A refresh token is active too, but is no access token: oidc-provider names access
        // tokens `Bearer` (RFC 6750) and a refresh token not at all, MAS says `access_token`.
        let access_token = self
            .token_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("bearer") || t.eq_ignore_ascii_case("access_token"));
        if !access_token {
            return Ok(None);
        }
        let expires = match self.exp {
            Some(exp) => {
                let exp = u64::try_from(exp).map_err(|_| format!("`exp` {exp} is before 1970"))?;
                Some(UNIX_EPOCH + Duration::from_secs(exp))
            }
            None => None,
        };
        if expires.is_some_and(|exp| exp <= now) {
            return Ok(None);
        }
        let username = self.username.ok_or("an active token without `username`")?;
        if !is_localpart(&username) {
            return Err(format!("`username` `{username}` is not a Matrix localpart"));
        }
        let introspection = Introspection {
            user_id: format!("@{username}:{server_name}"),
            active: true,
            // RFC 7662: an omitted scope is no scope; the engine then refuses the token.
            scope: Some(self.scope.unwrap_or_default()),
            device_id: self.device_id,
            auth_time: self.auth_time,
            acr: self.acr,
            appservice: false,
            guest: self.guest.unwrap_or(false),
        };
        Ok(Some((introspection, expires)))
    }
}

/// A user id's localpart as the specification allows new ones (a-z, 0-9, `._=-/+`).
fn is_localpart(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._=-/+".contains(&b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn read(answer: serde_json::Value) -> Result<Option<(Introspection, Option<SystemTime>)>, String> {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        serde_json::from_value::<Answer>(answer).map_err(|e| e.to_string())?.read("hs.test", now)
    }

    #[test]
    fn an_answer_is_read_strictly() {
        let (token, expires) = read(json!({
            "active": true, "token_type": "Bearer", "scope": "openid", "username": "alice", "sub": "x",
            "exp": 2_000, "auth_time": 900, "acr": "urn:example:acr:pwd", "matrix_example_guest": true,
            "client_id": "c", "aud": ["a", "b"],
        }))
        .unwrap()
        .unwrap();
        assert_eq!((token.user_id.as_str(), token.scope.as_deref()), ("@alice:hs.test", Some("openid")));
        assert_eq!(
            (token.auth_time, token.acr.as_deref(), token.guest),
            (Some(900), Some("urn:example:acr:pwd"), true)
        );
        assert_eq!(expires, Some(UNIX_EPOCH + Duration::from_secs(2_000)));

        // Not a live access token: inactive.
        assert!(read(json!({ "active": false })).unwrap().is_none());
        assert!(read(json!({ "active": true, "username": "alice", "scope": "openid" })).unwrap().is_none());
        assert!(read(json!({ "active": true, "token_type": "refresh_token", "username": "a" })).unwrap().is_none());
        assert!(
            read(json!({ "active": true, "token_type": "Bearer", "username": "a", "exp": 1_000 })).unwrap().is_none()
        );

        // Malformed: never an answer.
        for bad in [
            json!({}),
            json!({ "active": "true" }),
            json!({ "active": true, "token_type": "Bearer" }),
            json!({ "active": true, "token_type": "Bearer", "username": "Alice:evil" }),
            json!({ "active": true, "token_type": "Bearer", "username": "a", "exp": "2000" }),
            json!({ "active": true, "token_type": "Bearer", "username": "a", "matrix_example_guest": "yes" }),
            json!({ "active": true, "token_type": "Bearer", "username": "a", "scope": ["openid"] }),
            json!([true]),
        ] {
            assert!(read(bad.clone()).is_err(), "{bad}");
        }
    }
}
