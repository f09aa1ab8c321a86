//! Decisions: `request.decide` on a `Policy` (the request read in place from a `dict` or
//! keyword arguments) and `grant.decide`.

use matrix_authz::decide::Output;
use matrix_authz::grant::{self, GrantRequest, GrantType};
use matrix_authz::json::decide::{body_to_json, output, output_to_json};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::error::{self, Raise};
use crate::fields::PyFields;
use crate::policy::{self, Policy};
use crate::scope::Scope;
use crate::text::Text;

/// `request.decide` under `policy` on a request given as one `dict` or as keyword arguments.
pub(crate) fn decide(
    py: Python<'_>,
    policy: &matrix_authz::Policy,
    request: Option<&Bound<'_, PyAny>>,
    fields: Option<&Bound<'_, PyDict>>,
) -> PyResult<Decision> {
    let dict = match (request, fields) {
        (Some(_), Some(fields)) if !fields.is_empty() => {
            return Err(error::input(py, "give the request as one dict or as keyword arguments, not both"));
        }
        (Some(request), _) => match request.cast::<PyDict>() {
            Ok(dict) => dict.clone(),
            Err(_) => return Err(error::input(py, "`request` must be a dict")),
        },
        (None, Some(fields)) => fields.clone(),
        (None, None) => return Err(error::input(py, "`request.method` is required")),
    };
    if dict.contains(intern!(py, "policy"))? {
        return Err(error::input(py, "`request.policy`: a request is decided under the Policy it is given to"));
    }
    Ok(Decision { output: output(PyFields::new(dict, "request"), policy).or_raise(py)? })
}

/// `grant.decide` under the policy (the `default` preset when absent): may a token with `scope`
/// be issued through `grant_type` (`authorization_code`,
/// `urn:ietf:params:oauth:grant-type:device_code` or `client_credentials`)? `user_admin`: the
/// signed-in user may request admin scopes; `client_admin`: the client may request
/// `urn:mas:admin` for itself; `entropy`: bytes to derive a device id from when the scope names
/// none. Raises `InvalidScope` or `InsufficientEntropy`; every other refusal is a violation.
#[pyfunction]
#[pyo3(signature = (scope, grant_type, *, user_admin = false, client_admin = false, entropy = None, policy = None))]
pub(crate) fn decide_grant(
    py: Python<'_>,
    scope: Text,
    grant_type: Text,
    user_admin: bool,
    client_admin: bool,
    entropy: Option<&Bound<'_, PyBytes>>,
    policy: Option<&Policy>,
) -> PyResult<Grant> {
    policy::with(policy, |policy| grant(py, policy, &scope, &grant_type, user_admin, client_admin, entropy))
}

pub(crate) fn grant(
    py: Python<'_>,
    policy: &matrix_authz::Policy,
    scope: &str,
    grant_type: &str,
    user_admin: bool,
    client_admin: bool,
    entropy: Option<&Bound<'_, PyBytes>>,
) -> PyResult<Grant> {
    let request = GrantRequest {
        user_admin,
        client_admin,
        entropy: entropy.map(|bytes| bytes.as_bytes()),
        ..GrantRequest::new(scope, GrantType::parse(grant_type).or_raise(py)?)
    };
    let decision = grant::decide(&request, policy).or_raise(py)?;
    Ok(Grant {
        allowed: decision.allowed,
        violations: decision.codes().collect(),
        violation_tokens: decision.codes_with_tokens().map(|(code, tokens)| (code, tokens.to_vec())).collect(),
        granted: decision.granted.map(|inner| Scope { inner }),
        device: decision.device.map(String::from),
    })
}

/// The decision on one request and the exact HTTP answer to send (DECISIONS.md "Output").
/// Immutable: `headers` and `body` are new objects on every read.
#[pyclass(frozen, module = "matrix_authz")]
pub(crate) struct Decision {
    output: Output,
}

