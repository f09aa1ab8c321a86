//! Absolute URIs: the contract's RFC 3986 pre-check (`metadata/rfc3986.rs`), then the `url`
//! crate's WHATWG reading of the host.
//!
//! The registration rules (spec notes 5.4 and 5.5, `CHOICES-registration.md` sections 1 and 2)
//! are stated on the URI *as written*: only RFC 3986 characters, `%` followed by two hex digits, a
//! port that is present even when empty, nothing decoded or normalized. The WHATWG URL standard
//! repairs such input instead of refusing it (`https:/cb` becomes `https://cb/`, `https:///cb`
//! loses its empty host, an empty userinfo, an empty port and a default port such as `:443` are
//! dropped), yet it is what browsers and most servers use to find the host. So a URI is read in
//! two steps:
//!
//! 1. The pre-check (`rfc3986`) refuses everything that is not RFC 3986 syntax as written and cuts the
//!    URI at its delimiters, so that the parts WHATWG discards stay visible: an authority after
//!    a special scheme, an empty userinfo, an empty host, an empty or default port.
//! 2. [`url::Url::parse`] reads the whole URI, and its host ([`url::Host`]) decides the
//!    [`HostKind`]: a host the `url` crate refuses (its host parser: IDNA `domain_to_ascii`
//!    with the Unicode back end `idna_adapter` resolves to, the forbidden domain code points,
//!    the IPv4 and IPv6 parsers) is never an acceptable host. A WHATWG IPv4 address is an IP
//!    host only when written in RFC 3986 dotted-decimal form.
//!
//! Every accessor returns text borrowed from the input, as written: hosts and schemes are
//! compared case-insensitively by the checks, everything else byte for byte.

use url::{Host, ParseError, Url};

use super::rfc3986::{self, Layout, WrittenAuthority};

pub use super::rfc3986::SyntaxError;

/// The components of a syntactically valid absolute URI, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uri<'a> {
    text: &'a str,
    scheme: &'a str,
    authority: Option<Authority<'a>>,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

/// The authority of a URI (`//userinfo@host:port`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authority<'a> {
    written: WrittenAuthority<'a>,
    kind: HostKind,
}

/// How the `url` crate (WHATWG URL) reads the host of an authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostKind {
    /// No host between `//` (or `userinfo@`) and the port: valid RFC 3986 (`https:///cb`), but
    /// never a usable host. WHATWG would skip the slashes (`https:///cb` → host `cb`) or refuse.
    Empty,
    /// A registered name: a WHATWG domain (for a special scheme such as `https`) or opaque host
    /// (any other scheme). WHATWG IPv4 shorthands (`127.1`, `0x7f.0.0.1`, `192.0.2.010`) are
    /// names here, as in RFC 3986, whose `IPv4address` is dotted decimal without leading zeros.
    Name,
    /// An RFC 3986 `IPv4address` (`192.0.2.10`).
    Ipv4,
    /// An IPv6 literal in brackets that the `url` crate accepts.
    Ipv6,
    /// Valid RFC 3986 that no check accepts: a host the `url` crate refuses (a name whose last
    /// label is a number but which is no IPv4 address, `a.192.0.2.10`, `1.2.3.4.5`; an `xn--`
    /// label IDNA processing refuses; a `%XX` escape decoding to a forbidden domain code point,
    /// `a%00b`, `a%2Fb`; an IPvFuture literal, `[v1.x]`; a `file` authority with a userinfo or a
    /// port), a host WHATWG empties (`file://localhost/`), or, by the contract's rule that a
    /// non-ASCII host is invalid, a host whose `%XX` escapes decode to a byte above 0x7F.
    Refused,
}

impl HostKind {
    /// Whether a check may accept the host (it is neither empty nor refused).
    pub fn is_usable(self) -> bool {
        !matches!(self, Self::Empty | Self::Refused)
    }
}

