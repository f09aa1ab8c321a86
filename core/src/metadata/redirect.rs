//! Redirect URI validation (spec notes 5.5, MSC2966, RFC 8252 section 7).
//!
//! Web clients use https URIs under the client's common base. Native clients also use a
//! private-use scheme that is the base host in reverse DNS order (compared by whole labels, so
//! `com.exampleevil:` is not `com.example`), with no authority, or a loopback `http` URI to
//! `localhost`, `127.0.0.1` or `[::1]`, registered without a port and accepted on any port at
//! authorization.

use super::uri::Uri;
use super::{ClientBase, Field, Rule, Violation};

/// The `application_type` of a client (RFC 7591 / OIDC registration; `web` by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ApplicationType {
    /// A web client: https redirect URIs only.
    #[default]
    Web,
    /// A native client: claimed https, private-use scheme or loopback redirect URIs.
    Native,
}

impl ApplicationType {
    /// Reads the exact, case-sensitive name (`web`, `native`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "web" => Some(Self::Web),
            "native" => Some(Self::Native),
            _ => None,
        }
    }
}

/// When a redirect URI is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi(name = "RedirectStage"))]
pub enum Stage {
    /// Client registration: a loopback URI must not carry a port.
    #[default]
    Registration,
    /// An authorization request: the URI must be one of the registered ones (a loopback URI may
    /// differ in its port alone).
    Authorization,
}

impl Stage {
    /// Reads the exact name (`registration`, `authorization`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "registration" => Some(Self::Registration),
            "authorization" => Some(Self::Authorization),
            _ => None,
        }
    }
}

/// Checks `redirect_uri` for a client whose common base is `base` (see
/// [`ClientBase::parse`]). At [`Stage::Authorization`] the URI must also equal an entry of
/// `registered` byte for byte, or be a loopback URI that equals one once its port is removed;
/// at registration `registered` is ignored.
///
/// The error is the first rule the URI breaks, in the order the checks run (syntax, fragment,
/// userinfo, scheme, host, port, registration), as a `redirect_uri.RULE` violation.
pub fn check_redirect_uri(
    redirect_uri: &str,
    base: &ClientBase,
    application_type: ApplicationType,
    stage: Stage,
    registered: &[&str],
) -> Result<(), Violation> {
    check(redirect_uri, Some(base), Some(application_type), stage, registered)
        .map_err(|rule| Violation { field: Field::RedirectUri, rule })
}

/// The three kinds of redirect URI (spec 5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Https,
    Loopback,
    PrivateUse,
}

const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The check with its dependencies optional: without a base the "under the base" and
/// reverse-DNS parts are skipped; without an application type only syntax, fragment and
/// userinfo run (client metadata whose `client_uri` or `application_type` is already invalid).
pub(super) fn check(
    redirect_uri: &str,
    base: Option<&ClientBase>,
    application_type: Option<ApplicationType>,
    stage: Stage,
    registered: &[&str],
) -> Result<(), Rule> {
    let uri = Uri::parse(redirect_uri).map_err(|_| Rule::Syntax)?;
    if uri.fragment().is_some() {
        return Err(Rule::Fragment);
    }
    if uri.userinfo().is_some() {
        return Err(Rule::Userinfo);
    }
    let Some(application_type) = application_type else { return Ok(()) };
    let kind = kind(&uri, base, application_type)?;
    check_host(&uri, base, kind)?;
    match stage {
        Stage::Registration if kind == Kind::Loopback && uri.port().is_some() => Err(Rule::Port),
        Stage::Registration => Ok(()),
        Stage::Authorization => check_registered(&uri, kind, registered),
    }
}

/// Check 4: the scheme allowed for the application type decides the kind of URI (web: https
/// only; native: https, loopback http, or a private-use scheme matching the base).
fn kind(uri: &Uri<'_>, base: Option<&ClientBase>, application_type: ApplicationType) -> Result<Kind, Rule> {
    let scheme = uri.scheme();
    if scheme.eq_ignore_ascii_case("https") {
        return Ok(Kind::Https);
    }
    if application_type == ApplicationType::Web {
        return Err(Rule::NotHttps);
    }
    if scheme.eq_ignore_ascii_case("http") {
        return Ok(Kind::Loopback);
    }
    match base {
        Some(base) if !base.covers_scheme(scheme) => Err(Rule::Scheme),
        _ => Ok(Kind::PrivateUse),
    }
}

