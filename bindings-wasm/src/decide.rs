//! Decisions: `request.decide` on a `Policy` handle, the account-management URL, and
//! `grant.decide`.

use matrix_authz::account;
#[cfg(feature = "serde")]
use matrix_authz::decide::{self, Output};
use matrix_authz::grant::{self, GrantRequest, GrantType};
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::args::{self, DEVICE_ID_UNITS, NAME_UNITS, SCOPE_UNITS, URI_UNITS};
use crate::error::IntoJs;
use crate::object::{Options, object, strings, text};
use crate::policy::{JsPolicy, SPEC};
#[cfg(feature = "serde")]
use crate::{
    error,
    object::{key, set},
};

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// `request.decide` under this policy (DECISIONS.md): the request in the op's input shape,
    /// read in place from the object (no JSON text), the decision in its output shape.
    #[cfg(feature = "serde")]
    #[wasm_bindgen(unchecked_return_type = "DecideResult")]
    pub fn decide(&self, #[wasm_bindgen(unchecked_param_type = "DecideRequest")] request: &JsValue) -> Js<JsValue> {
        // As in every runtime's typed API: the request is decided under this policy, so a
        // request naming one is refused rather than read one way here and another in `evaluate`.
        if request.is_object() && !args::get(request, &key("policy"), &|| "request.policy".to_owned())?.is_undefined() {
            return Err(error::input_invalid("`request.policy`: a request is decided under the Policy it is given to"));
        }
        let out = self.output(request)?;
        Ok(result_object(&out))
    }

    /// `grant.decide` under this policy: may a token with `scope` be issued through `grantType`?
    // Declared in types.d.ts (`grantType`, an optional `options`).
    #[wasm_bindgen(js_name = decideGrant, skip_typescript)]
    pub fn decide_grant(&self, scope: &JsValue, grant_type: &JsValue, options: &JsValue) -> Js<JsValue> {
        let scope = args::string(scope, "scope", SCOPE_UNITS)?;
        let grant_type = args::string(grant_type, "grantType", NAME_UNITS)?;
        let options = Options::new(options)?;
        let entropy = options.bytes("entropy")?;
        let request = GrantRequest {
            user_admin: options.bool("userAdmin")?.unwrap_or(false),
            client_admin: options.bool("clientAdmin")?.unwrap_or(false),
            entropy: entropy.as_deref(),
            ..GrantRequest::new(&scope, GrantType::parse(&grant_type).js()?)
        };
        let decision = grant::decide(&request, &self.inner).js()?;
        Ok(object([
            ("allowed", decision.allowed.into()),
            ("violations", strings(decision.codes())),
            ("violation_tokens", violation_tokens(&decision)),
            ("granted", text(decision.granted.as_ref().map(|s| s.canonical()).as_deref())),
            ("device", text(decision.device.as_ref().map(|id| id.as_str()))),
        ]))
    }
}

#[cfg(feature = "serde")]
impl JsPolicy {
    /// The typed output of `request.decide` under this policy, the request read in place.
    fn output(&self, request: &JsValue) -> Js<Output> {
        crate::json::JsFields::read(request.clone(), "request", |request| {
            matrix_authz::json::decide::output(request, &self.inner).js()
        })
    }
}

/// The result object of `request.decide` (DECISIONS.md "Output", then the explanation).
#[cfg(feature = "serde")]
fn result_object(out: &Output) -> JsValue {
    let headers = object([]);
    for (name, value) in out.sendable_headers() {
        set(&headers, name, value.into());
    }
    let body = out.body.as_ref().map_or(JsValue::NULL, |b| crate::object::parse_valid(&b.to_json_text()));
    let result = object([
        ("decision", key(out.decision.name())),
        ("status", out.status.map_or(JsValue::NULL, JsValue::from)),
        ("errcode", out.errcode.map_or(JsValue::NULL, key)),
        ("headers", headers),
        ("body", body),
        ("endpoint", text(out.endpoint.as_deref())),
        ("device", text(out.device.as_deref())),
        ("synapse_admin", out.synapse_admin.into()),
        ("account_url", text(out.account_url.as_deref())),
    ]);
    if let Some(consumes) = out.consumes_approval {
        set(&result, "consumes_approval", consumes.into());
    }
    // The explanation (README "Why this answer"), beside the answer, never inside it.
    set(&result, "step", out.step.into());
    set(&result, "reason", key(out.reason));
    set(&result, "setting", text(out.setting.as_deref()));
    result
}

