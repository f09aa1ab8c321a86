//! A loop over one bench case, for instruction-level profiling with callgrind (no criterion):
//!
//! ```sh
//! cargo build --config 'profile.profiling.inherits="release"' --config 'profile.profiling.debug=1' \
//!     --profile profiling -p matrix-authz-benches --example profile
//! valgrind --tool=callgrind target/profiling/examples/profile decide/user_send 100000
//! ```
//!
//! Cases: `decide/<name>` (the requests of `benches/decide.rs`), `endpoint_match/<name>`,
//! `scope_parse/<name>` (parse and classify), `scope_set/<name>` (parse, classify, token set) and
//! `oauth2_types/<name>` (the peer's `Scope::from_str`, for an instruction-count ratio).

use std::hint::black_box;

use matrix_authz::decide::{Request, Token, decide};
use matrix_authz::endpoint::lookup;
use matrix_authz::policy::StepUpRule;
use matrix_authz::{Policy, PolicySettings, Scope};
use matrix_authz_benches::{path, scope};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let case = args.get(1).map_or("decide/user_send", String::as_str);
    let iterations: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let (group, name) = case.split_once('/').expect("group/name");
    let spec = Policy::spec();
    let rule = StepUpRule { endpoints: vec!["sendMessage".to_owned()], max_age: Some(300), acr_values: vec![] };
    let step_up = PolicySettings { step_up: vec![rule], ..PolicySettings::default() }.build().expect("a valid rule");
    match group {
        "decide" => {
            let login = scope("login");
            let user = Token::oauth(login);
            let (path_name, token, policy) = match name {
                "guest_sync" => ("sync", Token { guest: true, ..user }, &spec),
                "user_send" => ("send", user, &spec),
                "cross_signing_uia" => ("cross_signing_upload", user, &spec),
                "unknown_path" => ("unknown", user, &spec),
                "step_up" => ("send", Token { auth_time: Some(1_000), ..user }, &step_up),
                other => panic!("no decide case `{other}`"),
            };
            let (method, p) = path(path_name);
            let mut request = Request::new(method, p).with_token(token);
            request.context.account_management_uri = Some("https://account.example.org/");
            request.context.uia_session = Some("sessionid");
            request.now = Some(1_000_000);
            for _ in 0..iterations {
                let _ = black_box(decide(black_box(&request), policy));
            }
        }
        "endpoint_match" => {
            let (method, p) = path(name);
            for _ in 0..iterations {
                black_box(lookup(black_box(method), black_box(p)));
            }
        }
        "scope_parse" => {
            let text = scope(name);
            for _ in 0..iterations {
                let parsed = Scope::parse(black_box(text), &spec.settings().scope).expect("valid");
                black_box((parsed.has_api(), parsed.device(), parsed.synapse_admin(), parsed.namespaces()));
            }
        }
        "scope_set" => {
            let text = scope(name);
            for _ in 0..iterations {
                let (parsed, tokens) =
                    Scope::parse_with_tokens(black_box(text), &spec.settings().scope).expect("valid");
                black_box((tokens, parsed.has_api(), parsed.device(), parsed.synapse_admin(), parsed.namespaces()));
            }
        }
        "oauth2_types" => {
            let text = scope(name);
            for _ in 0..iterations {
                black_box(<oauth2_types::scope::Scope as std::str::FromStr>::from_str(black_box(text)).expect("valid"));
            }
        }
        other => panic!("no group `{other}`"),
    }
}
