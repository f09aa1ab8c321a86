//! Character classes and hex/percent encoding shared by scopes, device ids, account URLs and the
//! JSON layer. The module imports nothing from the crate, so every module may use it without an
//! import cycle.

/// Whether `b` may appear in a scope token: NQCHAR, `%x21 / %x23-5B / %x5D-7E` (RFC 6749
/// appendix A.4), inclusive ranges, so `[`, `]` and `~` are valid.
pub const fn is_scope_char(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

/// Whether `b` is an RFC 3986 section 2.3 unreserved character: `A-Z a-z 0-9 - . _ ~`.
pub const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Whether `b` is one of the characters the Matrix Authentication Service allows in a device id
/// beside the unreserved ones: `! $ & ' ( ) * + , ; = : @ /`.
pub const fn is_mas_device_extra(b: u8) -> bool {
    matches!(b, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@' | b'/')
}

/// The value of one hex digit (either case).
pub const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Upper-case hex digits, by value.
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Why a string is not hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HexError {
    /// An odd number of digits.
    OddLength,
    /// A character that is not a hex digit.
    NotHex,
}

impl std::fmt::Display for HexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::OddLength => "an odd number of hex digits",
            Self::NotHex => "a character that is not a hex digit",
        })
    }
}

impl std::error::Error for HexError {}

/// Decodes hex (either case, even length, no separators).
pub fn decode_hex(hex: &str) -> Result<Vec<u8>, HexError> {
    let bytes = hex.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err(HexError::OddLength);
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((hex_value(*hi)? << 4) | hex_value(*lo)?),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or(HexError::NotHex)
}

/// Percent-encodes every byte outside unreserved, with upper-case hex (RFC 3986 section 2.1).
pub(crate) fn percent_encode(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0x0f] {
                out.push(char::from(UPPER_HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
            }
        }
    }
}

/// Decodes `%XX` escapes in raw text (a path segment in `account` and `uia`, a host in
/// `metadata::uri`); a `%` not followed by two hex digits stays as is.
pub(crate) fn percent_decode(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hi = bytes.get(i + 1).copied().and_then(hex_value);
        let lo = bytes.get(i + 2).copied().and_then(hex_value);
        match (b, hi, lo) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi << 4) | lo);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_chars_are_nqchar() {
        let nqchar: Vec<u8> = (0..=255u8).filter(|&b| is_scope_char(b)).collect();
        assert_eq!(nqchar.len(), 0x7E - 0x21 + 1 - 2);
        assert!(!is_scope_char(b'"') && !is_scope_char(b'\\') && !is_scope_char(b' '));
        assert!(is_scope_char(b'[') && is_scope_char(b'~'));
    }

    #[test]
    fn hex_decoding() {
        assert_eq!(decode_hex("00fFA0"), Ok(vec![0, 255, 160]));
        assert_eq!(decode_hex("abc"), Err(HexError::OddLength));
        assert_eq!(decode_hex("zz"), Err(HexError::NotHex));
        assert_eq!(decode_hex(""), Ok(vec![]));
    }

    #[test]
    fn percent_round_trip() {
        let mut out = String::new();
        percent_encode(&mut out, "a b/é~".as_bytes());
        assert_eq!(out, "a%20b%2F%C3%A9~");
        assert_eq!(percent_decode(&out), "a b/é~".as_bytes());
        assert_eq!(percent_decode("%zz%4"), b"%zz%4");
        assert_eq!(percent_decode("AB%2FCD"), b"AB/CD");
        assert_eq!(percent_decode("%c3%a9"), "é".as_bytes());
    }

    #[test]
    fn mas_extras() {
        let extras: Vec<u8> = (0..=255u8).filter(|&b| is_mas_device_extra(b)).collect();
        assert_eq!(extras, b"!$&'()*+,/:;=@");
    }
}
