//! Client helpers: the login scope.

use js_sys::{Array, Object, Reflect, Uint8Array};
use matrix_authz::client::{self, LoginDevice};
use matrix_authz::scope::Form;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::error::{self, IntoJs};
use matrix_authz::Policy;

use crate::policy::JsPolicy;
use crate::scope::parse_form;

fn field(options: &JsValue, name: &str) -> Result<Option<JsValue>, JsValue> {
    let value = Reflect::get(options, &JsValue::from_str(name))?;
    Ok(if value.is_undefined() || value.is_null() { None } else { Some(value) })
}

fn wrong(name: &str, what: &str) -> JsValue {
    error::input_invalid(&format!("`{name}` must be {what}"))
}

fn strings(value: &JsValue, name: &str) -> Result<Vec<String>, JsValue> {
    let array = value.dyn_ref::<Array>().ok_or_else(|| wrong(name, "an array of strings"))?;
    array.iter().map(|item| item.as_string().ok_or_else(|| wrong(name, "an array of strings"))).collect()
}

/// The login scope a client requests: the API and device tokens in `form` (default `stable`)
/// plus `extra` tokens, canonical; the device from `deviceId` (checked against the `default`
/// preset's device rules) or 10 characters drawn from `entropy`.
#[wasm_bindgen(js_name = loginScope, unchecked_return_type = "LoginScope")]
pub fn login_scope(
    #[wasm_bindgen(unchecked_param_type = "LoginScopeOptions")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    login_scope_under(options, &Policy::spec())
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// `loginScope` under this policy.
    #[wasm_bindgen(js_name = loginScope, unchecked_return_type = "LoginScope")]
    pub fn login_scope(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LoginScopeOptions")] options: &JsValue,
    ) -> Result<JsValue, JsValue> {
        login_scope_under(options, &self.inner)
    }
}

fn login_scope_under(options: &JsValue, policy: &Policy) -> Result<JsValue, JsValue> {
    if !options.is_object() {
        return Err(error::input_invalid("the options must be an object"));
    }
    let device_id =
        field(options, "deviceId")?.map(|v| v.as_string().ok_or_else(|| wrong("deviceId", "a string"))).transpose()?;
    let entropy = field(options, "entropy")?
        .map(|v| v.dyn_into::<Uint8Array>().map(|a| a.to_vec()).map_err(|_| wrong("entropy", "a Uint8Array")))
        .transpose()?;
    let form = match field(options, "form")? {
        None => Form::Stable,
        Some(v) => parse_form(&v.as_string().ok_or_else(|| wrong("form", "a string"))?)?,
    };
    let extra = field(options, "extra")?.map(|v| strings(&v, "extra")).transpose()?.unwrap_or_default();
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let device = LoginDevice::from_options(device_id.as_deref(), entropy.as_deref()).js()?;
    let (scope, device_id) = client::login_scope(device, form, &extra, policy).js()?;
    let result = Object::new();
    Reflect::set(&result, &"scope".into(), &scope.canonical().into())?;
    Reflect::set(&result, &"deviceId".into(), &device_id.into())?;
    Ok(result.into())
}

/// `client.interpret`: what a client does about an error response (`status` 400 to 599), from
/// its `headers` (an object of strings or string arrays) and its JSON `body`; `{action, ...}`.
// Declared in types.d.ts, where `headers` and `body` can be optional.
#[cfg(feature = "serde")]
#[wasm_bindgen(skip_typescript)]
pub fn interpret(status: &JsValue, headers: &JsValue, body: &JsValue) -> Result<JsValue, JsValue> {
    let status = status
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(n))
        .ok_or_else(|| error::input_invalid("`status` must be an HTTP status code (an integer)"))?;
    let headers = optional_json(headers, "headers", "an object")?;
    let body = optional_json(body, "body", "an object")?;
    // In range: checked above.
    let action = matrix_authz::json::client::interpret_response(status as u16, headers.as_ref(), body.as_ref()).js()?;
    crate::json::from_value(&matrix_authz::json::client::describe_action(&action))
}

/// An optional object argument as JSON: `undefined` and `null` are `None`.
#[cfg(feature = "serde")]
fn optional_json(value: &JsValue, name: &str, what: &str) -> Result<Option<serde_json::Value>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(wrong(name, what));
    }
    crate::json::to_value(value).map(Some)
}
