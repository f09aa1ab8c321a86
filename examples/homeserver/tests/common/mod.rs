//! What the https tests share: a throwaway certificate authority, a small fake authorization
//! server (discovery and RFC 7662 introspection, in process, https on 127.0.0.1), the homeserver
//! binary in its default mode pointed at it, and an https client that maps the `.test` names to
//! 127.0.0.1 and trusts only the test CA, as the deployment's parts do.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

pub const AUTH: &str = "auth.example.test";
pub const MATRIX: &str = "matrix.example.test";
pub const CLIENT_ID: &str = "homeserver";
pub const CLIENT_SECRET: &str = "introspection secret: s3cr&t=1";
pub const INTERNAL_SECRET: &str = "internal-secret-0123456789abcdef";
pub const WHOAMI: &str = "/_matrix/client/v3/account/whoami";
/// Whether the homeserver's log is echoed (`cargo test -- --nocapture` shows it).
pub static ECHO: AtomicBool = AtomicBool::new(true);
pub const API_AND_DEVICE: &str = "urn:matrix:client:api:* urn:matrix:client:device:PHONE00001";

/// The process's TLS provider (reqwest is built without one).
pub fn install_provider() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A throwaway CA and a leaf certificate for each name, as files in a fresh folder.
pub struct Pki {
    pub dir: PathBuf,
    pub ca_pem: String,
}

impl Pki {
    pub fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "pki-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "matrix-authz test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        for name in [AUTH, MATRIX] {
            let key = KeyPair::generate().unwrap();
            let mut leaf = CertificateParams::new(vec![name.to_owned()]).unwrap();
            leaf.distinguished_name.push(DnType::CommonName, name);
            leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
            let cert = leaf.signed_by(&key, &ca).unwrap();
            std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
            std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
        }
        let ca_pem = ca.pem();
        std::fs::write(dir.join("ca.pem"), &ca_pem).unwrap();
        Self { dir, ca_pem }
    }

    pub fn path(&self, file: &str) -> String {
        self.dir.join(file).to_str().unwrap().to_owned()
    }

    fn server_config(&self, name: &str) -> Arc<rustls::ServerConfig> {
        let chain = CertificateDer::pem_file_iter(self.dir.join(format!("{name}.pem")))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(self.dir.join(format!("{name}.key"))).unwrap();
        let mut config = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, key).unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(config)
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How the fake authorization server answers an introspection of one token.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// 200 with this JSON; `exp` set to now + `exp_in` seconds when given.
    Answer { body: Value, exp_in: Option<u64> },
    /// Any status, content type and body.
    Raw { status: u16, content_type: &'static str, body: String },
    /// No answer before this long, then an active one.
    Slow(Duration),
}

impl Behaviour {
    /// An active access token of `username` with `scope`, living `exp_in` more seconds.
    pub fn active(username: &str, scope: &str, exp_in: u64) -> Self {
        let body = json!({
            "active": true, "token_type": "Bearer", "scope": scope, "username": username, "sub": username,
            "client_id": "some-client", "iss": "https://auth.example.test/",
        });
        Self::Answer { body, exp_in: Some(exp_in) }
    }

    pub fn guest(username: &str, scope: &str) -> Self {
        let Self::Answer { mut body, exp_in } = Self::active(username, scope, 3600) else { unreachable!() };
        body["matrix_example_guest"] = json!(true);
        Self::Answer { body, exp_in }
    }

    pub fn inactive() -> Self {
        Self::Answer { body: json!({ "active": false }), exp_in: None }
    }

    pub fn json(body: Value) -> Self {
        Self::Answer { body, exp_in: None }
    }
}

/// One introspection the fake authorization server answered.
#[derive(Clone, Debug)]
pub struct Call {
    pub token: String,
    /// When it answered.
    pub at: SystemTime,
    /// The `exp` of an active answer (seconds since the epoch), `None` for any other.
    pub active_until: Option<u64>,
}

struct AsState {
    issuer: String,
    behaviours: Mutex<HashMap<String, Behaviour>>,
    /// For a token without its own behaviour.
    default: Mutex<Behaviour>,
    /// The answers so far, and whether the server was killed: set under the same lock, so no
    /// answer is recorded (or sent) after `kill` returns, even from a connection task that was
    /// running on another thread while the server task was aborted.
    calls: Mutex<(Vec<Call>, bool)>,
    /// Introspection requests without the right client credentials or form.
    refused: AtomicU64,
}

