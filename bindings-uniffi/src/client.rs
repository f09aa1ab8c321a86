//! Client helpers: the login scope a client sends in its authorization request (MSC2967).

use std::sync::Arc;

use matrix_authz::client::{self as core_client, LoginDevice as CoreLoginDevice};

use crate::error::AuthzError;
use crate::policy::{Policy, or_default};
use crate::scope::{Form, Scope};

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
            random = matrix_authz::device::generate_random(matrix_authz::device::DEFAULT_LENGTH)?;
            CoreLoginDevice::Id(&random)
        }
    };
    let (scope, device_id) =
        core_client::login_scope(core_device, form.unwrap_or(Form::Stable).into(), &extra, &policy.inner)?;
    Ok(LoginScope { scope: Scope::wrap(scope), device_id })
}
