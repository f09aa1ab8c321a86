//! Registration checks (core feature `metadata`): redirect URIs, client and server metadata.

use matrix_authz::json::from_text;
use matrix_authz::metadata::{self, ApplicationType, Report, Stage};

use crate::error::AuthzError;

/// The answer of a redirect URI check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct RedirectCheck {
    /// Whether the URI passes.
    pub valid: bool,
    /// The first rule it breaks (`redirect_uri.scheme`), absent when valid.
    pub violation: Option<String>,
}

/// The answer of a metadata validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct MetadataReport {
    /// Whether the document passes.
    pub valid: bool,
    /// Every violation code (`redirect_uris.scheme`), sorted; empty exactly when valid.
    pub violations: Vec<String>,
}

impl From<Report> for MetadataReport {
    fn from(report: Report) -> Self {
        Self { valid: report.is_valid(), violations: report.codes().into_iter().map(str::to_owned).collect() }
    }
}

/// Checks one redirect URI of the client whose `client_uri` is `client_uri`, at `stage`
/// (registration when absent; at authorization the URI must be one of `registered`). A
/// `client_uri` that is not a valid base is `input.invalid`.
#[uniffi::export(default(stage = None, registered = []))]
pub fn check_redirect_uri(
    redirect_uri: String,
    client_uri: String,
    application_type: ApplicationType,
    stage: Option<Stage>,
    registered: Vec<String>,
) -> Result<RedirectCheck, AuthzError> {
    let registered: Vec<&str> = registered.iter().map(String::as_str).collect();
    let stage = stage.unwrap_or_default();
    let violation = metadata::check_redirect_uri_of(&redirect_uri, &client_uri, application_type, stage, &registered)?;
    Ok(RedirectCheck { valid: violation.is_none(), violation: violation.map(|v| v.code().to_owned()) })
}

/// Validates a client metadata document (RFC 7591, JSON text; text that is not JSON is
/// `input.invalid`).
#[uniffi::export]
pub fn validate_client_metadata(metadata_json: String) -> Result<MetadataReport, AuthzError> {
    Ok(metadata::validate_client_metadata(&from_text(&metadata_json)?).into())
}

/// Validates an authorization server metadata document (RFC 8414, JSON text; text that is not
/// JSON is `input.invalid`).
#[uniffi::export]
pub fn validate_server_metadata(metadata_json: String) -> Result<MetadataReport, AuthzError> {
    Ok(metadata::validate_server_metadata(&from_text(&metadata_json)?).into())
}
