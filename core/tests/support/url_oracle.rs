//! The oracle for `src/metadata/uri.rs`: the URI reading of matrix-authz up to commit 97e4539,
//! which read hosts through the `url` crate (WHATWG URL) with idna's ASCII-only back end
//! (`idna_adapter = "=1.0.0"`). Kept verbatim but for two guards against idna's debug assertions, off in release builds
//! (`trips_the_stub_assertion`, `trips_the_rlm_assertion`), so
//! that `tests/uri_oracle.rs` and the `metadata` fuzz target can check that our own WHATWG host
//! reading gives exactly the same answers. Shared by both through `#[path]`.

#![allow(dead_code, clippy::all)]

use std::net::Ipv4Addr;

use matrix_authz::metadata::uri::HostKind;
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
    if cfg!(debug_assertions) && trips_the_stub_assertion(uri) {
        return Ok(Some(HostKind::Refused));
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
    if cfg!(debug_assertions) && !host.starts_with('[') && decodes_to_non_ascii(host) {
        return false;
    }
    host.starts_with('[') || matches!(Host::parse(host), Ok(Host::Ipv4(address)) if is_dotted(host, address))
}

fn is_dotted(host: &str, address: Ipv4Addr) -> bool {
    address.to_string() == host
}

/// Whether the url crate would trip idna's `debug_assert_ne!(c, '\u{200F}')` on `text` in a
/// debug build: an `xn--` label decoding to U+200F (the stub back end lets it through; in a
/// release build it is then an ordinary label). The oracle has no answer there in a debug build,
/// so the differential checks skip such input unless built with `--release`.
pub fn trips_the_rlm_assertion(text: &str) -> bool {
    cfg!(debug_assertions)
        && text.split(['/', '.', '@', ':', '?', '#']).any(|label| {
            label.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
                && label.get(4..).and_then(idna::punycode::decode_to_string).is_some_and(|d| d.contains('\u{200F}'))
        })
}

/// The one change to the reading of commit 97e4539: a special-scheme host whose percent-decoded
/// form holds a byte above 0x7F is refused without calling the url crate. Its answer is the
/// same (idna's ASCII-only stub back end maps every non-ASCII code point to an error, so
/// `Url::parse` fails on the host, with an error other than `InvalidIpv6Address`), but the stub
/// `debug_assert!`s that the ASCII character before the first non-ASCII one of a label is not
/// upper case (`https://A%C3%A9/` panics in a debug build), and the tests and the fuzz target run
/// with debug assertions. `tests/uri_oracle.rs` checks that such hosts make the url crate fail
/// or trip that assertion, never succeed.
fn trips_the_stub_assertion(uri: &Uri<'_>) -> bool {
    let Some(authority) = uri.authority else { return false };
    let host = if uri.scheme.eq_ignore_ascii_case("file") {
        uri.text.get(uri.scheme.len() + 3..authority.host_port.1).unwrap_or_default()
    } else if is_special(uri.scheme) {
        authority.host
    } else {
        return false;
    };
    !host.starts_with('[') && decodes_to_non_ascii(host)
}

/// Whether percent-decoding `text` gives a byte above 0x7F (a `%` without two hex digits stays).
pub fn decodes_to_non_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, &b)| {
        let escape = bytes.get(at + 1..at + 3).and_then(|hex| std::str::from_utf8(hex).ok());
        !b.is_ascii()
            || (b == b'%' && escape.and_then(|hex| u8::from_str_radix(hex, 16).ok()).is_some_and(|d| d > 0x7f))
    })
}
