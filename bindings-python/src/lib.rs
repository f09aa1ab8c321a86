//! The Python binding of `matrix-authz`, built with PyO3 and maturin: the extension module
//! `matrix_authz._native`, which the package `matrix_authz` re-exports (`python/matrix_authz`).
//!
//! Only conversions live here: every rule is in the core crate. Python objects are read in
//! place (a request `dict` through core's `json::input::Fields`, no JSON text), results are
//! frozen classes, closed sets of names are plain strings (`"stable"`, `"web"`), and every
//! failure is an `AuthzError` subclass carrying the core's stable `code`. The module holds no
//! state: each call depends only on its arguments.

#![forbid(unsafe_code)]

use pyo3::prelude::*;

mod client;
mod decide;
mod device;
mod error;
mod fields;
mod json;
mod metadata;
mod policy;
mod scope;
mod text;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    error::register(m)?;
    m.add_class::<policy::Policy>()?;
    m.add_class::<scope::Scope>()?;
    m.add_class::<scope::ScopeToken>()?;
    m.add_class::<decide::Decision>()?;
    m.add_class::<decide::Grant>()?;
    m.add_class::<client::LoginScope>()?;
    m.add_class::<client::ClientAction>()?;
    m.add_class::<metadata::RedirectCheck>()?;
    m.add_class::<metadata::MetadataReport>()?;
    m.add_function(wrap_pyfunction!(scope::token_kind, m)?)?;
    m.add_function(wrap_pyfunction!(device::validate_device_id, m)?)?;
    m.add_function(wrap_pyfunction!(device::generate_device_id, m)?)?;
    m.add_function(wrap_pyfunction!(device::random_device_id, m)?)?;
    m.add_function(wrap_pyfunction!(decide::decide_grant, m)?)?;
    m.add_function(wrap_pyfunction!(client::login_scope, m)?)?;
    m.add_function(wrap_pyfunction!(client::interpret_response, m)?)?;
    m.add_function(wrap_pyfunction!(client::account_url, m)?)?;
    m.add_function(wrap_pyfunction!(metadata::check_redirect_uri, m)?)?;
    m.add_function(wrap_pyfunction!(metadata::validate_client_metadata, m)?)?;
    m.add_function(wrap_pyfunction!(metadata::validate_server_metadata, m)?)?;
    m.add_function(wrap_pyfunction!(json::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(json::evaluate_json, m)?)?;
    m.add_function(wrap_pyfunction!(json::operations, m)?)?;
    Ok(())
}

/// `repr(text)` as Python writes it (quotes and escapes), for `__repr__`.
fn repr(py: Python<'_>, text: &str) -> PyResult<String> {
    Ok(pyo3::types::PyString::new(py, text).repr()?.to_cow()?.into_owned())
}
