//! Absolute URIs: a strict RFC 3986 pre-check, then the `url` crate.
//!
//! The registration rules (spec notes 5.4 and 5.5, `CHOICES-registration.md` section 1) are
//! stated on the URI *as written*: only RFC 3986 characters, `%` followed by two hex digits, a
//! port that is present even when empty, nothing decoded or normalized. The `url` crate follows
//! the WHATWG URL standard, which repairs such input instead of refusing it (`https:/cb` becomes
//! `https://cb/`, `https:///cb` loses its empty host, `%zz` and `<` are accepted, an empty
//! userinfo, an empty port and a default port such as `:443` are dropped). So a URI is read in
//! two steps, without a regular expression:
//!
//! 1. [`precheck`] refuses everything that is not RFC 3986 syntax as written and cuts the URI at
//!    its delimiters (`scheme:`, `//authority`, `userinfo@`, `:port`, `?`, `#`), so that the
//!    parts WHATWG discards stay visible: an authority after a special scheme, an empty
//!    userinfo, an empty host, an empty or default port.
//! 2. [`url::Url::parse`] reads the URI. Its host is the one the checks classify
//!    ([`HostKind`]: IPv6 literals are validated by the url crate, a WHATWG IPv4 address is an
//!    IP host only when written in RFC 3986 dotted-decimal form); its scheme, userinfo
//!    (`username()`/`password()`), port (`port_or_known_default()`), query and fragment must
//!    agree with the written layout, otherwise the URI is refused. Where WHATWG cannot give the
//!    RFC 3986 reading (see [`read_with_url`]), the layout alone decides, and a host the url
//!    crate refuses is never accepted as a host ([`HostKind::Refused`]).
//!
//! Every accessor returns text borrowed from the input, as written: hosts and schemes are
//! compared case-insensitively by the checks, everything else byte for byte.

use std::net::Ipv4Addr;

use url::{Host, ParseError, Url};

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
    userinfo: Option<&'a str>,
    host: &'a str,
    port: Option<&'a str>,
    /// Byte offsets of `host[:port]` in the whole URI text.
    host_port: (usize, usize),
    kind: HostKind,
}

/// How the `url` crate reads the host of an authority.
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
    /// An IPv6 literal in brackets, validated by the url crate.
    Ipv6,
    /// Valid RFC 3986 that the url crate refuses as a host, so no check accepts it: a name whose
    /// last label is a number but which is no IPv4 address (`a.192.0.2.10`, `1.2.3.4.5`), a
    /// label IDNA processing refuses, a `%XX` escape decoding to a forbidden host character
    /// (`a%00b`), an IPvFuture literal (`[v1.x]`), or a host WHATWG empties
    /// (`file://localhost/`).
    Refused,
}

impl HostKind {
    /// Whether a check may accept the host (it is neither empty nor refused by the url crate).
    pub fn is_usable(self) -> bool {
        !matches!(self, Self::Empty | Self::Refused)
    }
}

/// The URI is not an RFC 3986 absolute URI (with an optional fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError;

impl<'a> Uri<'a> {
    /// Reads `text`: the strict pre-check, then the `url` crate; every component is kept as
    /// written.
    pub fn parse(text: &'a str) -> Result<Self, SyntaxError> {
        let mut uri = precheck(text)?;
        let kind = read_with_url(&uri)?;
        if let (Some(authority), Some(kind)) = (uri.authority.as_mut(), kind) {
            authority.kind = kind;
        }
        Ok(uri)
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
        self.authority.map(|a| a.host)
    }

    /// How the url crate reads the host, when there is an authority.
    pub fn host_kind(&self) -> Option<HostKind> {
        self.authority.map(|a| a.kind)
    }

    /// The userinfo, present exactly when the authority holds an `@` (possibly empty).
    pub fn userinfo(&self) -> Option<&'a str> {
        self.authority.and_then(|a| a.userinfo)
    }

    /// The port text, present exactly when a `:` follows the host (possibly empty, possibly the
    /// scheme's default port, which WHATWG would drop).
    pub fn port(&self) -> Option<&'a str> {
        self.authority.and_then(|a| a.port)
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
        let authority = self.authority?;
        authority.port?;
        let (start, end) = authority.host_port;
        let head = self.text.get(..start + authority.host.len())?;
        let tail = self.text.get(end..)?;
        Some(format!("{head}{tail}"))
    }
}

impl<'a> Authority<'a> {
    /// The host as written.
    pub fn host(&self) -> &'a str {
        self.host
    }

    /// How the url crate reads the host.
    pub fn kind(&self) -> HostKind {
        self.kind
    }
}

