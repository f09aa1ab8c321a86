//! The JSON entry point: `evaluate(op, input)` with plain objects in the FORMAT.md shape.
//!
//! Values cross the boundary as JSON text (`JSON.stringify` / `JSON.parse`), which keeps the
//! binding free of a second serializer and reaches every op of core's dispatcher unchanged.

use matrix_authz::json;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::error::IntoJs;

/// A JavaScript value as JSON; a value JSON cannot carry (`undefined`, a function, a `BigInt`,
/// a cycle) becomes `null`, which every op refuses as `input.invalid`.
pub(crate) fn to_value(value: &JsValue) -> Result<Value, JsValue> {
    let text = js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string());
    match text {
        None => Ok(Value::Null),
        Some(text) => json::from_text(&text).js(),
    }
}

/// A JSON value as a plain JavaScript value.
pub(crate) fn from_value(value: &Value) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&json::to_text(value))
}

/// Runs a conformance op on a plain input object and returns its plain result object; throws
/// an `Error` with the op's `code` on failure (`op.unknown` for an op core does not know).
#[wasm_bindgen(skip_typescript)]
pub fn evaluate(op: &str, input: &JsValue) -> Result<JsValue, JsValue> {
    let input = to_value(input)?;
    let result = json::evaluate(op, &input).js()?;
    from_value(&result)
}

/// The JSON-text form of `evaluate`: never throws, answers `{"ok": RESULT}` or
/// `{"error": {"code": CODE, "message": TEXT}}` as JSON text.
#[wasm_bindgen(js_name = evaluateJson)]
pub fn evaluate_json(op: &str, input: &str) -> String {
    json::evaluate_json(op, input)
}

/// Every op name core's dispatcher lists, in the order of the contract.
#[wasm_bindgen(unchecked_return_type = "Op[]")]
pub fn ops() -> Vec<String> {
    json::OPS.iter().map(|op| (*op).to_owned()).collect()
}
