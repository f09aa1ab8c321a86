//! The JSON operations of the conformance contract, dispatched in one place for every runtime.
//!
//! Each op takes an input object and returns a result object; field names are snake_case.
//! Failures are [`Error`]s whose `code()` is the contract.

use serde_json::{Map, Value};

use crate::client::{self, LoginDevice};
use crate::error::Error;
use crate::json::device::entropy;
use crate::json::input::{Fields, Input};
use crate::json::policy;
use crate::json::{object, to_text};
use crate::policy::Policy;
use crate::scope::{Form, Scope, TokenKind};

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
    known(op)?;
    if super::exceeds_depth(input) {
        return Err(Error::input(format!("`input` nests deeper than {} arrays and objects", super::MAX_DEPTH)));
    }
    run(op, input)
}

/// `op.unknown` for an op the dispatcher does not list, checked before the input is read.
fn known(op: &str) -> Result<(), Error> {
    if OPS.contains(&op) { Ok(()) } else { Err(Error::OpUnknown(op.to_owned())) }
}

/// [`evaluate`] on an input already known to be within the nesting limit (read from text by
/// [`super::from_text`], which bounds it), so the limit is not checked twice.
fn run(op: &str, input: &Value) -> Result<Value, Error> {
    let fields = Input::new(input, "input")?;
    let policy = policy::from_input(fields.raw("policy"))?;
    match op {
        "scope.parse" => scope_parse(fields, &policy),
        "scope.satisfies" => scope_satisfies(fields, &policy),
        "scope.normalize" => scope_normalize(fields, &policy),
        "device.validate" => super::device::validate(fields, &policy),
        "device.generate" => super::device::generate(fields),
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
    let answer = super::from_text(input_json).and_then(|input| known(op).and_then(|()| run(op, &input)));
    to_text(&envelope(answer))
}

/// The `{"ok": ...}` / `{"error": {"code", "message", "path"?}}` envelope of an answer (`path`,
/// a JSON pointer, where the error has one).
pub fn envelope(answer: Result<Value, Error>) -> Value {
    match answer {
        Ok(result) => object([("ok", result)]),
        Err(e) => {
            let mut error = object([("code", e.code().into()), ("message", e.to_string().into())]);
            if let (Some(path), Value::Object(fields)) = (e.path(), &mut error) {
                fields.insert("path".to_owned(), path.into());
            }
            object([("error", error)])
        }
    }
}

/// The JSON description of a parsed scope (the `scope.parse` result).
pub fn describe_scope(scope: &Scope<&str>) -> Value {
    let distinct = scope.distinct();
    let mut kinds = Map::new();
    for t in &distinct {
        kinds.insert(t.to_owned(), Value::from(TokenKind::of(t).name()));
    }
    object([
        ("tokens", distinct.iter().collect()),
        ("canonical", distinct.to_string().into()),
        ("api", if scope.has_api() { "full" } else { "none" }.into()),
        ("device", scope.device().map(|id| id.as_str().to_owned()).into()),
        ("synapse_admin", scope.synapse_admin().into()),
        ("namespaces", scope.namespaces().iter().map(|ns| ns.name()).collect()),
        ("kinds", kinds.into()),
    ])
}

fn scope_parse(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let text = input.str("scope")?;
    Ok(describe_scope(&Scope::parse(text, &policy.settings().scope)?))
}

fn scope_satisfies(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let granted_text = input.str("granted")?;
    let required_text = input.str("required")?;
    let granted = Scope::parse_or_empty(granted_text, &policy.settings().scope)?;
    let required = Scope::parse_or_empty(required_text, &policy.settings().scope)?;
    let missing = granted.missing(&required);
    Ok(object([("satisfied", missing.is_empty().into()), ("missing", missing.iter().collect())]))
}

fn form(input: Input<'_>, name: &'static str) -> Result<Option<Form>, Error> {
    input.opt_enum(name, Form::from_name, "`stable`, `unstable` or `both`")
}

fn scope_normalize(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let text = input.str("scope")?;
    let form = form(input, "form")?.ok_or_else(|| Error::input("`input.form` is required"))?;
    let scope = Scope::parse(text, &policy.settings().scope)?;
    Ok(object([("canonical", scope.normalize(form).into_string().into())]))
}

fn login_scope(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let entropy = entropy(&input)?;
    let device_id = input.opt_str("device_id")?;
    let form = form(input, "form")?.unwrap_or(Form::Stable);
    let extra = input.opt_strs("extra")?.unwrap_or_default();
    let device = LoginDevice::from_options(device_id, entropy.as_deref())?;
    let (scope, device_id) = client::login_scope(device, form, &extra, policy)?;
    Ok(object([("scope", scope.into_string().into()), ("device_id", device_id.into())]))
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
