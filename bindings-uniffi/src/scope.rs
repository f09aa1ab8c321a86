//! Scopes (MSC2967, RFC 6749 section 3.3): parsing under a policy, the parts of a scope, the
//! namespace forms and the "does this grant cover that" order.

use std::sync::Arc;

use matrix_authz::scope::ScopeToken;
use matrix_authz::{Form, Namespace};

use crate::error::AuthzError;
use crate::policy::{Policy, or_default};

/// A parsed scope: distinct tokens in canonical (byte) order. Immutable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Object)]
#[uniffi::export(Debug, Display, Eq, Hash)]
pub struct Scope {
    inner: matrix_authz::Scope,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl Scope {
    pub(crate) fn wrap(inner: matrix_authz::Scope) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

#[uniffi::export]
impl Scope {
    /// Parses a scope string under the policy's scope rules (the `default` preset when absent).
    /// Fails with a `scope.*` or `device_id.*` code.
    #[uniffi::constructor(default(policy = None))]
    pub fn new(text: String, policy: Option<Arc<Policy>>) -> Result<Arc<Self>, AuthzError> {
        let scope = matrix_authz::Scope::parse(&text, &or_default(policy).inner.settings().scope)?;
        Ok(Self::wrap(scope.to_canonical()))
    }

    /// The scope with no tokens (what an empty string means on the `satisfies` sides).
    #[uniffi::constructor]
    pub fn empty() -> Arc<Self> {
        Self::wrap(matrix_authz::Scope::default())
    }

    /// The distinct tokens in canonical order.
    pub fn tokens(&self) -> Vec<String> {
        self.inner.tokens().map(str::to_owned).collect()
    }

    /// Every token with its meaning, in canonical order.
    pub fn parts(&self) -> Vec<ScopeToken> {
        self.inner.parts()
    }

    /// The canonical string: the distinct tokens in byte order, joined by single spaces.
    pub fn canonical(&self) -> String {
        self.inner.as_str().to_owned()
    }

    /// How many distinct tokens.
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Whether the exact token is present (case-sensitive; no twin matching).
    pub fn contains(&self, token: String) -> bool {
        self.inner.contains(&token)
    }

    /// Whether the full client-server API token is present, in either namespace.
    pub fn has_api(&self) -> bool {
        self.inner.has_api()
    }

    /// The device id, if the scope names one.
    pub fn device_id(&self) -> Option<String> {
        self.inner.device().map(|id| id.to_string())
    }

    /// Whether `urn:synapse:admin:*` is present.
    pub fn synapse_admin(&self) -> bool {
        self.inner.synapse_admin()
    }

    /// The namespaces of the API and device tokens, stable first.
    pub fn namespaces(&self) -> Vec<Namespace> {
        self.inner.namespaces().iter().collect()
    }

    /// The scope with its API and device tokens rewritten into `form`; other tokens are kept.
    pub fn normalize(&self, form: Form) -> Arc<Self> {
        Self::wrap(self.inner.normalize(form))
    }

    /// Whether this (granted) scope covers every token of `required`. Stable and unstable twins
    /// of the API token, and of a device token with the same id, cover each other.
    pub fn satisfies(&self, required: &Scope) -> bool {
        self.inner.satisfies(&required.inner)
    }

    /// The tokens of `required` this (granted) scope does not cover, in canonical order.
    pub fn missing(&self, required: &Scope) -> Vec<String> {
        self.inner.missing(&required.inner).iter().map(str::to_owned).collect()
    }
}
