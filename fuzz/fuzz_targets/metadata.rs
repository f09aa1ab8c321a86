//! Registration checks on arbitrary JSON and URLs.
//!
//! Input layout: if the first byte is `{`, `[` or another JSON start, the whole input is a
//! metadata document given to both validators; otherwise it is lines: the `client_uri`, the
//! redirect URI, then the registered URIs.
//!
//! Invariant: no panic; a report's codes are sorted, distinct, each `FIELD.RULE` with the
//! field's own name, empty exactly when valid, and `metadata.too_large` stands alone; a URI
//! that parses keeps its text; a redirect URI accepted at registration is accepted at
//! authorization when registered as is, and the authorization stage fails exactly as the
//! registration stage does on every check they share (all but the loopback port); every URI
//! line's host kind is the `url` crate's reading (`check_uri_against_url`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_authz::metadata::uri::Uri;
use matrix_authz::metadata::{
    ApplicationType, ClientBase, Report, Rule, Stage, check_redirect_uri, validate_client_metadata,
    validate_server_metadata,
};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(document) = serde_json::from_str::<Value>(&text) {
        check_report(&validate_client_metadata(&document));
        check_report(&validate_server_metadata(&document));
        return;
    }
    let mut lines = text.split('\n');
    let (Some(client_uri), Some(redirect_uri)) = (lines.next(), lines.next()) else { return };
    let registered: Vec<&str> = lines.collect();
    for uri in [client_uri, redirect_uri].iter().chain(&registered) {
        matrix_authz_fuzz::check_uri_against_url(uri);
    }
    for uri in [client_uri, redirect_uri] {
        if let Ok(parsed) = Uri::parse(uri) {
            assert_eq!(parsed.as_str(), uri);
        }
    }
    let Ok(base) = ClientBase::parse(client_uri) else { return };
    for app in [ApplicationType::Web, ApplicationType::Native] {
        let at_registration = check_redirect_uri(redirect_uri, &base, app, Stage::Registration, &registered);
        assert_eq!(at_registration, check_redirect_uri(redirect_uri, &base, app, Stage::Registration, &[]));
        let at_authorization = check_redirect_uri(redirect_uri, &base, app, Stage::Authorization, &registered);
        let rule = |result: Result<(), matrix_authz::metadata::Violation>| result.map_err(|v| v.rule);
        match rule(at_registration) {
            Ok(()) | Err(Rule::Port) => assert!(
                matches!(rule(at_authorization), Ok(()) | Err(Rule::NotRegistered)),
                "{redirect_uri:?}: {at_authorization:?}"
            ),
            Err(v) => assert_eq!(rule(at_authorization), Err(v), "{redirect_uri:?}"),
        }
        if at_registration.is_ok() {
            let itself = check_redirect_uri(redirect_uri, &base, app, Stage::Authorization, &[redirect_uri]);
            assert_eq!(itself, Ok(()), "{redirect_uri:?} registered but not accepted");
        }
        if let Err(v) = at_authorization {
            assert!(v.code().starts_with("redirect_uri."));
        }
    }
});

fn check_report(report: &Report) {
    let codes = report.codes();
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
    assert_eq!(report.is_valid(), codes.is_empty());
    for v in report.violations() {
        let code = v.code();
        let rule = code.strip_prefix(v.field.name()).and_then(|r| r.strip_prefix('.'));
        assert!(rule.is_some_and(|r| !r.is_empty() && !r.contains('.')), "{code}");
    }
    if codes.contains(&"metadata.too_large") {
        assert_eq!(codes, ["metadata.too_large"]);
    }
}
