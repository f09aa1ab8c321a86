//! Helpers shared by the fuzz targets: the documented error codes and the policies to try.

use matrix_authz::device::{Alphabet, DeviceRules};
use matrix_authz::metadata::uri::{Uri, is_ip_host};

/// The oracle of `core/src/metadata/uri.rs`: the url-crate reading it replaced.
#[path = "../../core/tests/support/url_oracle.rs"]
pub mod url_oracle;

/// `Uri::parse` and `is_ip_host` agree with the oracle on `text` (components and host kind).
pub fn check_uri_against_oracle(text: &str) {
    if url_oracle::trips_the_rlm_assertion(text) {
        return;
    }
    let ours = Uri::parse(text).ok();
    let theirs = url_oracle::Uri::parse(text).ok();
    let reading = |scheme: &str, host, userinfo, port, query, fragment, kind| {
        format!("{scheme} {host:?} {userinfo:?} {port:?} {query:?} {fragment:?} {kind:?}")
    };
    let ours_text =
        ours.map(|u| reading(u.scheme(), u.host(), u.userinfo(), u.port(), u.query(), u.fragment(), u.host_kind()));
    let theirs_text =
        theirs.map(|u| reading(u.scheme(), u.host(), u.userinfo(), u.port(), u.query(), u.fragment(), u.host_kind()));
    assert_eq!(ours_text, theirs_text, "{text:?}");
    if let Some(host) = ours.and_then(|u| u.host()) {
        assert_eq!(is_ip_host(host), url_oracle::is_ip_host(host), "is_ip_host({host:?})");
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
