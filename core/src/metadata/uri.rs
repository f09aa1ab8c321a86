//! RFC 3986 section 3: the generic syntax of an absolute URI, read by a linear scan.
//!
//! The registration rules (spec notes 5.4 and 5.5, `CHOICES-registration.md` section 1) are
//! stated on the URI *as written*: a port is present even when empty, nothing is decoded or
//! normalized, and any character outside RFC 3986 makes the URI invalid. The WHATWG parser of
//! the `url` crate repairs such input instead (it turns `https:/cb` into `https://cb/`, drops an
//! empty port, accepts `%zz`, encodes `<`), so the components are cut here by hand, without a
//! regular expression; the `url` crate validates IPv6 literals.

use std::net::Ipv4Addr;

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
}

/// The URI is not an RFC 3986 absolute URI (with an optional fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError;

impl<'a> Uri<'a> {
    /// Reads `text`; every component is kept as written.
    pub fn parse(text: &'a str) -> Result<Self, SyntaxError> {
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
                Some(Authority::parse(authority, scheme.len() + 3)?)
            }
            None => {
                check_path(hier)?;
                None
            }
        };
        Ok(Self { text, scheme, authority, query, fragment })
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

    /// The userinfo, present exactly when the authority holds an `@` (possibly empty).
    pub fn userinfo(&self) -> Option<&'a str> {
        self.authority.and_then(|a| a.userinfo)
    }

    /// The port text, present exactly when a `:` follows the host (possibly empty).
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
    fn parse(authority: &'a str, offset: usize) -> Result<Self, SyntaxError> {
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
        Ok(Self { userinfo, host, port, host_port: (host_port_start, host_port_start + host_port.len()) })
    }

    /// The host as written.
    pub fn host(&self) -> &'a str {
        self.host
    }
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

/// `"[" ( IPv6address / IPvFuture ) "]"`, no zone id.
fn check_ip_literal(literal: &str) -> Result<(), SyntaxError> {
    let inside = literal.strip_prefix('[').and_then(|s| s.strip_suffix(']')).ok_or(SyntaxError)?;
    if inside.starts_with(['v', 'V']) {
        return check_ip_future(inside);
    }
    // The zone-id extension (RFC 6874) is not part of RFC 3986.
    if inside.contains('%') {
        return Err(SyntaxError);
    }
    match url::Host::parse(literal) {
        Ok(url::Host::Ipv6(_)) => Ok(()),
        _ => Err(SyntaxError),
    }
}

/// `"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`.
fn check_ip_future(inside: &str) -> Result<(), SyntaxError> {
    let rest = inside.get(1..).ok_or(SyntaxError)?;
    let (version, address) = rest.split_once('.').ok_or(SyntaxError)?;
    let version_ok = !version.is_empty() && version.bytes().all(|b| b.is_ascii_hexdigit());
    let address_ok = !address.is_empty() && !address.contains(['%', '/', '?', '#', '[', ']', '@']);
    if version_ok && address_ok { Ok(()) } else { Err(SyntaxError) }
}

/// Digits only (possibly none), at most 65535.
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

/// An IP host: an IP-literal in brackets or an RFC 3986 `IPv4address` (dotted decimal without
/// leading zeros). Such a host has no DNS labels.
pub fn is_ip_host(host: &str) -> bool {
    host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok()
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
        assert_eq!(ok("https:/cb").authority(), None);
        assert_eq!(ok("com.example.app:").authority(), None);
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
            "https://example.com/%zz",
            "https://example.com/%4",
            "https://example.com/<cb>",
            "https://example.com/caf\u{e9}",
            "https://[::1/cb",
            "https://[zz]/cb",
            "https://[::1%25eth0]/cb",
            "https://[::1]x/cb",
            "https://a@b@example.com/cb",
            "https://example.com:8080:90/cb",
            "https://example.com:abc/cb",
            "https://example.com:65536/cb",
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
            "javascript:alert(1)",
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
        assert!(!is_ip_host("a.192.0.2.10"));
        assert!(!is_ip_host("example.com"));
    }
}
