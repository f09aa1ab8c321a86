//! Starts the example homeserver on 127.0.0.1 (port 0) and drives it over real HTTP/1.1, with a
//! plain `TcpStream` as the client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

const ALICE: &str = "alice_phone";
const UPLOAD: &str = "/_matrix/client/v3/keys/device_signing/upload";

/// The running server; killed when dropped, so a failing test leaves no process behind.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the binary with the shipped policy and a copy of the shipped token table plus one
    /// token whose user authenticated just now (the shipped ones carry fixed times).
    fn start() -> Self {
        Self::start_with(&[])
    }

    /// As `start`, with more command-line arguments.
    fn start_with(extra: &[&str]) -> Self {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut tokens: Value =
            serde_json::from_str(&std::fs::read_to_string(here.join("tokens.json")).unwrap()).unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        tokens["alice_fresh"] = json!({
            "user_id": "@alice:example.org",
            "scope": "urn:matrix:client:api:* urn:matrix:client:device:PHONE00001",
            "auth_time": now,
        });
        // One table per server: the tests run in parallel threads of one process, and a table
        // shared between them could be read by one server while another test rewrites it.
        static SERVERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let table = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("tokens-{}-{n}.json", std::process::id()));
        std::fs::write(&table, tokens.to_string()).unwrap();

        let mut child = Command::new(env!("CARGO_BIN_EXE_matrix-authz-example-homeserver"))
            .args(["--listen", "127.0.0.1:0", "--tokens"])
            .arg(&table)
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let address = first.strip_prefix("listening on http://").unwrap_or_else(|| panic!("{first}")).to_owned();
        // Keep draining the server's log so it never blocks on a full pipe; it shows with
        // `cargo test -- --nocapture`.
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|line| println!("server: {line}")));
        Self { child, address }
    }

    /// One request on a fresh connection; `raw_headers` are complete header lines.
    fn send(&self, method: &str, target: &str, raw_headers: &[String], body: Option<&Value>) -> Answer {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.address);
        for header in raw_headers {
            request.push_str(header);
            request.push_str("\r\n");
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        Answer::parse(&response)
    }

    fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.send("GET", path, &bearer(token), None)
    }

    fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send("POST", path, &bearer(token), Some(body))
    }

    fn delete(&self, path: &str, token: Option<&str>) -> Answer {
        self.send("DELETE", path, &bearer(token), None)
    }
}

fn bearer(token: Option<&str>) -> Vec<String> {
    token.map(|t| format!("Authorization: Bearer {t}")).into_iter().collect()
}

/// A response: status, headers (lower-case names) and the JSON body (`Null` when empty).
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    fn parse(response: &str) -> Self {
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no header end: {response:?}"));
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|line| line.split_once(':').unwrap())
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        assert!(!headers.iter().any(|(n, _)| n == "transfer-encoding"), "this client reads no chunked bodies");
        let body = if body.is_empty() { Value::Null } else { serde_json::from_str(body).unwrap() };
        Self { status, headers, body }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Asserts a Matrix error.
    fn assert_error(&self, status: u16, errcode: &str) {
        assert_eq!((self.status, self.body["errcode"].as_str()), (status, Some(errcode)), "{self:?}");
    }
}

fn keys(seed: &str) -> Value {
    let key = |usage: &str| json!({ "user_id": "@alice:example.org", "usage": [usage], "keys": { format!("ed25519:{seed}{usage}"): seed } });
    json!({ "master_key": key("master"), "self_signing_key": key("self_signing"), "user_signing_key": key("user_signing") })
}

#[test]
fn the_engine_guards_every_route() {
    let server = Server::start();

    // An allowed request reaches its handler, which learns the device from the engine.
    let whoami = server.get("/_matrix/client/v3/account/whoami", Some(ALICE));
    assert_eq!(whoami.status, 200, "{whoami:?}");
    assert_eq!(whoami.body, json!({ "user_id": "@alice:example.org", "device_id": "PHONE00001" }));
    // The r0 alias is the same endpoint to the engine (and unknown to this router).
    server.get("/_matrix/client/r0/account/whoami", Some(ALICE)).assert_error(404, "M_UNRECOGNIZED");
    // An appservice's own token is the host's business.
    assert_eq!(server.get("/_matrix/client/v3/account/whoami", Some("bridge_as")).status, 200);

    // No token.
    server.get("/_matrix/client/v3/account/whoami", None).assert_error(401, "M_MISSING_TOKEN");

    // A guest may ask who it is, but not create a room.
    assert_eq!(server.get("/_matrix/client/v3/account/whoami", Some("guest_7")).status, 200);
    server
        .post("/_matrix/client/v3/createRoom", Some("guest_7"), &json!({}))
        .assert_error(403, "M_GUEST_ACCESS_FORBIDDEN");
    assert_eq!(server.post("/_matrix/client/v3/createRoom", Some(ALICE), &json!({})).status, 200);

    // A token without the client-server API scope: 403 with the RFC 6750 challenge.
    let openid = server.get("/_matrix/client/v3/account/whoami", Some("alice_openid_only"));
    openid.assert_error(403, "M_FORBIDDEN");
    assert_eq!(
        openid.header("www-authenticate"),
        Some("Bearer error=\"insufficient_scope\", scope=\"urn:matrix:client:api:*\"")
    );
}

