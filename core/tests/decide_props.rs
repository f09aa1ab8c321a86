//! `request.decide` and path matching never panic, whatever the request line, token and context;
//! and a few laws hold on arbitrary input (a decision that is not allow always has a status; the
//! rendered body is valid JSON; a path under `/_synapse/admin/` is never a catalogued endpoint;
//! routing first gives the same answer as `decide`, and the facts a route does not ask for change
//! nothing).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use matrix_authz::decide::{Body, Context, Decision, Facts, Request, Token, route};
use matrix_authz::endpoint::{Lookup, lookup};
use matrix_authz::guest::GuestAccess;
use matrix_authz::policy::{Approval, StepUpRule, UnknownEndpoints};
use matrix_authz::uia::CrossSigning;
use matrix_authz::{Policy, PolicySettings, Preset, decide};
use proptest::prelude::*;

/// Segments that steer paths into the catalogue, mixed with arbitrary text.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "_matrix",
            "client",
            "v3",
            "r0",
            "v1",
            "media",
            "rooms",
            "state",
            "m.room.name",
            "sync",
            "devices",
            "keys",
            "device_signing",
            "upload",
            "login",
            "register",
            "profile",
            "displayname",
            "join",
            "%2F",
            "_synapse",
            "admin",
            "pushrules",
            "global",
            "delete_devices",
            "account",
            "deactivate",
            "{roomId}",
            "%",
            "%zz",
            "é",
        ])
        .prop_map(str::to_owned),
        ".{0,12}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        // The endpoints whose steps read request facts, under a few spellings.
        prop::sample::select(vec![
            "/_matrix/client/v3/keys/device_signing/upload",
            "/_matrix/client/unstable/keys/device_signing/upload",
            "/_matrix/client/v3/register",
            "/_matrix/client/r0/login",
            "/_matrix/client/v3/join/%23a%3Ab",
            "/_matrix/client/v3/rooms/!r%3Ab/join",
            "/_matrix/client/v3/account/deactivate",
            "/_matrix/client/v3/devices/AB%2FC",
            "/_matrix/client/v3/delete_devices",
            "/_matrix/client/v3/sync",
            "/_matrix/client/v3/createRoom",
        ])
        .prop_map(str::to_owned),
        prop::collection::vec(segment(), 0..9).prop_map(|segs| segs.join("/")),
        prop::collection::vec(segment(), 0..9).prop_map(|segs| format!("/_matrix/client/v3/{}", segs.join("/"))),
        ".{0,40}",
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["GET", "PUT", "POST", "DELETE", "PATCH", "get", ""]).prop_map(str::to_owned),
        ".{0,8}"
    ]
}

fn scope() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ",
            "urn:matrix:client:api:* urn:synapse:admin:*",
            "openid",
            "",
            " ",
            "urn:matrix:client:device:A urn:matrix:client:device:B",
        ])
        .prop_map(str::to_owned),
        ".{0,60}",
    ]
}

/// `(active, scope, device_id, auth_time, acr, appservice, guest)`.
type TokenFields = (bool, Option<String>, Option<String>, Option<i64>, Option<String>, bool, bool);

#[derive(Debug, Clone)]
struct Case {
    method: String,
    path: String,
    kind: Option<String>,
    token: Option<TokenFields>,
    cross_signing: (bool, bool, Option<i64>),
    guest_access: Option<bool>,
    body: (Option<String>, bool),
    uri: Option<String>,
    session: Option<String>,
    now: Option<i64>,
    entropy: Option<Vec<u8>>,
    preset: usize,
    step_up: Option<(Option<u64>, Vec<String>)>,
    single_use: bool,
    legacy: bool,
    deny_unknown: bool,
}

