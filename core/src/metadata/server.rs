//! Authorization-server metadata from `GET /_matrix/client/v1/auth_metadata` (spec notes 5.1,
//! MSC2965, RFC 8414).
//!
//! Nine fields are required, with "at least" semantics for the lists: `code`;
//! `authorization_code` and `refresh_token`; `query` and `fragment`; `S256`. Endpoints are https
//! URIs without a fragment (RFC 6749 section 3.1); the issuer also has no query (RFC 8414
//! section 2). The optional account-management (MSC4191) and device-authorization (RFC 8628)
//! fields are checked when present; unknown actions and prompt values are ignored.

use serde_json::{Map, Value};

use super::{Check, Field, Report, Rule, document, https_field, strings};

const ISSUER_CHECKS: &[Check] = &[Check::Fragment, Check::Query, Check::Userinfo, Check::Https, Check::Host];
const ENDPOINT_CHECKS: &[Check] = &[Check::Fragment, Check::Userinfo, Check::Https, Check::Host];
/// `account.url` keeps the query and the fragment of the account-management URI.
const ACCOUNT_CHECKS: &[Check] = &[Check::Userinfo, Check::Https, Check::Host];

/// A URI field: whether it is required, and its checks after syntax.
struct UriField {
    field: Field,
    required: bool,
    checks: &'static [Check],
}

const URI_FIELDS: &[UriField] = &[
    UriField { field: Field::Issuer, required: true, checks: ISSUER_CHECKS },
    UriField { field: Field::AuthorizationEndpoint, required: true, checks: ENDPOINT_CHECKS },
    UriField { field: Field::TokenEndpoint, required: true, checks: ENDPOINT_CHECKS },
    UriField { field: Field::RevocationEndpoint, required: true, checks: ENDPOINT_CHECKS },
    UriField { field: Field::RegistrationEndpoint, required: true, checks: ENDPOINT_CHECKS },
    UriField { field: Field::DeviceAuthorizationEndpoint, required: false, checks: ENDPOINT_CHECKS },
    UriField { field: Field::AccountManagementUri, required: false, checks: ACCOUNT_CHECKS },
];

/// A list-of-strings field: whether it is required, and the values it must contain, each with
/// the rule a missing value breaks.
struct ListField {
    field: Field,
    required: bool,
    needs: &'static [(&'static str, Rule)],
}

const LIST_FIELDS: &[ListField] = &[
    ListField { field: Field::ResponseTypesSupported, required: true, needs: &[("code", Rule::MissingCode)] },
    ListField {
        field: Field::GrantTypesSupported,
        required: true,
        needs: &[("authorization_code", Rule::MissingAuthorizationCode), ("refresh_token", Rule::MissingRefreshToken)],
    },
    ListField {
        field: Field::ResponseModesSupported,
        required: true,
        needs: &[("query", Rule::MissingQuery), ("fragment", Rule::MissingFragment)],
    },
    ListField { field: Field::CodeChallengeMethodsSupported, required: true, needs: &[("S256", Rule::MissingS256)] },
    ListField { field: Field::AccountManagementActionsSupported, required: false, needs: &[] },
    ListField { field: Field::PromptValuesSupported, required: false, needs: &[] },
];

/// Validates an authorization-server metadata document (any JSON value). The report is empty
/// exactly when the document is valid.
pub fn validate_server_metadata(metadata: &Value) -> Report {
    match document(metadata) {
        Ok(fields) => validate_fields(fields),
        Err(report) => report,
    }
}

fn validate_fields(fields: &Map<String, Value>) -> Report {
    let mut report = Report::default();
    for &UriField { field, required, checks } in URI_FIELDS {
        let Some(value) = present(fields, field, required, &mut report) else { continue };
        match value.as_str() {
            None => report.add(field, Rule::InvalidType),
            Some(uri) => {
                if let Err(rule) = https_field(uri, checks, None) {
                    report.add(field, rule);
                }
            }
        }
    }
    for &ListField { field, required, needs } in LIST_FIELDS {
        let Some(value) = present(fields, field, required, &mut report) else { continue };
        let Some(values) = strings(value) else {
            report.add(field, Rule::InvalidType);
            continue;
        };
        for &(needle, rule) in needs {
            if !values.contains(&needle) {
                report.add(field, rule);
            }
        }
    }
    report
}

/// The field's value, or `None` after reporting `missing` for an absent required field.
fn present<'a>(fields: &'a Map<String, Value>, field: Field, required: bool, report: &mut Report) -> Option<&'a Value> {
    let value = fields.get(field.name());
    if value.is_none() && required {
        report.add(field, Rule::Missing);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "issuer": "https://account.example.com/",
            "authorization_endpoint": "https://account.example.com/oauth2/auth",
            "token_endpoint": "https://account.example.com/oauth2/token",
            "revocation_endpoint": "https://account.example.com/oauth2/revoke",
            "registration_endpoint": "https://account.example.com/oauth2/registration",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "response_modes_supported": ["query", "fragment"],
            "code_challenge_methods_supported": ["S256"],
        })
    }

    fn with(key: &str, value: Value) -> Vec<&'static str> {
        let mut metadata = valid();
        if let Some(fields) = metadata.as_object_mut() {
            fields.insert(key.to_owned(), value);
        }
        validate_server_metadata(&metadata).codes()
    }

    #[test]
    fn the_required_fields() {
        assert!(validate_server_metadata(&valid()).is_valid());
        assert_eq!(validate_server_metadata(&json!({})).codes().len(), 9);
        assert_eq!(validate_server_metadata(&json!("x")).codes(), ["metadata.invalid_type"]);
    }

    #[test]
    fn issuer_rules_in_order() {
        assert_eq!(with("issuer", json!("http://u@account.example.com/?q#f")), ["issuer.fragment"]);
        assert_eq!(with("issuer", json!("http://u@account.example.com/?")), ["issuer.query"]);
        assert_eq!(with("issuer", json!("https:///")), ["issuer.host"]);
        assert_eq!(with("issuer", json!(null)), ["issuer.invalid_type"]);
    }

    #[test]
    fn lists_need_their_values() {
        assert_eq!(
            with("grant_types_supported", json!([])),
            ["grant_types_supported.missing_authorization_code", "grant_types_supported.missing_refresh_token"]
        );
        assert_eq!(
            with("code_challenge_methods_supported", json!(["s256"])),
            ["code_challenge_methods_supported.missing_s256"]
        );
        assert_eq!(with("response_types_supported", json!(["code", 1])), ["response_types_supported.invalid_type"]);
    }

    #[test]
    fn optional_fields() {
        assert!(with("account_management_uri", json!("https://a.example/account?x#/sessions")).is_empty());
        assert_eq!(with("account_management_uri", json!("http://a.example/")), ["account_management_uri.not_https"]);
        assert_eq!(
            with("device_authorization_endpoint", json!("https://x/d#f")),
            ["device_authorization_endpoint.fragment"]
        );
        assert!(with("account_management_actions_supported", json!(["com.example.custom"])).is_empty());
        assert_eq!(with("prompt_values_supported", json!([null])), ["prompt_values_supported.invalid_type"]);
    }
}