/// One request decided under each of `policies` (preset names or policy documents), side by
/// side: `{results, differences}`, `differences` naming the result fields on which they do not
/// all agree (core's `decide::differences`), what an operator checks before switching.
#[cfg(feature = "serde")]
#[wasm_bindgen(unchecked_return_type = "Comparison")]
pub fn compare(
    #[wasm_bindgen(unchecked_param_type = "DecideRequest")] request: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "Array<PresetName | PolicyDocument>")] policies: &JsValue,
) -> Js<JsValue> {
    let count = || error::input_invalid(&format!("`policies` must be an array of 2 to {MAX_COMPARED} policies"));
    if !args::is_array(policies) {
        return Err(count());
    }
    let length = args::get(policies, &JsValue::from_str("length"), &|| "policies.length".to_owned())?;
    let length = length.as_f64().filter(|n| (2.0..=f64::from(MAX_COMPARED)).contains(n) && n.fract() == 0.0);
    let length = length.ok_or_else(count)? as u32;
    let mut outputs = Vec::new();
    for at in 0..length {
        let policy = args::get(policies, &JsValue::from(at), &|| format!("policies[{at}]"))?;
        let policy = JsPolicy::from_document(&policy).map_err(|e| with_place(e, &format!("policies[{at}]")))?;
        outputs.push(policy.output(request)?);
    }
    let results: js_sys::Array = outputs.iter().map(result_object).collect();
    Ok(object([("results", results.into()), ("differences", strings(decide::differences(&outputs)))]))
}

/// The most policies `compare` takes at once.
#[cfg(feature = "serde")]
const MAX_COMPARED: u32 = 16;

/// `error` with its message led by `place`, so a caller knows which policy of the list failed.
#[cfg(feature = "serde")]
fn with_place(error: JsValue, place: &str) -> JsValue {
    if let Some(message) = js_sys::Reflect::get(&error, &"message".into()).ok().and_then(|m| m.as_string()) {
        let _ = js_sys::Reflect::set(&error, &"message".into(), &format!("{place}: {message}").into());
    }
    error
}

/// Each violation code to the requested tokens it concerns (FORMAT.md v4), as a plain object.
fn violation_tokens(decision: &grant::GrantDecision) -> JsValue {
    let tokens = object([]);
    for (code, concerned) in decision.codes_with_tokens() {
        crate::object::set(&tokens, code, strings(concerned.iter().map(String::as_str)));
    }
    tokens
}

/// `request.decide` under the `default` preset.
#[cfg(feature = "serde")]
#[wasm_bindgen(unchecked_return_type = "DecideResult")]
pub fn decide(#[wasm_bindgen(unchecked_param_type = "DecideRequest")] request: &JsValue) -> Js<JsValue> {
    SPEC.decide(request)
}

/// `grant.decide` under the `default` preset.
// Declared in types.d.ts (`grantType`, an optional `options`).
#[wasm_bindgen(js_name = decideGrant, skip_typescript)]
pub fn decide_grant(scope: &JsValue, grant_type: &JsValue, options: &JsValue) -> Js<JsValue> {
    SPEC.decide_grant(scope, grant_type, options)
}

/// The account-management URL (MSC4191) for `action` and `deviceId`; with the server's
/// `supported` list, a stable action it lacks falls back to its unstable twin.
// Declared in types.d.ts (`deviceId` and `supported` optional).
#[wasm_bindgen(js_name = accountUrl, skip_typescript)]
pub fn account_url(base: &JsValue, action: &JsValue, device_id: &JsValue, supported: &JsValue) -> Js<String> {
    let (base, action) = (args::string(base, "base", URI_UNITS)?, args::string(action, "action", NAME_UNITS)?);
    let device_id = args::optional_string(device_id, "deviceId", DEVICE_ID_UNITS)?;
    let supported = args::optional_strings(supported, "supported", URI_UNITS, URI_UNITS)?.unwrap_or_default();
    account::url(&base, &action, device_id.as_deref(), &supported.iter().map(String::as_str).collect::<Vec<_>>()).js()
}
