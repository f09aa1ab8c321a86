//! Core errors as JavaScript `Error` objects carrying the stable `code`.

use js_sys::Reflect;
use matrix_authz::Error;
use wasm_bindgen::JsValue;

/// The `name` of every error this package throws.
const NAME: &str = "MatrixAuthzError";

/// A real `Error` (`instanceof Error`) with `name` `MatrixAuthzError` and the core error's `code`.
pub(crate) fn to_js(e: &Error) -> JsValue {
    coded(e.code(), &e.to_string())
}

/// An `input.invalid` error for a JavaScript value the binding cannot convert.
pub(crate) fn input_invalid(message: &str) -> JsValue {
    to_js(&matrix_authz::error::InputError::new(message).into())
}

fn coded(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(NAME);
    // Setting a data property on a fresh ordinary object cannot fail.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

/// Converts core results for wasm-bindgen.
pub(crate) trait IntoJs<T> {
    /// The value, or the error as a coded JavaScript `Error`.
    fn js(self) -> Result<T, JsValue>;
}

impl<T, E: Into<Error>> IntoJs<T> for Result<T, E> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(|e| to_js(&e.into()))
    }
}
