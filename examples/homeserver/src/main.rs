//! A small homeserver with matrix-authz in front of a few Matrix client-server routes.
//!
//! ```text
//! cargo run -p matrix-authz-example-homeserver -- [--listen 127.0.0.1:8008] [--tokens FILE]
//!     [--policy FILE] [--account-management-uri URL]
//! ```
//!
//! Every request passes the gate (`gate.rs`): it reads the bearer token, looks it up in a
//! stand-in introspection table (`tokens.json`), asks the engine, and sends the engine's HTTP
//! answer unchanged unless the decision is `allow`. The cross-signing approval window lives in
//! memory (`state.rs`), where a real server keeps it in its database.

mod gate;
mod introspection;
mod routes;
mod state;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::{env, fs};

use state::AppState;

const USAGE: &str = "usage: matrix-authz-example-homeserver [--listen ADDR] [--tokens FILE] [--policy FILE] \
                     [--account-management-uri URL]";

struct Config {
    listen: String,
    tokens: PathBuf,
    policy: PathBuf,
    account_management_uri: String,
}

impl Config {
    fn from_args(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut config = Self {
            listen: "127.0.0.1:8008".to_owned(),
            tokens: here.join("tokens.json"),
            policy: here.join("policy.json"),
            account_management_uri: "https://auth.example.org/account/".to_owned(),
        };
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))?;
            match flag.as_str() {
                "--listen" => config.listen = value,
                "--tokens" => config.tokens = value.into(),
                "--policy" => config.policy = value.into(),
                "--account-management-uri" => config.account_management_uri = value,
                _ => return Err(format!("unknown option `{flag}`\n{USAGE}")),
            }
        }
        Ok(config)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("matrix-authz-example-homeserver: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_args(env::args().skip(1))?;
    let tokens = introspection::Table::load(&config.tokens)?;
    let policy_text =
        fs::read_to_string(&config.policy).map_err(|e| format!("cannot read `{}`: {e}", config.policy.display()))?;
    let policy = matrix_authz::json::policy::from_json(&policy_text)
        .map_err(|e| format!("`{}`: {} ({e})", config.policy.display(), e.code()))?;
    let state = Arc::new(AppState::new(policy, tokens, config.account_management_uri));

    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    // The first line of output: the test reads the port from it.
    println!("listening on http://{address}");
    axum::serve(listener, routes::app(state)).await.map_err(|e| e.to_string())
}
