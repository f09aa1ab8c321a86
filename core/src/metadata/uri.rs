//! Absolute URIs: a strict RFC 3986 pre-check, then the WHATWG URL reading of the host.
//!
//! The registration rules (spec notes 5.4 and 5.5, `CHOICES-registration.md` sections 1 and 2)
//! are stated on the URI *as written*: only RFC 3986 characters, `%` followed by two hex digits, a
//! port that is present even when empty, nothing decoded or normalized. The WHATWG URL standard
//! repairs such input instead of refusing it (`https:/cb` becomes `https://cb/`, `https:///cb`
//! loses its empty host, an empty userinfo, an empty port and a default port such as `:443` are
//! dropped), yet it is what browsers and most servers use to find the host. So a URI is read in
//! two steps, without a regular expression and without a URL library:
//!
//! 1. `precheck` refuses everything that is not RFC 3986 syntax as written (RFC 3986 section 3
//!    and appendix A) and cuts the URI at its delimiters (`scheme:`, `//authority`,
//!    `userinfo@`, `:port`, `?`, `#`), so that the parts WHATWG discards stay visible: an
//!    authority after a special scheme, an empty userinfo, an empty host, an empty or default
//!    port.
//! 2. `read_host` classifies the host ([`HostKind`]) the way the WHATWG URL standard's host
//!    parser (section 3.5, "host parsing") reads it, so that a host WHATWG refuses is never an
//!    acceptable host. After the pre-check only the host can make WHATWG fail, so only the host
//!    parser is implemented: for a special scheme (`http`, `https`, `ws`, `wss`, `ftp`) the
//!    percent-decoded domain goes through domain to ASCII (`domain_to_ascii`), the forbidden
//!    domain code points, the "ends in a number" rule and the IPv4 parser; for `file` the whole
//!    authority is the host (a userinfo or a port fails) and `localhost` becomes the empty host;
//!    any other scheme has an opaque host; brackets hold an IPv6 address (`is_ipv6`). A WHATWG
//!    IPv4 address is an IP host only when written in RFC 3986 dotted-decimal form.
//!
//! Every accessor returns text borrowed from the input, as written: hosts and schemes are
//! compared case-insensitively by the checks, everything else byte for byte.

use crate::chars::percent_decode;

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

/// How the WHATWG URL host parser reads the host of an authority (`read_host`).
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
    /// An IPv6 literal in brackets that the WHATWG IPv6 parser accepts.
    Ipv6,
    /// Valid RFC 3986 that the WHATWG host parser refuses, so no check accepts it: a name whose
    /// last label is a number but which is no IPv4 address (`a.192.0.2.10`, `1.2.3.4.5`), a
    /// label domain to ASCII refuses (invalid Punycode after `xn--`, a `%XX` escape decoding to
    /// a byte above 0x7F), a `%XX` escape decoding to a forbidden domain code point (`a%00b`,
    /// `a%2Fb`), an IPvFuture literal (`[v1.x]`), a `file` authority with a userinfo or a port,
    /// or a host WHATWG empties (`file://localhost/`).
    Refused,
}

impl HostKind {
    /// Whether a check may accept the host (it is neither empty nor refused by WHATWG).
    pub fn is_usable(self) -> bool {
        !matches!(self, Self::Empty | Self::Refused)
    }
}

/// The URI is not an RFC 3986 absolute URI (with an optional fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError;

