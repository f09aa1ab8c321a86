//! Laws of the registration checks: no panic on any string or JSON value, reports sorted and
//! distinct and empty exactly when valid, and agreement with `url::Url::parse`: on plain https
//! URIs; on every URI whose host a check may accept (the url crate reads it, with the same host
//! and the written port); on every redirect URI the validator accepts (the url crate's host is
//! the written one, under the base); and, on URIs from a grammar rich in host corner cases (IDNA
//! `xn--` labels, escapes, IPv4 shorthands, IPv6 and IPvFuture literals, `file` hosts), the host
//! kind is the url crate's reading, refused exactly when the url crate refuses or empties the
//! host or the contract's non-ASCII rule applies. `PROPTEST_CASES` raises the case count.

use matrix_authz::metadata::uri::{HostKind, Uri, is_ip_host};
use matrix_authz::metadata::{
    ApplicationType, ClientBase, Report, Stage, check_redirect_uri, validate_client_metadata, validate_server_metadata,
};
use proptest::prelude::*;
use serde_json::{Map, Value};
use url::{Host, Url};

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

fn one_of(items: &[&'static str]) -> impl Strategy<Value = String> + use<> {
    prop::sample::select(items.to_vec()).prop_map(str::to_owned)
}

const ESCAPES: &[&str] = &[
    "%00",
    "%01",
    "%09",
    "%20",
    "%2E",
    "%2e",
    "%41",
    "%61",
    "%5A",
    "%25",
    "%30",
    "%39",
    "%78",
    "%2D",
    "%2F",
    "%3A",
    "%3F",
    "%23",
    "%40",
    "%5B",
    "%5D",
    "%5C",
    "%5E",
    "%7C",
    "%3C",
    "%3E",
    "%7F",
    "%21",
    "%5F",
    "%7E",
    "%2B",
    "%22",
    "%60",
    "%7B",
    "%C3%A9",
    "%c3%a9",
    "%FF",
    "%80",
    "%E2%80%8D",
    "%78%6E--",
    "%6C",
];

const A_LABELS: &[&str] = &[
    "xn--bcher-kva",
    "XN--BCHER-KVA",
    "Xn--Bcher-Kva",
    "xn--mnchen-3ya",
    "xn--nxasmq6b",
    "xn--zca",
    "xn--ls8h",
    "xn--1ug",
    "xn--0ug",
    "xn--a-ecp",
    "xn--",
    "xn---",
    "xn--a-",
    "xn---abc",
    "xn---a-b",
    "xn--abc",
    "xn--a",
    "xn--99999999",
    "xn--zzzzzzzzzzzzz",
    "xn--ab!c",
    "xn--a_b-kva",
    "xn--ABC-kva",
    "xn--xn---kva",
    "xn--11",
    "xn--localhost-",
    "xn--u-ccb",
    "xn--9",
    "xn--ba",
    "xn--a-0ug",
    "xn--8",
    "xn--tda",
    "xn--w",
    "xn--4",
    "xn--a9",
];

/// One piece of a domain label.
fn label_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[0-9]{1,4}",
        2 => "0[xX][0-9a-fA-F]{0,9}",
        2 => "0[0-9]{1,12}",
        1 => "[0-9]{9,22}",
        4 => "[a-zA-Z]{1,6}",
        3 => "[a-zA-Z0-9-]{1,6}",
        4 => one_of(ESCAPES),
        3 => one_of(A_LABELS),
        1 => "xn--[a-zA-Z0-9-]{0,8}",
        1 => "[!$&'()*+,;=_~]",
        1 => one_of(&["localhost", "LOCALHOST", "LocalHost", "%6cocalhost", "local%68ost", "0x", "0X", "0", "00"]),
    ]
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(label_piece(), 1..=3).prop_map(|pieces| pieces.concat()),
        1 => Just(String::new()),
    ]
}

fn reg_name() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 1..=6), prop::bool::weighted(0.2)).prop_map(|(labels, trailing_dot)| {
        let mut name = labels.join(".");
        if trailing_dot {
            name.push('.');
        }
        name
    })
}

fn ipv4_part() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[0-9]{1,3}", 1 => "0[0-9]{1,3}", 1 => "[0-9]{4}", 1 => Just(String::new()), 1 => "[a-f]{1,2}"]
}

fn ipv6_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[0-9a-fA-F]{1,4}",
        1 => "[0-9a-fA-F]{5}",
        1 => Just(String::new()),
        1 => "[g-zG-Z.%]",
        2 => prop::collection::vec(ipv4_part(), 1..=5).prop_map(|parts| parts.join(".")),
    ]
}

