//! What the server knows about an access token: token introspection (RFC 7662). By default the
//! authorization server is asked ([`remote`](crate::remote), with a cache); in the offline mode
//! (`--tokens FILE`) a JSON file stands in for it, mapping each access token to what the
//! authorization server would say about it.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;

use matrix_authz::Token;
use serde::Deserialize;

use crate::remote::{Remote, Unavailable};

/// What introspection says about one token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Introspection {
    /// The user the token acts for.
    pub user_id: String,
    /// Whether the token is still valid (RFC 7662 `active`).
    #[serde(default = "active_by_default")]
    pub active: bool,
    /// The granted scope, space-separated.
    pub scope: Option<String>,
    /// An explicit device id, when the authorization server reports one apart from the scope.
    pub device_id: Option<String>,
    /// When the user last actively authenticated (seconds since the epoch).
    pub auth_time: Option<i64>,
    /// The authentication context class the user achieved.
    pub acr: Option<String>,
    /// An appservice's own `as_token`, not an OAuth token.
    #[serde(default)]
    pub appservice: bool,
    /// The user is a guest.
    #[serde(default)]
    pub guest: bool,
}

fn active_by_default() -> bool {
    true
}

impl Introspection {
    /// The token as the engine reads it.
    pub fn token(&self) -> Token<'_> {
        if !self.active {
            // RFC 7662 section 2.2: nothing but `active` is meaningful in an inactive answer.
            return INACTIVE;
        }
        Token {
            active: true,
            scope: self.scope.as_deref(),
            device_id: self.device_id.as_deref(),
            auth_time: self.auth_time,
            acr: self.acr.as_deref(),
            appservice: self.appservice,
            guest: self.guest,
        }
    }
}

/// The answer for a token introspection does not know, or a credential that is not a bearer
/// token at all: the request did authenticate, and failed.
pub const INACTIVE: Token<'static> = Token {
    active: false,
    scope: Some(""),
    device_id: None,
    auth_time: None,
    acr: None,
    appservice: false,
    guest: false,
};

/// Where the server learns about tokens.
#[allow(clippy::large_enum_variant, reason = "one value, made at start-up")]
pub enum Introspector {
    /// The offline stand-in (`--tokens FILE`).
    Offline(Table),
    /// The authorization server (the default).
    Remote(Remote),
}

impl Introspector {
    /// What is known about `token`: `None` when nothing (an unknown or inactive token), an error
    /// when the authorization server could not tell, which is never taken as an answer.
    pub async fn introspect(&self, token: &str) -> Result<Option<Arc<Introspection>>, Unavailable> {
        match self {
            Self::Offline(table) => Ok(table.introspect(token)),
            Self::Remote(remote) => remote.introspect(token).await,
        }
    }
}

/// Every known token of the offline mode.
pub struct Table(HashMap<String, Arc<Introspection>>);

impl Table {
    /// Reads the table from a JSON file: `{"<access token>": {"user_id": ..., "scope": ...}}`.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let tokens: HashMap<String, Introspection> =
            serde_json::from_str(&text).map_err(|e| format!("`{}` is not a token table: {e}", path.display()))?;
        // The engine refuses an OAuth token without a scope as a malformed request (a host bug),
        // so catch that in the data here rather than on a request.
        if let Some((name, _)) = tokens.iter().find(|(_, t)| t.active && !t.appservice && t.scope.is_none()) {
            return Err(format!("`{}`: the active OAuth token `{name}` has no scope", path.display()));
        }
        Ok(Self(tokens.into_iter().map(|(name, t)| (name, Arc::new(t))).collect()))
    }

    /// What the table says about `token`, or `None` when it does not know it.
    pub fn introspect(&self, token: &str) -> Option<Arc<Introspection>> {
        self.0.get(token).cloned()
    }
}
