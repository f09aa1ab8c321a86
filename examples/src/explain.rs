//! `decide --explain` and `scope --explain`: a decision or a scope in words.
//!
//! Nothing here decides or classifies: the words are read off the engine's results (a
//! `request.decide` result's `step`, `reason` and `setting`; `TokenKind` for a scope's tokens),
//! so the explanation cannot drift from the answer it explains.

use std::fmt::Write as _;

use matrix_authz::json::policy;
use matrix_authz::{Namespace, TokenKind};
use serde_json::Value;

/// The DECISIONS.md pipeline, one line per step in its order: what each step checks.
const STEPS: [&str; 19] = [
    "OPTIONS is a CORS preflight, allowed without credentials",
    "POST /login as an appservice (MSC4190)",
    "endpoints no OAuth client may use (password login, refresh, logout...)",
    "POST /register: only appservices register (MSC4190)",
    "a token is sent where the endpoint needs one",
    "no token needed, or a token the endpoint ignores",
    "the token is active",
    "an appservice's own token",
    "appservice-only endpoints",
    "the scope and device id follow the policy's rules",
    "the token carries the scope the endpoint requires",
    "admin paths need urn:synapse:admin:*",
    "guests call only the endpoints open to them",
    "guests join only rooms that admit guests",
    "device deletion belongs to the account-management page",
    "uploading cross-signing keys (first upload, retry, or an approved reset)",
    "unknown paths under unknown_endpoints: \"deny\"",
    "step-up rules: a recent or stronger sign-in",
    "every check passed",
];

/// The steps `legacy_endpoints: true` skips: the server still offers the legacy API.
const LEGACY_SKIPPED: [usize; 4] = [1, 2, 3, 14];

/// A value of a result as a table cell or a line: `-` for null or absent.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "-".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// How a policy input reads in a heading: a preset's name, or a document and its preset.
pub fn policy_name(policy: Option<&Value>) -> String {
    match policy {
        None => "default".to_owned(),
        Some(Value::String(name)) => name.clone(),
        Some(Value::Object(doc)) => match doc.get("preset") {
            Some(Value::String(preset)) => format!("a policy document on the preset {preset}"),
            _ => "a policy document on the preset default".to_owned(),
        },
        Some(other) => other.to_string(),
    }
}

/// The HTTP status line of a status the engine answers with.
fn status_line(status: &Value) -> String {
    let text = match status.as_u64() {
        Some(400) => " Bad Request",
        Some(401) => " Unauthorized",
        Some(403) => " Forbidden",
        Some(404) => " Not Found",
        _ => "",
    };
    format!("HTTP/1.1 {status}{text}")
}

/// `input` (a `request.decide` input, its `policy` in place) and the engine's `result` in
/// words: the request, each step the pipeline reached, then the HTTP answer.
pub fn decision(input: &Value, result: &Value) -> String {
    let policy_input = input.get("policy");
    // The input was decided, so its policy is valid; the flag only changes the wording.
    let legacy = policy::from_input(policy_input).is_ok_and(|p| p.settings().legacy_endpoints);
    let answered = result["step"].as_u64().and_then(|s| usize::try_from(s).ok()).unwrap_or(STEPS.len());
    let mut out = String::new();
    let _ = writeln!(out, "request:  {} {}", cell(input.get("method")), cell(input.get("path")));
    let _ = writeln!(out, "policy:   {}", policy_name(policy_input));
    let _ = writeln!(out, "endpoint: {}, device {}", cell(result.get("endpoint")), cell(result.get("device")));
    out.push_str("pipeline (DECISIONS.md):\n");
    for (step, what) in STEPS.iter().enumerate().take(answered + 1) {
        let (state, note) = if step == answered {
            ("ANSWERED", "")
        } else if legacy && LEGACY_SKIPPED.contains(&step) {
            ("skipped", "; legacy_endpoints: true skips it")
        } else {
            ("passed", "")
        };
        let _ = writeln!(out, "  {step:>2}  {state:<8}  {what}{note}");
    }
    let setting = match result.get("setting") {
        Some(Value::String(setting)) => format!("{setting} (the policy's setting decided)"),
        _ => "none (the spec or the preset decided)".to_owned(),
    };
    let _ = writeln!(out, "{:16}decision {}, reason {}", "", cell(result.get("decision")), cell(result.get("reason")));
    let _ = writeln!(out, "{:16}setting: {setting}", "");
    let last = STEPS.len() - 1;
    if answered + 1 == last {
        let _ = writeln!(out, "  step {last} not reached");
    } else if answered + 1 < last {
        let _ = writeln!(out, "  steps {} to {last} not reached", answered + 1);
    }
    out.push('\n');
    out.push_str(&http_answer(result));
    out
}

