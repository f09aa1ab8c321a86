//! The JSON entry point: `evaluate(op, input)` with plain objects in the FORMAT.md shape.
//!
//! Values cross the boundary as JSON text (`JSON.stringify` / `JSON.parse`), which keeps the
//! binding free of a second serializer and reaches every op of core's dispatcher unchanged;
//! `Policy.decide` reads its request in place instead ([`JsFields`]).

use js_sys::Array;
use matrix_authz::json::{self, input::Field, input::Fields};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::error::IntoJs;
use crate::object::{Plain, key};

/// A JavaScript value as JSON; a value JSON cannot carry (`undefined`, a function, a `BigInt`,
/// a cycle) becomes `null`, which every op refuses as `input.invalid`.
pub(crate) fn to_value(value: &JsValue) -> Js<Value> {
    let text = js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string());
    text.map_or(Ok(Value::Null), |text| json::from_text(&text).js())
}

/// A JavaScript object read in place, field by field, as its JSON text would read
/// (`undefined`, functions, `NaN` and infinities count as absent).
pub(crate) struct JsFields(JsValue, &'static str);

impl JsFields {
    /// `value` as the object `place` (`request`); anything else is `input.invalid`.
    pub(crate) fn new(value: JsValue, place: &'static str) -> Js<Self> {
        json::input::object(field(value, place), place).js()
    }
}

fn field(value: JsValue, place: &'static str) -> Field<String, JsFields> {
    if value.is_undefined() {
        Field::Absent
    } else if let Some(text) = value.as_string() {
        Field::Str(text)
    } else if value.is_object() {
        if Array::is_array(&value) { Field::Other } else { Field::Object(JsFields(value, place)) }
    } else if let Some(b) = value.as_bool() {
        Field::Bool(b)
    } else if let Some(n) = value.as_f64().filter(|n| n.is_finite()) {
        // JSON text reads an integer as one (`i64`: -2^63 to 2^63 exclusive); it writes a
        // non-finite number as `null` (below).
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if n.fract() == 0.0 && (-LIMIT..LIMIT).contains(&n) { Field::Int(n as i64) } else { Field::Other }
    } else if value.is_bigint() {
        Field::Other
    } else {
        // `null`, a function, a symbol, `NaN`, an infinity.
        Field::Absent
    }
}

impl Fields for JsFields {
    type Str = String;

    fn field(&self, name: &'static str, place: &'static str) -> Field<String, Self> {
        field(self.0.unchecked_ref::<Plain>().get(&key(name)), place)
    }

    fn place(&self) -> &str {
        self.1
    }
}

/// A JSON value as a plain JavaScript value.
pub(crate) fn from_value(value: &Value) -> Js<JsValue> {
    js_sys::JSON::parse(&json::to_text(value))
}

/// Runs a conformance op on a plain input object and returns its plain result object; throws
/// an `Error` with the op's `code` on failure (`op.unknown` for an op core does not know).
#[wasm_bindgen(skip_typescript)]
pub fn evaluate(op: &str, input: &JsValue) -> Js<JsValue> {
    from_value(&json::evaluate(op, &to_value(input)?).js()?)
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