impl<'a> Uri<'a> {
    /// Reads `text`: the RFC 3986 pre-check, then the `url` crate's reading of the host; every
    /// component is kept as written.
    pub fn parse(text: &'a str) -> Result<Self, SyntaxError> {
        let layout = rfc3986::precheck(text)?;
        let kind = read_host(text, &layout)?;
        let authority = layout.authority.zip(kind).map(|(written, kind)| Authority { written, kind });
        Ok(Self { text, scheme: layout.scheme, authority, query: layout.query, fragment: layout.fragment })
    }

    /// The whole URI as written.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The scheme as written (compare it with `eq_ignore_ascii_case`).
    pub fn scheme(&self) -> &'a str {
        self.scheme
    }

    /// The authority, present exactly when `//` follows `scheme:`.
    pub fn authority(&self) -> Option<&Authority<'a>> {
        self.authority.as_ref()
    }

    /// The host as written, when there is an authority (possibly empty; an IP-literal keeps its
    /// brackets).
    pub fn host(&self) -> Option<&'a str> {
        self.authority.map(|a| a.written.host)
    }

    /// How the `url` crate reads the host, when there is an authority.
    pub fn host_kind(&self) -> Option<HostKind> {
        self.authority.map(|a| a.kind)
    }

    /// The userinfo, present exactly when the authority holds an `@` (possibly empty).
    pub fn userinfo(&self) -> Option<&'a str> {
        self.authority.and_then(|a| a.written.userinfo)
    }

    /// The port text, present exactly when a `:` follows the host (possibly empty, possibly the
    /// scheme's default port, which WHATWG would drop).
    pub fn port(&self) -> Option<&'a str> {
        self.authority.and_then(|a| a.written.port)
    }

    /// The query, present when a `?` precedes the fragment (possibly empty).
    pub fn query(&self) -> Option<&'a str> {
        self.query
    }

    /// The fragment, present when the URI holds a `#` (possibly empty).
    pub fn fragment(&self) -> Option<&'a str> {
        self.fragment
    }

    /// The URI text with `:port` removed, or `None` when there is no port.
    pub fn without_port(&self) -> Option<String> {
        let written = self.authority?.written;
        written.port?;
        let (start, end) = written.host_port;
        let head = self.text.get(..start + written.host.len())?;
        let tail = self.text.get(end..)?;
        Some(format!("{head}{tail}"))
    }
}

impl<'a> Authority<'a> {
    /// The host as written.
    pub fn host(&self) -> &'a str {
        self.written.host
    }

    /// How the `url` crate reads the host.
    pub fn kind(&self) -> HostKind {
        self.kind
    }
}

