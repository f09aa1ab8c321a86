//! The JSON operations of the conformance contract, dispatched in one place for every runtime.
//!
//! Each op takes an input object and returns a result object; field names are snake_case.
//! Failures are [`Error`]s whose `code()` is the contract.

use serde_json::{Map, Value};

use crate::client::{self, LoginDevice};
use crate::device::{self, DEFAULT_LENGTH};
use crate::error::Error;
use crate::json::input::Input;
use crate::json::policy;
use crate::json::{object, to_text};
use crate::policy::Policy;
use crate::scope::{self, Form, Scope, ScopeRef};

/// Every op name, in the order of the contract.
pub const OPS: &[&str] = &[
    "scope.parse",
    "scope.satisfies",
    "scope.normalize",
    "device.validate",
    "device.generate",
    "client.login_scope",
    "grant.decide",
    "request.decide",
    "client.interpret",
    "account.url",
    "redirect_uri.check",
    "client_metadata.validate",
    "server_metadata.validate",
];

/// Runs `op` on `input` (an object; its optional `policy` field selects the policy).
pub fn evaluate(op: &str, input: &Value) -> Result<Value, Error> {
    if !OPS.contains(&op) {
        return Err(Error::OpUnknown(op.to_owned()));
    }
    let fields = Input::new(input, "input")?;
    let policy = policy::from_input(fields.raw("policy"))?;
    match op {
        "scope.parse" => scope_parse(fields, &policy),
        "scope.satisfies" => scope_satisfies(fields, &policy),
        "scope.normalize" => scope_normalize(fields, &policy),
        "device.validate" => device_validate(fields, &policy),
        "device.generate" => device_generate(fields),
        "client.login_scope" => login_scope(fields, &policy),
        #[cfg(feature = "metadata")]
        "redirect_uri.check" => super::metadata::redirect_uri_check(input),
        #[cfg(feature = "metadata")]
        "client_metadata.validate" => super::metadata::client_metadata_validate(input),
        #[cfg(feature = "metadata")]
        "server_metadata.validate" => super::metadata::server_metadata_validate(input),
        "grant.decide" => super::grant::decide(fields, &policy),
        "client.interpret" => super::client::interpret(fields),
        "request.decide" => super::decide::decide(fields, &policy),
        "account.url" => super::account::url(fields),
        _ => Err(Error::OpUnknown(op.to_owned())),
    }
}

/// Runs `op` on JSON text and answers JSON text: `{"ok": RESULT}` or
/// `{"error": {"code": CODE, "message": TEXT}}`. This is what the bindings export.
pub fn evaluate_json(op: &str, input_json: &str) -> String {
    let answer = serde_json::from_str::<Value>(input_json)
        .map_err(|e| Error::input(format!("the input is not JSON: {e}")))
        .and_then(|input| evaluate(op, &input));
    to_text(&envelope(answer))
}

/// The `{"ok": ...}` / `{"error": {...}}` envelope of an answer.
pub fn envelope(answer: Result<Value, Error>) -> Value {
    match answer {
        Ok(result) => object([("ok", result)]),
        Err(e) => object([("error", object([("code", e.code().into()), ("message", e.to_string().into())]))]),
    }
}

/// The JSON description of a parsed scope (the `scope.parse` result).
pub fn describe_scope(scope: &ScopeRef<'_>) -> Value {
    let owned = scope.to_owned_scope();
    let mut kinds = Map::new();
    for t in owned.tokens() {
        kinds.insert(t.to_owned(), Value::from(scope::TokenKind::of(t).name()));
    }
    object([
        ("tokens", owned.tokens().collect()),
        ("canonical", owned.canonical().into()),
        ("api", if scope.has_api() { "full" } else { "none" }.into()),
        ("device", scope.device().into()),
        ("synapse_admin", scope.synapse_admin().into()),
        ("namespaces", scope.namespaces().iter().map(|ns| ns.name()).collect()),
        ("kinds", kinds.into()),
    ])
}

fn scope_parse(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let text = input.str("scope")?;
    ScopeRef::parse(text, &policy.scope).map(|s| describe_scope(&s))
}

fn scope_satisfies(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let granted_text = input.str("granted")?;
    let required_text = input.str("required")?;
    let granted = scope::parse_side(granted_text, &policy.scope)?;
    let required = scope::parse_side(required_text, &policy.scope)?;
    let missing = scope::missing(&granted, &required);
    Ok(object([("satisfied", missing.is_empty().into()), ("missing", missing.into())]))
}

fn form(input: Input<'_>, name: &str) -> Result<Option<Form>, Error> {
    input.opt_enum(name, Form::from_name, "`stable`, `unstable` or `both`")
}

fn scope_normalize(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let text = input.str("scope")?;
    let form = form(input, "form")?.ok_or_else(|| Error::input("`input.form` is required"))?;
    let scope = Scope::parse(text, &policy.scope)?;
    Ok(object([("canonical", scope.normalize(form).canonical().into())]))
}

fn device_validate(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    policy.scope.device.validate(input.str("device_id")?)?;
    Ok(object([]))
}

/// The decoded `entropy` field, if present.
pub fn entropy(input: Input<'_>) -> Result<Option<Vec<u8>>, Error> {
    input.opt_str("entropy")?.map(device::decode_hex).transpose()
}

fn device_generate(input: Input<'_>) -> Result<Value, Error> {
    let bytes = entropy(input)?.ok_or_else(|| Error::input("`input.entropy` is required"))?;
    let length = match input.opt_u64("length")? {
        None => DEFAULT_LENGTH,
        Some(n) => usize::try_from(n).map_err(|_| Error::input("`input.length` is out of range"))?,
    };
    Ok(object([("device_id", device::generate(&bytes, length)?.into())]))
}

fn login_scope(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let entropy = entropy(input)?;
    let device_id = input.opt_str("device_id")?;
    let form = form(input, "form")?.unwrap_or(Form::Stable);
    let extra = input.opt_strs("extra")?.unwrap_or_default();
    let device = LoginDevice::from_options(device_id, entropy.as_deref())?;
    let (scope, device_id) = client::login_scope(device, form, &extra, policy)?;
    Ok(object([("scope", scope.canonical().into()), ("device_id", device_id.into())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_carries_codes() {
        let out = evaluate_json("scope.parse", r#"{"scope": "a  b"}"#);
        assert!(out.contains("\"code\":\"scope.empty_token\""), "{out}");
        let out = evaluate_json("nope", "{}");
        assert!(out.contains("op.unknown"), "{out}");
        let out = evaluate_json("scope.parse", "[");
        assert!(out.contains("input.invalid"), "{out}");
        let out = evaluate_json("scope.parse", "{}");
        assert!(out.contains("input.invalid"), "{out}");
    }
}
