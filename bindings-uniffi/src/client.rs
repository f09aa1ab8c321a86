//! Client helpers: the login scope a client sends in its authorization request (MSC2967), and
//! what to do about an error response (`client.interpret`).

use std::borrow::Cow;
use std::sync::Arc;

use matrix_authz::Form;
use matrix_authz::client::{self as core_client, ClientAction as CoreClientAction, LoginDevice as CoreLoginDevice};
use matrix_authz::json::{client as json_client, from_text};
use serde_json::Value;

use crate::decide::Header;
use crate::error::AuthzError;
use crate::policy::{Policy, or_default};
use crate::scope::Scope;

/// Where the device id of a login scope comes from.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum LoginDevice {
    /// An id the client already has (checked against the policy's device rules).
    Id {
        /// The device id.
        device_id: String,
    },
    /// A fresh id of 10 characters drawn from these entropy bytes.
    Entropy {
        /// The bytes to draw from.
        bytes: Vec<u8>,
    },
    /// A fresh id of 10 characters from the platform's secure random source.
    Random,
}

/// A login scope and the device id it names.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LoginScope {
    /// The scope to request: canonical, parsed under the policy.
    pub scope: Arc<Scope>,
    /// The device id in it.
    pub device_id: String,
}

/// The login scope: the API and device tokens in `form` (absent: stable), plus `extra` tokens
/// (`openid` is not added unless `extra` has it), checked under the policy (absent: `default`).
#[uniffi::export(default(form = None, extra = [], policy = None))]
pub fn login_scope(
    device: LoginDevice,
    form: Option<Form>,
    extra: Vec<String>,
    policy: Option<Arc<Policy>>,
) -> Result<LoginScope, AuthzError> {
    let policy = or_default(policy);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let random;
    let core_device = match &device {
        LoginDevice::Id { device_id } => CoreLoginDevice::Id(device_id),
        LoginDevice::Entropy { bytes } => CoreLoginDevice::Entropy(bytes),
        LoginDevice::Random => {
            random = matrix_authz::device::generate_random(matrix_authz::device::DEFAULT_LENGTH)
                .map_err(matrix_authz::Error::from)?;
            CoreLoginDevice::Id(random.as_str())
        }
    };
    let (scope, device_id) =
        core_client::login_scope(core_device, form.unwrap_or(Form::Stable), &extra, &policy.inner)?;
    Ok(LoginScope { scope: Scope::wrap(scope), device_id })
}

/// What a client does about an error response.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ClientAction {
    /// Open `url` in a browser, then retry the request with the UIA `session` (MSC4312).
    OpenUrl {
        /// The page where the user approves the action.
        url: String,
        /// The UIA session to retry with.
        session: Option<String>,
    },
    /// Start a new authorization request with these values (RFC 9470, MSC4363).
    Reauthenticate {
        /// Acceptable authentication context classes, space-separated, as sent.
        acr_values: Option<String>,
        /// Most seconds since the last active authentication.
        max_age: Option<u64>,
        /// The scope to request (absent: reuse the login scope).
        scope: Option<String>,
    },
    /// Refresh the access token: the session survives (`soft_logout: true`).
    Refresh,
    /// The session is gone: sign out locally.
    Logout,
    /// Retry later.
    Retry {
        /// How long to wait, when the server said.
        retry_after_ms: Option<u64>,
    },
    /// Nothing to do but report the error.
    Fail,
}

impl From<CoreClientAction<'_>> for ClientAction {
    fn from(action: CoreClientAction<'_>) -> Self {
        match action {
            CoreClientAction::OpenUrl { url, session } => {
                Self::OpenUrl { url: url.to_owned(), session: session.map(str::to_owned) }
            }
            CoreClientAction::Reauthenticate(step_up) => Self::Reauthenticate {
                acr_values: step_up.acr_values.map(Cow::into_owned),
                max_age: step_up.max_age,
                scope: step_up.scope.map(Cow::into_owned),
            },
            CoreClientAction::Refresh => Self::Refresh,
            CoreClientAction::Logout => Self::Logout,
            CoreClientAction::Retry { retry_after_ms } => Self::Retry { retry_after_ms },
            CoreClientAction::Fail => Self::Fail,
        }
    }
}

/// What a client does about an error response (`client.interpret`): its `status` (400 to 599),
/// its `headers` (a repeated header as several entries) and its `body` as JSON text (absent: no
/// body). A status that is not an error, or a body that is not a JSON object, is `input.invalid`.
#[uniffi::export(default(headers = [], body = None))]
pub fn interpret_response(status: u16, headers: Vec<Header>, body: Option<String>) -> Result<ClientAction, AuthzError> {
    // The core reads headers as a JSON object whose values are arrays of strings.
    let mut fields = serde_json::Map::new();
    for Header { name, value } in headers {
        if let Value::Array(values) = fields.entry(name).or_insert_with(|| Value::Array(Vec::new())) {
            values.push(value.into());
        }
    }
    let body = body.as_deref().map(from_text).transpose()?;
    Ok(json_client::interpret_response(status, Some(&Value::Object(fields)), body.as_ref())?.into())
}
