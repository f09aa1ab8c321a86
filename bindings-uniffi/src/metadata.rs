//! Registration checks (core feature `metadata`): redirect URIs, client and server metadata.

use matrix_authz::metadata::{self, ApplicationType as CoreApplicationType, ClientBase, Field, Report, Violation};

use crate::error::AuthzError;

/// The `application_type` of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ApplicationType {
    /// A web client: https redirect URIs only.
    Web,
    /// A native client: claimed https, private-use scheme or loopback redirect URIs.
    Native,
}

impl From<ApplicationType> for CoreApplicationType {
    fn from(application_type: ApplicationType) -> Self {
        match application_type {
            ApplicationType::Web => Self::Web,
            ApplicationType::Native => Self::Native,
        }
    }
}

/// When a redirect URI is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum RedirectStage {
    /// Client registration: a loopback URI must not carry a port.
    Registration,
    /// An authorization request: the URI must be one of the registered ones.
    Authorization,
}

impl From<RedirectStage> for metadata::Stage {
    fn from(stage: RedirectStage) -> Self {
        match stage {
            RedirectStage::Registration => Self::Registration,
            RedirectStage::Authorization => Self::Authorization,
        }
    }
}

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

impl From<&Report> for MetadataReport {
    fn from(report: &Report) -> Self {
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
    stage: Option<RedirectStage>,
    registered: Vec<String>,
) -> Result<RedirectCheck, AuthzError> {
    let registered: Vec<&str> = registered.iter().map(String::as_str).collect();
    let base = ClientBase::parse(&client_uri).map_err(|rule| {
        let code = Violation { field: Field::ClientUri, rule }.code();
        matrix_authz::Error::InputInvalid(format!("`client_uri` is not a valid client uri ({code}): `{client_uri}`"))
    })?;
    let stage = stage.map_or_else(metadata::Stage::default, Into::into);
    let violation =
        metadata::check_redirect_uri(&redirect_uri, &base, application_type.into(), stage, &registered).err();
    Ok(RedirectCheck { valid: violation.is_none(), violation: violation.map(|v| v.code().to_owned()) })
}

/// The document: JSON text of any type (`null` included); text that is not JSON is
/// `input.invalid`.
fn document(json: &str) -> Result<serde_json::Value, AuthzError> {
    Ok(serde_json::from_str(json)
        .map_err(|e| matrix_authz::Error::InputInvalid(format!("the metadata is not JSON: {e}")))?)
}

/// Validates a client metadata document (RFC 7591, JSON text).
#[uniffi::export]
pub fn validate_client_metadata(metadata_json: String) -> Result<MetadataReport, AuthzError> {
    Ok((&metadata::validate_client_metadata(&document(&metadata_json)?)).into())
}

/// Validates an authorization server metadata document (RFC 8414, JSON text).
#[uniffi::export]
pub fn validate_server_metadata(metadata_json: String) -> Result<MetadataReport, AuthzError> {
    Ok((&metadata::validate_server_metadata(&document(&metadata_json)?)).into())
}
