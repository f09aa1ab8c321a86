//! Client metadata for dynamic client registration (spec notes 5.4, MSC2966, RFC 7591).
//!
//! `client_uri` is the common base: logo, terms-of-service, policy and redirect URIs must sit on
//! its host or a subdomain. A client of the authorization-code grant needs `refresh_token`, the
//! `code` response type and at least one redirect URI; unknown grant and response types are
//! ignored (the server MUST ignore them). A check that depends on an invalid field (the base, the
//! application type, the grant types) is skipped: the document is already invalid through that
//! field's own violation. `jwks` and `jwks_uri` must not both be present (RFC 7591 section 2);
//! neither is otherwise checked.

use serde_json::{Map, Value};

use super::redirect::{self, ApplicationType, Stage};
use super::{Check, ClientBase, Field, Report, Rule, document, https_field, strings};

const AUTHORIZATION_CODE: &str = "authorization_code";
const CLIENT_CREDENTIALS: &str = "client_credentials";

/// Validates a client metadata document (any JSON value). The report is empty exactly when the
/// document is valid.
pub fn validate_client_metadata(metadata: &Value) -> Report {
    match document(metadata) {
        Ok(fields) => validate_fields(fields),
        Err(report) => report,
    }
}

fn validate_fields(fields: &Map<String, Value>) -> Report {
    let mut report = Report::default();
    let base = client_uri(fields, &mut report);
    localizable_fields(fields, base.as_ref(), &mut report);
    let application_type = application_type(fields, &mut report);
    let grant_types = grant_types(fields, &mut report);
    let code_grant = grant_types.as_ref().map(|grants| grants.contains(&AUTHORIZATION_CODE));
    if code_grant == Some(true) && grant_types.as_ref().is_some_and(|g| !g.contains(&"refresh_token")) {
        report.add(Field::GrantTypes, Rule::MissingRefreshToken);
    }
    response_types(fields, code_grant == Some(true), &mut report);
    redirect_uris(fields, code_grant == Some(true), base.as_ref(), application_type, &mut report);
    token_endpoint_auth_method(fields, grant_types.as_deref(), &mut report);
    jwks(fields, &mut report);
    report
}

/// `client_uri`: required, an https URI without userinfo; its host is the base when valid.
fn client_uri(fields: &Map<String, Value>, report: &mut Report) -> Option<ClientBase> {
    let Some(value) = fields.get("client_uri") else {
        report.add(Field::ClientUri, Rule::Missing);
        return None;
    };
    let Some(text) = value.as_str() else {
        report.add(Field::ClientUri, Rule::InvalidType);
        return None;
    };
    ClientBase::parse(text).map_err(|rule| report.add(Field::ClientUri, rule)).ok()
}

/// `client_name`, `logo_uri`, `tos_uri`, `policy_uri` and their `#TAG` variants (RFC 7591
/// section 2.2), each reported under the field name without the tag.
fn localizable_fields(fields: &Map<String, Value>, base: Option<&ClientBase>, report: &mut Report) {
    for (key, value) in fields {
        let name = key.split_once('#').map_or(key.as_str(), |(name, _tag)| name);
        let field = match name {
            "client_name" => Field::ClientName,
            "logo_uri" => Field::LogoUri,
            "tos_uri" => Field::TosUri,
            "policy_uri" => Field::PolicyUri,
            _ => continue,
        };
        match value.as_str() {
            None => report.add(field, Rule::InvalidType),
            Some(_) if field == Field::ClientName => {}
            Some(uri) => {
                if let Err(rule) = https_field(uri, &[Check::Userinfo, Check::Https, Check::Host], base) {
                    report.add(field, rule);
                }
            }
        }
    }
}

/// `application_type`: `web` when absent; `None` when invalid.
fn application_type(fields: &Map<String, Value>, report: &mut Report) -> Option<ApplicationType> {
    let Some(value) = fields.get("application_type") else { return Some(ApplicationType::Web) };
    let Some(name) = value.as_str() else {
        report.add(Field::ApplicationType, Rule::InvalidType);
        return None;
    };
    let parsed = ApplicationType::from_name(name);
    if parsed.is_none() {
        report.add(Field::ApplicationType, Rule::Unknown);
    }
    parsed
}

/// `grant_types`: `["authorization_code"]` when absent (RFC 7591); `None` when invalid.
fn grant_types<'a>(fields: &'a Map<String, Value>, report: &mut Report) -> Option<Vec<&'a str>> {
    let Some(value) = fields.get("grant_types") else { return Some(vec![AUTHORIZATION_CODE]) };
    let grants = strings(value);
    if grants.is_none() {
        report.add(Field::GrantTypes, Rule::InvalidType);
    }
    grants
}

/// `response_types`: `["code"]` when absent (RFC 7591); a code-grant client needs `code`.
fn response_types(fields: &Map<String, Value>, code_grant: bool, report: &mut Report) {
    let Some(value) = fields.get("response_types") else { return };
    match strings(value) {
        None => report.add(Field::ResponseTypes, Rule::InvalidType),
        Some(types) if code_grant && !types.contains(&"code") => report.add(Field::ResponseTypes, Rule::MissingCode),
        Some(_) => {}
    }
}

