//! The conformance operations (FORMAT.md "Operations"): `evaluate(op, input)` with the input as
//! Python values or JSON text, through core's one dispatcher, so operations the core adds are
//! reached too. Python values and JSON values convert with `pythonize`.

use matrix_authz::json;
use pyo3::prelude::*;
use pyo3::types::PyString;
use serde_json::Value;

use crate::error::{self, Raise};

/// Python values as JSON: `dict` (string keys), `list`, `tuple`, `str`, `int`, `float`, `bool`,
/// `None`. Anything else (bytes, a set, an `int` beyond 64 bits, a non-finite float) raises
/// `InvalidInput`.
pub(crate) fn to_value(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    pythonize::depythonize::<Value>(value)
        .map_err(|e| error::input(value.py(), &format!("not a JSON value: {e}")))
        .and_then(|v| finite(value.py(), v))
}

/// serde_json has no NaN or infinity: depythonize turns them into `null`, which JSON text could
/// not carry either; refuse them rather than read a different document.
fn finite(py: Python<'_>, value: Value) -> PyResult<Value> {
    fn walk(value: &Value) -> bool {
        match value {
            Value::Array(items) => items.iter().all(walk),
            Value::Object(fields) => fields.values().all(walk),
            Value::Number(n) => n.as_f64().is_none_or(f64::is_finite),
            _ => true,
        }
    }
    if walk(&value) { Ok(value) } else { Err(error::input(py, "not a JSON value: a non-finite number")) }
}

/// A JSON value as Python values (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`).
pub(crate) fn from_value<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| error::new(py, "internal", &e.to_string()))
}

/// Runs `op` on its input (a `dict`, or JSON text) and returns its result as Python values.
/// Raises the op's error; an op the engine does not know raises `UnknownOperation`.
#[pyfunction]
pub(crate) fn evaluate<'py>(py: Python<'py>, op: &str, input: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let input = match input.cast::<PyString>() {
        Ok(text) => json::from_text(&text.to_cow()?).or_raise(py)?,
        Err(_) => to_value(input)?,
    };
    from_value(py, &json::evaluate(op, &input).or_raise(py)?)
}

/// `evaluate` on JSON text, never raising: `{"ok": RESULT}` or
/// `{"error": {"code": CODE, "message": TEXT}}` as JSON text.
#[pyfunction]
pub(crate) fn evaluate_json(op: &str, input_json: &str) -> String {
    json::evaluate_json(op, input_json)
}

/// Every operation `evaluate` knows, in the order of the contract.
#[pyfunction]
pub(crate) fn operations() -> Vec<&'static str> {
    json::OPS.to_vec()
}
