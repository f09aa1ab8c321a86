//! Client helpers: the login scope a client sends in its authorization request (MSC2967), what
//! to do about an error response (`client.interpret`), and the account-management URL (MSC4191).

use matrix_authz::account;
use matrix_authz::client::{ClientAction as CoreAction, LoginDevice, login_scope as core_login_scope};
use matrix_authz::device;
use matrix_authz::json::client::interpret_pairs;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyString};

use crate::error::{self, Raise};
use crate::policy::{self, Policy};
use crate::scope::{Scope, form};
use crate::text::{Text, int, utf8};

/// A login scope and the device id it names.
#[pyclass(frozen, get_all, module = "matrix_authz")]
pub(crate) struct LoginScope {
    /// The scope to request: canonical, parsed under the policy.
    scope: Py<Scope>,
    /// The device id in it.
    device_id: String,
}

#[pymethods]
impl LoginScope {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (scope, id) = (crate::repr(py, self.scope.get().inner.as_str())?, crate::repr(py, &self.device_id)?);
        Ok(format!("<matrix_authz.LoginScope scope={scope} device_id={id}>"))
    }
}

/// The login scope: the API and device tokens in `form` (`stable`, `unstable` or `both`), plus
/// the `extra` tokens (`openid` only when `extra` has it), checked under the policy (the
/// `default` preset when absent). The device is `device_id` when given, else drawn from the
/// `entropy` bytes, else from the system's secure random source.
#[pyfunction]
#[pyo3(signature = (*, device_id = None, entropy = None, form = None, extra = Vec::new(), policy = None))]
pub(crate) fn login_scope(
    py: Python<'_>,
    device_id: Option<Text>,
    entropy: Option<&Bound<'_, PyBytes>>,
    form: Option<Text>,
    extra: Vec<Text>,
    policy: Option<&Policy>,
) -> PyResult<LoginScope> {
    let form = form.map_or(Ok(matrix_authz::Form::Stable), |name| self::form(py, &name))?;
    let random;
    let device = match (device_id.as_deref(), entropy) {
        (None, None) => {
            random = device::generate_random(device::DEFAULT_LENGTH).or_raise(py)?;
            LoginDevice::Id(random.as_str())
        }
        (id, entropy) => LoginDevice::from_options(id, entropy.map(|bytes| bytes.as_bytes())).or_raise(py)?,
    };
    let extra: Vec<&str> = extra.iter().map(|token| &**token).collect();
    let (scope, device_id) =
        policy::with(policy, |policy| core_login_scope(device, form, &extra, policy)).or_raise(py)?;
    Ok(LoginScope { scope: Py::new(py, Scope { inner: scope })?, device_id })
}

/// What a client does about an error response.
#[pyclass(frozen, get_all, module = "matrix_authz")]
pub(crate) struct ClientAction {
    /// `open_url`, `reauthenticate`, `refresh`, `logout`, `retry` or `fail`.
    action: &'static str,
    /// `open_url`: the page where the user approves the action.
    url: Option<String>,
    /// `open_url`: the UIA session to retry the request with.
    session: Option<String>,
    /// `reauthenticate`: the acceptable authentication context classes, space-separated.
    acr_values: Option<String>,
    /// `reauthenticate`: the most seconds since the last active authentication.
    max_age: Option<u64>,
    /// `reauthenticate`: the scope to request (`None`: the login scope).
    scope: Option<String>,
    /// `retry`: how long to wait, when the server said.
    retry_after_ms: Option<u64>,
}

impl From<CoreAction<'_>> for ClientAction {
    fn from(action: CoreAction<'_>) -> Self {
        let mut out = Self {
            action: action.name(),
            url: None,
            session: None,
            acr_values: None,
            max_age: None,
            scope: None,
            retry_after_ms: None,
        };
        match action {
            CoreAction::OpenUrl { url, session } => {
                out.url = Some(url.to_owned());
                out.session = session.map(str::to_owned);
            }
            CoreAction::Reauthenticate(step_up) => {
                out.acr_values = step_up.acr_values.map(Into::into);
                out.max_age = step_up.max_age;
                out.scope = step_up.scope.map(Into::into);
            }
            CoreAction::Retry { retry_after_ms } => out.retry_after_ms = retry_after_ms,
            CoreAction::Refresh | CoreAction::Logout | CoreAction::Fail => {}
        }
        out
    }
}