fn case() -> impl Strategy<Value = Case> {
    let token = prop::option::of((
        any::<bool>(),
        prop::option::of(scope()),
        prop::option::of(".{0,10}"),
        prop::option::of(any::<i64>()),
        prop::option::of(".{0,6}"),
        any::<bool>(),
        any::<bool>(),
    ));
    (
        (method(), path(), prop::option::of(".{0,6}"), token),
        (
            (any::<bool>(), any::<bool>(), prop::option::of(any::<i64>())),
            prop::option::of(any::<bool>()),
            (prop::option::of(".{0,30}"), any::<bool>()),
            prop::option::of(".{0,30}"),
            prop::option::of(".{0,6}"),
        ),
        (prop::option::of(any::<i64>()), prop::option::of(prop::collection::vec(any::<u8>(), 0..40)), 0..3usize),
        (
            prop::option::of((prop::option::of(any::<u64>()), prop::collection::vec(".{0,4}", 0..3))),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (method, path, kind, token),
                (cross_signing, guest_access, body, uri, session),
                (now, entropy, preset),
                (step_up, single_use, legacy, deny_unknown),
            )| Case {
                method,
                path,
                kind,
                token,
                cross_signing,
                guest_access,
                body,
                uri,
                session,
                now,
                entropy,
                preset,
                step_up,
                single_use,
                legacy,
                deny_unknown,
            },
        )
}

fn policy(case: &Case) -> Policy {
    let mut policy = PolicySettings::preset(Preset::ALL[case.preset]);
    if let Some((max_age, acr_values)) = &case.step_up {
        let endpoints = ["sync", "createRoom", "sendMessage", "deleteDevice"].map(str::to_owned).to_vec();
        // A policy is valid by construction: keep the drawn rule's valid parts (acr values of
        // scope-token characters, and a `max_age` when none is left).
        let acr_values: Vec<String> = acr_values
            .iter()
            .filter(|v| !v.is_empty() && v.bytes().all(matrix_authz::scope::is_scope_char))
            .cloned()
            .collect();
        let max_age = if acr_values.is_empty() { Some(max_age.unwrap_or(0)) } else { *max_age };
        policy.step_up = vec![StepUpRule { endpoints, max_age, acr_values }];
    }
    if case.single_use {
        policy.approval = Approval::SingleUse;
    }
    policy.legacy_endpoints = case.legacy;
    if case.deny_unknown {
        policy.unknown_endpoints = UnknownEndpoints::Deny;
    }
    policy.build().unwrap()
}

fn request(case: &Case) -> Request<'_> {
    let mut request = Request::new(&case.method, &case.path);
    request.query_kind = case.kind.as_deref();
    request.token = case.token.as_ref().map(|(active, scope, device_id, auth_time, acr, appservice, guest)| Token {
        active: *active,
        scope: scope.as_deref(),
        device_id: device_id.as_deref(),
        auth_time: *auth_time,
        acr: acr.as_deref(),
        appservice: *appservice,
        guest: *guest,
    });
    let (master_key_exists, keys_identical, reset_approved_until) = case.cross_signing;
    request.context = Context {
        cross_signing: CrossSigning { master_key_exists, keys_identical, reset_approved_until },
        room_guest_access: case.guest_access.map(|can| if can { GuestAccess::CanJoin } else { GuestAccess::Forbidden }),
        body: Body { login_type: case.body.0.as_deref(), inhibit_login: case.body.1 },
        account_management_uri: case.uri.as_deref(),
        uia_session: case.session.as_deref(),
    };
    request.now = case.now;
    request.entropy = case.entropy.as_deref();
    request
}

/// Request lines of the endpoints whose steps read request facts.
const RULE_LINES: [(&str, &str); 9] = [
    ("POST", "/_matrix/client/v3/keys/device_signing/upload"),
    ("POST", "/_matrix/client/unstable/keys/device_signing/upload"),
    ("POST", "/_matrix/client/v3/register"),
    ("POST", "/_matrix/client/r0/login"),
    ("POST", "/_matrix/client/v3/join/%23a%3Ab"),
    ("POST", "/_matrix/client/v3/rooms/!r%3Ab/join"),
    ("POST", "/_matrix/client/v3/account/deactivate"),
    ("DELETE", "/_matrix/client/v3/devices/AB%2FC"),
    ("GET", "/_matrix/client/v3/sync"),
];

/// `request` with every fact the route does not ask for left out.
fn only<'a>(request: &Request<'a>, facts: Facts) -> Request<'a> {
    let full = request.context;
    let mut context = Context::default();
    if facts.body {
        context.body = full.body;
    }
    if facts.room_guest_access {
        context.room_guest_access = full.room_guest_access;
    }
    if facts.cross_signing {
        context.cross_signing = full.cross_signing;
        context.uia_session = full.uia_session;
    }
    if facts.account_management_uri {
        context.account_management_uri = full.account_management_uri;
    }
    Request {
        query_kind: request.query_kind.filter(|_| facts.query_kind),
        context,
        now: request.now.filter(|_| facts.now),
        entropy: request.entropy.filter(|_| facts.cross_signing),
        ..*request
    }
}

