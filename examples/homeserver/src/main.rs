//! A small homeserver with matrix-authz in front of a few Matrix client-server routes.
//!
//! ```text
//! matrix-authz-example-homeserver --issuer URL --client-id ID --client-secret SECRET
//!     --cert PEM --key PEM [--ca PEM] [--resolve NAME=IP]... [--internal-secret SECRET]
//!     [--listen 127.0.0.1:8448] [--server-name matrix.example.test] [--policy FILE]
//!     [--cache-seconds 60] [--negative-cache-seconds 10] [--account-management-uri URL]
//!     [--body-timeout-seconds 10]
//! matrix-authz-example-homeserver --tokens FILE [--listen 127.0.0.1:8008] [--policy FILE]
//!     [--account-management-uri URL] [--internal-secret SECRET] [--cert PEM --key PEM]
//!     [--body-timeout-seconds 10]
//! ```
//!
//! Every request passes the gate (`gate.rs`): it reads the bearer token, introspects it, asks
//! the engine, and sends the engine's HTTP answer unchanged unless the decision is `allow`. By
//! default introspection asks the authorization server (`remote.rs`, RFC 7662, with a cache:
//! `cache.rs`) and the server speaks https; `--tokens FILE` is the offline mode, where a table
//! stands in for the authorization server (`introspection.rs`) and the server speaks plain http
//! unless given a certificate. The cross-signing approval window lives in memory (`state.rs`),
//! where a real server keeps it in its database; the authorization server opens it through an
//! internal endpoint (`internal.rs`). Web clients get CORS headers (`cors.rs`), and in the default
//! mode `/_matrix/client/v1/auth_metadata` hands on the issuer's discovery document.

mod cache;
mod cors;
mod gate;
mod internal;
mod introspection;
mod remote;
mod routes;
mod state;
mod tls;

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use std::{env, fs};

use introspection::{Introspector, Table};
use remote::{ClientSettings, Remote};
use reqwest::Url;
use state::AppState;

const USAGE: &str = "usage: matrix-authz-example-homeserver --issuer URL --client-id ID --client-secret SECRET \
                     --cert PEM --key PEM [--ca PEM] [--resolve NAME=IP]... [--internal-secret SECRET] \
                     [--listen ADDR] [--server-name NAME] [--policy FILE] [--cache-seconds N] \
                     [--negative-cache-seconds N] [--account-management-uri URL] [--body-timeout-seconds N]\n       \
                     matrix-authz-example-homeserver --tokens FILE [--listen ADDR] [--policy FILE] \
                     [--account-management-uri URL] [--internal-secret SECRET] [--cert PEM --key PEM] \
                     [--body-timeout-seconds N]";

/// The shortest internal secret accepted.
const MIN_SECRET_BYTES: usize = 16;

/// Where tokens are introspected.
#[allow(clippy::large_enum_variant, reason = "one value, made at start-up")]
enum Mode {
    /// The offline table.
    Offline { tokens: PathBuf },
    /// The authorization server.
    Remote { issuer: Url, client_id: String, client_secret: String, client: ClientSettings, cache: cache::Cache },
}

struct Config {
    mode: Mode,
    listen: String,
    policy: PathBuf,
    account_management_uri: Option<String>,
    internal_secret: Option<String>,
    server_name: String,
    /// The certificate chain and key to serve https with.
    tls: Option<(PathBuf, PathBuf)>,
    /// How long the gate waits for a request's whole body.
    body_timeout: Duration,
}

/// Every flag as given, each at most once (but `--resolve`).
#[derive(Default)]
struct Flags {
    values: Vec<(String, String)>,
}

impl Flags {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        const KNOWN: &[&str] = &[
            "--issuer",
            "--client-id",
            "--client-secret",
            "--cert",
            "--key",
            "--ca",
            "--resolve",
            "--internal-secret",
            "--listen",
            "--server-name",
            "--policy",
            "--cache-seconds",
            "--negative-cache-seconds",
            "--account-management-uri",
            "--tokens",
            "--body-timeout-seconds",
        ];
        let mut flags = Self::default();
        while let Some(flag) = args.next() {
            if !KNOWN.contains(&flag.as_str()) {
                return Err(format!("unknown option `{flag}`\n{USAGE}"));
            }
            let value = args.next().ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))?;
            if flag != "--resolve" && flags.get(&flag).is_some() {
                return Err(format!("`{flag}` given twice"));
            }
            flags.values.push((flag, value));
        }
        Ok(flags)
    }

    fn get(&self, flag: &str) -> Option<&str> {
        self.values.iter().find(|(f, _)| f == flag).map(|(_, v)| v.as_str())
    }

    fn required(&self, flag: &str) -> Result<&str, String> {
        self.get(flag).ok_or_else(|| format!("`{flag}` is required (or `--tokens FILE` for the offline mode)\n{USAGE}"))
    }

    fn seconds(&self, flag: &str, default: u64) -> Result<Duration, String> {
        self.get(flag)
            .map_or(Ok(default), |v| v.parse().map_err(|_| format!("`{flag}`: `{v}` is not a number of seconds")))
            .map(Duration::from_secs)
    }
}