impl<'a> Uri<'a> {
    /// Reads `text`: the strict pre-check, then the WHATWG reading of the host; every component
    /// is kept as written.
    pub fn parse(text: &'a str) -> Result<Self, SyntaxError> {
        let mut uri = precheck(text)?;
        let kind = read_host(&uri)?;
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

    /// How WHATWG reads the host, when there is an authority.
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

    /// How WHATWG reads the host.
    pub fn kind(&self) -> HostKind {
        self.kind
    }
}

/// Step 1: RFC 3986 syntax as written (section 1 of `CHOICES-registration.md`), and the layout
/// of the URI: where its components start and end, and whether they are present. The host kind
/// is left to `read_host`.
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

/// Step 2: the WHATWG host parser reads the host of the pre-checked URI. Returns the host kind
/// when there is an authority.
///
/// Two layouts have no WHATWG reading that matches RFC 3986, and the pre-check's layout decides
/// alone, without a host any check could accept:
/// - a special scheme without `//` (`https:/cb`, `https:cb`): RFC 3986 has no authority there,
///   WHATWG invents one (`https://cb/`) or refuses (`https:`);
/// - an empty host (`https:///cb`, `com.example.app://:8080/cb`): WHATWG skips the slashes of a
///   special scheme (`https:///cb` gets host `cb`) or refuses an empty host before a port.
///
/// Otherwise WHATWG reads the same scheme, userinfo, port, query and fragment as the pre-check
/// (it cuts at the same delimiters, and the pre-check has already refused a port above 65535),
/// so the host alone decides whether WHATWG accepts the URI. An IPv6 literal WHATWG refuses is a
/// syntax error (the WHATWG IPv6 parser is the validator of RFC 3986's `IPv6address` here), any
/// other refused host is [`HostKind::Refused`], so that the pinned vectors read
/// `https://a.192.0.2.10/cb` (WHATWG: an invalid IPv4 address; RFC 3986: a reg-name that is not
/// under the IP base `192.0.2.10`) as a `host` violation.
fn read_host(uri: &Uri<'_>) -> Result<Option<HostKind>, SyntaxError> {
    let Some(authority) = uri.authority else { return Ok(None) };
    if authority.host.is_empty() {
        return Ok(Some(HostKind::Empty));
    }
    let parsed = if uri.scheme.eq_ignore_ascii_case("file") {
        // The file host state reads up to the path: userinfo and port are part of the host.
        let text = uri.text.get(uri.scheme.len() + 3..authority.host_port.1).ok_or(SyntaxError)?;
        let path = uri.text.get(authority.host_port.1..).unwrap_or_default();
        let path = path.split(['?', '#']).next().unwrap_or_default();
        parse_file_host(text).map(|host| if path_starts_with_drive_letter(path) { WhatwgHost::Empty } else { host })
    } else if is_special(uri.scheme) {
        parse_special_host(authority.host)
    } else {
        parse_opaque_host(authority.host)
    };
    let kind = match parsed {
        Ok(WhatwgHost::Ipv6) => HostKind::Ipv6,
        Ok(WhatwgHost::Ipv4) if is_dotted_decimal(authority.host.as_bytes()) => HostKind::Ipv4,
        // WHATWG IPv4 shorthands (`127.1`, `0x7f.0.0.1`, `192.0.2.010`) are reg-names in
        // RFC 3986; the checks compare hosts as written, so `http://127.1/` is not loopback.
        Ok(WhatwgHost::Ipv4 | WhatwgHost::Domain | WhatwgHost::Localhost) => HostKind::Name,
        Ok(WhatwgHost::Empty) => HostKind::Refused,
        Err(HostFailure::Ipv6) if !is_ip_future(authority.host) => return Err(SyntaxError),
        Err(HostFailure::Ipv6 | HostFailure::Other) => HostKind::Refused,
    };
    Ok(Some(kind))
}

/// A host the WHATWG host parser accepts, as far as the checks need to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhatwgHost {
    /// A domain or an opaque host.
    Domain,
    /// The domain `localhost`.
    Localhost,
    Ipv4,
    Ipv6,
    /// `file://localhost/`: WHATWG replaces the host by the empty host.
    Empty,
}

/// Why the WHATWG host parser fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostFailure {
    /// The host starts with `[` but is no valid `[IPv6]` (an IPvFuture literal included).
    Ipv6,
    /// Any other failure (domain to ASCII, forbidden code points, IPv4).
    Other,
}

/// The host parser for `file` URLs: `localhost` (in any case or spelling that domain to ASCII
/// turns into `localhost`) is the empty host. A Windows drive letter (`c:`) would also leave
/// the host empty; the pre-check has cut it as host `c` with an empty port, and `c:` is refused
/// as a domain (`:`), so it is refused either way.
fn parse_file_host(input: &str) -> Result<WhatwgHost, HostFailure> {
    match parse_special_host(input)? {
        WhatwgHost::Localhost => Ok(WhatwgHost::Empty),
        host => Ok(host),
    }
}

