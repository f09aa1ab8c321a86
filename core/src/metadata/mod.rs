//! Registration and discovery checks (spec notes section 5, feature `metadata`): redirect URIs
//! (5.5, RFC 8252 section 7), dynamic client registration metadata (5.4, MSC2966, RFC 7591) and
//! authorization-server metadata (5.1, MSC2965, RFC 8414).
//!
//! Every broken rule is a [`Violation`] whose [`code`](Violation::code) is `FIELD.RULE`
//! (`redirect_uris.scheme`, `issuer.query`). The vocabulary and the order of the checks are
//! pinned in `core/conformance/CHOICES-registration.md`; the README lists every code.

mod client;
mod redirect;
mod rfc3986;
mod server;
pub mod uri;

use std::collections::BTreeSet;
use std::fmt;
use std::io;

use serde_json::Value;

pub use client::validate_client_metadata;
pub use redirect::{ApplicationType, Stage, check_redirect_uri, check_redirect_uri_of};
pub use server::validate_server_metadata;
use uri::Uri;

/// The size limit of a metadata document, in bytes of compact JSON (inclusive).
pub const MAX_DOCUMENT_BYTES: usize = 65536;

/// A field of a metadata document (or the document itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
#[allow(missing_docs)] // each variant is the field of the same name
pub enum Field {
    Metadata,
    RedirectUri,
    ClientUri,
    ClientName,
    LogoUri,
    TosUri,
    PolicyUri,
    RedirectUris,
    ResponseTypes,
    GrantTypes,
    TokenEndpointAuthMethod,
    ApplicationType,
    Jwks,
    Issuer,
    AuthorizationEndpoint,
    TokenEndpoint,
    RevocationEndpoint,
    RegistrationEndpoint,
    DeviceAuthorizationEndpoint,
    AccountManagementUri,
    ResponseTypesSupported,
    GrantTypesSupported,
    ResponseModesSupported,
    CodeChallengeMethodsSupported,
    AccountManagementActionsSupported,
    PromptValuesSupported,
}

/// What a field breaks; the second half of a violation code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// A required field is absent.
    Missing,
    /// Present with the wrong JSON type (`null` included).
    InvalidType,
    /// Not an RFC 3986 absolute URI.
    Syntax,
    /// A fragment where none is allowed.
    Fragment,
    /// A query where none is allowed.
    Query,
    /// Userinfo in the authority.
    Userinfo,
    /// The scheme is not `https`.
    NotHttps,
    /// A native client's private-use scheme that is not the base host in reverse DNS order.
    Scheme,
    /// Missing or empty host, off the common base, not loopback, or an authority after a
    /// private-use scheme.
    Host,
    /// A loopback redirect URI with a port at registration.
    Port,
    /// No registered redirect URI matches (authorization stage).
    NotRegistered,
    /// `redirect_uris` is empty for a code-grant client.
    Empty,
    /// An `application_type` other than `web` or `native`.
    Unknown,
    /// `token_endpoint_auth_method` `none` with the `client_credentials` grant.
    NoneNotAllowed,
    /// The list lacks `code`.
    MissingCode,
    /// The list lacks `refresh_token`.
    MissingRefreshToken,
    /// The list lacks `authorization_code`.
    MissingAuthorizationCode,
    /// The list lacks `query`.
    MissingQuery,
    /// The list lacks `fragment`.
    MissingFragment,
    /// The list lacks `S256`.
    MissingS256,
    /// The document is over [`MAX_DOCUMENT_BYTES`].
    TooLarge,
    /// `jwks` beside `jwks_uri` (RFC 7591 section 2: they MUST NOT both be present).
    WithJwksUri,
}

/// `FIELD.RULE` as a static string, for every pair (most pairs never occur).
macro_rules! rule_code {
    ($rule:expr, $field:literal) => {
        match $rule {
            Rule::Missing => concat!($field, ".missing"),
            Rule::InvalidType => concat!($field, ".invalid_type"),
            Rule::Syntax => concat!($field, ".syntax"),
            Rule::Fragment => concat!($field, ".fragment"),
            Rule::Query => concat!($field, ".query"),
            Rule::Userinfo => concat!($field, ".userinfo"),
            Rule::NotHttps => concat!($field, ".not_https"),
            Rule::Scheme => concat!($field, ".scheme"),
            Rule::Host => concat!($field, ".host"),
            Rule::Port => concat!($field, ".port"),
            Rule::NotRegistered => concat!($field, ".not_registered"),
            Rule::Empty => concat!($field, ".empty"),
            Rule::Unknown => concat!($field, ".unknown"),
            Rule::NoneNotAllowed => concat!($field, ".none_not_allowed"),
            Rule::MissingCode => concat!($field, ".missing_code"),
            Rule::MissingRefreshToken => concat!($field, ".missing_refresh_token"),
            Rule::MissingAuthorizationCode => concat!($field, ".missing_authorization_code"),
            Rule::MissingQuery => concat!($field, ".missing_query"),
            Rule::MissingFragment => concat!($field, ".missing_fragment"),
            Rule::MissingS256 => concat!($field, ".missing_s256"),
            Rule::TooLarge => concat!($field, ".too_large"),
            Rule::WithJwksUri => concat!($field, ".with_jwks_uri"),
        }
    };
}