/// The fake authorization server: https on 127.0.0.1, discovery and introspection only.
pub struct FakeAs {
    pub port: u16,
    pub issuer: String,
    state: Arc<AsState>,
    server: Option<JoinHandle<()>>,
}

impl FakeAs {
    pub async fn start(pki: &Pki) -> Self {
        install_provider();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let issuer = format!("https://{AUTH}:{port}/");
        let state = Arc::new(AsState {
            issuer: issuer.clone(),
            behaviours: Mutex::default(),
            default: Mutex::new(Behaviour::inactive()),
            calls: Mutex::default(),
            refused: AtomicU64::new(0),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/oauth2/introspect", post(introspect))
            .with_state(Arc::clone(&state));
        let server = tokio::spawn(serve_tls(listener, pki.server_config(AUTH), app));
        Self { port, issuer, state, server: Some(server) }
    }

    /// Sets how `token` is answered from now on.
    pub fn set(&self, token: &str, behaviour: Behaviour) {
        self.state.behaviours.lock().unwrap().insert(token.to_owned(), behaviour);
    }

    /// Sets how tokens without their own behaviour are answered (inactive at first).
    pub fn set_default(&self, behaviour: Behaviour) {
        *self.state.default.lock().unwrap() = behaviour;
    }

    /// Introspections of `token` so far.
    pub fn calls_for(&self, token: &str) -> usize {
        self.state.calls.lock().unwrap().0.iter().filter(|c| c.token == token).count()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().0.clone()
    }

    pub fn refused(&self) -> u64 {
        self.state.refused.load(Ordering::Relaxed)
    }

    /// Stops it: the listener and every open connection go.
    pub async fn kill(&mut self) {
        self.state.calls.lock().unwrap().1 = true;
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }
}

impl Drop for FakeAs {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Serves `app` over TLS; aborting the task closes the listener and every connection with it.
async fn serve_tls(listener: TcpListener, config: Arc<rustls::ServerConfig>, app: Router) {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let mut connections = JoinSet::new();
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let (acceptor, service) = (acceptor.clone(), TowerToHyperService::new(app.clone()));
        connections.spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else { return };
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
        // Reap the finished ones so the set does not grow over a long run.
        while connections.try_join_next().is_some() {}
    }
}

async fn discovery(State(state): State<Arc<AsState>>) -> Response {
    let issuer = &state.issuer;
    let body = json!({
        "issuer": issuer,
        "introspection_endpoint": format!("{issuer}oauth2/introspect"),
        "account_management_uri": format!("{issuer}account"),
        "account_management_actions_supported": ["org.matrix.cross_signing_reset"],
    });
    ([(CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
}

async fn introspect(State(state): State<Arc<AsState>>, headers: HeaderMap, body: Bytes) -> Response {
    use base64_free::basic;
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let authorized = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(basic().as_str());
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if !authorized
        || content_type != Some("application/x-www-form-urlencoded")
        || form.get("token_type_hint").map(String::as_str) != Some("access_token")
    {
        state.refused.fetch_add(1, Ordering::Relaxed);
        let error = json!({ "error": "invalid_client" });
        return (StatusCode::UNAUTHORIZED, [(CONTENT_TYPE, "application/json")], error.to_string()).into_response();
    }
    let token = form.get("token").cloned().unwrap_or_default();
    let own = state.behaviours.lock().unwrap().get(&token).cloned();
    let behaviour = own.unwrap_or_else(|| state.default.lock().unwrap().clone());
    let (status, content_type, body, active_until) = match behaviour {
        Behaviour::Answer { mut body, exp_in } => {
            if let Some(exp_in) = exp_in {
                body["exp"] = json!(unix_now() + exp_in);
            }
            let active_until = (body["active"] == json!(true)).then(|| body["exp"].as_u64().unwrap_or(u64::MAX));
            (200, "application/json", body.to_string(), active_until)
        }
        Behaviour::Raw { status, content_type, body } => (status, content_type, body, None),
        Behaviour::Slow(delay) => {
            tokio::time::sleep(delay).await;
            let body = json!({ "active": true, "token_type": "Bearer", "scope": API_AND_DEVICE, "username": "slow" });
            (200, "application/json", body.to_string(), Some(u64::MAX))
        }
    };
    {
        let mut calls = state.calls.lock().unwrap();
        if calls.1 {
            // Killed while this connection's task was still running: answer as a dead server would.
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        calls.0.push(Call { token, at: SystemTime::now(), active_until });
    }
    (StatusCode::from_u16(status).unwrap(), [(CONTENT_TYPE, content_type)], body).into_response()
}

/// `client_secret_basic` by hand (RFC 6749 section 2.3.1: each part form-urlencoded, then
/// base64), so the test checks the server's encoding rather than sharing it.
mod base64_free {
    use super::{CLIENT_ID, CLIENT_SECRET};

    pub fn basic() -> String {
        let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!("Basic {}", base64(format!("{}:{}", encode(CLIENT_ID), encode(CLIENT_SECRET)).as_bytes()))
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..4 {
                let c = if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' };
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }
}

/// The homeserver binary in its default mode, against `fake`; killed when dropped.
pub struct Homeserver {
    child: Child,
    pub port: u16,
    pub client: reqwest::Client,
}

impl Homeserver {
    pub async fn start(pki: &Pki, fake: &FakeAs, extra: &[&str]) -> Self {
        Self::start_with(pki, &fake.issuer, CLIENT_SECRET, extra).await.unwrap()
    }

    /// Starts it; `Err` with its stderr when it exits instead of listening.
    pub async fn start_with(pki: &Pki, issuer: &str, secret: &str, extra: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_matrix-authz-example-homeserver"))
            .args(["--issuer", issuer, "--client-id", CLIENT_ID, "--client-secret", secret])
            .args(["--ca", &pki.path("ca.pem"), "--resolve", &format!("{AUTH}=127.0.0.1")])
            .args(["--cert", &pki.path(&format!("{MATRIX}.pem")), "--key", &pki.path(&format!("{MATRIX}.key"))])
            .args(["--internal-secret", INTERNAL_SECRET, "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        // Read off the runtime's workers: the fake authorization server must answer meanwhile.
        let first = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok);
            // Keep draining the log so the server never blocks on a full pipe; it shows with
            // `cargo test -- --nocapture`.
            std::thread::spawn(move || lines.map_while(Result::ok).for_each(echo));
            first
        })
        .await
        .unwrap();
        let Some(address) = first.as_deref().and_then(|l| l.strip_prefix("listening on https://")) else {
            let _ = child.kill();
            let mut errors = String::new();
            std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut errors).unwrap();
            let _ = child.wait();
            return Err(format!("{first:?} {errors}"));
        };
        std::thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).for_each(echo));
        let port = address.parse::<SocketAddr>().unwrap().port();
        Ok(Self { child, port, client: client(pki) })
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://{MATRIX}:{}{path}", self.port)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send(reqwest::Method::POST, path, token, Some(body)).await
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body.to_string());
        }
        Answer::read(request.send().await.unwrap()).await
    }

    /// The gate's counters.
    pub async fn stats(&self) -> Value {
        let answer = self.get("/_example/internal/stats", Some(INTERNAL_SECRET)).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        answer.body
    }
}

fn echo(line: String) {
    if ECHO.load(Ordering::Relaxed) {
        println!("server: {line}");
    }
}

impl Drop for Homeserver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An https client of the homeserver: its name mapped to 127.0.0.1, only the test CA trusted.
pub fn client(pki: &Pki) -> reqwest::Client {
    install_provider();
    let ca = reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap();
    reqwest::Client::builder()
        .no_proxy()
        .resolve(MATRIX, SocketAddr::from(([127, 0, 0, 1], 0)))
        .tls_certs_only([ca])
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A response: status, `errcode` and the JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub www_authenticate: Option<String>,
}

impl Answer {
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let www_authenticate = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
        let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
        Self { status, body, www_authenticate }
    }

    pub fn errcode(&self) -> Option<&str> {
        self.body["errcode"].as_str()
    }

    #[track_caller]
    pub fn assert_error(&self, status: u16, errcode: &str) {
        assert_eq!((self.status, self.errcode()), (status, Some(errcode)), "{self:?}");
    }

    /// The fail-closed answer.
    #[track_caller]
    pub fn assert_unavailable(&self) {
        self.assert_error(503, "M_UNKNOWN");
        assert_eq!(self.body["error"], "Unable to introspect the access token");
    }
}