/// Step 1: RFC 3986 syntax as written (section 1 of `CHOICES-registration.md`), and the layout
/// of the URI: where its components start and end, and whether they are present. The host kind
/// is left to [`read_with_url`].
fn precheck(text: &str) -> Result<Uri<'_>, SyntaxError> {
    check_characters(text)?;
    let (before_fragment, fragment) = split_off(text, '#');
    let (before_query, query) = split_off(before_fragment, '?');
    for tail in [fragment, query].into_iter().flatten() {
        // Query and fragment are `*( pchar / "/" / "?" )`: no brackets, no second `#`.
        if tail.contains(['#', '[', ']']) {
            return Err(SyntaxError);
        }
    }
    let (scheme, hier) = before_query.split_once(':').ok_or(SyntaxError)?;
    if !is_scheme(scheme) {
        return Err(SyntaxError);
    }
    let authority = match hier.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            let (authority, path) = after.split_at(end);
            check_path(path)?;
            // `scheme` `:` `//` precede the authority.
            Some(precheck_authority(authority, scheme.len() + 3)?)
        }
        None => {
            check_path(hier)?;
            None
        }
    };
    Ok(Uri { text, scheme, authority, query, fragment })
}

/// `[ userinfo "@" ] host [ ":" port ]`, cut as written.
fn precheck_authority(authority: &str, offset: usize) -> Result<Authority<'_>, SyntaxError> {
    let (userinfo, host_port, host_port_start) = match authority.split_once('@') {
        Some((userinfo, rest)) => (Some(userinfo), rest, offset + userinfo.len() + 1),
        None => (None, authority, offset),
    };
    // Userinfo is `*( unreserved / pct-encoded / sub-delims / ":" )`: no `@`, no brackets.
    if userinfo.is_some_and(|u| u.contains(['[', ']'])) || host_port.contains('@') {
        return Err(SyntaxError);
    }
    let (host, port) = split_host_port(host_port)?;
    if let Some(port) = port {
        check_port(port)?;
    }
    let kind = if host.is_empty() { HostKind::Empty } else { HostKind::Name };
    Ok(Authority { userinfo, host, port, host_port: (host_port_start, host_port_start + host_port.len()), kind })
}

/// The schemes WHATWG treats as special: they always get an authority and a host.
fn is_special(scheme: &str) -> bool {
    ["http", "https", "ws", "wss", "ftp", "file"].iter().any(|s| scheme.eq_ignore_ascii_case(s))
}

/// Step 2: the url crate reads the pre-checked URI. Returns the host kind when there is an
/// authority.
///
/// Two layouts have no WHATWG reading that matches RFC 3986, and the pre-check's layout decides
/// alone, without a host any check could accept:
/// - a special scheme without `//` (`https:/cb`, `https:cb`): RFC 3986 has no authority there,
///   WHATWG invents one (`https://cb/`) or refuses (`https:`);
/// - an empty host (`https:///cb`, `com.example.app://:8080/cb`): WHATWG skips the slashes of a
///   special scheme (`https:///cb` gets host `cb`) or refuses an empty host before a port.
///
/// Otherwise the url crate must parse the URI. When it refuses it, the pre-checked text is still
/// RFC 3986, and the refusal is about the host (the pre-check has already validated every other
/// component the url crate reads): an IPv6 literal the url crate refuses is a syntax error (the
/// url crate is the IPv6 validator), any other refused host is [`HostKind::Refused`], so that
/// the pinned vectors read `https://a.192.0.2.10/cb` (WHATWG: an invalid IPv4 address; RFC 3986:
/// a reg-name that is not under the IP base `192.0.2.10`) as a `host` violation.
fn read_with_url(uri: &Uri<'_>) -> Result<Option<HostKind>, SyntaxError> {
    match uri.authority {
        None if is_special(uri.scheme) => return Ok(None),
        Some(authority) if authority.host.is_empty() => return Ok(Some(HostKind::Empty)),
        _ => {}
    }
    let url = match Url::parse(uri.text) {
        Ok(url) => url,
        Err(error) => return refused(uri, error).map(Some),
    };
    if !agrees(uri, &url) {
        return Err(SyntaxError);
    }
    let Some(authority) = uri.authority else { return Ok(None) };
    let kind = match url.host() {
        Some(Host::Ipv6(_)) => HostKind::Ipv6,
        Some(Host::Ipv4(address)) if is_dotted(authority.host, address) => HostKind::Ipv4,
        // WHATWG IPv4 shorthands (`127.1`, `0x7f.0.0.1`, `192.0.2.010`) are reg-names in
        // RFC 3986; the checks compare hosts as written, so `http://127.1/` is not loopback.
        Some(Host::Ipv4(_) | Host::Domain(_)) => HostKind::Name,
        // `file://localhost/`: WHATWG turns the host into an empty one.
        None => HostKind::Refused,
    };
    Ok(Some(kind))
}

/// The url crate refuses a pre-checked URI: see [`read_with_url`].
fn refused(uri: &Uri<'_>, error: ParseError) -> Result<HostKind, SyntaxError> {
    match uri.authority {
        Some(authority) if error == ParseError::InvalidIpv6Address && !is_ip_future(authority.host) => Err(SyntaxError),
        Some(_) => Ok(HostKind::Refused),
        None => Err(SyntaxError),
    }
}

