//! Helpers shared by the fuzz targets: the documented error codes and the policies to try.

use matrix_authz::device::{Alphabet, DeviceRules};
use matrix_authz::metadata::uri::{HostKind, Uri, is_ip_host};
use url::{Host, Url};

/// `Uri::parse` keeps the text, and its host kind is the `url` crate's reading of the whole URI:
/// a usable host is the url crate's host (same kind; for a domain written without escapes, the
/// same name lower-cased for a special scheme), a refused one is refused or emptied by the url
/// crate, or written with escapes of non-ASCII bytes (the contract's non-ASCII rule).
pub fn check_uri_against_url(text: &str) {
    let Ok(uri) = Uri::parse(text) else { return };
    assert_eq!(uri.as_str(), text);
    let (Some(host), Some(kind)) = (uri.host(), uri.host_kind()) else { return };
    assert_eq!(kind == HostKind::Empty, host.is_empty(), "{text:?}");
    let non_ascii = host
        .split('%')
        .skip(1)
        .any(|rest| rest.get(..2).and_then(|hex| u8::from_str_radix(hex, 16).ok()).is_some_and(|b| b > 0x7f));
    let url = Url::parse(text);
    match kind {
        HostKind::Empty => {}
        HostKind::Refused => {
            assert!(non_ascii || url.as_ref().map_or(true, |u| u.host().is_none()), "{text:?}: {url:?}")
        }
        _ => {
            assert!(!non_ascii, "{text:?}");
            let url = url.unwrap_or_else(|e| panic!("{text:?} usable, url crate: {e}"));
            let expected = match url.host() {
                Some(Host::Ipv6(_)) => HostKind::Ipv6,
                Some(Host::Ipv4(address)) if address.to_string() == host => HostKind::Ipv4,
                Some(Host::Ipv4(_) | Host::Domain(_)) => HostKind::Name,
                None => HostKind::Refused,
            };
            assert_eq!(kind, expected, "{text:?}");
            let special =
                ["http", "https", "ws", "wss", "ftp", "file"].iter().any(|s| uri.scheme().eq_ignore_ascii_case(s));
            // An opaque host (`foo://127.0.0.1/`) is a name for WHATWG; `is_ip_host` reads the
            // text alone.
            if special {
                assert_eq!(is_ip_host(host), matches!(kind, HostKind::Ipv4 | HostKind::Ipv6), "{text:?}");
            }
            if !host.contains('%') && matches!(url.host(), Some(Host::Domain(_))) {
                let written = if special { host.to_ascii_lowercase() } else { host.to_owned() };
                assert_eq!(url.host_str(), Some(written.as_str()), "{text:?}");
            }
        }
    }
}
use matrix_authz::{Grammar, ScopeLimits, ScopeRules};

/// Every error code the README's "Error codes" table documents (and `FORMAT.md` lists).
pub const DOCUMENTED_CODES: &[&str] = &[
    "scope.empty",
    "scope.too_long",
    "scope.too_many_tokens",
    "scope.invalid_char",
    "scope.empty_token",
    "scope.multiple_devices",
    "device_id.empty",
    "device_id.invalid_char",
    "device_id.too_short",
    "device_id.too_long",
    "entropy.insufficient",
    "account.action_unsupported",
    "metadata.too_large",
    "policy.invalid",
    "policy.unknown_preset",
    "input.invalid",
    "op.unknown",
];

/// The codes a scope parse may fail with: the grammar's and the device rules'.
pub fn is_scope_code(code: &str) -> bool {
    code.starts_with("scope.") || code.starts_with("device_id.")
}

/// The scope rules every scope target tries, strict form: the presets' device rules, and tight
/// limits so that the limit checks are reached by short inputs too.
pub fn strict_rules() -> [ScopeRules; 3] {
    let tight = ScopeLimits { max_bytes: 96, max_tokens: 4 };
    [
        ScopeRules::DEFAULT,
        ScopeRules { device: DeviceRules::MAS, ..ScopeRules::DEFAULT },
        ScopeRules {
            limits: tight,
            device: DeviceRules { min_length: 2, max_length: 12, alphabet: Alphabet::Unreserved },
            ..ScopeRules::DEFAULT
        },
    ]
}

/// The lenient twin of `rules`.
pub fn lenient(rules: ScopeRules) -> ScopeRules {
    ScopeRules { grammar: Grammar::Lenient, ..rules }
}