/// `redirect_uris`: required and non-empty for a code-grant client; every string item is checked
/// with the redirect rules at registration, whatever the grant types.
fn redirect_uris(
    fields: &Map<String, Value>,
    code_grant: bool,
    base: Option<&ClientBase>,
    application_type: Option<ApplicationType>,
    report: &mut Report,
) {
    let Some(value) = fields.get("redirect_uris") else {
        if code_grant {
            report.add(Field::RedirectUris, Rule::Missing);
        }
        return;
    };
    let Some(items) = value.as_array() else {
        report.add(Field::RedirectUris, Rule::InvalidType);
        return;
    };
    if code_grant && items.is_empty() {
        report.add(Field::RedirectUris, Rule::Empty);
    }
    for item in items {
        match item.as_str() {
            None => report.add(Field::RedirectUris, Rule::InvalidType),
            Some(uri) => {
                if let Err(rule) = redirect::check(uri, base, application_type, Stage::Registration, &[]) {
                    report.add(Field::RedirectUris, rule);
                }
            }
        }
    }
}

/// `token_endpoint_auth_method`: `client_secret_basic` when absent (RFC 7591); the
/// `client_credentials` grant needs client authentication, so not `none`.
fn token_endpoint_auth_method(fields: &Map<String, Value>, grant_types: Option<&[&str]>, report: &mut Report) {
    let Some(value) = fields.get("token_endpoint_auth_method") else { return };
    let Some(method) = value.as_str() else {
        report.add(Field::TokenEndpointAuthMethod, Rule::InvalidType);
        return;
    };
    if method == "none" && grant_types.is_some_and(|grants| grants.contains(&CLIENT_CREDENTIALS)) {
        report.add(Field::TokenEndpointAuthMethod, Rule::NoneNotAllowed);
    }
}

/// `jwks` and `jwks_uri`: RFC 7591 section 2, "MUST NOT both be present". Only their presence
/// counts, whatever their JSON types (`null` included); neither is validated otherwise.
fn jwks(fields: &Map<String, Value>, report: &mut Report) {
    if fields.contains_key("jwks") && fields.contains_key("jwks_uri") {
        report.add(Field::Jwks, Rule::WithJwksUri);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(metadata: Value) -> Vec<&'static str> {
        validate_client_metadata(&metadata).codes()
    }

    #[test]
    fn a_minimal_code_grant_client_is_valid() {
        let metadata = json!({
            "client_uri": "https://example.com/",
            "redirect_uris": ["https://example.com/cb"],
            "grant_types": ["authorization_code", "refresh_token"],
        });
        assert!(validate_client_metadata(&metadata).is_valid());
    }

    #[test]
    fn an_empty_object_lacks_the_code_grant_fields() {
        assert_eq!(
            codes(json!({})),
            ["client_uri.missing", "grant_types.missing_refresh_token", "redirect_uris.missing"]
        );
        assert_eq!(codes(json!([])), ["metadata.invalid_type"]);
    }

    #[test]
    fn localized_uris_share_the_base() {
        let metadata = json!({
            "client_uri": "https://example.com/",
            "grant_types": [],
            "tos_uri#fr": "https://evil.com/fr",
            "policy_uri#de-CH": "http://example.com/p",
            "client_uri#fr": "http://evil.com/",
            "client_name#fr": null,
        });
        assert_eq!(codes(metadata), ["client_name.invalid_type", "policy_uri.not_https", "tos_uri.host"]);
    }

    #[test]
    fn invalid_dependencies_skip_dependent_checks() {
        let metadata = json!({
            "client_uri": "http://example.com/",
            "logo_uri": "https://evil.com/l.png",
            "grant_types": null,
            "response_types": ["token"],
            "application_type": "tv",
            "redirect_uris": ["http://evil.com/cb", "https://u@evil.com/cb"],
        });
        assert_eq!(
            codes(metadata),
            ["application_type.unknown", "client_uri.not_https", "grant_types.invalid_type", "redirect_uris.userinfo"]
        );
    }

    #[test]
    fn client_credentials_needs_authentication() {
        let metadata = json!({
            "client_uri": "https://example.com/",
            "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "none",
        });
        assert_eq!(codes(metadata), ["token_endpoint_auth_method.none_not_allowed"]);
    }

    #[test]
    fn jwks_and_jwks_uri_exclude_each_other() {
        let base = json!({"client_uri": "https://example.com/", "grant_types": []});
        let with = |extra: Value| {
            let mut metadata = base.clone();
            metadata.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            codes(metadata)
        };
        assert!(with(json!({"jwks": {"keys": []}})).is_empty());
        assert!(with(json!({"jwks_uri": "https://example.com/jwks.json"})).is_empty());
        assert_eq!(
            with(json!({"jwks": {"keys": []}, "jwks_uri": "https://example.com/jwks.json"})),
            ["jwks.with_jwks_uri"]
        );
        // whatever the types, null included; neither field is type-checked
        assert_eq!(with(json!({"jwks": 3, "jwks_uri": "https://example.com/jwks.json"})), ["jwks.with_jwks_uri"]);
        assert_eq!(with(json!({"jwks": null, "jwks_uri": null})), ["jwks.with_jwks_uri"]);
        // sorted among the other violations
        assert_eq!(
            with(json!({"jwks": {}, "jwks_uri": 5, "client_name": 5, "tos_uri": "https://evil.com/tos"})),
            ["client_name.invalid_type", "jwks.with_jwks_uri", "tos_uri.host"]
        );
        assert!(with(json!({"jwks#fr": {}, "jwks_uri": "https://example.com/jwks.json"})).is_empty());
    }
}
