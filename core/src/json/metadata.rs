//! JSON glue of the registration ops (`redirect_uri.check`, `client_metadata.validate`,
//! `server_metadata.validate`; feature `metadata`).

use serde_json::Value;

use crate::error::Error;
use crate::json::input::{Fields, Input};
use crate::json::object;
use crate::metadata::{self, ApplicationType, Report, Stage};

/// `redirect_uri.check`: `{"valid", "violation"}`. A `client_uri` that is not a valid base is
/// malformed input, since every other check depends on it.
pub fn redirect_uri_check(input: &Value) -> Result<Value, Error> {
    reject_null(input, &["stage", "registered"])?;
    let fields = Input::new(input, "input")?;
    let redirect_uri = fields.str("redirect_uri")?;
    let client_uri = fields.str("client_uri")?;
    let application_type = fields
        .opt_enum("application_type", ApplicationType::from_name, "`web` or `native`")?
        .ok_or_else(|| Error::input("`input.application_type` is required"))?;
    let stage = fields.opt_enum("stage", Stage::from_name, "`registration` or `authorization`")?.unwrap_or_default();
    let registered = fields.opt_strs("registered")?.unwrap_or_default();
    let violation = metadata::check_redirect_uri_of(redirect_uri, client_uri, application_type, stage, &registered)?;
    Ok(object([("valid", violation.is_none().into()), ("violation", violation.map(|v| v.code()).into())]))
}

/// `client_metadata.validate`: `{"valid", "violations"}`.
pub fn client_metadata_validate(input: &Value) -> Result<Value, Error> {
    Ok(report(&metadata::validate_client_metadata(document(input)?)))
}

/// `server_metadata.validate`: `{"valid", "violations"}`.
pub fn server_metadata_validate(input: &Value) -> Result<Value, Error> {
    Ok(report(&metadata::validate_server_metadata(document(input)?)))
}

/// The `metadata` field, whatever its JSON type (`null` included: it is a document to judge).
fn document(input: &Value) -> Result<&Value, Error> {
    let fields = input.as_object().ok_or_else(|| Error::input("`input` must be an object"))?;
    fields.get("metadata").ok_or_else(|| Error::input("`input.metadata` is required"))
}

/// Optional fields given as `null` are malformed, not absent (`CHOICES-registration.md` 3).
fn reject_null(input: &Value, names: &[&str]) -> Result<(), Error> {
    match names.iter().find(|name| input.get(**name).is_some_and(Value::is_null)) {
        Some(name) => Err(Error::input(format!("`input.{name}` must not be null"))),
        None => Ok(()),
    }
}

fn report(report: &Report) -> Value {
    object([("valid", report.is_valid().into()), ("violations", report.codes().into())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redirect_answers() {
        let input = json!({"redirect_uri": "com.exampleevil:/cb", "client_uri": "https://example.com/", "application_type": "native"});
        assert_eq!(redirect_uri_check(&input).unwrap(), json!({"valid": false, "violation": "redirect_uri.scheme"}));
        let input = json!({"redirect_uri": "x:/", "client_uri": "http://example.com/", "application_type": "native"});
        assert_eq!(redirect_uri_check(&input).unwrap_err().code(), "input.invalid");
        let input = json!({"redirect_uri": "x:/", "client_uri": "https://example.com/", "application_type": "web", "stage": null});
        assert_eq!(redirect_uri_check(&input).unwrap_err().code(), "input.invalid");
    }

    #[test]
    fn metadata_may_be_null_but_not_absent() {
        assert_eq!(
            client_metadata_validate(&json!({"metadata": null})).unwrap(),
            json!({"valid": false, "violations": ["metadata.invalid_type"]})
        );
        assert_eq!(server_metadata_validate(&json!({})).unwrap_err().code(), "input.invalid");
    }
}
