//! What an authorization server checks before it issues a Matrix access token.
//!
//! ```text
//! cargo run -p matrix-authz-example-authorization-server [-- SCENARIOS.json]
//! ```
//!
//! First the client registrations (dynamic client registration, RFC 7591 and MSC2966): each
//! client's metadata through `metadata::validate_client_metadata`. Then each incoming request,
//! an authorization request URL or a token request body: the client must be registered, the
//! redirect URI one it registered (`metadata::check_redirect_uri`), and the scope grantable
//! (`grant::decide`). The example prints what it would grant or why it refuses, compares that
//! with the scenario's `expect`, and exits non-zero when any differs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::{env, fs};

use matrix_authz::grant::{self, GrantRequest, GrantType};
use matrix_authz::metadata::{ApplicationType, ClientBase, Stage, check_redirect_uri, validate_client_metadata};
use matrix_authz::{Policy, Preset};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenarios {
    registrations: Vec<Registration>,
    requests: Vec<Incoming>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    client_id: String,
    metadata: Value,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Incoming {
    title: String,
    /// An authorization request URL (`authorization_code`).
    authorize: Option<String>,
    /// A token request body (`device_code`, `client_credentials`).
    token_request: Option<String>,
    /// The policy preset (`default` when absent).
    policy: Option<String>,
    /// Whether the signed-in user is an admin.
    #[serde(default)]
    user_admin: bool,
    /// The random bytes the server would draw to derive a device id; fixed here so the output
    /// does not change between runs.
    entropy_hex: Option<String>,
    expect: Expect,
}

/// A scenario's expected outcome: a string (`accepted`, or the granted scope) or the codes of a
/// refusal.
#[derive(Deserialize, Debug, PartialEq)]
#[serde(untagged)]
enum Expect {
    Accepted(String),
    Refused(Vec<String>),
}

/// A registered client, as the server keeps it.
struct Client {
    base: ClientBase,
    application_type: ApplicationType,
    redirect_uris: Vec<String>,
    grant_types: Vec<String>,
}

/// What the server answers; a refusal lists every reason as (code, explanation).
enum Outcome {
    Accepted(String),
    Refused(Vec<(String, String)>),
}

impl Outcome {
    fn refused(code: &str, why: &str) -> Self {
        Self::Refused(vec![(code.to_owned(), why.to_owned())])
    }

    fn matches(&self, expect: &Expect) -> bool {
        match (self, expect) {
            (Self::Accepted(got), Expect::Accepted(want)) => got == want,
            (Self::Refused(got), Expect::Refused(want)) => got.iter().map(|(code, _)| code).eq(want.iter()),
            _ => false,
        }
    }

    fn print(&self) {
        match self {
            Self::Accepted(what) => println!("  -> {what}"),
            Self::Refused(reasons) => {
                println!("  -> refused");
                for (code, why) in reasons {
                    if why.is_empty() { println!("     {code}") } else { println!("     {code}: {why}") }
                }
            }
        }
    }
}

fn main() -> ExitCode {
    let path = env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios.json"), PathBuf::from);
    let scenarios = match load(&path) {
        Ok(scenarios) => scenarios,
        Err(message) => {
            eprintln!("matrix-authz-example-authorization-server: {message}");
            return ExitCode::from(2);
        }
    };

    let mut unexpected = 0;
    let mut clients = HashMap::new();
    for registration in &scenarios.registrations {
        println!("register `{}`", registration.client_id);
        let outcome = match register(&registration.metadata) {
            Ok(client) => {
                clients.insert(registration.client_id.as_str(), client);
                Outcome::Accepted("accepted".to_owned())
            }
            Err(outcome) => outcome,
        };
        unexpected += check(&outcome, &registration.expect);
    }
    for incoming in &scenarios.requests {
        println!("{}", incoming.title);
        let outcome = answer(incoming, &clients).unwrap_or_else(|refusal| refusal);
        unexpected += check(&outcome, &incoming.expect);
    }

    let total = scenarios.registrations.len() + scenarios.requests.len();
    println!("\n{} of {total} scenarios as expected", total - unexpected);
    if unexpected == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn load(path: &PathBuf) -> Result<Scenarios, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("`{}`: {e}", path.display()))
}

/// Prints the outcome; 1 when it is not the expected one.
fn check(outcome: &Outcome, expect: &Expect) -> usize {
    outcome.print();
    if outcome.matches(expect) {
        return 0;
    }
    println!("  UNEXPECTED: the scenario expects {expect:?}");
    1
}

