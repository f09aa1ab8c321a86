//! Scopes (MSC2967, RFC 6749 section 3.3): parsing under a policy, the parts of a scope, the
//! namespace forms and the "does this grant cover that" order.

use matrix_authz::{Form, ScopeRules, TokenKind};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::error::{self, Raise};
use crate::policy::Policy;
use crate::text::{Text, utf8};

/// A parsed scope: distinct tokens in canonical (byte) order. Immutable and hashable; equal
/// when the canonical strings are equal. `str(scope)` is the canonical string.
#[pyclass(frozen, module = "matrix_authz")]
pub(crate) struct Scope {
    pub(crate) inner: matrix_authz::Scope,
}

impl Scope {
    /// Parses `text` under `rules` (an empty string is `scope.empty`).
    pub(crate) fn parse(py: Python<'_>, text: &str, rules: &ScopeRules) -> PyResult<Self> {
        Ok(Self { inner: matrix_authz::Scope::parse(text, rules).or_raise(py)?.to_canonical() })
    }
}

/// A scope argument: a `Scope`, or a string parsed under the `default` preset's rules (an empty
/// string is the empty scope).
#[derive(FromPyObject)]
pub(crate) enum ScopeArg<'py> {
    /// A parsed scope.
    Scope(Bound<'py, Scope>),
    /// A scope string.
    Text(Bound<'py, PyString>),
}

impl ScopeArg<'_> {
    /// The scope, parsed when given as text.
    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&matrix_authz::Scope) -> T) -> PyResult<T> {
        match self {
            Self::Scope(scope) => Ok(f(&scope.get().inner)),
            Self::Text(text) => {
                let text = utf8(text)?;
                let parsed = matrix_authz::Scope::parse_or_empty(&text, &ScopeRules::DEFAULT).or_raise(py)?;
                Ok(f(&parsed.to_canonical()))
            }
        }
    }
}

/// `stable`, `unstable` or `both`.
pub(crate) fn form(py: Python<'_>, name: &str) -> PyResult<Form> {
    Form::from_name(name).ok_or_else(|| error::input(py, "`form` must be `stable`, `unstable` or `both`"))
}

#[pymethods]
impl Scope {
    /// Parses `text` under the policy's scope rules (the `default` preset when absent). Raises
    /// `InvalidScope` (`scope.*`) or `InvalidDeviceId` (`device_id.*`).
    #[new]
    #[pyo3(signature = (text, policy = None))]
    fn new(py: Python<'_>, text: Text, policy: Option<&Policy>) -> PyResult<Self> {
        match policy {
            Some(policy) => Self::parse(py, &text, &policy.inner.settings().scope),
            None => Self::parse(py, &text, &ScopeRules::DEFAULT),
        }
    }

    /// The scope with no tokens.
    #[staticmethod]
    fn empty() -> Self {
        Self { inner: matrix_authz::Scope::default() }
    }

    /// The distinct tokens in canonical order.
    #[getter]
    fn tokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.tokens().collect::<Vec<_>>())
    }

    /// Every token with its meaning, in canonical order.
    #[getter]
    fn parts(&self) -> Vec<ScopeToken> {
        self.inner.tokens().map(ScopeToken::of).collect()
    }

    /// Whether the full client-server API token is present, in either namespace.
    #[getter]
    fn has_api(&self) -> bool {
        self.inner.has_api()
    }

    /// The device id the scope names, or `None`.
    #[getter]
    fn device_id(&self) -> Option<&str> {
        self.inner.device().map(|id| id.as_str())
    }

    /// Whether `urn:synapse:admin:*` is present.
    #[getter]
    fn synapse_admin(&self) -> bool {
        self.inner.synapse_admin()
    }

    /// The namespaces of the API and device tokens, stable first: `"stable"`, `"unstable"`.
    #[getter]
    fn namespaces(&self) -> Vec<&'static str> {
        self.inner.namespaces().iter().map(|ns| ns.name()).collect()
    }

    /// Whether the exact token is present (case-sensitive; no twin matching).
    fn __contains__(&self, token: &Bound<'_, PyAny>) -> bool {
        // Not a string, or one no token could be (a lone surrogate): not in the scope.
        token.cast::<PyString>().is_ok_and(|token| utf8(token).is_ok_and(|token| self.inner.contains(&token)))
    }

    /// Whether this (granted) scope covers `token`: the token itself or its stable or unstable
    /// twin.
    fn covers(&self, token: Text) -> bool {
        self.inner.covers(&token)
    }

    /// Whether this (granted) scope covers every token of `required`.
    fn satisfies(&self, py: Python<'_>, required: ScopeArg<'_>) -> PyResult<bool> {
        required.with(py, |required| self.inner.satisfies(required))
    }

    /// The tokens of `required` this (granted) scope does not cover, in canonical order.
    fn missing(&self, py: Python<'_>, required: ScopeArg<'_>) -> PyResult<Vec<String>> {
        required.with(py, |required| self.inner.missing(required).iter().map(str::to_owned).collect())
    }

    /// The scope with its API and device tokens rewritten into `form` (`"stable"`,
    /// `"unstable"` or `"both"`); other tokens are kept.
    fn normalize(&self, py: Python<'_>, form: Text) -> PyResult<Self> {
        Ok(Self { inner: self.inner.normalize(self::form(py, &form)?) })
    }

    fn __str__(&self) -> &str {
        self.inner.as_str()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Scope({})", crate::repr(py, self.inner.as_str())?))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __bool__(&self) -> bool {
        !self.inner.is_empty()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.tokens(py)?.as_any().try_iter().map(Bound::into_any)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Scope>().is_ok_and(|other| self.inner.as_str() == other.get().inner.as_str())
    }

    fn __hash__(&self) -> u64 {
        hash(self.inner.as_str())
    }
}

/// One token of a scope and what it means.
#[pyclass(frozen, get_all, module = "matrix_authz")]
pub(crate) struct ScopeToken {
    /// The token as written.
    token: String,
    /// `api`, `device`, `openid`, `email`, `synapse_admin`, `mas_admin`, `mas_graphql` or
    /// `unknown`.
    kind: &'static str,
    /// `stable` or `unstable` for an API or device token, else `None`.
    namespace: Option<&'static str>,
    /// The device id of a device token, else `None`.
    device_id: Option<String>,
}

impl ScopeToken {
    fn of(token: &str) -> Self {
        let kind = TokenKind::of(token);
        Self {
            token: token.to_owned(),
            kind: kind.name(),
            namespace: kind.namespace().map(|ns| ns.name()),
            device_id: match kind {
                TokenKind::Device(_, id) => Some(id.to_owned()),
                _ => None,
            },
        }
    }
}

#[pymethods]
impl ScopeToken {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<matrix_authz.ScopeToken {} kind={}>", crate::repr(py, &self.token)?, self.kind))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<ScopeToken>().is_ok_and(|other| self.token == other.get().token)
    }

    fn __hash__(&self) -> u64 {
        hash(&self.token)
    }
}

/// What one token means: `api`, `device`, `openid`, `email`, `synapse_admin`, `mas_admin`,
/// `mas_graphql` or `unknown`.
#[pyfunction]
pub(crate) fn token_kind(token: Text) -> &'static str {
    TokenKind::of(&token).name()
}

/// The hash of a value that is equal exactly when `text` is.
fn hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}
