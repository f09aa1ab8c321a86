//! Core errors as JavaScript `Error` objects carrying the stable `code`.

use matrix_authz::Error;
use wasm_bindgen::JsValue;

use crate::Js;

/// The `name` of every error this package throws.
const NAME: &str = "MatrixAuthzError";

/// A real `Error` (`instanceof Error`) with `name` `MatrixAuthzError`, the core error's `code`,
/// and its `path` (a JSON pointer at the offending place, FORMAT.md v4) where it has one.
pub(crate) fn to_js(e: &Error) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    error.set_name(NAME);
    crate::object::set(&error, "code", JsValue::from_str(e.code()));
    if let Some(path) = e.path() {
        crate::object::set(&error, "path", JsValue::from_str(path));
    }
    error.into()
}

/// An `input.invalid` error for a JavaScript value the binding cannot convert.
pub(crate) fn input_invalid(message: &str) -> JsValue {
    to_js(&matrix_authz::error::InputError::new(message).into())
}

/// `value` read by `parse` from a closed set of names; anything else is `input.invalid`.
pub(crate) fn named<T>(name: &str, value: &JsValue, parse: impl Fn(&str) -> Option<T>, allowed: &str) -> Js<T> {
    let value = crate::args::string(value, name, crate::args::NAME_UNITS)?;
    parse(&value).ok_or_else(|| input_invalid(&format!("`{name}` must be {allowed}")))
}

/// Converts core results for wasm-bindgen.
pub(crate) trait IntoJs<T> {
    /// The value, or the error as a coded JavaScript `Error`.
    fn js(self) -> Js<T>;
}

impl<T, E: Into<Error>> IntoJs<T> for Result<T, E> {
    fn js(self) -> Js<T> {
        self.map_err(|e| to_js(&e.into()))
    }
}