/// WHATWG's path state empties the host of a `file` URL when a Windows drive letter (`c:`)
/// becomes the first path segment (`file://host/c:/x`, also after `.` and `..` segments:
/// `file://host/x/../c:`). As in the reading the vectors pin, `..` never removes a segment that
/// is a drive letter.
fn path_starts_with_drive_letter(path: &str) -> bool {
    let Some(path) = path.strip_prefix('/') else { return false };
    let is_drive_letter = |s: &str| matches!(s.as_bytes(), [letter, b':'] if letter.is_ascii_alphabetic());
    // For each segment of the path so far: whether it is a drive letter.
    let mut segments: Vec<bool> = Vec::new();
    let mut rest = path.split('/').peekable();
    while let Some(segment) = rest.next() {
        let last = rest.peek().is_none();
        let lower = segment.to_ascii_lowercase();
        if matches!(lower.as_str(), "." | "%2e") && !last {
            continue;
        }
        if matches!(lower.as_str(), ".." | ".%2e" | "%2e." | "%2e%2e") {
            if segments.last() == Some(&false) {
                segments.pop();
            }
            continue;
        }
        if segments.is_empty() && is_drive_letter(segment) {
            return true;
        }
        segments.push(is_drive_letter(segment));
    }
    false
}

/// The WHATWG host parser for a special scheme (not opaque): an IPv6 literal in brackets, or
/// the percent-decoded input through domain to ASCII, then an IPv4 address when the domain ends
/// in a number.
fn parse_special_host(input: &str) -> Result<WhatwgHost, HostFailure> {
    if let Some(rest) = input.strip_prefix('[') {
        let inside = rest.strip_suffix(']').ok_or(HostFailure::Ipv6)?;
        return if is_ipv6(inside.as_bytes()) { Ok(WhatwgHost::Ipv6) } else { Err(HostFailure::Ipv6) };
    }
    // `%` and two hex digits become that byte, anything else stays (WHATWG percent-decode).
    let domain = domain_to_ascii(&percent_decode(input)).ok_or(HostFailure::Other)?;
    if domain.is_empty() {
        return Err(HostFailure::Other);
    }
    if !ends_in_a_number(&domain) {
        return Ok(if domain == b"localhost" { WhatwgHost::Localhost } else { WhatwgHost::Domain });
    }
    if is_ipv4(&domain) { Ok(WhatwgHost::Ipv4) } else { Err(HostFailure::Other) }
}

/// The WHATWG opaque-host parser (schemes that are not special): an IPv6 literal in brackets,
/// or any text without a forbidden host code point; nothing is decoded.
fn parse_opaque_host(input: &str) -> Result<WhatwgHost, HostFailure> {
    if input.starts_with('[') {
        return parse_special_host(input);
    }
    let forbidden = |b: u8| {
        matches!(b, 0 | b'\t' | b'\n' | b'\r' | b' ' | b'#' | b'/' | b':' | b'<' | b'>')
            || matches!(b, b'?' | b'@' | b'[' | b'\\' | b']' | b'^' | b'|')
    };
    if input.bytes().any(forbidden) { Err(HostFailure::Other) } else { Ok(WhatwgHost::Domain) }
}

/// WHATWG "domain to ASCII" (UTS #46 `ToASCII` with `CheckHyphens`, `CheckBidi` and
/// `CheckJoiners` as the URL standard sets them, `VerifyDnsLength` off), then the forbidden
/// domain code points, on the percent-decoded host. Returns the domain lower-cased, or `None`
/// when it is refused.
///
/// The pre-check admits only ASCII, so a byte above 0x7F can only come from a `%XX` escape
/// (`%C3%A9`, `%FF`): it is refused, as by the ASCII-only IDNA back end this engine has always
/// used (`idna_adapter` 1.0.0), under which every runtime gives the same answer. An ASCII label
/// is mapped by lower-casing; a label starting with `xn--` (in any case) must be a valid
/// Punycode A-label ([`is_a_label`]).
fn domain_to_ascii(decoded: &[u8]) -> Option<Vec<u8>> {
    if !decoded.iter().all(|&b| is_domain_byte(b)) {
        return None;
    }
    let a_labels_ok = decoded
        .split(|&b| b == b'.')
        .filter(|label| label.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"xn--")))
        .all(is_a_label);
    a_labels_ok.then(|| decoded.to_ascii_lowercase())
}