macro_rules! fields {
    ($($variant:ident => $name:literal),* $(,)?) => {
        impl Field {
            /// The field's name in the document.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }

            fn code(self, rule: Rule) -> &'static str {
                match self { $(Self::$variant => rule_code!(rule, $name)),* }
            }
        }
    };
}

fields! {
    Metadata => "metadata",
    RedirectUri => "redirect_uri",
    ClientUri => "client_uri",
    ClientName => "client_name",
    LogoUri => "logo_uri",
    TosUri => "tos_uri",
    PolicyUri => "policy_uri",
    RedirectUris => "redirect_uris",
    ResponseTypes => "response_types",
    GrantTypes => "grant_types",
    TokenEndpointAuthMethod => "token_endpoint_auth_method",
    ApplicationType => "application_type",
    Jwks => "jwks",
    Issuer => "issuer",
    AuthorizationEndpoint => "authorization_endpoint",
    TokenEndpoint => "token_endpoint",
    RevocationEndpoint => "revocation_endpoint",
    RegistrationEndpoint => "registration_endpoint",
    DeviceAuthorizationEndpoint => "device_authorization_endpoint",
    AccountManagementUri => "account_management_uri",
    ResponseTypesSupported => "response_types_supported",
    GrantTypesSupported => "grant_types_supported",
    ResponseModesSupported => "response_modes_supported",
    CodeChallengeMethodsSupported => "code_challenge_methods_supported",
    AccountManagementActionsSupported => "account_management_actions_supported",
    PromptValuesSupported => "prompt_values_supported",
}

/// One broken rule of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Violation {
    /// The field.
    pub field: Field,
    /// The rule it breaks.
    pub rule: Rule,
}

impl Violation {
    /// The stable code, `FIELD.RULE`.
    pub fn code(&self) -> &'static str {
        self.field.code(self.rule)
    }
}

/// Violations order by the bytes of their codes, as every result lists them.
impl Ord for Violation {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for Violation {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The outcome of validating a metadata document: its violations, sorted by code, distinct.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    violations: BTreeSet<Violation>,
}

impl Report {
    /// True exactly when there is no violation.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }

    /// The violations, sorted by the bytes of their codes, without duplicates.
    pub fn violations(&self) -> impl Iterator<Item = Violation> + '_ {
        self.violations.iter().copied()
    }

    /// The violation codes, sorted by bytes, without duplicates.
    pub fn codes(&self) -> Vec<&'static str> {
        self.violations.iter().map(Violation::code).collect()
    }

    fn add(&mut self, field: Field, rule: Rule) {
        self.violations.insert(Violation { field, rule });
    }

    /// The report of a document over [`MAX_DOCUMENT_BYTES`]: the single violation
    /// `metadata.too_large`, for a caller that knows the size before it parses the document
    /// (a binding that measured the text, a reader that stopped at the limit).
    pub fn too_large() -> Self {
        Self::single(Field::Metadata, Rule::TooLarge)
    }

    fn single(field: Field, rule: Rule) -> Self {
        let mut report = Self::default();
        report.add(field, rule);
        report
    }
}

/// The checks every document goes through first: the size limit, then the object type.
fn document(value: &Value) -> Result<&serde_json::Map<String, Value>, Report> {
    if exceeds_size_limit(value) {
        return Err(Report::single(Field::Metadata, Rule::TooLarge));
    }
    value.as_object().ok_or_else(|| Report::single(Field::Metadata, Rule::InvalidType))
}