/// Check 5. Hosts compare as written (lower-cased): a WHATWG parser's normalized host would make
/// `[0:0:0:0:0:0:0:1]` or `127.1` loopback, which the pinned rules refuse.
fn check_host(uri: &Uri<'_>, base: Option<&ClientBase>, kind: Kind) -> Result<(), Rule> {
    let ok = match (kind, uri.authority()) {
        (Kind::Https, Some(authority)) => {
            authority.kind().is_usable() && base.is_none_or(|base| base.covers_host(authority.host()))
        }
        (Kind::Loopback, Some(authority)) => {
            authority.kind().is_usable() && LOOPBACK_HOSTS.iter().any(|l| authority.host().eq_ignore_ascii_case(l))
        }
        (Kind::Https | Kind::Loopback, None) => false,
        // RFC 8252 section 7.1: a private-use URI has no authority, not even an empty one.
        (Kind::PrivateUse, authority) => authority.is_none(),
    };
    if ok { Ok(()) } else { Err(Rule::Host) }
}

/// Check 7: exact match, or a loopback URI matching once its port is removed (RFC 8252 7.3).
fn check_registered(uri: &Uri<'_>, kind: Kind, registered: &[&str]) -> Result<(), Rule> {
    if registered.contains(&uri.as_str()) {
        return Ok(());
    }
    let without_port = if kind == Kind::Loopback { uri.without_port() } else { None };
    match without_port {
        Some(text) if registered.contains(&text.as_str()) => Ok(()),
        _ => Err(Rule::NotRegistered),
    }
}

