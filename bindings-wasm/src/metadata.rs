//! Registration checks (feature `metadata`): redirect URIs, client and server metadata.

use js_sys::{Array, Object, Reflect};
use matrix_authz::metadata::{self, ApplicationType, Report, Stage};
use wasm_bindgen::prelude::*;

use crate::error::{self, IntoJs};
use crate::json::to_value;

fn report(report: &Report) -> Result<JsValue, JsValue> {
    let result = Object::new();
    Reflect::set(&result, &"valid".into(), &report.is_valid().into())?;
    let codes: Array = report.codes().into_iter().map(JsValue::from_str).collect();
    Reflect::set(&result, &"violations".into(), &codes)?;
    Ok(result.into())
}

/// Validates a client metadata document (any JSON value): `{valid, violations}`.
#[wasm_bindgen(js_name = validateClientMetadata, unchecked_return_type = "MetadataReport")]
pub fn validate_client_metadata(
    #[wasm_bindgen(unchecked_param_type = "Json")] document: &JsValue,
) -> Result<JsValue, JsValue> {
    report(&metadata::validate_client_metadata(&to_value(document)?))
}

/// Validates an authorization server metadata document (any JSON value): `{valid, violations}`.
#[wasm_bindgen(js_name = validateServerMetadata, unchecked_return_type = "MetadataReport")]
pub fn validate_server_metadata(
    #[wasm_bindgen(unchecked_param_type = "Json")] document: &JsValue,
) -> Result<JsValue, JsValue> {
    report(&metadata::validate_server_metadata(&to_value(document)?))
}

/// Checks one redirect URI of the client whose `client_uri` is `clientUri`:
/// `{valid, violation}`. A `clientUri` that is not a valid base is `input.invalid`.
#[wasm_bindgen(js_name = checkRedirectUri, unchecked_return_type = "RedirectCheck")]
pub fn check_redirect_uri(
    #[wasm_bindgen(js_name = redirectUri)] redirect_uri: &str,
    #[wasm_bindgen(js_name = clientUri)] client_uri: &str,
    #[wasm_bindgen(js_name = applicationType, unchecked_param_type = "ApplicationType")] application_type: &str,
    #[wasm_bindgen(unchecked_param_type = "RedirectStage | undefined")] stage: Option<String>,
    registered: Option<Vec<String>>,
) -> Result<JsValue, JsValue> {
    let application_type = ApplicationType::from_name(application_type)
        .ok_or_else(|| error::input_invalid("`applicationType` must be `web` or `native`"))?;
    let stage = match stage {
        None => Stage::default(),
        Some(name) => Stage::from_name(&name)
            .ok_or_else(|| error::input_invalid("`stage` must be `registration` or `authorization`"))?,
    };
    let registered = registered.unwrap_or_default();
    let registered: Vec<&str> = registered.iter().map(String::as_str).collect();
    let violation =
        metadata::check_redirect_uri_of(redirect_uri, client_uri, application_type, stage, &registered).js()?;
    let result = Object::new();
    Reflect::set(&result, &"valid".into(), &violation.is_none().into())?;
    let code = violation.map_or(JsValue::NULL, |v| JsValue::from_str(v.code()));
    Reflect::set(&result, &"violation".into(), &code)?;
    Ok(result.into())
}