impl Config {
    fn from_args(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let flags = Flags::parse(args)?;
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let offline = flags.get("--tokens").is_some();
        let mode = if let Some(tokens) = flags.get("--tokens") {
            const REMOTE_ONLY: &[&str] = &[
                "--issuer",
                "--client-id",
                "--client-secret",
                "--ca",
                "--resolve",
                "--server-name",
                "--cache-seconds",
                "--negative-cache-seconds",
            ];
            if let Some(flag) = REMOTE_ONLY.iter().find(|f| flags.get(f).is_some()) {
                return Err(format!("`{flag}` is for the default mode, not with `--tokens`"));
            }
            Mode::Offline { tokens: tokens.into() }
        } else {
            let issuer = flags.required("--issuer")?;
            let issuer = Url::parse(issuer).map_err(|e| format!("`--issuer`: {e}"))?;
            if issuer.scheme() != "https" {
                return Err("`--issuer` must be an https URL".to_owned());
            }
            let ca_pem = match flags.get("--ca") {
                Some(path) => Some(fs::read(path).map_err(|e| format!("cannot read `{path}`: {e}"))?),
                None => None,
            };
            let resolve = flags
                .values
                .iter()
                .filter(|(f, _)| f == "--resolve")
                .map(|(_, v)| {
                    let (name, ip) = v.split_once('=').ok_or_else(|| format!("`--resolve {v}`: expected NAME=IP"))?;
                    let ip: IpAddr = ip.parse().map_err(|_| format!("`--resolve {v}`: `{ip}` is not an IP address"))?;
                    Ok((name.to_owned(), ip))
                })
                .collect::<Result<_, String>>()?;
            Mode::Remote {
                issuer,
                client_id: flags.required("--client-id")?.to_owned(),
                client_secret: flags.required("--client-secret")?.to_owned(),
                client: ClientSettings { ca_pem, resolve },
                cache: cache::Cache::new(
                    flags.seconds("--cache-seconds", 60)?,
                    flags.seconds("--negative-cache-seconds", 10)?,
                ),
            }
        };
        let tls = match (flags.get("--cert"), flags.get("--key")) {
            (Some(cert), Some(key)) => Some((cert.into(), key.into())),
            (None, None) if offline => None,
            _ => return Err(format!("`--cert` and `--key` go together, and the default mode needs both\n{USAGE}")),
        };
        let internal_secret = flags.get("--internal-secret").map(str::to_owned);
        if internal_secret.as_ref().is_some_and(|s| s.len() < MIN_SECRET_BYTES) {
            return Err(format!("`--internal-secret` needs at least {MIN_SECRET_BYTES} bytes"));
        }
        let body_timeout = flags.seconds("--body-timeout-seconds", gate::BODY_TIMEOUT.as_secs())?;
        if body_timeout.is_zero() {
            return Err("`--body-timeout-seconds` must be at least 1".to_owned());
        }
        let (default_listen, default_server_name) =
            if offline { ("127.0.0.1:8008", "example.org") } else { ("127.0.0.1:8448", "matrix.example.test") };
        Ok(Self {
            mode,
            listen: flags.get("--listen").unwrap_or(default_listen).to_owned(),
            policy: flags.get("--policy").map_or_else(|| here.join("policy.json"), PathBuf::from),
            account_management_uri: flags.get("--account-management-uri").map(str::to_owned),
            internal_secret,
            server_name: flags.get("--server-name").unwrap_or(default_server_name).to_owned(),
            tls,
            body_timeout,
        })
    }
}

