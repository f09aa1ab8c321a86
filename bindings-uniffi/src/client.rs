//! Client helpers: the login scope a client sends in its authorization request (MSC2967), and
//! what to do about an error response (`client.interpret`). `LoginDevice` and `ClientAction` are
//! the core's own records (`matrix_authz::client::{LoginDeviceSource, OwnedClientAction}`).

use std::sync::Arc;

use matrix_authz::Form;
use matrix_authz::client::{LoginDeviceSource, OwnedClientAction};
use matrix_authz::decide::Header;
use matrix_authz::json::{client as json_client, from_text};

use crate::error::AuthzError;
use crate::policy::{Policy, or_default};
use crate::scope::Scope;

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
    device: LoginDeviceSource,
    form: Option<Form>,
    extra: Vec<String>,
    policy: Option<Arc<Policy>>,
) -> Result<LoginScope, AuthzError> {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let (scope, device_id) = device.login_scope(form.unwrap_or(Form::Stable), &extra, &or_default(policy).inner)?;
    Ok(LoginScope { scope: Scope::wrap(scope), device_id })
}

/// What a client does about an error response (`client.interpret`): its `status` (400 to 599),
/// its `headers` (a repeated header as several entries) and its `body` as JSON text (absent: no
/// body). A status that is not an error, or a body that is not a JSON object, is `input.invalid`.
#[uniffi::export(default(headers = [], body = None))]
pub fn interpret_response(
    status: u16,
    headers: Vec<Header>,
    body: Option<String>,
) -> Result<OwnedClientAction, AuthzError> {
    let headers: Vec<(&str, &str)> = headers.iter().map(|h| (h.name.as_str(), h.value.as_str())).collect();
    let body = body.as_deref().map(from_text).transpose()?;
    Ok(json_client::interpret_pairs(status, &headers, body.as_ref())?.into())
}
