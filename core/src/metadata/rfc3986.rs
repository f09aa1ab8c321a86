//! The contract's read-as-written pre-check: RFC 3986 syntax (section 3 and appendix A) with the
//! precisions of `CHOICES-registration.md` section 1, and the layout of the URI as written.
//!
//! This is not a URL parser. It refuses what the contract refuses before any host is read (only
//! RFC 3986 characters, so a non-ASCII host is invalid; `%` followed by two hex digits; a port
//! of digits at most 65535) and cuts the URI at its delimiters (`scheme:`, `//authority`,
//! `userinfo@`, `:port`, `?`, `#`), so that what the WHATWG URL standard repairs or drops stays
//! visible to the checks: `https:/cb` has no authority, `https:///cb` an empty host, `https://@x/`
//! an empty userinfo, `http://x:/` and `http://x:80/` a port. Reading the host itself is left to
//! the `url` crate ([`super::uri`]).

/// The URI is not an RFC 3986 absolute URI (with an optional fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError;

/// The components of an RFC 3986 absolute URI as written, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout<'a> {
    pub(super) scheme: &'a str,
    pub(super) authority: Option<WrittenAuthority<'a>>,
    pub(super) query: Option<&'a str>,
    pub(super) fragment: Option<&'a str>,
}

/// `[ userinfo "@" ] host [ ":" port ]` as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WrittenAuthority<'a> {
    /// Present exactly when the authority holds an `@` (possibly empty).
    pub(super) userinfo: Option<&'a str>,
    /// Possibly empty; an IP-literal keeps its brackets.
    pub(super) host: &'a str,
    /// Present exactly when a `:` follows the host (possibly empty).
    pub(super) port: Option<&'a str>,
    /// Byte offsets of `host[:port]` in the whole URI text.
    pub(super) host_port: (usize, usize),
}

/// Checks `text` against RFC 3986's `URI` rule as the contract reads it, and cuts it into its
/// components as written.
pub(super) fn precheck(text: &str) -> Result<Layout<'_>, SyntaxError> {
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
            Some(authority_parts(authority, scheme.len() + 3)?)
        }
        None => {
            check_path(hier)?;
            None
        }
    };
    Ok(Layout { scheme, authority, query, fragment })
}

/// Whether the written host decodes to a byte above 0x7F (`caf%C3%A9.example`). The contract
/// makes a non-ASCII host invalid (clients register the ASCII form, `xn--caf-dma.example`); an
/// escape is how such a host is still written in RFC 3986 characters, and it is refused the same
/// way whichever IDNA back end the `url` crate has (`CHOICES-registration.md` section 2).
pub(super) fn decodes_to_non_ascii(host: &str) -> bool {
    let bytes = host.as_bytes();
    bytes.iter().enumerate().any(|(at, &b)| {
        // After `check_characters` every `%` starts an escape; the first hex digit of a byte
        // above 0x7F is 8 to F.
        b == b'%' && bytes.get(at + 1).is_some_and(|&hi| matches!(hi, b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'))
    })
}

/// Whether the IP-literal is an `IPvFuture` (`[v1.x]`), which RFC 3986 allows and WHATWG refuses.
pub(super) fn is_ip_future(host: &str) -> bool {
    host.starts_with("[v") || host.starts_with("[V")
}

/// `[ userinfo "@" ] host [ ":" port ]`, cut as written.
fn authority_parts(authority: &str, offset: usize) -> Result<WrittenAuthority<'_>, SyntaxError> {
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
    Ok(WrittenAuthority { userinfo, host, port, host_port: (host_port_start, host_port_start + host_port.len()) })
}

/// The characters RFC 3986 allows anywhere in a URI (ASCII only); `%` must start a `%XX` escape.
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
/// the `url` crate (`super::uri`).
fn check_ip_literal(literal: &str) -> Result<(), SyntaxError> {
    let inside = literal.strip_prefix('[').and_then(|s| s.strip_suffix(']')).ok_or(SyntaxError)?;
    if is_ip_future(literal) {
        return check_ip_future(inside);
    }
    // The zone-id extension (RFC 6874) is not part of RFC 3986.
    if inside.contains('%') { Err(SyntaxError) } else { Ok(()) }
}

/// `"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`.
fn check_ip_future(inside: &str) -> Result<(), SyntaxError> {
    let rest = inside.get(1..).ok_or(SyntaxError)?;
    let (version, address) = rest.split_once('.').ok_or(SyntaxError)?;
    let version_ok = !version.is_empty() && version.bytes().all(|b| b.is_ascii_hexdigit());
    let address_ok = !address.is_empty() && !address.contains(['%', '/', '?', '#', '[', ']', '@']);
    if version_ok && address_ok { Ok(()) } else { Err(SyntaxError) }
}

/// Digits only (possibly none), at most 65535 (**[pinned]**: an empty port is a port). WHATWG
/// drops an empty port and refuses a larger one; an empty host never reaches the `url` crate, so
/// the range is checked here.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_keeps_what_whatwg_drops() {
        let layout = precheck("http://@127.0.0.1:/cb?#").unwrap();
        let authority = layout.authority.unwrap();
        assert_eq!((authority.userinfo, authority.host, authority.port), (Some(""), "127.0.0.1", Some("")));
        assert_eq!((layout.query, layout.fragment), (Some(""), Some("")));
        assert_eq!(precheck("https:/cb").unwrap().authority, None);
        assert_eq!(precheck("https:///cb").unwrap().authority.map(|a| a.host), Some(""));
        assert_eq!(precheck("http://localhost:80/cb").unwrap().authority.and_then(|a| a.port), Some("80"));
    }

    #[test]
    fn non_ascii_hosts() {
        for host in ["caf%C3%A9", "a%FF", "%80", "x%e2%80%8d"] {
            assert!(decodes_to_non_ascii(host), "{host}");
        }
        for host in ["example.com", "ex%61mple", "a%7F", "a%00b", "xn--caf-dma"] {
            assert!(!decodes_to_non_ascii(host), "{host}");
        }
        assert_eq!(precheck("https://caf\u{e9}.example/"), Err(SyntaxError));
    }
}
