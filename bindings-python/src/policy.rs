//! Policies: a built-in preset by name, or a policy document (FORMAT.md "Policy documents") as
//! a `dict` or JSON text. Immutable and shareable between threads.

use matrix_authz::Preset;
use matrix_authz::json::policy::{from_document, from_json};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFrozenSet, PyString};
use serde_json::Value;

use crate::error::{self, Raise};
use crate::text::{Text, utf8};

/// A policy. `Policy()` is the `default` preset (the Matrix spec's rules); `Policy("mas")` a
/// preset; `Policy({"preset": "mas", ...})` or `Policy('{"preset": "mas", ...}')` a document.
#[pyclass(frozen, module = "matrix_authz")]
pub(crate) struct Policy {
    pub(crate) inner: matrix_authz::Policy,
}

#[pymethods]
impl Policy {
    #[new]
    #[pyo3(signature = (policy = None))]
    fn new(py: Python<'_>, policy: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let inner = match policy {
            None => matrix_authz::Policy::spec(),
            Some(policy) => {
                if let Ok(text) = policy.cast::<PyString>() {
                    let text = utf8(text)?;
                    // A document is an object, so its text starts with `{`; a preset name never does.
                    if text.trim_start().starts_with('{') {
                        from_json(&text).or_raise(py)?
                    } else {
                        Preset::from_name(&text).map(matrix_authz::Policy::preset).or_raise(py)?
                    }
                } else if let Ok(doc) = policy.cast::<PyDict>() {
                    match crate::json::to_value(doc.as_any())? {
                        Value::Object(doc) => from_document(&doc).or_raise(py)?,
                        _ => return Err(error::input(py, "a policy document must be a dict")),
                    }
                } else {
                    return Err(error::new(py, "policy.invalid", "a policy is a preset name, a dict or JSON text"));
                }
            }
        };
        Ok(Self { inner })
    }

    /// The preset the policy starts from: `"default"`, `"mas"` or `"synapse"`.
    #[getter]
    fn preset(&self) -> &'static str {
        self.inner.settings().preset.name()
    }

    /// `request.decide` under this policy (DECISIONS.md): the request in the op's input shape
    /// (`method`, `path`, `token`, `context`, `now`, `query`, `entropy`), as one `dict` or as
    /// keyword arguments, read in place. Raises `InvalidInput` for a malformed request (an OAuth
    /// token without a scope, a step that compares times without `now`, ...) and
    /// `InsufficientEntropy`.
    #[pyo3(signature = (request = None, /, **fields))]
    fn decide(
        &self,
        py: Python<'_>,
        request: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<crate::decide::Decision> {
        crate::decide::decide(py, &self.inner, request, fields)
    }

    /// What `decide` will read for `method` and `path` beyond the token, named by where it goes
    /// in the request: `context.body`, `query.kind`, `context.room`, `context.cross_signing`
    /// (with `context.uia_session` or `entropy`), `context.account_management_uri`, `now`. A
    /// server looks a request up once and fetches only these (the rest changes nothing).
    fn facts<'py>(&self, py: Python<'py>, method: Text, path: Text) -> PyResult<Bound<'py, PyFrozenSet>> {
        let facts = matrix_authz::decide::route(&self.inner, &method, &path).facts();
        let names = [
            (facts.body, "context.body"),
            (facts.query_kind, "query.kind"),
            (facts.room_guest_access, "context.room"),
            (facts.cross_signing, "context.cross_signing"),
            (facts.account_management_uri, "context.account_management_uri"),
            (facts.now, "now"),
        ];
        PyFrozenSet::new(py, names.iter().filter(|(needed, _)| *needed).map(|(_, name)| *name))
    }

    /// `grant.decide` under this policy: may a token with `scope` be issued through
    /// `grant_type`? As the module function `decide_grant`.
    #[pyo3(signature = (scope, grant_type, *, user_admin = false, client_admin = false, entropy = None))]
    fn decide_grant(
        &self,
        py: Python<'_>,
        scope: Text,
        grant_type: Text,
        user_admin: bool,
        client_admin: bool,
        entropy: Option<&Bound<'_, PyBytes>>,
    ) -> PyResult<crate::decide::Grant> {
        crate::decide::grant(py, &self.inner, &scope, &grant_type, user_admin, client_admin, entropy)
    }

    fn __repr__(&self) -> String {
        format!("<matrix_authz.Policy preset={}>", self.inner.settings().preset.name())
    }
}

/// The policy a call names, or the `default` preset.
pub(crate) fn with<T>(policy: Option<&Policy>, f: impl FnOnce(&matrix_authz::Policy) -> T) -> T {
    match policy {
        Some(policy) => f(&policy.inner),
        None => f(&matrix_authz::Policy::spec()),
    }
}