#[test]
fn cross_signing_reset_needs_the_browser_then_passes() {
    let server = Server::start();

    // The first upload needs no UIA (MSC3967), and an identical retry neither.
    assert_eq!(server.post(UPLOAD, Some(ALICE), &keys("one")).status, 200);
    assert_eq!(server.post(UPLOAD, Some(ALICE), &keys("one")).status, 200);

    // Replacing the keys asks for the `m.oauth` stage, pointing at the account-management UI.
    let uia = server.post(UPLOAD, Some(ALICE), &keys("two"));
    assert_eq!(uia.status, 401, "{uia:?}");
    let url = "https://auth.example.org/account/?action=org.matrix.cross_signing_reset";
    assert_eq!(uia.body["flows"], json!([{ "stages": ["m.oauth"] }, { "stages": ["org.matrix.cross_signing_reset"] }]));
    assert_eq!(uia.body["params"]["m.oauth"]["url"], url);
    let session = uia.body["session"].as_str().unwrap().to_owned();
    assert_eq!(session.len(), 24);

    // Retrying before the user approved gives the same challenge, with the client's session.
    let retry = json!({ "auth": { "type": "m.oauth", "session": session } });
    let mut upload = keys("two");
    upload["auth"] = retry["auth"].clone();
    let again = server.post(UPLOAD, Some(ALICE), &upload);
    assert_eq!((again.status, again.body["session"].as_str()), (401, Some(session.as_str())));

    // Only the authorization server (admin scope) opens the approval window.
    let approve = "/_synapse/admin/v1/users/@alice:example.org/_allow_cross_signing_replacement_without_uia";
    server.post(approve, Some(ALICE), &json!({})).assert_error(403, "M_FORBIDDEN");
    let approved = server.post(approve, Some("auth_server_admin"), &json!({}));
    assert_eq!(approved.status, 200, "{approved:?}");
    assert!(approved.body["updatable_without_uia_before_ms"].as_i64().unwrap() > 0);

    // Inside the window the retry passes; the policy's `window` approval keeps it open.
    assert_eq!(server.post(UPLOAD, Some(ALICE), &upload).status, 200);
    assert_eq!(server.post(UPLOAD, Some(ALICE), &keys("three")).status, 200);
}

#[test]
fn step_up_and_unusable_uia_endpoints() {
    let server = Server::start();

    // Deleting a key backup needs an authentication from the last 300 seconds (policy.json).
    let stale = server.delete("/_matrix/client/v3/room_keys/version/1", Some(ALICE));
    stale.assert_error(401, "M_INSUFFICIENT_USER_AUTHENTICATION");
    assert_eq!(stale.body["max_age"], 300);
    assert_eq!(
        stale.header("www-authenticate"),
        Some("Bearer error=\"insufficient_user_authentication\", max_age=\"300\"")
    );
    assert_eq!(server.delete("/_matrix/client/v3/room_keys/version/1", Some("alice_fresh")).status, 200);

    // Endpoints that need UIA with a password are not served under OAuth: the account UI does it.
    server.delete("/_matrix/client/v3/devices/PHONE00001", Some(ALICE)).assert_error(404, "M_UNRECOGNIZED");
    server.post("/_matrix/client/v3/delete_devices", Some(ALICE), &json!({})).assert_error(404, "M_UNRECOGNIZED");
    let password = json!({ "new_password": "x" });
    server.post("/_matrix/client/v3/account/password", Some(ALICE), &password).assert_error(404, "M_UNRECOGNIZED");
    server
        .post("/_matrix/client/v3/login", None, &json!({ "type": "m.login.password" }))
        .assert_error(404, "M_UNRECOGNIZED");
    // Appservices register users with `inhibit_login`, nobody else does.
    let register = json!({ "type": "m.login.application_service", "username": "b1", "inhibit_login": true });
    server.post("/_matrix/client/v3/register", Some(ALICE), &register).assert_error(403, "M_FORBIDDEN");
    server.post("/_matrix/client/v3/register?kind=guest", None, &json!({})).assert_error(403, "M_FORBIDDEN");
}

