//! Device ids: the rules a policy applies to them, and their generation.
//!
//! The Matrix spec ("Device ID allocation", MSC2967) only requires that a device id be made of
//! characters allowed in a scope token (RFC 6749 NQCHAR), and suggests RFC 3986 unreserved
//! characters with about 10 of them. It sets no length bounds, so the rules are data: the
//! `default` preset takes 1 to 255 NQCHAR characters (Synapse's introspection bounds), the `mas`
//! preset 10 to 255 characters of the Matrix Authentication Service's alphabet.
//!
//! Generation is deterministic from caller-supplied entropy, so every runtime derives the same
//! id from the same bytes: bytes of 248 or more are skipped (248 = 4 × 62, which keeps the draw
//! unbiased) and every other byte picks `ALPHABET[byte % 62]`.

use crate::error::{DeviceIdError, Error};
use crate::scope::is_scope_char;

/// The characters a generated id is drawn from, in this order.
pub const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Length of a derived device id (the length MAS, matrix-js-sdk and ruma generate).
pub const DEFAULT_LENGTH: usize = 10;

/// The longest id the generator draws (`device.generate`'s `length` range is 1 to this).
pub const MAX_GENERATED_LENGTH: usize = 255;

/// A byte at or above this is skipped by the generator.
const SKIP_FROM: u8 = 248;

/// Which characters a device id may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alphabet {
    /// Every character allowed in a scope token: 0x21, 0x23-0x5B, 0x5D-0x7E.
    ScopeToken,
    /// RFC 3986 unreserved: `A-Z a-z 0-9 - . _ ~`.
    Unreserved,
    /// The Matrix Authentication Service's policy: unreserved plus `! $ & ' ( ) * + , ; = : @ /`.
    Mas,
}

impl Alphabet {
    /// Whether `b` belongs to the alphabet.
    pub fn allows(self, b: u8) -> bool {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        match self {
            Self::ScopeToken => is_scope_char(b),
            Self::Unreserved => unreserved,
            Self::Mas => unreserved || b"!$&'()*+,;=:@/".contains(&b),
        }
    }

    /// The name used in policy documents.
    pub fn name(self) -> &'static str {
        match self {
            Self::ScopeToken => "scope_token",
            Self::Unreserved => "unreserved",
            Self::Mas => "mas",
        }
    }

    /// The alphabet with this policy-document name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::ScopeToken, Self::Unreserved, Self::Mas].into_iter().find(|a| a.name() == name)
    }
}

/// Length bounds and alphabet for device ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceRules {
    /// Fewest characters (at least 1: an empty id is always refused).
    pub min_length: usize,
    /// Most characters.
    pub max_length: usize,
    /// Allowed characters.
    pub alphabet: Alphabet,
}

impl DeviceRules {
    /// The `default` preset: 1 to 255 scope-token characters.
    pub const DEFAULT: Self = Self { min_length: 1, max_length: 255, alphabet: Alphabet::ScopeToken };
    /// The `mas` preset: 10 to 255 characters of MAS's alphabet.
    pub const MAS: Self = Self { min_length: 10, max_length: 255, alphabet: Alphabet::Mas };

    /// Checks `id`; when several rules fail, the first of: empty, invalid character, too short,
    /// too long.
    pub fn validate(&self, id: &str) -> Result<(), DeviceIdError> {
        if id.is_empty() {
            return Err(DeviceIdError::Empty);
        }
        if let Some((at, b)) = id.bytes().enumerate().find(|&(_, b)| !self.alphabet.allows(b)) {
            let ch = id.get(at..).and_then(|rest| rest.chars().next()).unwrap_or(char::from(b));
            return Err(DeviceIdError::InvalidChar { ch, at });
        }
        // Every byte is ASCII now, so bytes and characters agree.
        let len = id.len();
        if len < self.min_length {
            return Err(DeviceIdError::TooShort { len, min: self.min_length });
        }
        if len > self.max_length {
            return Err(DeviceIdError::TooLong { len, max: self.max_length });
        }
        Ok(())
    }
}

