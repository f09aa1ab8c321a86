//! The JSON entry point: `evaluate(op, input)` with plain objects in the FORMAT.md shape.
//!
//! Values cross the boundary as JSON text (`JSON.stringify` / `JSON.parse`), which keeps the
//! binding free of a second serializer and reaches every op of core's dispatcher unchanged;
//! `Policy.decide` reads its request in place instead ([`JsFields`]).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Reflect;
use matrix_authz::error::InputError;
use matrix_authz::json::{self, input::Field, input::Fields};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::args::{self, NAME_UNITS, TEXT_UNITS};
use crate::error::{self, IntoJs};
use crate::object::key;

/// A JavaScript value as JSON; a value JSON cannot carry (`undefined`, a function, a `BigInt`,
/// a cycle, a getter that throws) becomes `null`, which every op refuses as `input.invalid`.
/// JSON text longer than [`TEXT_UNITS`] is refused before it is copied in.
pub(crate) fn to_value(value: &JsValue, name: &str) -> Js<Value> {
    match stringify(value) {
        Some(text) => text_to_value(&text, name),
        None => Ok(Value::Null),
    }
}

/// `JSON.stringify(value)`, or `None` for a value JSON cannot carry (or whose getter threw).
pub(crate) fn stringify(value: &JsValue) -> Option<JsValue> {
    js_sys::JSON::stringify(value).ok().map(JsValue::from)
}

/// JSON text made by [`stringify`] as a value; longer than [`TEXT_UNITS`], `input.invalid`
/// before it is copied in.
pub(crate) fn text_to_value(text: &JsValue, name: &str) -> Js<Value> {
    match args::units(text) {
        Some(n) if n > TEXT_UNITS => {
            Err(error::input_invalid(&format!("`{name}` is longer than {TEXT_UNITS} UTF-16 code units as JSON text")))
        }
        Some(_) => text.as_string().map_or(Ok(Value::Null), |text| json::from_text(&text).js()),
        None => Ok(Value::Null),
    }
}

/// What reading a request in place found wrong beyond what core checks: a getter that threw, or
/// strings past [`TEXT_UNITS`] together. Shared by the request and its nested objects.
struct Reads {
    left: Cell<u32>,
    failure: Cell<Option<String>>,
}

/// A JavaScript object read in place, field by field, as its JSON text would read
/// (`undefined`, functions, `NaN` and infinities count as absent).
pub(crate) struct JsFields(JsValue, &'static str, Rc<Reads>);

impl JsFields {
    /// Reads `value` as the object `place` (`request`) with `read`; anything but an object is
    /// `input.invalid`, and so is a read that hit a throwing getter or too much text, whatever
    /// `read` answered.
    pub(crate) fn read<T>(value: JsValue, place: &'static str, read: impl FnOnce(Self) -> Js<T>) -> Js<T> {
        let reads = Rc::new(Reads { left: Cell::new(TEXT_UNITS), failure: Cell::new(None) });
        let answer = json::input::object(field(value, place, &reads), place).js().and_then(read);
        match reads.failure.take() {
            Some(message) => Err(error::input_invalid(&message)),
            None => answer,
        }
    }
}

fn field(value: JsValue, place: &'static str, reads: &Rc<Reads>) -> Field<String, JsFields> {
    if value.is_undefined() {
        Field::Absent
    } else if let Some(n) = args::units(&value) {
        match reads.left.get().checked_sub(n) {
            Some(left) => {
                reads.left.set(left);
                value.as_string().map_or(Field::Other, Field::Str)
            }
            None => {
                fail(reads, format!("the request's strings are longer than {TEXT_UNITS} UTF-16 code units together"))
            }
        }
    } else if value.is_object() {
        if args::is_array(&value) { Field::Other } else { Field::Object(JsFields(value, place, Rc::clone(reads))) }
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

/// Notes the first failure; core then sees a value of the wrong type, and the failure replaces
/// whatever it answers.
fn fail(reads: &Reads, message: String) -> Field<String, JsFields> {
    let first = reads.failure.take();
    reads.failure.set(Some(first.unwrap_or(message)));
    Field::Other
}

impl Fields for JsFields {
    type Str = String;

    fn field(&self, name: &'static str, place: &'static str) -> Field<String, Self> {
        match Reflect::get(&self.0, &key(name)) {
            Ok(value) => field(value, place, &self.2),
            Err(_) => fail(&self.2, format!("reading `{}.{name}` threw", self.1)),
        }
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
pub fn evaluate(op: &JsValue, input: &JsValue) -> Js<JsValue> {
    let op = args::string(op, "op", NAME_UNITS)?;
    from_value(&json::evaluate(&op, &to_value(input, "input")?).js()?)
}

/// The JSON-text form of `evaluate`: never throws, answers `{"ok": RESULT}` or
/// `{"error": {"code": CODE, "message": TEXT}}` as JSON text, also for arguments of the wrong
/// type or size.
#[wasm_bindgen(js_name = evaluateJson)]
pub fn evaluate_json(
    #[wasm_bindgen(unchecked_param_type = "string")] op: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] input: &JsValue,
) -> String {
    match args::text(op, "op", NAME_UNITS).and_then(|op| Ok((op, args::text(input, "input", TEXT_UNITS)?))) {
        Ok((op, input)) => json::evaluate_json(&op, &input),
        Err(message) => json::to_text(&json::envelope(Err(InputError::new(&message).into()))),
    }
}

/// Every op name core's dispatcher lists, in the order of the contract.
#[wasm_bindgen(unchecked_return_type = "Op[]")]
pub fn ops() -> Vec<String> {
    json::OPS.iter().map(|op| (*op).to_owned()).collect()
}
