//! The conformance operations (FORMAT.md "Operations"): `evaluate(op, input)` with the input as
//! Python values or JSON text, through core's one dispatcher, so operations the core adds are
//! reached too. Python values and JSON values convert with `pythonize`.

use matrix_authz::InputError;
use matrix_authz::json::{self, envelope};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString, PyTuple};
use serde_json::Value;

use crate::error::{self, Raise};
use crate::text::{Text, utf8};

/// The deepest nesting of lists and dicts a Python value may have: what JSON text may have
/// (core's `json::MAX_DEPTH`), so a document answers the same in both forms, and the
/// conversion's recursion stays far from the native stack's end.
pub(crate) const MAX_DEPTH: usize = json::MAX_DEPTH;

/// Python values as JSON: `dict` (string keys), `list`, `tuple`, `str`, `int` (of any size: core
/// reads numbers with serde_json's `arbitrary_precision`), `float`, `bool`, `None`. Anything
/// else (bytes, a set, a non-finite float, nesting deeper than [`MAX_DEPTH`], a lone
/// surrogate) raises `InvalidInput`.
pub(crate) fn to_value(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let py = value.py();
    check(value, 0).map_err(|problem| error::input(py, &format!("not a JSON value: {problem}")))?;
    pythonize::depythonize::<Value>(value).map_err(|e| error::input(py, &format!("not a JSON value: {e}")))
}

/// What `pythonize` would let through but JSON cannot carry: a NaN or an infinity (it would
/// read as `null`) and nesting deeper than JSON text may have (it would recurse without bound).
fn check(value: &Bound<'_, PyAny>, depth: usize) -> Result<(), &'static str> {
    let nested = |items: &mut dyn Iterator<Item = Bound<'_, PyAny>>| -> Result<(), &'static str> {
        if depth >= MAX_DEPTH {
            return Err("nested deeper than 128 levels of lists and dicts");
        }
        for item in items {
            check(&item, depth + 1)?;
        }
        Ok(())
    };
    if let Ok(dict) = value.cast::<PyDict>() {
        nested(&mut dict.values().iter())
    } else if let Ok(list) = value.cast::<PyList>() {
        nested(&mut list.iter())
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        nested(&mut tuple.iter())
    } else if let Ok(number) = value.cast::<PyFloat>() {
        if number.value().is_finite() { Ok(()) } else { Err("a NaN or an infinity") }
    } else {
        Ok(())
    }
}

/// A JSON value as Python values (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`).
pub(crate) fn from_value<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| error::new(py, "internal", &e.to_string()))
}

/// Runs `op` on its input (a `dict`, or JSON text) and returns its result as Python values.
/// Raises the op's error; an op the engine does not know raises `UnknownOperation`.
#[pyfunction]
pub(crate) fn evaluate<'py>(py: Python<'py>, op: Text, input: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let input = match input.cast::<PyString>() {
        Ok(text) => json::from_text(&utf8(text)?).or_raise(py)?,
        Err(_) => to_value(input)?,
    };
    from_value(py, &json::evaluate(&op, &input).or_raise(py)?)
}

/// `evaluate` on JSON text, never raising for `str` arguments: `{"ok": RESULT}` or
/// `{"error": {"code": CODE, "message": TEXT}}` as JSON text.
#[pyfunction]
pub(crate) fn evaluate_json(op: &Bound<'_, PyString>, input_json: &Bound<'_, PyString>) -> String {
    match (utf8(op), utf8(input_json)) {
        (Ok(op), Ok(input)) => json::evaluate_json(&op, &input),
        _ => {
            let error = InputError::new("the text has a lone surrogate, which has no UTF-8 form");
            json::to_text(&envelope(Err(error.into())))
        }
    }
}

/// Every operation `evaluate` knows, in the order of the contract.
#[pyfunction]
pub(crate) fn operations() -> Vec<&'static str> {
    json::OPS.to_vec()
}
