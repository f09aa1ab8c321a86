//! Laws of the registration checks: no panic on any string or JSON value, reports sorted and
//! distinct and empty exactly when valid, and agreement with the `url` crate: on plain https URIs,
//! and on every URI whose host a check may accept (the url crate reads it, with the written port).

use matrix_authz::metadata::uri::{HostKind, Uri};
use matrix_authz::metadata::{
    ApplicationType, ClientBase, Report, Stage, check_redirect_uri, validate_client_metadata, validate_server_metadata,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Strings biased towards URI syntax, so that the deeper checks run.
fn uri_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9:/?#\\[\\]@!$&'()*+,;=%._~ -]{0,40}",
        (
            prop::sample::select(vec!["https", "HTTP", "http", "com.example.app", "com.exampleevil", "x"]),
            prop::sample::select(vec!["://", ":/", ":", ":///"]),
            "([a-z0-9@]{0,8}\\.){0,3}(example\\.com|localhost|127\\.0\\.0\\.1|\\[::1\\]|[a-z]{0,5})",
            "(:[0-9]{0,6})?",
            "(/[a-zA-Z0-9%._~#?-]{0,10}){0,3}",
        )
            .prop_map(|(s, sep, host, port, path)| format!("{s}{sep}{host}{port}{path}")),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "client_uri",
        "redirect_uris",
        "grant_types",
        "response_types",
        "application_type",
        "token_endpoint_auth_method",
        "logo_uri",
        "tos_uri#fr",
        "client_name",
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "response_modes_supported",
        "code_challenge_methods_supported",
        "account_management_uri",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        uri_like().prop_map(Value::String),
        prop::sample::select(vec!["authorization_code", "refresh_token", "code", "none", "native", "S256"])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|pairs| Value::Object(
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>()
            )),
        ]
    })
}

fn assert_well_formed(report: &Report) {
    let codes = report.codes();
    assert!(codes.windows(2).all(|w| matches!(w, [a, b] if a < b)), "not sorted and distinct: {codes:?}");
    assert_eq!(report.is_valid(), codes.is_empty());
    assert!(codes.iter().all(|c| c.split_once('.').is_some_and(|(f, r)| !f.is_empty() && !r.is_empty())));
}

proptest! {
    #[test]
    fn redirect_check_never_panics(uri in uri_like(), client in uri_like(), registered in prop::collection::vec(uri_like(), 0..3)) {
        let registered: Vec<&str> = registered.iter().map(String::as_str).collect();
        let base = ClientBase::parse(&client).ok().unwrap_or_else(|| ClientBase::parse("https://example.com/").unwrap());
        for app in [ApplicationType::Web, ApplicationType::Native] {
            for stage in [Stage::Registration, Stage::Authorization] {
                if let Err(v) = check_redirect_uri(&uri, &base, app, stage, &registered) {
                    prop_assert!(v.code().starts_with("redirect_uri."));
                }
            }
        }
    }

    #[test]
    fn uri_parse_never_panics_and_keeps_the_text(text in uri_like()) {
        if let Ok(uri) = Uri::parse(&text) {
            prop_assert_eq!(uri.as_str(), text.as_str());
            prop_assert!(text.is_ascii());
            if let Some(stripped) = uri.without_port() {
                prop_assert!(stripped.len() < text.len() || uri.port() == Some(""));
            }
        }
    }

    #[test]
    fn metadata_validation_never_panics(value in json_value()) {
        assert_well_formed(&validate_client_metadata(&value));
        assert_well_formed(&validate_server_metadata(&value));
        let wrapped = serde_json::json!({ "metadata": value });
        for op in ["client_metadata.validate", "server_metadata.validate"] {
            let answer = matrix_authz::json::evaluate(op, &wrapped);
            prop_assert!(answer.is_ok(), "{op}: {answer:?}");
        }
    }

    /// A host the checks may accept is one the url crate reads, and the pre-check's layout keeps
    /// what WHATWG hides: a written port is the url crate's port or the scheme's default (which
    /// `port()` drops), an absent one is absent; a non-empty WHATWG userinfo is written.
    #[test]
    fn usable_hosts_are_read_by_the_url_crate(text in uri_like()) {
        let Ok(uri) = Uri::parse(&text) else { return Ok(()) };
        if !uri.host_kind().is_some_and(HostKind::is_usable) {
            return Ok(());
        }
        let url = url::Url::parse(&text);
        prop_assert!(url.is_ok(), "{text:?}: {url:?}");
        let url = url.unwrap();
        match uri.port() {
            None => prop_assert_eq!(url.port(), None),
            Some("") => prop_assert_eq!(url.port(), None),
            Some(port) => prop_assert_eq!(url.port_or_known_default(), port.parse::<u16>().ok()),
        }
        if !url.username().is_empty() || url.password().is_some() {
            prop_assert!(uri.userinfo().is_some());
        }
        prop_assert_eq!(url.query().is_some(), uri.query().is_some());
        prop_assert_eq!(url.fragment().is_some(), uri.fragment().is_some());
    }

    /// On plain https URIs (DNS host, optional port, simple path and query) the RFC 3986 reading
    /// and the `url` crate's WHATWG reading agree on the host and the port.
    #[test]
    fn agrees_with_the_url_crate_on_plain_uris(
        scheme in prop::sample::select(vec!["https", "HTTPS", "Https"]),
        labels in prop::collection::vec("[a-zA-Z][a-zA-Z0-9-]{0,8}[a-zA-Z0-9]", 1..4),
        port in prop::option::of(1u16..),
        path in "(/[a-zA-Z0-9._~!$&'()*+,;=:@-]{0,8}){0,3}",
        query in prop::option::of("[a-zA-Z0-9=&/?-]{0,10}"),
    ) {
        let host = labels.join(".");
        // A reserved `xn--` label must be valid punycode for the WHATWG parser; not generated.
        prop_assume!(!host.to_ascii_lowercase().contains("xn--"));
        let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
        let query_text = query.map(|q| format!("?{q}")).unwrap_or_default();
        let text = format!("{scheme}://{host}{port_text}{path}{query_text}");
        let ours = Uri::parse(&text).unwrap();
        let theirs = url::Url::parse(&text).unwrap();
        let our_host = ours.host().map(str::to_ascii_lowercase);
        prop_assert_eq!(our_host.as_deref(), theirs.host_str());
        prop_assert_eq!(ours.port().map(|p| p.parse::<u16>().unwrap()), port);
        prop_assert_eq!(theirs.port_or_known_default(), Some(port.unwrap_or(443)));
        prop_assert_eq!(ours.query(), theirs.query());
    }
}