/// Step 2: the `url` crate reads the pre-checked URI. Returns the host kind when there is an
/// authority.
///
/// Some layouts have no WHATWG reading that matches RFC 3986, and the pre-check's layout decides
/// alone, without a host any check could accept:
/// - no authority (`https:/cb`, `https:cb`, `com.example.app:/cb`): RFC 3986 has no host there,
///   while WHATWG invents one for a special scheme (`https://cb/`) or refuses (`https:`);
/// - an empty host (`https:///cb`, `com.example.app://:8080/cb`): WHATWG skips the slashes of a
///   special scheme (`https:///cb` gets host `cb`) or refuses an empty host before a port;
/// - a host written with escapes of non-ASCII bytes (the contract's rule, [`HostKind::Refused`]).
///
/// Otherwise `Url::parse` must read the URI. When it refuses it, the pre-checked text is still
/// RFC 3986, and the refusal is about the host (the pre-check has already validated every other
/// component the `url` crate reads): an IPv6 literal it refuses is a syntax error (the `url`
/// crate is the validator of RFC 3986's `IPv6address` here), any other refused host is
/// [`HostKind::Refused`], so that the pinned vectors read `https://a.192.0.2.10/cb` (WHATWG: an
/// invalid IPv4 address; RFC 3986: a reg-name that is not under the IP base `192.0.2.10`) as a
/// `host` violation.
fn read_host(text: &str, layout: &Layout<'_>) -> Result<Option<HostKind>, SyntaxError> {
    let Some(authority) = layout.authority else { return Ok(None) };
    if authority.host.is_empty() {
        return Ok(Some(HostKind::Empty));
    }
    if rfc3986::decodes_to_non_ascii(authority.host) {
        return Ok(Some(HostKind::Refused));
    }
    let url = match Url::parse(text) {
        Ok(url) => url,
        Err(ParseError::InvalidIpv6Address) if !rfc3986::is_ip_future(authority.host) => return Err(SyntaxError),
        Err(_) => return Ok(Some(HostKind::Refused)),
    };
    if !agrees(layout, &url) {
        return Err(SyntaxError);
    }
    let kind = match url.host() {
        Some(Host::Ipv6(_)) => HostKind::Ipv6,
        Some(Host::Ipv4(address)) if address.to_string() == authority.host => HostKind::Ipv4,
        // WHATWG IPv4 shorthands (`127.1`, `0x7f.0.0.1`, `192.0.2.010`) are reg-names in
        // RFC 3986; the checks compare hosts as written, so `http://127.1/` is not loopback.
        Some(Host::Ipv4(_) | Host::Domain(_)) => HostKind::Name,
        // `file://localhost/`, or a `file` path starting with a drive letter: WHATWG empties
        // the host.
        None => HostKind::Refused,
    };
    Ok(Some(kind))
}

/// The `url` crate's components agree with the written layout, wherever WHATWG keeps them: the
/// scheme (lower-cased by WHATWG), the presence of an authority, a query and a fragment, a
/// non-empty userinfo, and a port's value (WHATWG drops an empty port and the scheme's default
/// port, so a written port may be absent from `port()`; it must then be empty or the default).
/// A disagreement would be a repair the pre-check missed: the URI is refused rather than read
/// two ways.
fn agrees(layout: &Layout<'_>, url: &Url) -> bool {
    let written = layout.authority;
    let url_userinfo = !url.username().is_empty() || url.password().is_some();
    let port_agrees = match (written.and_then(|a| a.port), url.port()) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some(""), port) => port.is_none(),
        (Some(port), _) => port.parse::<u16>().ok() == url.port_or_known_default(),
    };
    url.scheme().eq_ignore_ascii_case(layout.scheme)
        && url.has_authority() == written.is_some()
        && (!url_userinfo || written.is_some_and(|a| a.userinfo.is_some()))
        && url.query().is_some() == layout.query.is_some()
        && url.fragment().is_some() == layout.fragment.is_some()
        && port_agrees
}