#[test]
fn malformed_tokens_and_paths() {
    let server = Server::start();
    let whoami = "/_matrix/client/v3/account/whoami";

    for token in ["nobody_knows_me", "alice_revoked", "alice_bad_scope"] {
        server.get(whoami, Some(token)).assert_error(401, "M_UNKNOWN_TOKEN");
    }
    for header in ["Authorization: Basic YWxpY2U6c2VjcmV0", "Authorization: Bearer", "Authorization: Bearer a b"] {
        server.send("GET", whoami, &[header.to_owned()], None).assert_error(401, "M_UNKNOWN_TOKEN");
    }
    // The scheme name is case-insensitive (RFC 9110 section 11.1).
    assert_eq!(server.send("GET", whoami, &["Authorization: bearer alice_phone".to_owned()], None).status, 200);

    // Paths the router does not normalize are not the endpoint: the engine and the router agree.
    for path in [
        "/_matrix/client/v3/sync/../account/whoami",
        "/_matrix/client/v3//account/whoami",
        "/_matrix/client/v3/account/whoami/",
    ] {
        server.get(path, Some(ALICE)).assert_error(404, "M_UNRECOGNIZED");
        server.get(path, None).assert_error(401, "M_MISSING_TOKEN");
    }
    // Escapes in a path parameter, bad or not, leave the endpoint the same.
    server.delete("/_matrix/client/v3/devices/%ZZ", Some(ALICE)).assert_error(404, "M_UNRECOGNIZED");
    server.delete("/_matrix/client/v3/devices/AB%2FCD", Some(ALICE)).assert_error(404, "M_UNRECOGNIZED");
    // A request line hyper cannot read never reaches the gate.
    assert_eq!(server.send("GET", "/_matrix/client/v3/account/who ami", &[], None).status, 400);
}

/// Sends `head` (the request line and headers, without the blank line) and `body`, keeps the
/// connection open for writing, and reads the answer: the status and how long it took, `None`
/// when the server closed the connection without one.
fn hold_open(address: &str, head: &str, body: &[u8]) -> (Option<u16>, Duration) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let started = Instant::now();
    stream.write_all(format!("{head}\r\nHost: {address}\r\n\r\n").as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    // The server closes the connection after its answer (its `Connection: close`), or at once.
    stream.read_to_end(&mut response).expect("the server neither answered nor closed the connection");
    let elapsed = started.elapsed();
    let response = String::from_utf8_lossy(&response);
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok());
    (status, elapsed)
}

#[test]
fn a_declared_body_over_the_limit_is_refused_unread() {
    let server = Server::start();
    let whoami = "/_matrix/client/v3/account/whoami";
    // 2^63 and 64 KiB + 1 bytes declared, 2 sent: 413 at once, the connection closed.
    for length in ["9223372036854775808", "65537"] {
        let head = format!("POST {whoami} HTTP/1.1\r\nAuthorization: Bearer {ALICE}\r\nContent-Length: {length}");
        let (status, elapsed) = hold_open(&server.address, &head, b"{}");
        assert_eq!(status, Some(413), "Content-Length: {length}");
        assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    }
    // A length no u64 holds, or two that disagree, is hyper's 400 before the gate.
    let head = format!("POST {whoami} HTTP/1.1\r\nContent-Length: 99999999999999999999");
    assert_eq!(hold_open(&server.address, &head, b"{}").0, Some(400));
    // At the limit the body is read as before.
    let body = json!({ "pad": "x".repeat(65536 - 10) });
    assert_eq!(body.to_string().len(), 65536);
    assert_eq!(server.post("/_matrix/client/v3/createRoom", Some(ALICE), &body).status, 200);
}

#[test]
fn a_body_that_stops_half_way_times_out() {
    let server = Server::start_with(&["--body-timeout-seconds", "1"]);
    let head =
        format!("POST /_matrix/client/v3/createRoom HTTP/1.1\r\nAuthorization: Bearer {ALICE}\r\nContent-Length: 100");
    let (status, elapsed) = hold_open(&server.address, &head, &[b' '; 50]);
    assert_eq!(status, Some(408));
    assert!(elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5), "{elapsed:?}");
    // A chunked body that never ends, likewise.
    let head = "POST /_matrix/client/v3/createRoom HTTP/1.1\r\nTransfer-Encoding: chunked";
    let (status, elapsed) = hold_open(&server.address, head, b"2\r\n{}\r\n");
    assert_eq!(status, Some(408));
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // The server still answers.
    assert_eq!(server.get("/_matrix/client/v3/account/whoami", Some(ALICE)).status, 200);
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(env!("CARGO_BIN_EXE_matrix-authz-example-homeserver"))
        .arg("--tokens")
        .arg(std::ffi::OsStr::from_bytes(b"tokens\xff.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("argument `tokens\u{fffd}.json` is not UTF-8"), "{out:?}");
}