/// True when the compact JSON of `value` is longer than [`MAX_DOCUMENT_BYTES`]. The bytes are
/// counted, not stored, and counting stops as soon as the limit is passed.
pub fn exceeds_size_limit(value: &Value) -> bool {
    let mut counter = Counter { len: 0 };
    // The counter refuses writes past the limit, which ends serialization early; a `Value`
    // cannot fail to serialize otherwise.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.len > MAX_DOCUMENT_BYTES
}

struct Counter {
    len: usize,
}

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.len = self.len.saturating_add(buf.len());
        if self.len > MAX_DOCUMENT_BYTES { Err(io::Error::other("over the limit")) } else { Ok(buf.len()) }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The common base of a client (spec 5.4): the lower-cased host of a valid `client_uri`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientBase {
    host: String,
}

impl ClientBase {
    /// Reads a `client_uri`; the error is the first rule it breaks (`syntax`, `userinfo`,
    /// `not_https`, `host`). A query, a port, a path and a fragment are allowed.
    pub fn parse(client_uri: &str) -> Result<Self, Rule> {
        let uri = Uri::parse(client_uri).map_err(|_| Rule::Syntax)?;
        first_failure(&uri, &[Check::Userinfo, Check::Https, Check::Host], None)?;
        let host = uri.host().unwrap_or_default().to_ascii_lowercase();
        Ok(Self { host })
    }

    /// The base host, lower-cased.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether `host` is the base or a subdomain of it, by whole DNS labels; an IP host (or an IP
    /// base) matches only itself, as written.
    pub fn covers_host(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if uri::is_ip_host(&host) || uri::is_ip_host(&self.host) {
            return host == self.host;
        }
        let mut host_labels = host.rsplit('.');
        self.host.rsplit('.').all(|label| host_labels.next() == Some(label))
    }

    /// Whether a private-use `scheme` starts with every label of the base in reverse order
    /// (`com.example.app` for `example.com`), compared whole; an IP base has no such form.
    pub fn covers_scheme(&self, scheme: &str) -> bool {
        if uri::is_ip_host(&self.host) {
            return false;
        }
        let scheme = scheme.to_ascii_lowercase();
        let mut scheme_labels = scheme.split('.');
        self.host.rsplit('.').all(|label| scheme_labels.next() == Some(label))
    }
}

/// One check of an https URI field, in the order a field lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Fragment,
    Query,
    Userinfo,
    Https,
    /// An authority with a host WHATWG reads, under the base when one is given.
    Host,
}

/// The first check `uri` fails, in `order`.
fn first_failure(uri: &Uri<'_>, order: &[Check], base: Option<&ClientBase>) -> Result<(), Rule> {
    for check in order {
        let (failed, rule) = match check {
            Check::Fragment => (uri.fragment().is_some(), Rule::Fragment),
            Check::Query => (uri.query().is_some(), Rule::Query),
            Check::Userinfo => (uri.userinfo().is_some(), Rule::Userinfo),
            Check::Https => (!uri.scheme().eq_ignore_ascii_case("https"), Rule::NotHttps),
            Check::Host => (!host_ok(uri, base), Rule::Host),
        };
        if failed {
            return Err(rule);
        }
    }
    Ok(())
}

/// A host WHATWG reads (not empty, not refused), under the base when one is given.
fn host_ok(uri: &Uri<'_>, base: Option<&ClientBase>) -> bool {
    match uri.authority() {
        Some(authority) if authority.kind().is_usable() => base.is_none_or(|base| base.covers_host(authority.host())),
        _ => false,
    }
}

/// The checks of an https URI string field: syntax first, then `order`.
fn https_field(value: &str, order: &[Check], base: Option<&ClientBase>) -> Result<(), Rule> {
    let uri = Uri::parse(value).map_err(|_| Rule::Syntax)?;
    first_failure(&uri, order, base)
}

/// A JSON array whose items are all strings.
fn strings(value: &Value) -> Option<Vec<&str>> {
    value.as_array()?.iter().map(Value::as_str).collect()
}

/// The answer of a redirect URI check, owned (feature `uniffi`: the binding's record).
#[cfg(feature = "uniffi")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct RedirectCheck {
    /// Whether the URI passes.
    pub valid: bool,
    /// The first rule it breaks (`redirect_uri.scheme`), absent when valid.
    pub violation: Option<String>,
}

#[cfg(feature = "uniffi")]
impl From<Option<Violation>> for RedirectCheck {
    fn from(violation: Option<Violation>) -> Self {
        Self { valid: violation.is_none(), violation: violation.map(|v| v.code().to_owned()) }
    }
}