/// ASCII and not a forbidden domain code point (C0 controls, space, `#`, `%`, `/`, `:`, `<`,
/// `>`, `?`, `@`, `[`, `\`, `]`, `^`, `|`, DEL).
fn is_domain_byte(b: u8) -> bool {
    b > b' ' && b < 0x7f && !b"#%/:<>?@[\\]^|".contains(&b)
}

/// Longest Punycode input and decoded label that IDNA processing accepts (the limits against
/// quadratic decoding of whatwg/url issue 824).
const PUNYCODE_MAX_INPUT: usize = 2000;
const PUNYCODE_MAX_OUTPUT: usize = 1000;

/// An `xn--` label: not ending in `-`, Punycode (RFC 3492) that decodes, within the length
/// limits, and not starting with a zero-width joiner or non-joiner (CheckJoiners: a joiner needs
/// a preceding character; the ASCII-only back end knows no other joining rule). Every decoded
/// code point of a successful decode is either an ASCII character of the label itself (already
/// checked by [`is_domain_byte`]) or above 0x7F.
fn is_a_label(label: &[u8]) -> bool {
    let Some(encoded) = label.get(4..) else { return false };
    if label.ends_with(b"-") || encoded.len() > PUNYCODE_MAX_INPUT {
        return false;
    }
    match punycode_decode(encoded) {
        Some((length, first)) => length <= PUNYCODE_MAX_OUTPUT && !matches!(first, '\u{200C}' | '\u{200D}'),
        None => false,
    }
}

/// RFC 3492 decoding with 32-bit overflow checks; returns the decoded length and first code
/// point. The basic code points precede the last `-`; a `-` that is the first character of the
/// input is no delimiter, so it reaches the digits and fails (as in the IDNA processing whose
/// answers the vectors pin).
fn punycode_decode(input: &[u8]) -> Option<(usize, char)> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let (basic, digits) = match input.iter().rposition(|&b| b == b'-') {
        Some(0) | None => (&[][..], input),
        Some(at) => (input.get(..at)?, input.get(at + 1..)?),
    };
    let mut first = basic.first().map(|&b| char::from(b.to_ascii_lowercase()));
    let mut length = u32::try_from(basic.len()).ok()?;
    let (mut code_point, mut bias, mut i) = (0x80u32, 72u32, 0u32);
    let mut digits = digits.iter();
    while let Some(&start) = digits.next() {
        let old_i = i;
        let (mut weight, mut k, mut byte) = (1u32, BASE, start);
        loop {
            let digit = punycode_digit(byte)?;
            i = i.checked_add(digit.checked_mul(weight)?)?;
            let t = if k <= bias {
                T_MIN
            } else if k >= bias + T_MAX {
                T_MAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            weight = weight.checked_mul(BASE - t)?;
            k += BASE;
            byte = *digits.next()?;
        }
        bias = punycode_adapt(i - old_i, length + 1, old_i == 0);
        code_point = code_point.checked_add(i / (length + 1))?;
        i %= length + 1;
        let decoded = char::from_u32(code_point)?;
        if i == 0 {
            first = Some(decoded);
        }
        length += 1;
        i += 1;
    }
    Some((usize::try_from(length).ok()?, first?))
}

fn punycode_digit(b: u8) -> Option<u32> {
    match b {
        b'a'..=b'z' => Some(u32::from(b - b'a')),
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 26),
        _ => None,
    }
}

/// RFC 3492 section 6.1, with its parameters (base 36, t 1 to 26, skew 38, damp 700).
fn punycode_adapt(delta: u32, points: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > 35 * 26 / 2 {
        delta /= 35;
        k += 36;
    }
    k + 36 * delta / (delta + 38)
}

/// WHATWG "ends in a number": the last label (before an optional trailing dot) is all digits
/// or parses as an IPv4 number (`0x1f`, `0x`).
fn ends_in_a_number(domain: &[u8]) -> bool {
    let mut labels = domain.rsplit(|&b| b == b'.');
    let last = match labels.next() {
        Some(b"") => labels.next(),
        last => last,
    };
    match last {
        Some(last) => (!last.is_empty() && last.iter().all(u8::is_ascii_digit)) || ipv4_number(last).is_some(),
        None => false,
    }
}

