//! Client helpers: the login scope.

use matrix_authz::client::{self, LoginDevice};
use matrix_authz::scope::Form;
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::args::{self, DEVICE_ID_UNITS, SCOPE_UNITS, TOKENS};
use crate::error::{self, IntoJs};
use crate::object::{Options, object};
use crate::policy::{JsPolicy, SPEC};
use crate::scope::parse_form;

/// The login scope a client requests: the API and device tokens in `form` (default `stable`)
/// plus `extra` tokens, canonical; the device from `deviceId` (checked against the `default`
/// preset's device rules) or 10 characters drawn from `entropy`.
#[wasm_bindgen(js_name = loginScope, unchecked_return_type = "LoginScope")]
pub fn login_scope(#[wasm_bindgen(unchecked_param_type = "LoginScopeOptions")] options: &JsValue) -> Js<JsValue> {
    SPEC.login_scope(options)
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// `loginScope` under this policy.
    #[wasm_bindgen(js_name = loginScope, unchecked_return_type = "LoginScope")]
    pub fn login_scope(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LoginScopeOptions")] options: &JsValue,
    ) -> Js<JsValue> {
        if !options.is_object() {
            return Err(error::input_invalid("the options must be an object"));
        }
        let options = Options::new(options)?;
        let (device_id, entropy) = (options.string("deviceId", DEVICE_ID_UNITS)?, options.bytes("entropy")?);
        let form = options.field("form")?.map_or(Ok(Form::Stable), |f| parse_form(&f))?;
        let extra = options.field("extra")?.map(|v| args::strings(&v, "extra", TOKENS, SCOPE_UNITS)).transpose()?;
        let extra: Vec<&str> = extra.iter().flatten().map(String::as_str).collect();
        let device = LoginDevice::from_options(device_id.as_deref(), entropy.as_deref()).js()?;
        let (scope, device_id) = client::login_scope(device, form, &extra, &self.inner).js()?;
        Ok(object([("scope", scope.canonical().into()), ("deviceId", device_id.into())]))
    }
}

/// `client.interpret`: what a client does about an error response (`status` 400 to 599), from
/// its `headers` (an object of strings or string arrays) and its JSON `body`; `{action, ...}`.
// Declared in types.d.ts, where `headers` and `body` can be optional.
#[cfg(feature = "serde")]
#[wasm_bindgen(skip_typescript)]
pub fn interpret(status: &JsValue, headers: &JsValue, body: &JsValue) -> Js<JsValue> {
    let status = status
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(n))
        .ok_or_else(|| error::input_invalid("`status` must be an HTTP status code (an integer)"))?;
    let (headers, body) = (optional_json(headers, "headers")?, optional_json(body, "body")?);
    // In range: checked above.
    let action = matrix_authz::json::client::interpret_response(status as u16, headers.as_ref(), body.as_ref()).js()?;
    crate::json::from_value(&matrix_authz::json::client::describe_action(&action))
}

/// An optional object argument as JSON: `undefined` and `null` are `None`.
#[cfg(feature = "serde")]
fn optional_json(value: &JsValue, name: &str) -> Js<Option<serde_json::Value>> {
    match value {
        v if v.is_undefined() || v.is_null() => Ok(None),
        v if v.is_object() && !args::is_array(v) => crate::json::to_value(v, name).map(Some),
        _ => Err(error::input_invalid(&format!("`{name}` must be an object"))),
    }
}
