//! Registration checks (feature `metadata`): redirect URIs, client and server metadata.

use matrix_authz::metadata::{self, ApplicationType, Report, Stage};
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::args::{self, TEXT_UNITS, URI_UNITS};
use crate::error::{self, IntoJs};
use crate::json::{stringify, text_to_value};
use crate::object::{object, strings, text};

fn report(report: &Report) -> JsValue {
    object([("valid", report.is_valid().into()), ("violations", strings(report.codes()))])
}

/// Validates a client metadata document (any JSON value): `{valid, violations}`.
#[wasm_bindgen(js_name = validateClientMetadata, unchecked_return_type = "MetadataReport")]
pub fn validate_client_metadata(#[wasm_bindgen(unchecked_param_type = "Json")] document: &JsValue) -> Js<JsValue> {
    validate(document, metadata::validate_client_metadata)
}

/// Validates an authorization server metadata document (any JSON value): `{valid, violations}`.
#[wasm_bindgen(js_name = validateServerMetadata, unchecked_return_type = "MetadataReport")]
pub fn validate_server_metadata(#[wasm_bindgen(unchecked_param_type = "Json")] document: &JsValue) -> Js<JsValue> {
    validate(document, metadata::validate_server_metadata)
}

/// `document` as `JSON.stringify` writes it, then `check`. Text past the binding's cap on JSON
/// text is also past the metadata size limit (a UTF-16 unit is one UTF-8 byte or more), so it is
/// `metadata.too_large`, the one answer FORMAT.md gives such a document, without being copied in.
fn validate(document: &JsValue, check: fn(&serde_json::Value) -> Report) -> Js<JsValue> {
    let Some(text) = stringify(document) else { return Ok(report(&check(&serde_json::Value::Null))) };
    if args::units(&text).is_some_and(|n| n > TEXT_UNITS) {
        return Ok(report(&Report::too_large()));
    }
    Ok(report(&check(&text_to_value(&text, "document")?)))
}

/// Checks one redirect URI of the client whose `client_uri` is `clientUri`:
/// `{valid, violation}`. A `clientUri` that is not a valid base is `input.invalid`.
// Declared in types.d.ts (`stage` and `registered` optional).
#[wasm_bindgen(js_name = checkRedirectUri, skip_typescript)]
pub fn check_redirect_uri(
    redirect_uri: &JsValue,
    client_uri: &JsValue,
    application_type: &JsValue,
    stage: &JsValue,
    registered: &JsValue,
) -> Js<JsValue> {
    let redirect_uri = args::string(redirect_uri, "redirectUri", URI_UNITS)?;
    let client_uri = args::string(client_uri, "clientUri", URI_UNITS)?;
    let application_type =
        error::named("applicationType", application_type, ApplicationType::from_name, "`web` or `native`")?;
    let stage = match stage {
        none if args::is_none(none) => Stage::default(),
        name => error::named("stage", name, Stage::from_name, "`registration` or `authorization`")?,
    };
    let registered = args::optional_strings(registered, "registered", URI_UNITS, URI_UNITS)?.unwrap_or_default();
    let registered: Vec<&str> = registered.iter().map(String::as_str).collect();
    let violation =
        metadata::check_redirect_uri_of(&redirect_uri, &client_uri, application_type, stage, &registered).js()?;
    Ok(object([("valid", violation.is_none().into()), ("violation", text(violation.map(|v| v.code())))]))
}