/// The url crate's components agree with the written layout, wherever WHATWG keeps them: the
/// scheme (lower-cased by WHATWG), the presence of an authority, a query and a fragment, a
/// non-empty userinfo, and a port's value (WHATWG drops an empty port and the scheme's default
/// port, so a written port may be absent from `port()`; it must then be empty or the default).
/// A disagreement would be a repair the pre-check missed: the URI is refused rather than read
/// two ways.
fn agrees(uri: &Uri<'_>, url: &Url) -> bool {
    let url_userinfo = !url.username().is_empty() || url.password().is_some();
    let port_agrees = match (uri.port(), url.port()) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some(""), port) => port.is_none(),
        (Some(written), _) => written.parse::<u16>().ok() == url.port_or_known_default(),
    };
    url.scheme().eq_ignore_ascii_case(uri.scheme)
        && url.has_authority() == uri.authority.is_some()
        && (!url_userinfo || uri.userinfo().is_some())
        && url.query().is_some() == uri.query.is_some()
        && url.fragment().is_some() == uri.fragment.is_some()
        && port_agrees
}

/// The characters RFC 3986 allows anywhere in a URI; `%` must start a `%XX` escape.
fn check_characters(text: &str) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    for (at, &b) in bytes.iter().enumerate() {
        let allowed = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b);
        if !allowed {
            return Err(SyntaxError);
        }
        if b == b'%' {
            let hex = bytes.get(at + 1..at + 3).ok_or(SyntaxError)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(SyntaxError);
            }
        }
    }
    Ok(())
}

/// Splits at the first `sep`: the text before it and, if `sep` occurs, the text after it.
fn split_off(text: &str, sep: char) -> (&str, Option<&str>) {
    match text.split_once(sep) {
        Some((head, tail)) => (head, Some(tail)),
        None => (text, None),
    }
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(scheme: &str) -> bool {
    let mut bytes = scheme.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Path segments are `*pchar`: after the character check only brackets are left to refuse.
fn check_path(path: &str) -> Result<(), SyntaxError> {
    if path.contains(['[', ']']) { Err(SyntaxError) } else { Ok(()) }
}

/// `host [ ":" port ]` where host is an IP-literal or a reg-name (possibly empty).
fn split_host_port(host_port: &str) -> Result<(&str, Option<&str>), SyntaxError> {
    if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or(SyntaxError)?;
        let (host, tail) = host_port.split_at(close + 1);
        check_ip_literal(host)?;
        return match tail {
            "" => Ok((host, None)),
            _ => tail.strip_prefix(':').map(|port| (host, Some(port))).ok_or(SyntaxError),
        };
    }
    let (host, port) = split_off(host_port, ':');
    // A reg-name is `*( unreserved / pct-encoded / sub-delims )`.
    if host.contains(['[', ']']) {
        return Err(SyntaxError);
    }
    Ok((host, port))
}

/// `"[" ( IPv6address / IPvFuture ) "]"`, no zone id. The IPv6 address itself is validated by
/// the url crate ([`read_with_url`]).
fn check_ip_literal(literal: &str) -> Result<(), SyntaxError> {
    let inside = literal.strip_prefix('[').and_then(|s| s.strip_suffix(']')).ok_or(SyntaxError)?;
    if is_ip_future(literal) {
        return check_ip_future(inside);
    }
    // The zone-id extension (RFC 6874) is not part of RFC 3986.
    if inside.contains('%') { Err(SyntaxError) } else { Ok(()) }
}

fn is_ip_future(host: &str) -> bool {
    host.starts_with("[v") || host.starts_with("[V")
}

/// `"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`.
fn check_ip_future(inside: &str) -> Result<(), SyntaxError> {
    let rest = inside.get(1..).ok_or(SyntaxError)?;
    let (version, address) = rest.split_once('.').ok_or(SyntaxError)?;
    let version_ok = !version.is_empty() && version.bytes().all(|b| b.is_ascii_hexdigit());
    let address_ok = !address.is_empty() && !address.contains(['%', '/', '?', '#', '[', ']', '@']);
    if version_ok && address_ok { Ok(()) } else { Err(SyntaxError) }
}

/// Digits only (possibly none), at most 65535. WHATWG drops an empty port and refuses a larger
/// one; an empty host never reaches the url crate, so the range is checked here too.
fn check_port(port: &str) -> Result<(), SyntaxError> {
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SyntaxError);
    }
    let value = port.bytes().try_fold(0u32, |n, d| n.checked_mul(10).and_then(|n| n.checked_add(u32::from(d - b'0'))));
    match value {
        Some(n) if n <= 65535 => Ok(()),
        _ => Err(SyntaxError),
    }
}

/// An IP host as written: an IP-literal in brackets, or a host the url crate reads as an IPv4
/// address and that is written in its RFC 3986 `IPv4address` form (dotted decimal without
/// leading zeros: `192.0.2.10`, not `192.0.2.010` or `127.1`). Such a host has no DNS labels.
pub fn is_ip_host(host: &str) -> bool {
    host.starts_with('[') || matches!(Host::parse(host), Ok(Host::Ipv4(address)) if is_dotted(host, address))
}

fn is_dotted(host: &str, address: Ipv4Addr) -> bool {
    address.to_string() == host
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
    fn host_kinds_come_from_the_url_crate() {
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
