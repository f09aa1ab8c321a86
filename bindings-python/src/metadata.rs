//! Registration and discovery checks: redirect URIs, client metadata (RFC 7591) and
//! authorization server metadata (RFC 8414, MSC2965, MSC4191).

use matrix_authz::metadata::{self, ApplicationType, Stage};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use serde_json::Value;

use crate::error::{self, Raise};
use crate::text::{Text, utf8};

/// The answer of a redirect URI check.
#[pyclass(frozen, get_all, module = "matrix_authz")]
pub(crate) struct RedirectCheck {
    /// Whether the URI passes.
    valid: bool,
    /// The first rule it breaks (`redirect_uri.scheme`), `None` when valid.
    violation: Option<&'static str>,
}

#[pymethods]
impl RedirectCheck {
    fn __repr__(&self) -> String {
        format!("<matrix_authz.RedirectCheck valid={} violation={:?}>", self.valid, self.violation)
    }
}

/// The answer of a metadata validation.
#[pyclass(frozen, module = "matrix_authz")]
pub(crate) struct MetadataReport {
    valid: bool,
    violations: Vec<&'static str>,
}

#[pymethods]
impl MetadataReport {
    /// Whether the document passes.
    #[getter]
    fn valid(&self) -> bool {
        self.valid
    }

    /// Every violation code (`redirect_uris.scheme`), sorted; empty exactly when valid.
    #[getter]
    fn violations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.violations)
    }

    fn __repr__(&self) -> String {
        format!("<matrix_authz.MetadataReport valid={} violations={:?}>", self.valid, self.violations)
    }
}

/// Checks one redirect URI of the client whose `client_uri` is `client_uri`, for an
/// `application_type` of `web` or `native`, at `stage` (`registration`; at `authorization` the
/// URI must be one of `registered`). A `client_uri` that is not a valid base raises
/// `InvalidInput`.
#[pyfunction]
#[pyo3(signature = (redirect_uri, client_uri, application_type = None, *, stage = None, registered = Vec::new()))]
pub(crate) fn check_redirect_uri(
    py: Python<'_>,
    redirect_uri: Text,
    client_uri: Text,
    application_type: Option<Text>,
    stage: Option<Text>,
    registered: Vec<Text>,
) -> PyResult<RedirectCheck> {
    let application_type = match application_type {
        None => ApplicationType::Web,
        Some(name) => ApplicationType::from_name(&name)
            .ok_or_else(|| error::input(py, "`application_type` must be `web` or `native`"))?,
    };
    let stage = match stage {
        None => Stage::Registration,
        Some(name) => Stage::from_name(&name)
            .ok_or_else(|| error::input(py, "`stage` must be `registration` or `authorization`"))?,
    };
    let registered: Vec<&str> = registered.iter().map(|uri| &**uri).collect();
    let violation = metadata::check_redirect_uri_of(&redirect_uri, &client_uri, application_type, stage, &registered)
        .or_raise(py)?;
    Ok(RedirectCheck { valid: violation.is_none(), violation: violation.map(|v| v.code()) })
}

/// Validates a client metadata document (RFC 7591): a `dict`, or JSON text.
#[pyfunction]
pub(crate) fn validate_client_metadata(py: Python<'_>, document: &Bound<'_, PyAny>) -> PyResult<MetadataReport> {
    Ok(report(metadata::validate_client_metadata(&document_value(py, document)?)))
}

/// Validates an authorization server metadata document (RFC 8414): a `dict`, or JSON text.
#[pyfunction]
pub(crate) fn validate_server_metadata(py: Python<'_>, document: &Bound<'_, PyAny>) -> PyResult<MetadataReport> {
    Ok(report(metadata::validate_server_metadata(&document_value(py, document)?)))
}

fn report(report: metadata::Report) -> MetadataReport {
    MetadataReport { valid: report.is_valid(), violations: report.codes() }
}

/// A document given as JSON text (`str`) or as Python values.
fn document_value(py: Python<'_>, document: &Bound<'_, PyAny>) -> PyResult<Value> {
    match document.cast::<PyString>() {
        Ok(text) => matrix_authz::json::from_text(&utf8(text)?).or_raise(py),
        Err(_) => crate::json::to_value(document),
    }
}