impl Default for DeviceRules {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A device id that satisfied the rules it was checked against.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId(String);

impl DeviceId {
    /// Checks `id` against `rules`.
    pub fn parse(id: &str, rules: &DeviceRules) -> Result<Self, DeviceIdError> {
        rules.validate(id)?;
        Ok(Self(id.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Draws a `length`-character id from `entropy`, one byte at a time (see the module doc).
///
/// The id is not checked against any policy's device rules. Fails with `entropy.insufficient`
/// when the bytes run out first, and with `input.invalid` when `length` is outside 1 to 255.
pub fn generate(entropy: &[u8], length: usize) -> Result<String, Error> {
    if !(1..=MAX_GENERATED_LENGTH).contains(&length) {
        return Err(Error::input(format!("`length` must be 1 to {MAX_GENERATED_LENGTH}, not {length}")));
    }
    draw(entropy, length)
}

/// The unchecked draw: also used for UIA session ids, which are longer than any device id.
pub(crate) fn draw(entropy: &[u8], length: usize) -> Result<String, Error> {
    let id: String = entropy
        .iter()
        .filter(|&&b| b < SKIP_FROM)
        .take(length)
        .map(|&b| char::from(ALPHABET.get(usize::from(b) % ALPHABET.len()).copied().unwrap_or(b'A')))
        .collect();
    if id.len() < length {
        return Err(Error::EntropyInsufficient { wanted: length });
    }
    Ok(id)
}

/// Decodes hex entropy (either case, even length) as the JSON operations take it.
pub fn decode_hex(hex: &str) -> Result<Vec<u8>, Error> {
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = hex.as_bytes();
    if bytes.len() % 2 != 0 {
        return Err(Error::input("`entropy` must have an even number of hex digits"));
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((nibble(*hi)? << 4) | nibble(*lo)?),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| Error::input("`entropy` must be hex digits"))
}

/// A fresh id from the operating system's secure random source.
///
/// Draws 32 bytes at a time until `length` characters are found, so it never fails for lack of
/// entropy; it fails only when the random source itself does (reported as `entropy.insufficient`).
#[cfg(feature = "rand")]
pub fn generate_random(length: usize) -> Result<String, Error> {
    if !(1..=MAX_GENERATED_LENGTH).contains(&length) {
        return Err(Error::input(format!("`length` must be 1 to {MAX_GENERATED_LENGTH}, not {length}")));
    }
    let mut id = String::with_capacity(length);
    while id.len() < length {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).map_err(|_| Error::EntropyInsufficient { wanted: length })?;
        let missing = length - id.len();
        id.push_str(&draw_some(&buf, missing));
    }
    Ok(id)
}

#[cfg(feature = "rand")]
fn draw_some(entropy: &[u8], most: usize) -> String {
    entropy
        .iter()
        .filter(|&&b| b < SKIP_FROM)
        .take(most)
        .map(|&b| char::from(ALPHABET.get(usize::from(b) % ALPHABET.len()).copied().unwrap_or(b'A')))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_order_is_empty_char_short_long() {
        let mas = DeviceRules::MAS;
        assert_eq!(mas.validate(""), Err(DeviceIdError::Empty));
        assert_eq!(mas.validate("a#"), Err(DeviceIdError::InvalidChar { ch: '#', at: 1 }));
        assert_eq!(mas.validate("abc"), Err(DeviceIdError::TooShort { len: 3, min: 10 }));
        assert_eq!(mas.validate(&"a".repeat(256)), Err(DeviceIdError::TooLong { len: 256, max: 255 }));
        assert_eq!(DeviceRules::DEFAULT.validate("a#"), Ok(()));
        assert_eq!(DeviceRules::DEFAULT.validate("é"), Err(DeviceIdError::InvalidChar { ch: 'é', at: 0 }));
    }

    #[test]
    fn generation_skips_high_bytes() {
        assert_eq!(generate(&[0, 0xf8, 0xff, 61, 62, 247], 4).as_deref(), Ok("A9A9"));
        assert_eq!(generate(&[0xf8; 20], 1).map_err(|e| e.code()), Err("entropy.insufficient"));
        assert_eq!(generate(&[1], 0).map_err(|e| e.code()), Err("input.invalid"));
    }

    #[test]
    fn hex_decoding() {
        assert_eq!(decode_hex("00fFA0"), Ok(vec![0, 255, 160]));
        assert!(decode_hex("abc").is_err());
        assert!(decode_hex("zz").is_err());
        assert_eq!(decode_hex(""), Ok(vec![]));
    }

    #[cfg(feature = "rand")]
    #[test]
    fn random_ids_have_the_length_and_alphabet() {
        let id = generate_random(40).unwrap_or_default();
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
