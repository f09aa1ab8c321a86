//! `request.decide` (the typed `decide`) on structured arbitrary requests: paths drawn from the
//! catalogue's templates (filled with arbitrary segments, sometimes in their `r0` spelling),
//! admin paths or arbitrary text; scopes built from the Matrix tokens and arbitrary ones; policies
//! with step-up rules, a declared endpoint, required scopes and MSC4484 (valid ones only).
//!
//! Invariant: no panic and a deterministic answer; errors are only `input.invalid` or
//! `entropy.insufficient`; the status and errcode fit the decision kind (allow: none; deny: one
//! of DECISIONS.md's status and errcode pairs; uia: 401 and no errcode; step_up: 401
//! `M_INSUFFICIENT_USER_AUTHENTICATION`) and the rendered answer agrees with them. Apart from a
//! CORS preflight (`OPTIONS`, step 0) and an endpoint whose token is `none` (step 5): an inactive
//! token is never allowed; an OAuth token is allowed only with the API scope or the operation's
//! own required scope (plus the admin scope on an admin path) and, as a guest, only on a known
//! endpoint; no token is allowed only on an endpoint whose token is `optional`.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use matrix_authz::decide::{Body, Context, Decision, Request, Token, decide};
use matrix_authz::endpoint::{DeclaredEndpoint, ENDPOINTS, Lookup, TokenRequirement, route};
use matrix_authz::guest::GuestAccess;
use matrix_authz::policy::{Approval, ServerAdministrationScope, StepUpRule, UnknownEndpoints};
use matrix_authz::uia::CrossSigning;
use matrix_authz::{Policy, PolicySettings, Preset, Scope};
use serde_json::Value;

#[derive(Debug)]
struct Case {
    policy: Policy,
    method: String,
    path: String,
    query_kind: Option<String>,
    token: Option<TokenCase>,
    cross_signing: CrossSigning,
    room: Option<GuestAccess>,
    login_type: Option<String>,
    inhibit_login: bool,
    account_management_uri: Option<String>,
    uia_session: Option<String>,
    now: Option<i64>,
    entropy: Option<Vec<u8>>,
}

#[derive(Debug, Arbitrary)]
struct TokenCase {
    active: bool,
    scope: Option<ScopeCase>,
    device_id: Option<String>,
    auth_time: Option<i64>,
    acr: Option<String>,
    appservice: bool,
    guest: bool,
}

/// A scope string made of Matrix tokens and arbitrary ones, joined by one or two spaces.
#[derive(Debug)]
struct ScopeCase(String);

const TOKENS: &[&str] = &[
    "urn:matrix:client:api:*",
    "urn:matrix:org.matrix.msc2967.client:api:*",
    "urn:matrix:client:device:",
    "urn:matrix:org.matrix.msc2967.client:device:",
    "urn:synapse:admin:*",
    "openid",
    "email",
];

impl<'a> Arbitrary<'a> for ScopeCase {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut text = String::new();
        for i in 0..u.int_in_range(0..=5)? {
            if i > 0 {
                text.push_str(if u.ratio(1, 16)? { "  " } else { " " });
            }
            let pick = u.choose_index(TOKENS.len() + 1)?;
            match TOKENS.get(pick) {
                Some(token) => text.push_str(token),
                None => text.push_str(u.arbitrary()?),
            }
            if TOKENS.get(pick).is_some_and(|t| t.ends_with(':')) {
                // A device id: usually a plain one, sometimes arbitrary text.
                let id: &str = if u.ratio(3, 4)? { "ABCDEFGHIJ" } else { u.arbitrary()? };
                text.push_str(id);
            }
        }
        Ok(Self(text))
    }
}

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE"];

fn arbitrary_path(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 => u.arbitrary()?,
        1 => format!("/_synapse/admin/{}", u.arbitrary::<&str>()?),
        _ => {
            let template = u.choose(ENDPOINTS)?.path;
            let mut path = Vec::new();
            for segment in template.split('/') {
                if segment.starts_with('{') {
                    let value: &str = if u.ratio(7, 8)? { "x%2Fy" } else { u.arbitrary()? };
                    path.push(value.to_owned());
                } else {
                    path.push(segment.to_owned());
                }
            }
            let path = path.join("/");
            match path.strip_prefix("/_matrix/client/v3/") {
                Some(rest) if u.ratio(1, 4)? => format!("/_matrix/client/r0/{rest}"),
                _ => path,
            }
        }
    })
}

