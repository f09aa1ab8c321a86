//! Decisions: `request.decide` on a `Policy` handle, the account-management URL, and
//! `grant.decide`.

use js_sys::{Array, Object, Reflect, Uint8Array};
use matrix_authz::grant::{self, GrantRequest, GrantType};
use matrix_authz::{Policy, account};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::error::{self, IntoJs};
use crate::policy::JsPolicy;

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// `request.decide` under this policy (DECISIONS.md): the request in the op's input shape,
    /// the decision in its output shape. The policy is not parsed again on each call.
    #[cfg(feature = "serde")]
    #[wasm_bindgen(unchecked_return_type = "DecideResult")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DecideRequest")] request: &JsValue,
    ) -> Result<JsValue, JsValue> {
        decide_under(request, &self.inner)
    }

    /// `grant.decide` under this policy: may a token with `scope` be issued through `grantType`?
    // Declared in types.d.ts, where `options` can be optional.
    #[wasm_bindgen(js_name = decideGrant, skip_typescript)]
    pub fn decide_grant(
        &self,
        scope: &str,
        #[wasm_bindgen(js_name = grantType)] grant_type: &str,
        options: Option<Object>,
    ) -> Result<JsValue, JsValue> {
        decide_grant_under(scope, grant_type, options.as_ref().map_or(&JsValue::UNDEFINED, AsRef::as_ref), &self.inner)
    }
}

/// The request crosses as JSON text once (read with core's JSON input rules), and the typed
/// result once, serialized by core and parsed by `JSON.parse`: no `serde_json::Value` on the way
/// back. Building the result object property by property through `Reflect.set` measured slower
/// (node 20: 28 µs against 17 µs per call on a loaded machine, 29 µs for the old build), each
/// property costing a boundary crossing and a string decode.
#[cfg(feature = "serde")]
fn decide_under(request: &JsValue, policy: &Policy) -> Result<JsValue, JsValue> {
    let value = crate::json::to_value(request)?;
    let input = matrix_authz::json::input::Input::new(&value, "request").js()?;
    let output = matrix_authz::json::decide::output(input, policy).js()?;
    js_sys::JSON::parse(&output.to_json_text())
}

/// `request.decide` under the `default` preset.
#[cfg(feature = "serde")]
#[wasm_bindgen(unchecked_return_type = "DecideResult")]
pub fn decide(#[wasm_bindgen(unchecked_param_type = "DecideRequest")] request: &JsValue) -> Result<JsValue, JsValue> {
    decide_under(request, &Policy::spec())
}

/// `grant.decide` under the `default` preset.
// Declared in types.d.ts, where `options` can be optional.
#[wasm_bindgen(js_name = decideGrant, skip_typescript)]
pub fn decide_grant(
    scope: &str,
    #[wasm_bindgen(js_name = grantType)] grant_type: &str,
    options: Option<Object>,
) -> Result<JsValue, JsValue> {
    decide_grant_under(scope, grant_type, options.as_ref().map_or(&JsValue::UNDEFINED, AsRef::as_ref), &Policy::spec())
}

fn flag(options: &JsValue, name: &str) -> Result<bool, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(false);
    }
    let value = Reflect::get(options, &JsValue::from_str(name))?;
    if value.is_undefined() || value.is_null() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| error::input_invalid(&format!("`{name}` must be a boolean")))
}

fn decide_grant_under(scope: &str, grant_type: &str, options: &JsValue, policy: &Policy) -> Result<JsValue, JsValue> {
    if !(options.is_undefined() || options.is_null() || options.is_object()) {
        return Err(error::input_invalid("the options must be an object"));
    }
    let grant_type = GrantType::parse(grant_type).js()?;
    let entropy = if options.is_object() {
        let value = Reflect::get(options, &JsValue::from_str("entropy"))?;
        if value.is_undefined() || value.is_null() {
            None
        } else {
            let bytes =
                value.dyn_into::<Uint8Array>().map_err(|_| error::input_invalid("`entropy` must be a Uint8Array"))?;
            Some(bytes.to_vec())
        }
    } else {
        None
    };
    let request = GrantRequest {
        user_admin: flag(options, "userAdmin")?,
        client_admin: flag(options, "clientAdmin")?,
        entropy: entropy.as_deref(),
        ..GrantRequest::new(scope, grant_type)
    };
    let decision = grant::decide(&request, policy).js()?;
    let result = Object::new();
    Reflect::set(&result, &"allowed".into(), &decision.allowed.into())?;
    let violations: Array = decision.codes().map(JsValue::from_str).collect();
    Reflect::set(&result, &"violations".into(), &violations)?;
    let granted = decision.granted.as_ref().map_or(JsValue::NULL, |s| JsValue::from_str(&s.canonical()));
    Reflect::set(&result, &"granted".into(), &granted)?;
    let device = decision.device.as_ref().map_or(JsValue::NULL, |id| JsValue::from_str(id.as_str()));
    Reflect::set(&result, &"device".into(), &device)?;
    Ok(result.into())
}

/// The account-management URL (MSC4191) for `action` and `deviceId`; with `supported` (the
/// server's list), a stable action it lacks falls back to its unstable twin, else
/// `account.action_unsupported`.
#[wasm_bindgen(js_name = accountUrl)]
pub fn account_url(
    base: &str,
    action: &str,
    #[wasm_bindgen(js_name = deviceId)] device_id: Option<String>,
    supported: Option<Vec<String>>,
) -> Result<String, JsValue> {
    let supported = supported.unwrap_or_default();
    let supported: Vec<&str> = supported.iter().map(String::as_str).collect();
    account::url(base, action, device_id.as_deref(), &supported).js()
}
