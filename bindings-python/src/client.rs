//! Client helpers: the login scope a client sends in its authorization request (MSC2967), what
//! to do about an error response (`client.interpret`), and the account-management URL (MSC4191).

use matrix_authz::account;
use matrix_authz::client::{ClientAction as CoreAction, LoginDevice, login_scope as core_login_scope};
use matrix_authz::device;
use matrix_authz::json::client::interpret_response as core_interpret;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMapping, PyString};
use serde_json::{Map, Value};

use crate::error::{self, Raise};
use crate::policy::{self, Policy};
use crate::scope::{Scope, form};

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
#[pyo3(signature = (*, device_id = None, entropy = None, form = "stable", extra = Vec::new(), policy = None))]
pub(crate) fn login_scope(
    py: Python<'_>,
    device_id: Option<&str>,
    entropy: Option<&Bound<'_, PyBytes>>,
    form: &str,
    extra: Vec<String>,
    policy: Option<&Policy>,
) -> PyResult<LoginScope> {
    let form = self::form(py, form)?;
    let random;
    let device = match (device_id, entropy) {
        (None, None) => {
            random = device::generate_random(device::DEFAULT_LENGTH).or_raise(py)?;
            LoginDevice::Id(random.as_str())
        }
        (id, entropy) => LoginDevice::from_options(id, entropy.map(|bytes| bytes.as_bytes())).or_raise(py)?,
    };
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
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
    status: u16,
    headers: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
) -> PyResult<ClientAction> {
    let headers = headers.map(|h| header_object(py, h)).transpose()?;
    let body = match body {
        None => None,
        Some(b) if b.is_none() => None,
        Some(b) => Some(if let Ok(text) = b.cast::<PyString>() {
            matrix_authz::json::from_text(&text.to_cow()?).or_raise(py)?
        } else if let Ok(bytes) = b.cast::<PyBytes>() {
            let text = std::str::from_utf8(bytes.as_bytes())
                .map_err(|_| error::input(py, "`body` must be UTF-8 JSON text"))?;
            matrix_authz::json::from_text(text).or_raise(py)?
        } else {
            crate::json::to_value(b)?
        }),
    };
    Ok(core_interpret(status, headers.as_ref(), body.as_ref()).or_raise(py)?.into())
}

/// Headers as the JSON object the core reads: each name to the array of its values.
fn header_object(py: Python<'_>, headers: &Bound<'_, PyAny>) -> PyResult<Value> {
    let wrong =
        || error::input(py, "`headers` must map names to strings or lists of strings, or be (name, value) pairs");
    let mut fields = Map::new();
    let mut add = |name: String, value: String| {
        if let Value::Array(values) = fields.entry(name).or_insert_with(|| Value::Array(Vec::new())) {
            values.push(value.into());
        }
    };
    if headers.is_none() {
        return Ok(Value::Object(Map::new()));
    }
    if let Ok(mapping) = headers.cast::<PyMapping>() {
        for item in mapping.items()?.iter() {
            let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let name: String = name.extract().map_err(|_| wrong())?;
            if let Ok(value) = value.extract::<String>() {
                add(name, value);
            } else {
                let values: Vec<String> = value.extract().map_err(|_| wrong())?;
                for value in values {
                    add(name.clone(), value);
                }
            }
        }
    } else {
        for pair in headers.try_iter().map_err(|_| wrong())? {
            let (name, value): (String, String) = pair?.extract().map_err(|_| wrong())?;
            add(name, value);
        }
    }
    Ok(Value::Object(fields))
}

/// The account-management URL (MSC4191) for `action` (`org.matrix.devices_list`...) on the
/// server's `account_management_uri`, with `device_id` for the device actions. With `supported`
/// (the server's list), a stable action it lacks falls back to its unstable twin, else
/// `UnsupportedAction`; an empty `action` or `device_id` raises `InvalidInput`.
#[pyfunction]
#[pyo3(signature = (account_management_uri, action, device_id = None, supported = Vec::new()))]
pub(crate) fn account_url(
    py: Python<'_>,
    account_management_uri: &str,
    action: &str,
    device_id: Option<&str>,
    supported: Vec<String>,
) -> PyResult<String> {
    let supported: Vec<&str> = supported.iter().map(String::as_str).collect();
    account::url(account_management_uri, action, device_id, &supported).or_raise(py)
}