/// The answer of a metadata validation, owned (feature `uniffi`: the binding's record).
#[cfg(feature = "uniffi")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct MetadataReport {
    /// Whether the document passes.
    pub valid: bool,
    /// Every violation code (`redirect_uris.scheme`), sorted; empty exactly when valid.
    pub violations: Vec<String>,
}

#[cfg(feature = "uniffi")]
impl From<Report> for MetadataReport {
    fn from(report: Report) -> Self {
        Self { valid: report.is_valid(), violations: report.codes().into_iter().map(str::to_owned).collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_join_field_and_rule() {
        let v = Violation { field: Field::CodeChallengeMethodsSupported, rule: Rule::MissingS256 };
        assert_eq!(v.code(), "code_challenge_methods_supported.missing_s256");
        assert_eq!(Violation { field: Field::Metadata, rule: Rule::TooLarge }.code(), "metadata.too_large");
    }

    #[test]
    fn reports_sort_by_code_bytes() {
        let mut report = Report::default();
        report.add(Field::TosUri, Rule::Host);
        report.add(Field::ClientUri, Rule::Missing);
        report.add(Field::ApplicationType, Rule::Unknown);
        report.add(Field::ClientUri, Rule::Missing);
        assert_eq!(report.codes(), ["application_type.unknown", "client_uri.missing", "tos_uri.host"]);
    }

    #[test]
    fn size_limit_counts_compact_json_bytes() {
        // `{"a":"…"}` is 8 bytes plus the string.
        let at_limit = json!({ "a": "x".repeat(MAX_DOCUMENT_BYTES - 8) });
        assert_eq!(serde_json::to_string(&at_limit).unwrap().len(), MAX_DOCUMENT_BYTES);
        assert!(!exceeds_size_limit(&at_limit));
        assert!(exceeds_size_limit(&json!({ "a": "x".repeat(MAX_DOCUMENT_BYTES - 7) })));
        // A newline is escaped as two bytes, `é` is two bytes of UTF-8, a control as six.
        assert!(exceeds_size_limit(&json!({ "a": "\n".repeat(MAX_DOCUMENT_BYTES / 2) })));
        assert!(!exceeds_size_limit(&json!({ "a": "\u{1}".repeat(MAX_DOCUMENT_BYTES / 6 - 2) })));
        assert!(exceeds_size_limit(&json!(["\u{e9}".repeat(MAX_DOCUMENT_BYTES / 2)])));
    }

    #[test]
    fn base_covers_whole_labels() {
        let base = ClientBase::parse("https://Example.COM:8443/app?x=1#about").unwrap();
        assert_eq!(base.host(), "example.com");
        for host in ["example.com", "APP.example.com", "a.b.example.com"] {
            assert!(base.covers_host(host), "{host}");
        }
        for host in ["evil-example.com", "myexample.com", "example.com.evil.net", "com", "example.com.", ""] {
            assert!(!base.covers_host(host), "{host}");
        }
        assert!(base.covers_scheme("com.example"));
        assert!(base.covers_scheme("Com.Example.App"));
        for scheme in ["com.exampleevil", "com.example-evil", "com", "example.com", "com.evil.example"] {
            assert!(!base.covers_scheme(scheme), "{scheme}");
        }
    }

    #[test]
    fn ip_bases_match_only_themselves() {
        let base = ClientBase::parse("https://192.0.2.10/").unwrap();
        assert!(base.covers_host("192.0.2.10"));
        assert!(!base.covers_host("a.192.0.2.10"));
        assert!(!base.covers_scheme("10.2.0.192"));
        let v6 = ClientBase::parse("https://[2001:db8::1]/").unwrap();
        assert!(v6.covers_host("[2001:DB8::1]"));
        assert!(!v6.covers_host("[2001:db8:0::1]"));
    }

    #[test]
    fn client_uri_rules_in_order() {
        assert_eq!(ClientBase::parse("example.com"), Err(Rule::Syntax));
        assert_eq!(ClientBase::parse("http://u@example.com/"), Err(Rule::Userinfo));
        assert_eq!(ClientBase::parse("http://example.com/"), Err(Rule::NotHttps));
        assert_eq!(ClientBase::parse("https:///app"), Err(Rule::Host));
        assert_eq!(ClientBase::parse("https:app"), Err(Rule::Host));
        assert_eq!(ClientBase::parse("https://a.192.0.2.10/"), Err(Rule::Host));
        assert_eq!(ClientBase::parse("https://@example.com/"), Err(Rule::Userinfo));
    }
}