/// Dynamic client registration: the metadata checks, then what the server keeps.
fn register(metadata: &Value) -> Result<Client, Outcome> {
    let report = validate_client_metadata(metadata);
    if !report.is_valid() {
        // The codes (`FIELD.RULE`) say it all; the README lists them.
        return Err(Outcome::Refused(
            report.codes().into_iter().map(|code| (code.to_owned(), String::new())).collect(),
        ));
    }
    // Valid metadata has a valid `client_uri` and `application_type`, and string lists.
    let text = |name: &str| metadata.get(name).and_then(Value::as_str);
    let list = |name: &str| -> Vec<String> {
        let items = metadata.get(name).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
    };
    let base = ClientBase::parse(text("client_uri").unwrap_or_default())
        .map_err(|_| Outcome::refused("client_uri.invalid", "the validated client_uri does not parse"))?;
    Ok(Client {
        base,
        application_type: text("application_type").and_then(ApplicationType::from_name).unwrap_or_default(),
        redirect_uris: list("redirect_uris"),
        grant_types: list("grant_types"),
    })
}

/// One incoming request: what the server would grant, or why it refuses.
fn answer(incoming: &Incoming, clients: &HashMap<&str, Client>) -> Result<Outcome, Outcome> {
    let params = request_params(incoming)?;
    let param = |name: &str| params.get(name).map(String::as_str);
    let grant_type = match param("grant_type") {
        None => GrantType::AuthorizationCode,
        Some(name) => GrantType::from_name(name)
            .ok_or_else(|| Outcome::refused("request.unsupported_grant_type", "the server does not offer it"))?,
    };
    let client = param("client_id")
        .and_then(|id| clients.get(id))
        .ok_or_else(|| Outcome::refused("request.unknown_client", "no registered client has this client_id"))?;
    if !client.grant_types.iter().any(|g| g == grant_type.name()) {
        return Err(Outcome::refused("request.unregistered_grant_type", "the client did not register this grant"));
    }
    if grant_type == GrantType::AuthorizationCode {
        check_authorization_request(&param, client)?;
    }

    let policy = match incoming.policy.as_deref() {
        None => Policy::spec(),
        Some(name) => Policy::preset(Preset::from_name(name).map_err(|e| Outcome::refused(e.code(), &e.to_string()))?),
    };
    let entropy = match &incoming.entropy_hex {
        Some(hex) => Some(
            matrix_authz::chars::decode_hex(hex)
                .map_err(|e| Outcome::refused("input.invalid", &format!("invalid input: the entropy has {e}")))?,
        ),
        None => None,
    };
    let request = GrantRequest {
        user_admin: incoming.user_admin,
        entropy: entropy.as_deref(),
        ..GrantRequest::new(param("scope").unwrap_or_default(), grant_type)
    };
    println!(
        "  {} asks for `{}` under the `{}` policy",
        grant_type.name(),
        request.scope,
        policy.settings().preset.name()
    );
    let decision = grant::decide(&request, &policy).map_err(|e| Outcome::refused(e.code(), &e.to_string()))?;
    match decision.granted {
        Some(scope) => Ok(Outcome::Accepted(scope.canonical())),
        None => {
            Err(Outcome::Refused(decision.violations.iter().map(|v| (v.code().to_owned(), v.to_string())).collect()))
        }
    }
}

/// The parameters of an authorization request URL's query or of a token request body.
fn request_params(incoming: &Incoming) -> Result<HashMap<String, String>, Outcome> {
    let pairs: Vec<(String, String)> = match (&incoming.authorize, &incoming.token_request) {
        (Some(url), None) => Url::parse(url)
            .map_err(|e| Outcome::refused("request.invalid", &e.to_string()))?
            .query_pairs()
            .into_owned()
            .collect(),
        (None, Some(body)) => url::form_urlencoded::parse(body.as_bytes()).into_owned().collect(),
        _ => return Err(Outcome::refused("scenario.invalid", "give `authorize` or `token_request`")),
    };
    Ok(pairs.into_iter().collect())
}

/// The authorization-code request itself: the code flow with PKCE (MSC2964) and a redirect URI
/// the client registered.
fn check_authorization_request<'p>(param: &impl Fn(&str) -> Option<&'p str>, client: &Client) -> Result<(), Outcome> {
    if param("response_type") != Some("code") {
        return Err(Outcome::refused("request.unsupported_response_type", "Matrix clients use `code`"));
    }
    if param("code_challenge_method") != Some("S256") || param("code_challenge").is_none() {
        return Err(Outcome::refused("request.pkce_required", "the code flow needs an S256 code challenge"));
    }
    let redirect_uri = param("redirect_uri").unwrap_or_default();
    let registered: Vec<&str> = client.redirect_uris.iter().map(String::as_str).collect();
    check_redirect_uri(redirect_uri, &client.base, client.application_type, Stage::Authorization, &registered)
        .map_err(|v| Outcome::refused(v.code(), &format!("`{redirect_uri}` may not receive the code")))
}