#[pymethods]
impl Decision {
    /// `allow`, `deny`, `uia` or `step_up`.
    #[getter]
    fn decision(&self) -> &'static str {
        self.output.decision.name()
    }

    /// Whether the request may go through.
    #[getter]
    fn allowed(&self) -> bool {
        self.output.decision == matrix_authz::decide::DecisionKind::Allow
    }

    /// The HTTP status to answer with, `None` on allow.
    #[getter]
    fn status(&self) -> Option<u16> {
        self.output.status
    }

    /// The Matrix errcode, `None` on allow and UIA.
    #[getter]
    fn errcode(&self) -> Option<&'static str> {
        self.output.errcode
    }

    /// The headers to send, lower-case names (a challenge's `www-authenticate` at most).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let headers = PyDict::new(py);
        for (name, value) in self.output.sendable_headers() {
            headers.set_item(name, value)?;
        }
        Ok(headers)
    }

    /// The JSON body to send, as a `dict`; `None` on allow.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.output.body {
            Some(body) => crate::json::from_value(py, &body_to_json(body)),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The operation id of the endpoint, `None` for an unknown or admin path and a CORS
    /// preflight.
    #[getter]
    fn endpoint(&self) -> Option<&str> {
        self.output.endpoint.as_deref()
    }

    /// The device of the request, once the token has been read.
    #[getter]
    fn device(&self) -> Option<&str> {
        self.output.device.as_deref()
    }

    /// Whether the token carries `urn:synapse:admin:*`.
    #[getter]
    fn synapse_admin(&self) -> bool {
        self.output.synapse_admin
    }

    /// The account-management URL offered instead of the endpoint.
    #[getter]
    fn account_url(&self) -> Option<&str> {
        self.output.account_url.as_deref()
    }

    /// From the cross-signing step only: whether the host must close the approval window;
    /// `None` from every other step.
    #[getter]
    fn consumes_approval(&self) -> Option<bool> {
        self.output.consumes_approval
    }

    /// The DECISIONS.md pipeline step that answered, 0 to 18 (README "Why this answer"); never
    /// part of the HTTP answer.
    #[getter]
    fn step(&self) -> u8 {
        self.output.step
    }

    /// The stable reason code of the rule that answered, such as `guest.endpoint_not_allowed`.
    #[getter]
    fn reason(&self) -> &'static str {
        self.output.reason
    }

    /// The policy setting that decided (`step_up[0]`, `unknown_endpoints`...), `None` where the
    /// spec or the preset did.
    #[getter]
    fn setting(&self) -> Option<&str> {
        self.output.setting.as_deref()
    }

    /// The result in the op's output shape (what `evaluate("request.decide", ...)` returns).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::json::from_value(py, &output_to_json(&self.output))
    }

    fn __repr__(&self) -> String {
        let status = self.output.status.map_or_else(|| "None".to_owned(), |s| s.to_string());
        let errcode = self.output.errcode.unwrap_or("None");
        let (step, reason) = (self.output.step, self.output.reason);
        format!(
            "<matrix_authz.Decision {} status={status} errcode={errcode} step={step} reason={reason}>",
            self.output.decision.name()
        )
    }
}

/// The authorization server's answer to a token request.
#[pyclass(frozen, module = "matrix_authz")]
pub(crate) struct Grant {
    allowed: bool,
    violations: Vec<&'static str>,
    violation_tokens: Vec<(&'static str, Vec<String>)>,
    granted: Option<Scope>,
    device: Option<String>,
}

#[pymethods]
impl Grant {
    /// Whether the token may be issued.
    #[getter]
    fn allowed(&self) -> bool {
        self.allowed
    }

    /// The violation codes (`grant.*`), sorted, one per code; empty exactly when allowed.
    #[getter]
    fn violations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.violations)
    }

    /// Each violation code to the requested tokens it concerns, sorted (a new `dict` on every
    /// read; empty when allowed).
    #[getter]
    fn violation_tokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let tokens = PyDict::new(py);
        for (code, concerned) in &self.violation_tokens {
            tokens.set_item(code, concerned)?;
        }
        Ok(tokens)
    }

    /// The scope to issue (canonical), `None` when refused.
    #[getter]
    fn granted(&self) -> Option<Scope> {
        self.granted.as_ref().map(|scope| Scope { inner: scope.inner.clone() })
    }

    /// The device the token is bound to, `None` when there is none or the grant is refused.
    #[getter]
    fn device(&self) -> Option<&str> {
        self.device.as_deref()
    }

    fn __repr__(&self) -> String {
        format!("<matrix_authz.Grant allowed={} violations={:?}>", self.allowed, self.violations)
    }
}
