//! Text and integer arguments as the engine reads them. A Python `str` may hold lone surrogates,
//! which have no UTF-8 form, and a Python `int` has no size limit: both would otherwise surface
//! as `UnicodeEncodeError` or `OverflowError`, outside the `AuthzError` family. Here they are
//! `InvalidInput`; an argument of another Python type stays Python's own `TypeError`.

use std::ops::Deref;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyInt, PyString};

use crate::error;

/// A `str` argument, as UTF-8.
pub(crate) struct Text(PyBackedStr);

impl FromPyObject<'_, '_> for Text {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        utf8(&obj.cast::<PyString>()?.to_owned()).map(Self)
    }
}

impl Text {
    /// Another handle on the same text (a reference count, no copy).
    pub(crate) fn clone_ref(&self, py: Python<'_>) -> Self {
        Self(self.0.clone_ref(py))
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// The UTF-8 form of a Python string; one with a lone surrogate is `InvalidInput`.
pub(crate) fn utf8(text: &Bound<'_, PyString>) -> PyResult<PyBackedStr> {
    PyBackedStr::try_from(text.clone())
        .map_err(|_| error::input(text.py(), "the text has a lone surrogate, which has no UTF-8 form"))
}

/// `value` as a `T`; out of `T`'s range is `InvalidInput` with `message`.
pub(crate) fn int<'py, T: for<'a> FromPyObject<'a, 'py>>(value: &Bound<'py, PyInt>, message: &str) -> PyResult<T> {
    value.extract::<T>().map_err(|_| error::input(value.py(), message))
}
