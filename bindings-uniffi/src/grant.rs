//! The authorization server's decision on a token request (`grant.decide`, FORMAT.md "Grants").

use std::sync::Arc;

use matrix_authz::grant::{self, GrantRequest, GrantType};

use crate::error::AuthzError;
use crate::policy::{Policy, or_default};
use crate::scope::Scope;

/// The authorization server's answer.
#[derive(Debug, Clone, uniffi::Record)]
pub struct GrantResult {
    /// Whether the token may be issued.
    pub allowed: bool,
    /// The violation codes (`grant.*`), sorted, one per code; empty exactly when allowed.
    pub violations: Vec<String>,
    /// For each violation, in the same order, the requested tokens it concerns: sorted, without
    /// repeats, empty where none does (FORMAT.md v4 `violation_tokens`).
    pub violation_tokens: Vec<Vec<String>>,
    /// The scope to issue (canonical), absent when refused.
    pub granted: Option<Arc<Scope>>,
    /// The device the token is bound to, absent when there is none or the grant is refused.
    pub device: Option<String>,
}

/// `grant.decide` under the policy (the `default` preset when absent): may a token with `scope`
/// be issued through `grant_type`? `user_admin`: the signed-in user may request admin scopes;
/// `client_admin`: the client may request `urn:mas:admin` for itself; `entropy`: bytes to derive
/// a device id from when the scope names none. Fails with a `scope.*` code or
/// `entropy.insufficient`; every other refusal is a violation in the result.
#[uniffi::export(default(user_admin = false, client_admin = false, entropy = None, policy = None))]
pub fn decide_grant(
    scope: String,
    grant_type: GrantType,
    user_admin: bool,
    client_admin: bool,
    entropy: Option<Vec<u8>>,
    policy: Option<Arc<Policy>>,
) -> Result<GrantResult, AuthzError> {
    or_default(policy).decide_grant(scope, grant_type, user_admin, client_admin, entropy)
}

#[uniffi::export]
impl Policy {
    /// `grant.decide` under this policy.
    #[uniffi::method(default(user_admin = false, client_admin = false, entropy = None))]
    pub fn decide_grant(
        &self,
        scope: String,
        grant_type: GrantType,
        user_admin: bool,
        client_admin: bool,
        entropy: Option<Vec<u8>>,
    ) -> Result<GrantResult, AuthzError> {
        let entropy = entropy.as_deref();
        let request = GrantRequest { scope: &scope, grant_type, user_admin, client_admin, entropy };
        let decision = grant::decide(&request, &self.inner)?;
        Ok(GrantResult {
            allowed: decision.allowed,
            violations: decision.codes().map(str::to_owned).collect(),
            violation_tokens: decision.violation_tokens,
            granted: decision.granted.map(Scope::wrap),
            device: decision.device.map(String::from),
        })
    }
}
