//! One exception family: `AuthzError` (a `ValueError`) with the core's stable `code` and a
//! human-readable `message`, and a subclass per code prefix, so `except InvalidScope:` reads as
//! it should. `str(error)` is `"CODE: MESSAGE"`.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

create_exception!(
    matrix_authz,
    AuthzError,
    PyValueError,
    "A failure of the engine: `code` is the stable contract (`scope.invalid_char`), `message` what is wrong for people (it may change)."
);
create_exception!(matrix_authz, InvalidScope, AuthzError, "`scope.*`: the scope string breaks the grammar or a limit.");
create_exception!(
    matrix_authz,
    InvalidDeviceId,
    AuthzError,
    "`device_id.*`: the device id breaks the policy's device rules."
);
create_exception!(
    matrix_authz,
    InsufficientEntropy,
    AuthzError,
    "`entropy.*`: the entropy bytes ran out, or the system's random source failed."
);
create_exception!(
    matrix_authz,
    UnsupportedAction,
    AuthzError,
    "`account.*`: the server supports no form of the account-management action."
);
create_exception!(
    matrix_authz,
    InvalidPolicy,
    AuthzError,
    "`policy.*`: a policy document that does not describe a policy, or an unknown preset."
);
create_exception!(
    matrix_authz,
    InvalidInput,
    AuthzError,
    "`input.invalid`: a missing or wrong-typed field, or text that is not JSON."
);
create_exception!(
    matrix_authz,
    UnknownOperation,
    AuthzError,
    "`op.unknown`: `evaluate` was given an operation the engine does not know."
);

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AuthzError", py.get_type::<AuthzError>())?;
    m.add("InvalidScope", py.get_type::<InvalidScope>())?;
    m.add("InvalidDeviceId", py.get_type::<InvalidDeviceId>())?;
    m.add("InsufficientEntropy", py.get_type::<InsufficientEntropy>())?;
    m.add("UnsupportedAction", py.get_type::<UnsupportedAction>())?;
    m.add("InvalidPolicy", py.get_type::<InvalidPolicy>())?;
    m.add("InvalidInput", py.get_type::<InvalidInput>())?;
    m.add("UnknownOperation", py.get_type::<UnknownOperation>())?;
    Ok(())
}

/// The exception for `code` and `message`, of the class of the code's prefix (`AuthzError`
/// itself for a prefix without one, such as `metadata.too_large`); its `path` is `None`.
pub(crate) fn new(py: Python<'_>, code: &str, message: &str) -> PyErr {
    new_at(py, code, message, None)
}

/// [`new`] with `path`: the JSON pointer at the offending place (FORMAT.md v4), or `None`.
pub(crate) fn new_at(py: Python<'_>, code: &str, message: &str, path: Option<&str>) -> PyErr {
    let text = format!("{code}: {message}");
    let err = match code.split_once('.').map_or(code, |(prefix, _)| prefix) {
        "scope" => InvalidScope::new_err(text),
        "device_id" => InvalidDeviceId::new_err(text),
        "entropy" => InsufficientEntropy::new_err(text),
        "account" => UnsupportedAction::new_err(text),
        "policy" => InvalidPolicy::new_err(text),
        "input" => InvalidInput::new_err(text),
        "op" => UnknownOperation::new_err(text),
        _ => AuthzError::new_err(text),
    };
    let value = err.value(py);
    match (value.setattr("code", code), value.setattr("message", message), value.setattr("path", path)) {
        (Ok(()), Ok(()), Ok(())) => err,
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => e,
    }
}

/// `input.invalid` with `message`.
pub(crate) fn input(py: Python<'_>, message: &str) -> PyErr {
    new(py, "input.invalid", message)
}

/// Core's errors as Python exceptions: every core error type has `code()` and `Display`.
pub(crate) trait Raise<T> {
    /// The value, or the error as its exception.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

/// The core error types, each with a stable `code()` and a `Display` message.
pub(crate) trait Coded: std::fmt::Display {
    /// The stable code.
    fn code(&self) -> &'static str;

    /// The JSON pointer at the offending place, for the errors that have one.
    fn path(&self) -> Option<&str> {
        None
    }
}

macro_rules! coded {
    ($($t:ty),* $(,)? ; with path: $($p:ty),* $(,)?) => {
        $(
            impl Coded for $t {
                fn code(&self) -> &'static str {
                    <$t>::code(self)
                }
            }
        )*
        $(
            impl Coded for $p {
                fn code(&self) -> &'static str {
                    <$p>::code(self)
                }

                fn path(&self) -> Option<&str> {
                    <$p>::path(self)
                }
            }
        )*
    };
}

coded!(
    matrix_authz::error::ScopeError,
    matrix_authz::error::DeviceIdError,
    matrix_authz::error::DeviceError,
    matrix_authz::account::AccountError;
    with path: matrix_authz::Error, matrix_authz::error::InputError, matrix_authz::PolicyError,
);

impl<T, E: Coded> Raise<T> for Result<T, E> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| new_at(py, e.code(), &e.to_string(), e.path()))
    }
}
