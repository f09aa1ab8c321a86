//! Python objects read in place as an op's input (core's [`Fields`]): a `dict` is an object,
//! `None` or a missing key is absent, `bool` before `int` (a `bool` is an `int` in Python), an
//! `int` outside `i64` and every other type (a `float`, a `list`, `bytes`) is a wrong type.

use matrix_authz::json::input::{Field, Fields};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};

/// A `dict` read as the op input object `place` (`request`, `context.room`).
pub(crate) struct PyFields<'py> {
    dict: Bound<'py, PyDict>,
    place: &'static str,
}

impl<'py> PyFields<'py> {
    /// `dict` as the object `place`.
    pub(crate) fn new(dict: Bound<'py, PyDict>, place: &'static str) -> Self {
        Self { dict, place }
    }

    /// The value under `name`, or `None` when the key is missing.
    fn get(&self, name: &'static str) -> Option<Bound<'py, PyAny>> {
        self.dict.get_item(key(self.dict.py(), name)).ok().flatten()
    }
}

/// What one Python value is to an op.
fn field<'py>(value: Option<Bound<'py, PyAny>>, place: &'static str) -> Field<PyBackedStr, PyFields<'py>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Field::Absent;
    };
    if let Ok(text) = value.cast::<PyString>() {
        // A string with a lone surrogate has no UTF-8 form: it is no string an op could read.
        return text.extract::<PyBackedStr>().map_or(Field::Other, Field::Str);
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Field::Bool(flag.is_true());
    }
    if value.cast::<PyInt>().is_ok() {
        return value.extract::<i64>().map_or(Field::Other, Field::Int);
    }
    match value.cast_into::<PyDict>() {
        Ok(dict) => Field::Object(PyFields::new(dict, place)),
        Err(_) => Field::Other,
    }
}

impl<'py> Fields for PyFields<'py> {
    type Str = PyBackedStr;

    fn field(&self, name: &'static str, place: &'static str) -> Field<PyBackedStr, Self> {
        field(self.get(name), place)
    }

    fn place(&self) -> &str {
        self.place
    }
}

/// The key `name` as an interned Python string, made once per name for the process (the names
/// of request.decide's input; any other name is made per call).
fn key<'py>(py: Python<'py>, name: &'static str) -> Bound<'py, PyString> {
    macro_rules! interned {
        ($($lit:literal),* $(,)?) => {
            match name {
                $($lit => intern!(py, $lit).clone(),)*
                other => PyString::new(py, other),
            }
        };
    }
    interned!(
        "method",
        "path",
        "query",
        "kind",
        "token",
        "context",
        "now",
        "entropy",
        "active",
        "scope",
        "device_id",
        "auth_time",
        "acr",
        "appservice",
        "guest",
        "account_management_uri",
        "uia_session",
        "cross_signing",
        "master_key_exists",
        "keys_identical",
        "reset_approved_until",
        "room",
        "guest_access",
        "body",
        "type",
        "inhibit_login",
    )
}