#[pymethods]
impl ClientAction {
    fn __repr__(&self) -> String {
        format!("<matrix_authz.ClientAction {}>", self.action)
    }
}

/// What a client does about an error response (`client.interpret`): its `status` (400 to 599),
/// its `headers` (a mapping of names to a value or a list of values, or `(name, value)` pairs)
/// and its `body` (a `dict`, or JSON text as `str` or `bytes`; `None`: no body). A status that
/// is not an error, or a body that is not a JSON object, raises `InvalidInput`.
#[pyfunction]
#[pyo3(signature = (status, headers = None, body = None))]
pub(crate) fn interpret_response(
    py: Python<'_>,
    status: &Bound<'_, PyInt>,
    headers: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
) -> PyResult<ClientAction> {
    let status = int(status, &format!("the status {status} is not an error status"))?;
    let headers = headers.map(|h| header_pairs(py, h)).transpose()?.unwrap_or_default();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (&**name, &**value)).collect();
    let body = match body {
        None => None,
        Some(b) if b.is_none() => None,
        Some(b) => Some(if let Ok(text) = b.cast::<PyString>() {
            matrix_authz::json::from_text(&utf8(text)?).or_raise(py)?
        } else if let Ok(bytes) = b.cast::<PyBytes>() {
            let text = std::str::from_utf8(bytes.as_bytes())
                .map_err(|_| error::input(py, "`body` must be UTF-8 JSON text"))?;
            matrix_authz::json::from_text(text).or_raise(py)?
        } else {
            crate::json::to_value(b)?
        }),
    };
    Ok(interpret_pairs(status, &headers, body.as_ref()).or_raise(py)?.into())
}

/// The headers as (name, value) pairs, a repeated header as several.
fn header_pairs(py: Python<'_>, headers: &Bound<'_, PyAny>) -> PyResult<Vec<(Text, Text)>> {
    let wrong =
        || error::input(py, "`headers` must map names to strings or lists of strings, or be (name, value) pairs");
    let mut out = Vec::new();
    if headers.is_none() {
        return Ok(out);
    }
    // Anything with `items()` (a dict, `http.client.HTTPMessage`, a multidict, Starlette's
    // `Headers`) gives its (name, value) pairs there; else the argument is the pairs.
    let pairs = match headers.getattr(intern!(py, "items")) {
        Ok(items) => items.call0()?,
        Err(_) => headers.clone(),
    };
    for pair in pairs.try_iter().map_err(|_| wrong())? {
        let (name, value): (Text, Bound<'_, PyAny>) = pair?.extract().map_err(|_| wrong())?;
        if let Ok(value) = value.extract::<Text>() {
            out.push((name, value));
        } else {
            let values: Vec<Text> = value.extract().map_err(|_| wrong())?;
            out.extend(values.into_iter().map(|value| (name.clone_ref(py), value)));
        }
    }
    Ok(out)
}

/// The account-management URL (MSC4191) for `action` (`org.matrix.devices_list`...) on the
/// server's `account_management_uri`, with `device_id` for the device actions. With `supported`
/// (the server's list), a stable action it lacks falls back to its unstable twin, else
/// `UnsupportedAction`; an empty `action` or `device_id` raises `InvalidInput`.
#[pyfunction]
#[pyo3(signature = (account_management_uri, action, device_id = None, supported = Vec::new()))]
pub(crate) fn account_url(
    py: Python<'_>,
    account_management_uri: Text,
    action: Text,
    device_id: Option<Text>,
    supported: Vec<Text>,
) -> PyResult<String> {
    let supported: Vec<&str> = supported.iter().map(|action| &**action).collect();
    account::url(&account_management_uri, &action, device_id.as_deref(), &supported).or_raise(py)
}