#[tokio::main]
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
    // An argument that is not UTF-8 is refused, not a panic of `env::args`.
    let args = env::args_os()
        .skip(1)
        .map(|arg| arg.into_string().map_err(|arg| format!("argument `{}` is not UTF-8", arg.to_string_lossy())))
        .collect::<Result<Vec<_>, _>>()?;
    let config = Config::from_args(args.into_iter())?;
    // reqwest takes the process's provider: ring, as for the server side.
    let _ = Arc::unwrap_or_clone(tls::provider()).install_default();
    let policy_text =
        fs::read_to_string(&config.policy).map_err(|e| format!("cannot read `{}`: {e}", config.policy.display()))?;
    let policy = matrix_authz::json::policy::from_json(&policy_text)
        .map_err(|e| format!("`{}`: {} ({e})", config.policy.display(), e.code()))?;
    let tls = match &config.tls {
        Some((cert, key)) => Some(tls::server_config(cert, key)?),
        None => None,
    };

    let (introspector, account_management_uri, auth_metadata) = match config.mode {
        Mode::Offline { tokens } => {
            let uri = config.account_management_uri.unwrap_or_else(|| "https://auth.example.org/account/".to_owned());
            (Introspector::Offline(Table::load(&tokens)?), uri, None)
        }
        Mode::Remote { issuer, client_id, client_secret, client, cache } => {
            let http = remote::http_client(&client)?;
            let discovery = remote::discover(&http, &issuer).await?;
            let endpoint = Url::parse(&discovery.introspection_endpoint)
                .ok()
                .filter(|u| u.scheme() == "https")
                .ok_or_else(|| {
                    format!(
                        "the issuer's introspection_endpoint `{}` is no https URL",
                        discovery.introspection_endpoint
                    )
                })?;
            let uri = config.account_management_uri.or(discovery.account_management_uri).ok_or(
                "the issuer's discovery document has no `account_management_uri` (MSC4191), and no \
                 `--account-management-uri` was given",
            )?;
            let remote = Remote::new(http, endpoint, &client_id, &client_secret, config.server_name.clone(), cache);
            (Introspector::Remote(remote), uri, Some(discovery.document))
        }
    };
    let mut state = AppState::new(
        policy,
        introspector,
        account_management_uri,
        config.internal_secret,
        config.server_name,
        auth_metadata,
    );
    state.body_timeout = config.body_timeout;
    let state = Arc::new(state);

    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let app = routes::app(state);
    // The first line of output: the tests and the orchestrator read the port from it.
    match tls {
        Some(tls) => {
            println!("listening on https://{address}");
            tls::serve(listener, tls, app).await;
            Ok(())
        }
        None => {
            println!("listening on http://{address}");
            axum::serve(listener, app).await.map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn config(args: &str) -> Result<Config, String> {
        Config::from_args(args.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn the_command_line() {
        // The default mode needs an issuer, its client and a certificate.
        assert!(config("").err().unwrap().contains("`--issuer` is required"));
        let remote = "--issuer https://auth.example.test:8443/ --client-id hs --client-secret s";
        assert!(config(remote).err().unwrap().contains("`--cert` and `--key`"));
        let full = format!("{remote} --cert c.pem --key k.pem --resolve auth.example.test=127.0.0.1");
        let parsed = config(&full).unwrap();
        assert_eq!((parsed.listen.as_str(), parsed.server_name.as_str()), ("127.0.0.1:8448", "matrix.example.test"));
        let Mode::Remote { client, .. } = parsed.mode else { panic!("not the default mode") };
        assert_eq!(client.resolve, [("auth.example.test".to_owned(), IpAddr::from([127, 0, 0, 1]))]);
        for (extra, error) in [
            ("--resolve auth.example.test", "expected NAME=IP"),
            ("--resolve a=localhost", "not an IP address"),
            ("--cache-seconds soon", "not a number of seconds"),
            ("--internal-secret short", "at least 16 bytes"),
            ("--listen a --listen b", "given twice"),
            ("--verbose yes", "unknown option"),
            ("--listen", "needs a value"),
            ("--body-timeout-seconds 0", "at least 1"),
            ("--body-timeout-seconds soon", "not a number of seconds"),
        ] {
            assert!(config(&format!("{full} {extra}")).err().unwrap().contains(error), "{extra}");
        }
        let http = "--issuer http://auth.example.test/ --client-id hs --client-secret s --cert c --key k";
        assert!(config(http).err().unwrap().contains("https"));

        // The offline mode: as before, plain http unless given a certificate.
        let offline = config("--tokens t.json").unwrap();
        assert!(offline.tls.is_none() && offline.listen == "127.0.0.1:8008");
        assert!(matches!(offline.mode, Mode::Offline { .. }));
        assert!(config("--tokens t.json --cert c.pem").err().unwrap().contains("go together"));
        assert!(config(&format!("{full} --tokens t.json")).err().unwrap().contains("is for the default mode"));
    }
}