fn ip_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (prop::collection::vec(ipv6_piece(), 0..=9), prop::option::of(0usize..10), prop::bool::weighted(0.1))
            .prop_map(|(pieces, compress, triple)| {
                let mut text = pieces.join(":");
                if let Some(at) = compress {
                    let cut = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).nth(at).unwrap_or(text.len());
                    text.insert_str(cut, if triple { ":::" } else { "::" });
                }
                format!("[{text}]")
            }),
        1 => one_of(&["[::]", "[::1]", "[1::]", "[::ffff:127.0.0.1]", "[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:1.2.3.4]",
            "[::1.2.3.4]", "[1:2:3:4:5:1.2.3.4]", "[1:2:3:4:5:6:7::]", "[::1:2:3:4:5:6:7]", "[:1]", "[1:]", "[]"]),
        2 => ("[vV]", "[0-9a-fA-FxZ]{0,3}", "\\.?", "[a-zA-Z0-9:._~!$&'()*+,;=-]{0,6}")
            .prop_map(|(v, version, dot, rest)| format!("[{v}{version}{dot}{rest}]")),
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => reg_name(),
        3 => ip_literal(),
        1 => "[a-zA-Z0-9%._~!$&'()*+,;=-]{0,12}",
        1 => Just(String::new()),
    ]
}

fn uri() -> impl Strategy<Value = String> {
    let scheme = one_of(&[
        "http",
        "https",
        "HTTPS",
        "ws",
        "WSS",
        "wss",
        "ftp",
        "FTP",
        "file",
        "FILE",
        "foo",
        "com.example.app",
        "a+b-c.d",
        "x",
        "httpx",
        "urn",
        "javascript",
    ]);
    let separator = prop_oneof![12 => Just("://"), 1 => Just(":"), 1 => Just(":/"), 1 => Just(":///")];
    let userinfo = prop::option::weighted(
        0.2,
        prop_oneof![
            one_of(&["", "u", "u:p", ":", "%41", "a%40b", "u:", "%C3%A9", "A"]),
            "[a-zA-Z0-9%:!$&'()*+,;=._~-]{0,6}"
        ],
    );
    let port =
        prop::option::weighted(0.3, one_of(&["", "80", "443", "0", "65535", "65536", "00443", "21", "8080", "x"]));
    let path =
        one_of(&["", "", "/", "/cb", "/./..//x", "/.//x", "//x", "/..", "/c:/x", "/%2e%2e/", "/a/../../b", "/[x]"]);
    let tail = one_of(&["", "", "?", "?q=1", "#", "#f", "?a#b", "#a#b"]);
    (scheme, separator, userinfo, host(), port, path, tail).prop_map(
        |(scheme, sep, userinfo, host, port, path, tail)| {
            let mut text = format!("{scheme}{sep}");
            if let Some(userinfo) = userinfo {
                text.push_str(&userinfo);
                text.push('@');
            }
            text.push_str(&host);
            if let Some(port) = port {
                text.push(':');
                text.push_str(&port);
            }
            format!("{text}{path}{tail}")
        },
    )
}

/// Whether the host's `%XX` escapes decode to a byte above 0x7F (the contract's non-ASCII rule).
fn escapes_non_ascii(host: &str) -> bool {
    host.split('%')
        .skip(1)
        .any(|rest| rest.get(..2).and_then(|hex| u8::from_str_radix(hex, 16).ok()).is_some_and(|b| b > 0x7f))
}

fn is_special(scheme: &str) -> bool {
    ["http", "https", "ws", "wss", "ftp", "file"].iter().any(|s| scheme.eq_ignore_ascii_case(s))
}