/// `redirect_uri.check` in one call, for the JSON layer and every binding: [`check_redirect_uri`]
/// for the client whose `client_uri` is `client_uri`. `Ok(None)` when the URI passes, else the
/// first rule it breaks; a `client_uri` that is not a valid base is `input.invalid`, not a
/// violation, since every other check depends on it.
pub fn check_redirect_uri_of(
    redirect_uri: &str,
    client_uri: &str,
    application_type: ApplicationType,
    stage: Stage,
    registered: &[&str],
) -> Result<Option<Violation>, crate::error::InputError> {
    let base = ClientBase::parse(client_uri).map_err(|rule| {
        let code = Violation { field: Field::ClientUri, rule }.code();
        crate::error::InputError::new(format!("`client_uri` is not a valid client uri ({code}): `{client_uri}`"))
    })?;
    Ok(check_redirect_uri(redirect_uri, &base, application_type, stage, registered).err())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(uri: &str) -> ClientBase {
        ClientBase::parse(uri).unwrap()
    }

    fn at_registration(uri: &str, app: ApplicationType) -> Result<(), Rule> {
        check_redirect_uri(uri, &base("https://example.com/"), app, Stage::Registration, &[]).map_err(|v| v.rule)
    }

    #[test]
    fn violations_are_reported_under_redirect_uri() {
        let violation = check_redirect_uri(
            "http://x/cb",
            &base("https://example.com/"),
            ApplicationType::Web,
            Stage::Registration,
            &[],
        );
        assert_eq!(violation.map_err(|v| (v.field, v.code())), Err((Field::RedirectUri, "redirect_uri.not_https")));
    }

    #[test]
    fn web_clients_use_https_under_the_base() {
        use ApplicationType::Web;
        assert_eq!(at_registration("https://app.example.com:8443/cb?x=1", Web), Ok(()));
        assert_eq!(at_registration("HTTPS://EXAMPLE.COM/cb", Web), Ok(()));
        assert_eq!(at_registration("https://evil-example.com/cb", Web), Err(Rule::Host));
        assert_eq!(at_registration("https:/cb", Web), Err(Rule::Host));
        assert_eq!(at_registration("http://localhost/cb", Web), Err(Rule::NotHttps));
        assert_eq!(at_registration("com.example.app:/cb", Web), Err(Rule::NotHttps));
        assert_eq!(at_registration("https://example.com@evil.com/cb", Web), Err(Rule::Userinfo));
        assert_eq!(at_registration("https://example.com/cb#", Web), Err(Rule::Fragment));
        assert_eq!(at_registration("https://example.com/c b#x", Web), Err(Rule::Syntax));
    }

    #[test]
    fn native_private_use_schemes_compare_whole_labels() {
        use ApplicationType::Native;
        assert_eq!(at_registration("com.example.app:/cb", Native), Ok(()));
        assert_eq!(at_registration("com.example.app:", Native), Ok(()));
        assert_eq!(at_registration("com.exampleevil:/cb", Native), Err(Rule::Scheme));
        assert_eq!(at_registration("com.example.app://host/cb", Native), Err(Rule::Host));
        assert_eq!(at_registration("com.example.app:///cb", Native), Err(Rule::Host));
        assert_eq!(at_registration("com.exampleevil://host/cb", Native), Err(Rule::Scheme));
    }

    #[test]
    fn native_loopback_has_no_port_at_registration() {
        use ApplicationType::Native;
        assert_eq!(at_registration("http://[::1]/cb", Native), Ok(()));
        assert_eq!(at_registration("http://LOCALHOST/cb", Native), Ok(()));
        assert_eq!(at_registration("http://127.0.0.1:/cb", Native), Err(Rule::Port));
        assert_eq!(at_registration("http://127.0.0.2/cb", Native), Err(Rule::Host));
        assert_eq!(at_registration("http://example.com/cb", Native), Err(Rule::Host));
        assert_eq!(at_registration("http://evil.com:8080/cb", Native), Err(Rule::Host));
        // The WHATWG parser drops a default port; the written one still counts.
        assert_eq!(at_registration("http://localhost:80/cb", Native), Err(Rule::Port));
        // Loopback literals as written, not as a WHATWG parser normalizes them.
        assert_eq!(at_registration("http://[0:0:0:0:0:0:0:1]/cb", Native), Err(Rule::Host));
        assert_eq!(at_registration("http://127.1/cb", Native), Err(Rule::Host));
        assert_eq!(at_registration("http://:80/cb", Native), Err(Rule::Host));
    }

    #[test]
    fn hosts_the_url_crate_refuses_are_never_accepted() {
        let ip_base = base("https://192.0.2.10/");
        let web =
            |uri| check_redirect_uri(uri, &ip_base, ApplicationType::Web, Stage::Registration, &[]).map_err(|v| v.rule);
        assert_eq!(web("https://192.0.2.10/cb"), Ok(()));
        assert_eq!(web("https://a.192.0.2.10/cb"), Err(Rule::Host));
        assert_eq!(at_registration("https://a.example.com.1/cb", ApplicationType::Web), Err(Rule::Host));
        assert_eq!(at_registration("https://a%00.example.com/cb", ApplicationType::Web), Err(Rule::Host));
        assert_eq!(at_registration("https://[v1.x]/cb", ApplicationType::Web), Err(Rule::Host));
    }

    #[test]
    fn authorization_matches_registered_uris() {
        let b = base("https://example.com/");
        let auth = |uri, registered: &[&str]| {
            check_redirect_uri(uri, &b, ApplicationType::Native, Stage::Authorization, registered).map_err(|v| v.rule)
        };
        assert_eq!(auth("http://127.0.0.1:49152/cb", &["http://127.0.0.1/cb"]), Ok(()));
        assert_eq!(auth("http://localhost:8080/cb", &["http://localhost:8080/cb"]), Ok(()));
        assert_eq!(auth("http://localhost:9090/cb", &["http://localhost:8080/cb"]), Err(Rule::NotRegistered));
        assert_eq!(auth("http://LOCALHOST:8080/cb", &["http://localhost/cb"]), Err(Rule::NotRegistered));
        assert_eq!(auth("https://example.com:8443/cb", &["https://example.com/cb"]), Err(Rule::NotRegistered));
        assert_eq!(auth("com.exampleevil:/cb", &["com.exampleevil:/cb"]), Err(Rule::Scheme));
    }

    #[test]
    fn without_a_base_or_type_dependent_checks_are_skipped() {
        let check = |uri, base: Option<&ClientBase>, app| check(uri, base, app, Stage::Registration, &[]);
        assert_eq!(check("https://evil.com/cb", None, Some(ApplicationType::Web)), Ok(()));
        assert_eq!(check("com.exampleevil:/cb", None, Some(ApplicationType::Native)), Ok(()));
        assert_eq!(check("http://[::1]:9/cb", None, Some(ApplicationType::Native)), Err(Rule::Port));
        assert_eq!(check("ftp://x/#", None, None), Err(Rule::Fragment));
        assert_eq!(check("ftp://x/", None, None), Ok(()));
    }
}