/// The answer the server sends, or that it lets the request through.
fn http_answer(result: &Value) -> String {
    let mut out = String::new();
    if result["decision"] == "allow" {
        out.push_str("allowed: the request goes through\n");
        if result.get("consumes_approval") == Some(&Value::Bool(true)) {
            out.push_str("the host spends the cross-signing approval (consumes_approval)\n");
        }
        return out;
    }
    let _ = writeln!(out, "HTTP answer:\n  {}", status_line(&result["status"]));
    if let Some(headers) = result["headers"].as_object() {
        for (name, value) in headers {
            let _ = writeln!(out, "  {name}: {}", cell(Some(value)));
        }
    }
    out.push('\n');
    let body = serde_json::to_string_pretty(&result["body"]).unwrap_or_default();
    for line in body.lines() {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(Value::String(url)) = result.get("account_url") {
        let _ = writeln!(out, "account management: {url}");
    }
    out
}

/// A token's class in words.
fn token_meaning(kind: TokenKind<'_>) -> String {
    let namespace = |ns: Namespace| match ns {
        Namespace::Stable => "stable",
        Namespace::Unstable => "unstable, MSC2967",
    };
    match kind {
        TokenKind::Api(ns) => format!("the whole client-server API ({})", namespace(ns)),
        TokenKind::Device(ns, id) => format!("the device {id} ({})", namespace(ns)),
        TokenKind::OpenId => "OpenID Connect sign-in".to_owned(),
        TokenKind::Email => "the user's email address (OpenID Connect)".to_owned(),
        TokenKind::SynapseAdmin => "Synapse's admin API".to_owned(),
        TokenKind::MasAdmin => "MAS's admin API".to_owned(),
        TokenKind::MasGraphql => "MAS's GraphQL API".to_owned(),
        TokenKind::Unknown => "no class of its own: kept as written, it counts where a policy requires it".to_owned(),
    }
}

/// A `scope.parse` result in words: each distinct token (canonical order) with its class, then
/// what the whole scope grants and its canonical form.
pub fn scope(result: &Value) -> String {
    let tokens: Vec<&str> = result["tokens"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let width = tokens.iter().map(|t| t.len()).max().unwrap_or(0);
    let mut out = String::new();
    for token in &tokens {
        let kind = TokenKind::of(token);
        let _ = writeln!(out, "{token:<width$}  {:<13}  {}", kind.name(), token_meaning(kind));
    }
    let namespaces: Vec<String> =
        result["namespaces"].as_array().into_iter().flatten().map(|ns| cell(Some(ns))).collect();
    let _ = writeln!(out, "api: {}", cell(result.get("api")));
    let _ = writeln!(out, "device: {}", cell(result.get("device")));
    let _ = writeln!(out, "synapse_admin: {}", cell(result.get("synapse_admin")));
    let _ = writeln!(out, "namespaces: {}", if namespaces.is_empty() { "-".to_owned() } else { namespaces.join(", ") });
    let _ = writeln!(out, "canonical: {}", cell(result.get("canonical")));
    out
}