/// The WHATWG IPv4 number parser: decimal, `0x` hex, leading-zero octal, an empty number after
/// the prefix is 0. A number above `u32::MAX` is kept as `u64::MAX`: it fails every range check.
fn ipv4_number(part: &[u8]) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = match part {
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', rest @ ..] if !rest.is_empty() => (rest, 8),
        _ => (part, 10),
    };
    let mut value = 0u64;
    for &b in digits {
        let digit = char::from(b).to_digit(radix)?;
        value = value.saturating_mul(u64::from(radix)).saturating_add(u64::from(digit));
    }
    Some(value)
}

/// The WHATWG IPv4 parser: 1 to 4 numbers (an empty last part after a dot is dropped), every
/// number but the last at most 255, the last filling the remaining bytes.
fn is_ipv4(domain: &[u8]) -> bool {
    let mut parts: Vec<&[u8]> = domain.split(|&b| b == b'.').collect();
    if parts.last().is_some_and(|last| last.is_empty()) {
        parts.pop();
    }
    let Some((last, init)) = parts.split_last() else { return false };
    if init.len() > 3 {
        return false;
    }
    let init_ok = init.iter().all(|part| ipv4_number(part).is_some_and(|n| n <= 255));
    let limit = 1u64 << (8 * (4 - init.len()));
    init_ok && ipv4_number(last).is_some_and(|n| n < limit)
}

/// The WHATWG IPv6 parser, on the text between the brackets: up to 8 pieces of 1 to 4 hex
/// digits, at most one `::`, an embedded dotted-decimal IPv4 address (4 numbers of at most 255
/// without leading zeros) in the last 32 bits; exactly 8 pieces without `::`.
fn is_ipv6(input: &[u8]) -> bool {
    let mut piece = 0usize;
    let mut compress = None;
    let mut at = 0usize;
    if input.first() == Some(&b':') {
        if input.get(1) != Some(&b':') {
            return false;
        }
        at = 2;
        piece = 1;
        compress = Some(piece);
    }
    while let Some(&c) = input.get(at) {
        if piece == 8 {
            return false;
        }
        if c == b':' {
            if compress.is_some() {
                return false;
            }
            at += 1;
            piece += 1;
            compress = Some(piece);
            continue;
        }
        let start = at;
        while at - start < 4 && input.get(at).is_some_and(u8::is_ascii_hexdigit) {
            at += 1;
        }
        match input.get(at) {
            Some(b'.') => {
                // The address ends with an IPv4 part (dotted decimal), which fills two pieces.
                let ipv4 = input.get(start..).unwrap_or_default();
                return at != start && piece <= 6 && is_dotted_decimal(ipv4) && (compress.is_some() || piece == 6);
            }
            Some(b':') => {
                at += 1;
                if at == input.len() {
                    return false;
                }
            }
            Some(_) => return false,
            None => {}
        }
        piece += 1;
    }
    compress.is_some() || piece == 8
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
/// the WHATWG IPv6 parser (`read_host`).
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
/// one, so the range is checked here.
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

/// An IP host as written: an IP-literal in brackets, or an RFC 3986 `IPv4address` (dotted
/// decimal without leading zeros: `192.0.2.10`, not `192.0.2.010` or `127.1`), which WHATWG
/// reads as that IPv4 address. Such a host has no DNS labels.
pub fn is_ip_host(host: &str) -> bool {
    host.starts_with('[') || is_dotted_decimal(host.as_bytes())
}

/// RFC 3986 `IPv4address`: four decimal numbers of at most 255 without leading zeros.
fn is_dotted_decimal(host: &[u8]) -> bool {
    let mut parts = 0;
    for part in host.split(|&b| b == b'.') {
        parts += 1;
        let canonical = match part {
            [] | [b'0', _, ..] => false,
            _ => part.len() <= 3 && part.iter().all(u8::is_ascii_digit) && ipv4_number(part).is_some_and(|n| n <= 255),
        };
        if !canonical || parts > 4 {
            return false;
        }
    }
    parts == 4
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
