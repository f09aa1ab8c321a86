//! Registration checks (core feature `metadata`): redirect URIs, client and server metadata. The
//! records are the core's own (`matrix_authz::metadata::{RedirectCheck, MetadataReport}`).

use matrix_authz::json::from_text;
use matrix_authz::metadata::{self, ApplicationType, MetadataReport, RedirectCheck, Stage};

use crate::error::AuthzError;

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
    Ok(metadata::check_redirect_uri_of(&redirect_uri, &client_uri, application_type, stage, &registered)?.into())
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