fn arbitrary_policy(u: &mut Unstructured<'_>) -> arbitrary::Result<Policy> {
    let mut policy = PolicySettings::preset(*u.choose(&Preset::ALL)?);
    if u.ratio(1, 4)? {
        policy.unknown_endpoints = UnknownEndpoints::Deny;
    }
    policy.legacy_endpoints = u.ratio(1, 8)?;
    if u.arbitrary()? {
        policy.approval = Approval::SingleUse;
    }
    // Endpoints that take a token: step-up rules and required scopes may only name those.
    let tokened: Vec<&str> =
        ENDPOINTS.iter().filter(|e| e.token != TokenRequirement::None).map(|e| e.operation_id()).collect();
    if u.ratio(1, 4)? {
        let token = *u.choose(&[
            TokenRequirement::None,
            TokenRequirement::Optional,
            TokenRequirement::Required,
            TokenRequirement::Appservice,
        ])?;
        let path =
            *u.choose(&["/_matrix/client/v3/org.example.fuzz/{id}", "/_synapse/client/fuzz", "/fuzz/{a}/{b}"])?;
        let mut declared = DeclaredEndpoint::new(u.choose(&["GET", "POST", "PATCH"])?, path, "fuzzThing", token);
        declared.guest = u.arbitrary()?;
        policy.endpoints.push(declared);
    }
    if u.ratio(1, 4)? {
        policy.server_administration_scope = ServerAdministrationScope::Msc4484;
    }
    if u.ratio(1, 4)? {
        let id = *u.choose(&tokened)?;
        let admin = matrix_authz::endpoint::by_operation_id(id).is_some_and(|e| e.server_administration);
        if !(admin && policy.server_administration_scope == ServerAdministrationScope::Msc4484) {
            let tokens = vec!["urn:example:scope".to_owned(), "urn:matrix:client:api:*".to_owned()];
            policy.required_scopes.insert(id.to_owned(), tokens.into_iter().take(u.int_in_range(1..=2)?).collect());
        }
    }
    for _ in 0..u.int_in_range(0..=2)? {
        let endpoints = vec![(*u.choose(&tokened)?).to_owned()];
        let max_age: Option<u16> = u.arbitrary()?;
        let mut acr_values: Vec<String> = Vec::new();
        for _ in 0..u.int_in_range(0..=2)? {
            let value: String = u.arbitrary()?;
            // Only scope-token characters make a valid rule (FORMAT.md v4).
            let nqchar = !value.is_empty() && value.bytes().all(matrix_authz::scope::is_scope_char);
            acr_values.push(if nqchar { value } else { "urn:x:mfa".to_owned() });
        }
        if max_age.is_none() && acr_values.is_empty() {
            acr_values.push("urn:x:mfa".to_owned());
        }
        policy.step_up.push(StepUpRule { endpoints, max_age: max_age.map(u64::from), acr_values });
    }
    if u.ratio(1, 4)? {
        policy.guest_endpoints.push(u.choose(ENDPOINTS)?.operation_id().to_owned());
    }
    Ok(Policy::new(policy).expect("the settings drawn are valid"))
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let policy = arbitrary_policy(u)?;
        let method = if u.ratio(15, 16)? { (*u.choose(METHODS)?).to_owned() } else { u.arbitrary()? };
        let path = arbitrary_path(u)?;
        let cross_signing = CrossSigning {
            master_key_exists: u.arbitrary()?,
            keys_identical: u.ratio(1, 4)?,
            reset_approved_until: u.arbitrary()?,
        };
        let room = match u.int_in_range(0..=2)? {
            0 => None,
            1 => Some(GuestAccess::CanJoin),
            _ => Some(GuestAccess::Forbidden),
        };
        Ok(Self {
            policy,
            method,
            path,
            query_kind: if u.ratio(1, 4)? { Some("guest".to_owned()) } else { u.arbitrary()? },
            token: u.arbitrary()?,
            cross_signing,
            room,
            login_type: if u.ratio(1, 2)? { Some("m.login.application_service".to_owned()) } else { u.arbitrary()? },
            inhibit_login: u.arbitrary()?,
            account_management_uri: if u.ratio(1, 2)? {
                Some("https://a.example/account".to_owned())
            } else {
                u.arbitrary()?
            },
            uia_session: u.arbitrary()?,
            now: u.arbitrary()?,
            entropy: u.arbitrary()?,
        })
    }
}