fn check_rendering(decision: &Decision<'_>) {
    match decision.render() {
        None => assert!(decision.is_allow()),
        Some(answer) => {
            assert!(!decision.is_allow());
            assert!(matches!(answer.status, 400 | 401 | 403 | 404));
            let body: serde_json::Value = serde_json::from_str(&answer.body).expect("the body is JSON");
            assert!(body.is_object());
        }
    }
    let _ = decision.account_url();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn decide_never_panics(case in case()) {
        let policy = policy(&case);
        let request = request(&case);
        let decided = decide(&request, &policy);
        if let Ok(decision) = &decided {
            check_rendering(decision);
        }
        let route = route(&policy, &case.method, &case.path);
        let outcome = |d: Result<Decision<'_>, matrix_authz::Error>| d.map(|d| d.output()).map_err(|e| e.code());
        let decided = outcome(decided);
        prop_assert_eq!(&outcome(route.decide(&request)), &decided);
        prop_assert_eq!(&outcome(route.decide(&only(&request, route.facts()))), &decided);
    }

    /// The endpoints whose steps read request facts, with a valid token half the time: the facts
    /// a route does not ask for change nothing.
    #[test]
    fn routes_read_only_their_facts(mut case in case(), at in 0..RULE_LINES.len(), valid in any::<bool>()) {
        let (method, path) = RULE_LINES[at];
        case.method = method.to_owned();
        case.path = path.to_owned();
        if valid {
            let guest = case.token.as_ref().is_some_and(|t| t.6);
            let scope = Some("urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ".to_owned());
            case.token = Some((true, scope, None, case.now, None, false, guest));
        }
        let policy = policy(&case);
        let request = request(&case);
        let route = route(&policy, &case.method, &case.path);
        let outcome = |d: Result<Decision<'_>, matrix_authz::Error>| d.map(|d| d.output()).map_err(|e| e.code());
        let decided = outcome(decide(&request, &policy));
        prop_assert_eq!(&outcome(route.decide(&only(&request, route.facts()))), &decided);
    }

    #[test]
    fn lookup_never_panics(method in method(), path in path()) {
        let found = lookup(&method, &path);
        if path.starts_with("/_synapse/admin/") {
            prop_assert_eq!(found, Lookup::Admin);
        }
        if let Lookup::Known(endpoint, params) = found {
            prop_assert_eq!(endpoint.method.name(), method.as_str());
            prop_assert!(params.iter().all(|(name, value)| name == "stateKey" || !value.is_empty()));
        }
    }
}

/// Small arbitrary JSON values, for the JSON glue.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(Value::from("can_join")),
        Just(Value::from("m.login.application_service")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "scope",
                    "active",
                    "guest",
                    "appservice",
                    "device_id",
                    "auth_time",
                    "acr",
                    "cross_signing",
                    "master_key_exists",
                    "reset_approved_until",
                    "room",
                    "guest_access",
                    "body",
                    "type",
                    "inhibit_login",
                    "account_management_uri",
                    "uia_session",
                    "kind",
                ])
                .prop_map(str::to_owned),
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn json_decide_never_panics(
        method in method(),
        path in path(),
        token in json_value(),
        context in json_value(),
        query in json_value(),
        now in json_value(),
        entropy in json_value(),
    ) {
        let input = serde_json::json!({
            "method": method, "path": path, "token": token, "context": context, "query": query,
            "now": now, "entropy": entropy,
        });
        let _ = matrix_authz::json::evaluate("request.decide", &input);
    }

    #[test]
    fn json_account_url_never_panics(base in ".{0,30}", action in ".{0,10}", device in json_value(), supported in json_value()) {
        let input = serde_json::json!({
            "account_management_uri": base, "action": action, "device_id": device, "supported": supported,
        });
        if let Ok(result) = matrix_authz::json::evaluate("account.url", &input) {
            let url = result["url"].as_str().unwrap_or_default();
            prop_assert!(url.starts_with(&base[..base.find('#').unwrap_or(base.len())]));
        }
    }
}