/// The host kind of `Uri::parse` is the url crate's reading of the whole URI.
fn host_kind_is_the_url_crates(text: &str) -> Result<(), TestCaseError> {
    let Ok(uri) = Uri::parse(text) else { return Ok(()) };
    prop_assert_eq!(uri.as_str(), text);
    let (Some(host), Some(kind)) = (uri.host(), uri.host_kind()) else { return Ok(()) };
    prop_assert_eq!(kind == HostKind::Empty, host.is_empty(), "{:?}", text);
    let url = Url::parse(text);
    match kind {
        HostKind::Empty => {}
        HostKind::Refused => prop_assert!(
            escapes_non_ascii(host) || url.as_ref().map_or(true, |url| url.host().is_none()),
            "{:?} refused, but the url crate reads {:?}",
            text,
            url
        ),
        _ => {
            prop_assert!(!escapes_non_ascii(host), "{:?}", text);
            let url = url.map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
            let expected = match url.host() {
                Some(Host::Ipv6(_)) => HostKind::Ipv6,
                Some(Host::Ipv4(address)) if address.to_string() == host => HostKind::Ipv4,
                Some(Host::Ipv4(_) | Host::Domain(_)) => HostKind::Name,
                None => HostKind::Refused,
            };
            prop_assert_eq!(kind, expected, "{:?}", text);
            // An opaque host (`foo://127.0.0.1/`) is a name for WHATWG; `is_ip_host` reads the
            // text alone.
            if is_special(uri.scheme()) {
                prop_assert_eq!(is_ip_host(host), matches!(kind, HostKind::Ipv4 | HostKind::Ipv6), "{:?}", text);
            }
            if !host.contains('%') && matches!(url.host(), Some(Host::Domain(_))) {
                let written = if is_special(uri.scheme()) { host.to_ascii_lowercase() } else { host.to_owned() };
                prop_assert_eq!(url.host_str(), Some(written.as_str()), "{:?}", text);
            }
        }
    }
    Ok(())
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
        if let Some(host) = uri.host().filter(|h| !h.contains('%') && matches!(url.host(), Some(Host::Domain(_)))) {
            prop_assert_eq!(url.host_str().map(str::to_owned), Some(host.to_ascii_lowercase()), "{:?}", text);
        }
        prop_assert_eq!(url.query().is_some(), uri.query().is_some());
        prop_assert_eq!(url.fragment().is_some(), uri.fragment().is_some());
    }

    /// A redirect URI the validator accepts has, for the url crate, the host written (lower-cased),
    /// under the client's base.
    #[test]
    fn accepted_redirect_uris_have_the_url_crates_host(uri in uri_like(), client in uri_like()) {
        let Ok(base) = ClientBase::parse(&client) else { return Ok(()) };
        for app in [ApplicationType::Web, ApplicationType::Native] {
            if check_redirect_uri(&uri, &base, app, Stage::Registration, &[]).is_err() {
                continue;
            }
            let parsed = Uri::parse(&uri).unwrap();
            let Some(host) = parsed.host() else { continue };
            let url = Url::parse(&uri);
            prop_assert!(url.is_ok(), "{:?} accepted, url crate: {:?}", uri, url);
            let url = url.unwrap();
            if !host.contains('%') && matches!(url.host(), Some(Host::Domain(_))) {
                prop_assert_eq!(url.host_str().map(str::to_owned), Some(host.to_ascii_lowercase()), "{:?}", uri);
            }
            if parsed.scheme().eq_ignore_ascii_case("https") {
                prop_assert!(base.covers_host(host), "{:?}", uri);
            }
        }
    }

    /// On URIs rich in host corner cases, the host kind is the url crate's reading.
    #[test]
    fn host_kinds_are_the_url_crates(text in uri()) {
        host_kind_is_the_url_crates(&text)?;
    }

    #[test]
    fn host_kinds_on_uri_characters(
        scheme in "(https?|file|ws|ftp|foo):(//)?",
        rest in "[a-zA-Z0-9:/?#\\[\\]@!$&'()*+,;=%._~-]{0,30}",
    ) {
        host_kind_is_the_url_crates(&format!("{scheme}{rest}"))?;
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
/// Named corners of the host grammar, each read as the url crate reads it.
#[test]
fn corners() {
    let cases = [
        "https://xn--bcher-kva.example/",
        "https://XN--BCHER-KVA.example/",
        "https://xn--a-.example/",
        "https://xn---abc.example/",
        "https://xn--1ug.example/",
        "https://a%C3%A9/",
        "https://A%C3%A9/",
        "https://a%00b/",
        "https://a%2Eb/",
        "https://%31%32%37.0.0.1/",
        "https://127.1/",
        "https://0x7f.0.0.1/",
        "https://1.2.3.4.5/",
        "https://1.2.3.4./",
        "https://a.0x/",
        "https://4294967295/",
        "https://4294967296/",
        "https://[1:2:3:4:5:6:7:8]/",
        "https://[1:2:3:4:5:6:1.2.3.4]/",
        "https://[1:2:3:4:5:1.2.3.4]/",
        "https://[::01.2.3.4]/",
        "https://[v1.x]/",
        "file://localhost/etc",
        "file://LOCALHOST/etc",
        "file://u@host/etc",
        "file://host:80/etc",
        "file://[::1]:80/etc",
        "file://[v1.x]:80/etc",
        "file://c:/etc",
        "file://127.0.0.1/etc",
        "foo://a%00b/",
        "foo://[::1]/",
        "foo:/.//x",
        "ws://a..b/",
        "https://xn--wca.example/",
        "https://xn--3ug.example/",
        "https://caf%C3%A9.example/",
        "https://xn--caf-dma.example/",
        "http://0.",
        "httf://127.0.0.1/cb",
        "foo://[::1]:80/",
    ];
    for text in cases {
        host_kind_is_the_url_crates(text).unwrap_or_else(|e| panic!("{e}"));
    }
}