/// DECISIONS.md's deny answers.
const DENY_PAIRS: &[(u16, &str)] = &[
    (400, "M_APPSERVICE_LOGIN_UNSUPPORTED"),
    (401, "M_MISSING_TOKEN"),
    (401, "M_UNKNOWN_TOKEN"),
    (403, "M_FORBIDDEN"),
    (403, "M_GUEST_ACCESS_FORBIDDEN"),
    (404, "M_UNRECOGNIZED"),
];

fuzz_target!(|case: Case| {
    let token = case.token.as_ref().map(|t| Token {
        active: t.active,
        scope: t.scope.as_ref().map(|s| s.0.as_str()),
        device_id: t.device_id.as_deref(),
        auth_time: t.auth_time,
        acr: t.acr.as_deref(),
        appservice: t.appservice,
        guest: t.guest,
    });
    let request = Request {
        method: &case.method,
        path: &case.path,
        query_kind: case.query_kind.as_deref(),
        token,
        context: Context {
            cross_signing: case.cross_signing,
            room_guest_access: case.room,
            body: Body { login_type: case.login_type.as_deref(), inhibit_login: case.inhibit_login },
            account_management_uri: case.account_management_uri.as_deref(),
            uia_session: case.uia_session.as_deref(),
        },
        now: case.now,
        entropy: case.entropy.as_deref(),
    };
    let decision = decide(&request, &case.policy);
    assert_eq!(decision, decide(&request, &case.policy), "not deterministic");
    let decision = match decision {
        Ok(d) => d,
        Err(e) => {
            assert!(matches!(e.code(), "input.invalid" | "entropy.insufficient"), "{}", e.code());
            return;
        }
    };
    check_answer(&decision);
    if !decision.is_allow() || request.method == "OPTIONS" {
        return;
    }
    let policy = &case.policy;
    let found = route(&policy.settings().endpoints, request.method, request.path);
    let operation = found.operation(&policy.settings().endpoints);
    if operation.is_some_and(|o| o.token == TokenRequirement::None) {
        return;
    }
    match token {
        None => assert!(
            operation.is_some_and(|o| o.token == TokenRequirement::Optional),
            "allowed without a token: {} {}",
            request.method,
            request.path
        ),
        Some(t) => {
            assert!(t.active, "an inactive token was allowed");
            if !t.appservice {
                let scope = t.scope.and_then(|s| Scope::parse(s, &policy.settings().scope).ok());
                let own = operation.and_then(|o| policy.own_required_scopes(&o));
                let met = scope.is_some_and(|s| match own {
                    Some(own) => own.tokens().any(|r| s.covers(r)),
                    None => s.has_api(),
                });
                assert!(met, "allowed without the required scope: {:?}", t.scope);
                if found == Lookup::Admin {
                    assert!(scope.is_some_and(|s| s.synapse_admin()), "admin path without the admin scope");
                }
                if t.guest {
                    assert!(operation.is_some(), "a guest was allowed on an unknown path");
                }
            }
        }
    }
});

fn check_answer(decision: &Decision<'_>) {
    let (status, errcode) = (decision.status(), decision.errcode());
    match decision.kind() {
        "allow" => {
            assert_eq!((status, errcode), (None, None));
            assert_eq!(decision.render(), None);
            return;
        }
        "deny" => {
            let pair = (status.unwrap_or_default(), errcode.unwrap_or_default());
            assert!(DENY_PAIRS.contains(&pair), "{pair:?}");
        }
        "uia" => assert_eq!((status, errcode), (Some(401), None)),
        "step_up" => assert_eq!((status, errcode), (Some(401), Some("M_INSUFFICIENT_USER_AUTHENTICATION"))),
        other => panic!("unknown decision kind {other}"),
    }
    let answer = decision.render().expect("a refusal renders");
    assert_eq!(Some(answer.status), status);
    let body: Value = serde_json::from_str(&answer.body).expect("the body is JSON");
    assert_eq!(body.get("errcode").and_then(Value::as_str), errcode, "{body}");
    match decision.kind() {
        "uia" => {
            assert!(body.get("flows").is_some_and(Value::is_array), "{body}");
            assert!(body.get("session").is_some_and(Value::is_string), "{body}");
        }
        "step_up" => {
            let header = answer.headers.iter().find(|(name, _)| name == "www-authenticate").map(|(_, v)| v);
            assert!(
                header.is_some_and(|h| h.starts_with("Bearer error=\"insufficient_user_authentication\"")),
                "{header:?}"
            );
        }
        _ => assert!(body.get("error").is_some_and(Value::is_string), "{body}"),
    }
    assert!(answer.headers.iter().all(|(name, _)| name.bytes().all(|b| !b.is_ascii_uppercase())));
}
