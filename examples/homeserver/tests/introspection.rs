//! The default mode over https against a fake authorization server: introspection, its cache,
//! failing closed, the guest claim and the internal approval endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{API_AND_DEVICE, AUTH, Behaviour, FakeAs, Homeserver, INTERNAL_SECRET, MATRIX, Pki, WHOAMI, unix_now};
use serde_json::{Value, json};

const UPLOAD: &str = "/_matrix/client/v3/keys/device_signing/upload";
const APPROVE: &str = "/_example/internal/approve_cross_signing_reset";

/// Sleeps until `unix` (seconds since the epoch) plus `extra`.
async fn sleep_until_unix(unix: u64, extra: Duration) {
    let until = UNIX_EPOCH + Duration::from_secs(unix) + extra;
    tokio::time::sleep(until.duration_since(SystemTime::now()).unwrap_or_default()).await;
}

fn active_until(fake: &FakeAs, token: &str) -> u64 {
    fake.calls().iter().rev().find(|c| c.token == token).and_then(|c| c.active_until).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_lives_no_longer_than_the_token_or_the_maximum() {
    let pki = Pki::new();
    let fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &["--cache-seconds", "3"]).await;
    fake.set("long", Behaviour::active("alice", API_AND_DEVICE, 3600));
    fake.set("short", Behaviour::active("bob", API_AND_DEVICE, 2));

    let started = Instant::now();
    let whoami = hs.get(WHOAMI, Some("long")).await;
    assert_eq!(whoami.status, 200, "{whoami:?}");
    assert_eq!(whoami.body, json!({ "user_id": format!("@alice:{MATRIX}"), "device_id": "PHONE00001" }));
    for _ in 0..3 {
        assert_eq!(hs.get(WHOAMI, Some("long")).await.status, 200);
        assert_eq!(hs.get(WHOAMI, Some("short")).await.status, 200);
    }
    assert_eq!((fake.calls_for("long"), fake.calls_for("short")), (1, 1), "answered from the cache");

    // Past the short token's `exp`, inside the three seconds: that token is introspected again,
    // the other not.
    sleep_until_unix(active_until(&fake, "short"), Duration::from_millis(100)).await;
    assert!(started.elapsed() < Duration::from_millis(2_800), "too slow to tell `exp` from the maximum");
    assert_eq!(hs.get(WHOAMI, Some("short")).await.status, 200);
    assert_eq!(hs.get(WHOAMI, Some("long")).await.status, 200);
    assert_eq!((fake.calls_for("long"), fake.calls_for("short")), (1, 2));

    // Past the maximum.
    tokio::time::sleep(Duration::from_millis(3_200).saturating_sub(started.elapsed())).await;
    assert_eq!(hs.get(WHOAMI, Some("long")).await.status, 200);
    assert_eq!(fake.calls_for("long"), 2);
    assert_eq!(fake.refused(), 0, "every introspection carried the client's credentials and the hint");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inactive_answers_are_cached_briefly_and_a_revoked_token_ends_with_the_cache() {
    let pki = Pki::new();
    let fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &["--cache-seconds", "1", "--negative-cache-seconds", "1"]).await;

    // Unknown to the authorization server.
    hs.get(WHOAMI, Some("nobody")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    hs.get(WHOAMI, Some("nobody")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    assert_eq!(fake.calls_for("nobody"), 1, "the negative answer is cached");

    // A refresh token is active too, but no access token (oidc-provider gives it no token_type).
    let refresh = json!({ "active": true, "scope": API_AND_DEVICE, "username": "alice", "exp": unix_now() + 3600 });
    fake.set("refresh", Behaviour::json(refresh));
    hs.get(WHOAMI, Some("refresh")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    // An `exp` in the past.
    fake.set(
        "expired",
        Behaviour::json(json!({
            "active": true, "token_type": "Bearer", "scope": API_AND_DEVICE, "username": "alice", "exp": unix_now() - 1,
        })),
    );
    hs.get(WHOAMI, Some("expired")).await.assert_error(401, "M_UNKNOWN_TOKEN");

    // Revoked while cached: allowed until the entry ends, refused after.
    fake.set("alice", Behaviour::active("alice", API_AND_DEVICE, 3600));
    assert_eq!(hs.get(WHOAMI, Some("alice")).await.status, 200);
    fake.set("alice", Behaviour::inactive());
    assert_eq!(hs.get(WHOAMI, Some("alice")).await.status, 200);
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    hs.get(WHOAMI, Some("alice")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    assert_eq!(fake.calls_for("alice"), 2);

    // The negative entry ended too.
    hs.get(WHOAMI, Some("nobody")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    assert_eq!(fake.calls_for("nobody"), 2);
    // A token that became active is let in once its negative entry ends.
    fake.set("nobody", Behaviour::active("carol", API_AND_DEVICE, 3600));
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(hs.get(WHOAMI, Some("nobody")).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_authorization_server_gives_503_and_no_decision() {
    let pki = Pki::new();
    let fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &[]).await;
    let active = json!({ "active": true, "token_type": "Bearer", "scope": API_AND_DEVICE, "username": "alice" });
    let mut large = active.clone();
    large["padding"] = json!("x".repeat(70 * 1024));
    let twice = active.to_string().replacen('{', r#"{"active": false, "#, 1);
    let cases = [
        ("status_500", Behaviour::Raw { status: 500, content_type: "application/json", body: active.to_string() }),
        ("status_401", Behaviour::Raw { status: 401, content_type: "application/json", body: active.to_string() }),
        ("redirect", Behaviour::Raw { status: 302, content_type: "application/json", body: active.to_string() }),
        ("not_json", Behaviour::Raw { status: 200, content_type: "application/json", body: "<html>".to_owned() }),
        ("text_plain", Behaviour::Raw { status: 200, content_type: "text/plain", body: active.to_string() }),
        ("too_large", Behaviour::Raw { status: 200, content_type: "application/json", body: large.to_string() }),
        ("no_active", Behaviour::json(json!({ "token_type": "Bearer", "scope": API_AND_DEVICE, "username": "a" }))),
        ("active_string", Behaviour::json(json!({ "active": "true", "token_type": "Bearer", "username": "a" }))),
        ("no_username", Behaviour::json(json!({ "active": true, "token_type": "Bearer", "scope": API_AND_DEVICE }))),
        ("bad_username", Behaviour::json(json!({ "active": true, "token_type": "Bearer", "username": "a:b.c" }))),
        ("exp_string", Behaviour::json(json!({ "active": true, "token_type": "Bearer", "username": "a", "exp": "9" }))),
        ("guest_string", Behaviour::json(json!({ "active": true, "username": "a", "matrix_example_guest": "no" }))),
        // What serde would read as the struct, in its sequence form.
        ("array", Behaviour::json(json!([true, API_AND_DEVICE, "alice", null, null, null, null, "Bearer", null]))),
        ("twice", Behaviour::Raw { status: 200, content_type: "application/json", body: twice }),
    ];
    let decisions = hs.stats().await["decisions"].clone();
    for (token, behaviour) in cases {
        fake.set(token, behaviour);
        hs.get(WHOAMI, Some(token)).await.assert_unavailable();
        hs.get(WHOAMI, Some(token)).await.assert_unavailable();
        assert_eq!(fake.calls_for(token), 2, "`{token}`: a failure is not cached");
    }
    // Slower than the timeout.
    fake.set("slow", Behaviour::Slow(Duration::from_secs(4)));
    let started = Instant::now();
    hs.get(WHOAMI, Some("slow")).await.assert_unavailable();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1_900) && waited < Duration::from_millis(3_500), "{waited:?}");
    let stats = hs.stats().await;
    assert_eq!(stats["decisions"], decisions, "the engine was asked nothing: {stats}");
    assert_eq!(stats["unavailable"], 29, "{stats}");
    assert_eq!(fake.refused(), 0);

    // With a wrong client secret the authorization server refuses to introspect: 503 again.
    let wrong = Homeserver::start_with(&pki, &fake.issuer, "not the secret", &[]).await.unwrap();
    fake.set("alice", Behaviour::active("alice", API_AND_DEVICE, 3600));
    wrong.get(WHOAMI, Some("alice")).await.assert_unavailable();
    assert_eq!(fake.refused(), 1);
    // The same token through the right credentials is fine: the failure was the server's.
    assert_eq!(hs.get(WHOAMI, Some("alice")).await.status, 200);
    // No token, no introspection: the engine's own answer.
    hs.get(WHOAMI, None).await.assert_error(401, "M_MISSING_TOKEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_authorization_server_down_only_fresh_cache_entries_pass() {
    let pki = Pki::new();
    let mut fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &["--cache-seconds", "2"]).await;
    fake.set("cached", Behaviour::active("alice", API_AND_DEVICE, 3600));
    fake.set("revoked", Behaviour::inactive());
    fake.set("later", Behaviour::active("bob", API_AND_DEVICE, 3600));
    assert_eq!(hs.get(WHOAMI, Some("cached")).await.status, 200);
    hs.get(WHOAMI, Some("revoked")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    let cached_at = Instant::now();

    fake.kill().await;
    // A valid cache entry still answers; a token not in the cache gets 503.
    assert_eq!(hs.get(WHOAMI, Some("cached")).await.status, 200);
    hs.get(WHOAMI, Some("revoked")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    let started = Instant::now();
    hs.get(WHOAMI, Some("later")).await.assert_unavailable();
    assert!(started.elapsed() < Duration::from_secs(1), "a refused connection fails at once");
    // Once the entry ends, 503, never an allow.
    tokio::time::sleep(Duration::from_millis(2_200).saturating_sub(cached_at.elapsed())).await;
    hs.get(WHOAMI, Some("cached")).await.assert_unavailable();
    hs.post("/_matrix/client/v3/createRoom", Some("cached"), &json!({})).await.assert_unavailable();
    assert_eq!(fake.calls_for("later"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_reads_the_issuers_discovery_over_trusted_tls() {
    let pki = Pki::new();
    let mut fake = FakeAs::start(&pki).await;
    // No discovery document there.
    let elsewhere = format!("https://{AUTH}:{}/elsewhere/", fake.port);
    let error = Homeserver::start_with(&pki, &elsewhere, "x", &[]).await.err().unwrap();
    assert!(error.contains("discovery document") && error.contains("404"), "{error}");
    // An issuer whose certificate comes from a CA this server does not trust.
    let other = Pki::new();
    let error = Homeserver::start_with(&other, &fake.issuer, "x", &[]).await.err().unwrap();
    assert!(error.contains("discovery document"), "{error}");
    // Plain http is refused before anything is asked.
    let http = format!("http://{AUTH}:{}/", fake.port);
    let error = Homeserver::start_with(&pki, &http, "x", &[]).await.err().unwrap();
    assert!(error.contains("must be an https URL"), "{error}");
    // Down.
    fake.kill().await;
    let error = Homeserver::start_with(&pki, &fake.issuer, "x", &[]).await.err().unwrap();
    assert!(error.contains("discovery document"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guest_claim_makes_a_guest() {
    let pki = Pki::new();
    let fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &[]).await;
    fake.set("guest", Behaviour::guest("guest1", "urn:matrix:client:api:* urn:matrix:client:device:GUEST00001"));
    fake.set("alice", Behaviour::active("alice", API_AND_DEVICE, 3600));

    let whoami = hs.get(WHOAMI, Some("guest")).await;
    assert_eq!((whoami.status, &whoami.body["user_id"]), (200, &json!(format!("@guest1:{MATRIX}"))));
    // A guest may sync (the guest-access list), not create a room.
    let sync = hs.get("/_matrix/client/v3/sync?timeout=0", Some("guest")).await;
    assert_eq!(sync.status, 200, "{sync:?}");
    assert!(sync.body["next_batch"].is_string());
    let create = "/_matrix/client/v3/createRoom";
    hs.post(create, Some("guest"), &json!({})).await.assert_error(403, "M_GUEST_ACCESS_FORBIDDEN");
    assert_eq!(hs.post(create, Some("alice"), &json!({})).await.status, 200);
}

fn keys(seed: &str) -> Value {
    let key = |usage: &str| json!({ "user_id": format!("@alice:{MATRIX}"), "usage": [usage], "keys": { format!("ed25519:{seed}{usage}"): seed } });
    json!({ "master_key": key("master"), "self_signing_key": key("self_signing"), "user_signing_key": key("user_signing") })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_internal_endpoint_opens_the_approval_window_for_the_right_secret_only() {
    let pki = Pki::new();
    let fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &[]).await;
    fake.set("alice", Behaviour::active("alice", API_AND_DEVICE, 3600));

    assert_eq!(hs.post(UPLOAD, Some("alice"), &keys("one")).await.status, 200);
    let uia = hs.post(UPLOAD, Some("alice"), &keys("two")).await;
    assert_eq!(uia.status, 401, "{uia:?}");
    // The `m.oauth` stage points at the account-management URL from the issuer's discovery.
    let url = format!("{}account?action=org.matrix.cross_signing_reset", fake.issuer);
    assert_eq!(uia.body["params"]["m.oauth"]["url"], url);
    let mut retry = keys("two");
    retry["auth"] = json!({ "type": "m.oauth", "session": uia.body["session"] });

    let approval = json!({ "user_id": format!("@alice:{MATRIX}") });
    hs.post(APPROVE, None, &approval).await.assert_error(401, "M_MISSING_TOKEN");
    for wrong in ["internal-secret-0123456789abcdeF", &INTERNAL_SECRET[..INTERNAL_SECRET.len() - 1], "alice", ""] {
        hs.post(APPROVE, Some(wrong), &approval).await.assert_error(401, "M_UNKNOWN_TOKEN");
    }
    hs.get("/_example/internal/stats", Some("alice")).await.assert_error(401, "M_UNKNOWN_TOKEN");
    assert_eq!(hs.post(UPLOAD, Some("alice"), &retry).await.status, 401, "still not approved");

    let other_server = json!({ "user_id": "@alice:elsewhere.test" });
    hs.post(APPROVE, Some(INTERNAL_SECRET), &other_server).await.assert_error(400, "M_INVALID_PARAM");
    hs.post(APPROVE, Some(INTERNAL_SECRET), &json!({ "user": "x" })).await.assert_error(400, "M_BAD_JSON");
    let approved = hs.post(APPROVE, Some(INTERNAL_SECRET), &approval).await;
    assert_eq!(approved.status, 200, "{approved:?}");
    let until = approved.body["updatable_without_uia_before_ms"].as_u64().unwrap();
    assert!(until > unix_now() * 1000, "{approved:?}");

    assert_eq!(hs.post(UPLOAD, Some("alice"), &retry).await.status, 200);
    // The internal endpoint never goes through introspection: the secrets never left the server.
    let asked: Vec<String> = fake.calls().into_iter().map(|c| c.token).collect();
    assert!(asked.iter().all(|t| t == "alice"), "{asked:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_clients_get_cors_headers_and_a_preflight_needs_no_token() {
    let pki = Pki::new();
    let mut fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &[]).await;
    fake.set("alice", Behaviour::active("alice", API_AND_DEVICE, 3600));
    fake.set("openid", Behaviour::active("alice", "openid", 3600));
    let header = |response: &reqwest::Response, name: &str| {
        response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    };
    let cors = |response: &reqwest::Response| {
        assert_eq!(header(response, "access-control-allow-origin"), "*", "{response:?}");
        assert!(header(response, "access-control-allow-headers").contains("Authorization"));
        assert!(header(response, "access-control-expose-headers").contains("WWW-Authenticate"));
    };

    // A preflight carries no credentials: the engine allows it (step 0), the server answers it.
    let preflight = hs
        .client
        .request(reqwest::Method::OPTIONS, hs.url(WHOAMI))
        .header("origin", "https://app.example.test:8444")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    cors(&preflight);
    assert!(header(&preflight, "access-control-allow-methods").contains("POST"));

    // Every answer of the Matrix routes carries the headers: an allow, the engine's refusal
    // (whose challenge the page can then read), the fail-closed 503.
    let send = |token: &'static str| hs.client.get(hs.url(WHOAMI)).bearer_auth(token).send();
    let allowed = send("alice").await.unwrap();
    assert_eq!(allowed.status(), 200);
    cors(&allowed);
    let refused = send("openid").await.unwrap();
    assert_eq!(refused.status(), 403);
    cors(&refused);
    assert!(header(&refused, "www-authenticate").contains("insufficient_scope"));
    fake.kill().await;
    let unavailable = send("unknown").await.unwrap();
    assert_eq!(unavailable.status(), 503);
    cors(&unavailable);
    assert!(fake.calls().iter().all(|c| c.token != "unknown"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_find_the_authorization_server_through_the_homeserver() {
    let pki = Pki::new();
    let fake = FakeAs::start(&pki).await;
    let hs = Homeserver::start(&pki, &fake, &[]).await;
    for path in ["/_matrix/client/v1/auth_metadata", "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata"] {
        let metadata = hs.get(path, None).await;
        assert_eq!(metadata.status, 200, "{metadata:?}");
        assert_eq!(metadata.body["issuer"], fake.issuer);
        assert_eq!(metadata.body["account_management_actions_supported"], json!(["org.matrix.cross_signing_reset"]));
    }
}