/// An IP host as written: an IP-literal in brackets, or a host the `url` crate reads as an IPv4
/// address and that is written in its RFC 3986 `IPv4address` form (dotted decimal without
/// leading zeros: `192.0.2.10`, not `192.0.2.010` or `127.1`). Such a host has no DNS labels.
pub fn is_ip_host(host: &str) -> bool {
    host.starts_with('[') || matches!(Host::parse(host), Ok(Host::Ipv4(address)) if address.to_string() == host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Uri<'_> {
        Uri::parse(text).unwrap_or_else(|_| panic!("{text} should parse"))
    }

    #[test]
    fn components_are_kept_as_written() {
        let uri = ok("HTTPS://u:p@Example.COM:8443/a/b?x=1&y=/?#frag/?");
        assert_eq!(uri.scheme(), "HTTPS");
        assert_eq!(uri.userinfo(), Some("u:p"));
        assert_eq!(uri.host(), Some("Example.COM"));
        assert_eq!(uri.host_kind(), Some(HostKind::Name));
        assert_eq!(uri.port(), Some("8443"));
        assert_eq!(uri.query(), Some("x=1&y=/?"));
        assert_eq!(uri.fragment(), Some("frag/?"));
    }

    #[test]
    fn empty_parts_are_present() {
        let uri = ok("http://@127.0.0.1:/cb?#");
        assert_eq!(uri.userinfo(), Some(""));
        assert_eq!(uri.port(), Some(""));
        assert_eq!(uri.query(), Some(""));
        assert_eq!(uri.fragment(), Some(""));
        assert_eq!(ok("https:///cb").host(), Some(""));
        assert_eq!(ok("https:///cb").host_kind(), Some(HostKind::Empty));
        assert_eq!(ok("com.example.app://:8080/cb").host_kind(), Some(HostKind::Empty));
        assert_eq!(ok("https:/cb").authority(), None);
        assert_eq!(ok("https:cb").authority(), None);
        assert_eq!(ok("https:").authority(), None);
        assert_eq!(ok("com.example.app:").authority(), None);
    }

    /// What the WHATWG parser would hide is still there.
    #[test]
    fn default_ports_and_empty_userinfo_stay() {
        assert_eq!(ok("http://localhost:80/cb").port(), Some("80"));
        assert_eq!(ok("https://example.com:443/cb").port(), Some("443"));
        assert_eq!(ok("https://example.com:00443/cb").port(), Some("00443"));
        assert_eq!(ok("https://:@example.com/cb").userinfo(), Some(":"));
        assert_eq!(ok("https://@example.com/cb").userinfo(), Some(""));
    }

    #[test]
    fn host_kinds_follow_whatwg() {
        assert_eq!(ok("https://192.0.2.10/").host_kind(), Some(HostKind::Ipv4));
        assert_eq!(ok("http://[::1]:9/").host_kind(), Some(HostKind::Ipv6));
        assert_eq!(ok("http://[0:0:0:0:0:0:0:1]/").host(), Some("[0:0:0:0:0:0:0:1]"));
        for name in ["http://127.1/", "http://0x7f.0.0.1/", "https://192.0.2.010/", "https://ex%61mple.com/"] {
            assert_eq!(ok(name).host_kind(), Some(HostKind::Name), "{name}");
        }
        assert_eq!(ok("com.example.app://127.0.0.1/").host_kind(), Some(HostKind::Name));
        for refused in ["https://a.192.0.2.10/cb", "https://1.2.3.4.5/", "https://[v1.fe80::a+b]/", "https://a%00b/"] {
            assert_eq!(ok(refused).host_kind(), Some(HostKind::Refused), "{refused}");
        }
        assert!(!HostKind::Refused.is_usable() && !HostKind::Empty.is_usable() && HostKind::Name.is_usable());
    }

    /// `xn--` labels go through IDNA with a Unicode back end: valid A-labels are names, and so
    /// are they in any case; Punycode that decodes to what UTS 46 refuses is refused (the
    /// ASCII-only stub accepted `xn--wca`, an upper-case `Ü`, and `xn--a-ccb`, `a` and a combining
    /// mark, not NFC, and panicked in debug builds on `xn--3ug`, a right-to-left mark).
    #[test]
    fn a_labels_follow_uts_46() {
        for name in ["https://xn--bcher-kva.example/", "https://XN--BCHER-KVA.example/", "https://xn--caf-dma.example/"]
        {
            assert_eq!(ok(name).host_kind(), Some(HostKind::Name), "{name}");
        }
        for refused in [
            "https://xn--wca.example/",
            "https://xn--a-ccb.example/",
            "https://xn--3ug.example/",
            "https://xn--a-ygn.example/",
            "https://xn--1ug.example/",
            "https://xn--a-.example/",
            "https://xn--.example/",
            "https://xn--99999999.example/",
        ] {
            assert_eq!(ok(refused).host_kind(), Some(HostKind::Refused), "{refused}");
        }
    }

    /// The contract's rule: a non-ASCII host is invalid, also when written with escapes (a
    /// Unicode back end would read `caf%C3%A9.example` as `xn--caf-dma.example`).
    #[test]
    fn escaped_non_ascii_hosts_are_refused() {
        for refused in ["https://caf%C3%A9.example/", "https://A%C3%A9/", "https://a%FF/", "com.example.app://%C3%A9/"]
        {
            assert_eq!(ok(refused).host_kind(), Some(HostKind::Refused), "{refused}");
        }
        assert_eq!(ok("https://caf%C3%A9.example/p%C3%A9?q=%C3%A9").host_kind(), Some(HostKind::Refused));
        assert_eq!(ok("https://example.com/caf%C3%A9?q=%C3%A9").host_kind(), Some(HostKind::Name));
    }

    #[test]
    fn file_hosts() {
        assert_eq!(ok("file://localhost/etc").host_kind(), Some(HostKind::Refused));
        assert_eq!(ok("file://host/c:/x").host_kind(), Some(HostKind::Refused));
        assert_eq!(ok("file://u@host/etc").host_kind(), Some(HostKind::Refused));
        assert_eq!(ok("file://host/etc").host_kind(), Some(HostKind::Name));
    }

    #[test]
    fn removes_the_port_only() {
        assert_eq!(ok("http://127.0.0.1:49152/cb?x=1").without_port().as_deref(), Some("http://127.0.0.1/cb?x=1"));
        assert_eq!(ok("http://u@[::1]:/cb").without_port().as_deref(), Some("http://u@[::1]/cb"));
        assert_eq!(ok("http://localhost/cb").without_port(), None);
    }

    #[test]
    fn refuses_what_rfc_3986_refuses() {
        for bad in [
            "",
            "/cb",
            "//example.com/cb",
            ":/cb",
            "1https://x/",
            "ht_tp://x/",
            "https://example.com/c b",
            "https://example.com\\cb",
            "https:\\\\example.com\\cb",
            "https://example.com/%zz",
            "https://example.com/%4",
            "https://example.com/<cb>",
            "https://example.com/caf\u{e9}",
            "https://[::1/cb",
            "https://[zz]/cb",
            "https://[1::2::3]/cb",
            "https://[::1%25eth0]/cb",
            "https://[::1]x/cb",
            "https://[vz.x]/cb",
            "https://a@b@example.com/cb",
            "https://example.com:8080:90/cb",
            "https://example.com:abc/cb",
            "https://example.com:65536/cb",
            "https://:65536/cb",
            "https://example.com:-1/cb",
            "https://example.com/cb##x",
            "https://example.com/a[b]",
            "https://example.com:99999999999999999999999/",
        ] {
            assert_eq!(Uri::parse(bad), Err(SyntaxError), "{bad:?}");
        }
    }

    #[test]
    fn accepts_what_rfc_3986_accepts() {
        for good in [
            "https://example.com",
            "https://example.com/a:b@c/cb;v=1",
            "https://example.com/cb?q=a%2Bb&r=%20&s=!$'()*+,;",
            "https://[2001:db8::1]:8443/cb",
            "https://[v1.fe80::a+b]/",
            "https://[::ffff:127.0.0.1]/",
            "com.example.app:/oauth2redirect/example-provider?x=1",
            "com.example.app:cb",
            "javascript:alert(1)",
            "urn:ietf:params:oauth:grant-type:device_code",
            "data:text/html,hi",
            "file:///etc/passwd",
            "file://localhost/etc/passwd",
            "ftp://example.com:21/",
            "https://example.com:00080/",
        ] {
            assert!(Uri::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn ip_hosts() {
        assert!(is_ip_host("192.0.2.10"));
        assert!(is_ip_host("[::1]"));
        assert!(!is_ip_host("192.0.2.010"));
        assert!(!is_ip_host("127.1"));
        assert!(!is_ip_host("a.192.0.2.10"));
        assert!(!is_ip_host("example.com"));
    }
}
