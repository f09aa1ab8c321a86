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

use std::fmt;

use crate::chars::{is_mas_device_extra, is_scope_char, is_unreserved};
use crate::error::{DeviceError, DeviceIdError};

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
        match self {
            Self::ScopeToken => is_scope_char(b),
            Self::Unreserved => is_unreserved(b),
            Self::Mas => is_unreserved(b) || is_mas_device_extra(b),
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

    /// Parses `id` under these rules (the same as [`DeviceId::parse`]); when several rules
    /// fail, the first of: empty, invalid character, too short, too long.
    pub fn parse<'a>(&self, id: &'a str) -> Result<DeviceId<&'a str>, DeviceIdError> {
        if id.is_empty() {
            return Err(DeviceIdError::Empty);
        }
        if let Some((at, b)) = id.bytes().enumerate().find(|&(_, b)| !self.alphabet.allows(b)) {
            let ch = id.get(at..).and_then(|rest| rest.chars().next()).unwrap_or(char::from(b));
            return Err(DeviceIdError::InvalidChar { ch, at });
        }
        // Every byte is ASCII now, so bytes and characters agree.
        self.check_length(id)
    }

    /// The length rules alone, in [`Self::parse`]'s order (empty, too short, too long): what is
    /// left to check of an id whose characters are already known to be allowed.
    pub(crate) fn check_length<'a>(&self, id: &'a str) -> Result<DeviceId<&'a str>, DeviceIdError> {
        let len = id.len();
        if len == 0 {
            return Err(DeviceIdError::Empty);
        }
        if len < self.min_length {
            return Err(DeviceIdError::TooShort { len, min: self.min_length });
        }
        if len > self.max_length {
            return Err(DeviceIdError::TooLong { len, max: self.max_length });
        }
        Ok(DeviceId(id))
    }
}

impl Default for DeviceRules {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A device id: the type device ids travel in once they are read.
///
/// Generic over its storage, as `url::Host<S>` is: `DeviceId<&'a str>` borrows from the text it
/// was read from (what [`DeviceId::parse`], [`DeviceRules::parse`] and a scope's device part
/// give, allocating nothing), `DeviceId<String>` (the default) owns its text (what generation
/// gives, and [`DeviceId::into_owned`]). Every value either satisfied the device rules it was
/// parsed under, or was generated ([`ALPHABET`] characters, 1 to [`MAX_GENERATED_LENGTH`] of
/// them: valid under every alphabet, though not necessarily every policy's length bounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId<S = String>(S);

impl<'a> DeviceId<&'a str> {
    /// Parses `id` under `rules`, borrowing it.
    pub fn parse(id: &'a str, rules: &DeviceRules) -> Result<Self, DeviceIdError> {
        rules.parse(id)
    }

    /// An id the caller has already checked (a scope's device part, once the scope parsed).
    pub(crate) fn checked(id: &'a str) -> Self {
        Self(id)
    }

    /// The owned id.
    pub fn into_owned(self) -> DeviceId {
        DeviceId(self.0.to_owned())
    }

    /// The id, borrowed from the text it was read from.
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

impl DeviceId {
    /// A borrowed view of the owned id.
    pub fn as_borrowed(&self) -> DeviceId<&str> {
        DeviceId(&self.0)
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S> DeviceId<S> {
    /// The storage: the `&'a str` or the `String`.
    pub fn into_inner(self) -> S {
        self.0
    }
}

impl<S: AsRef<str>> fmt::Display for DeviceId<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_ref())
    }
}

impl<S: AsRef<str>> AsRef<str> for DeviceId<S> {
    fn as_ref(&self) -> &str {
        self.0.as_ref()
    }
}

impl From<DeviceId> for String {
    fn from(id: DeviceId) -> Self {
        id.0
    }
}

/// Draws a `length`-character id from `entropy`, one byte at a time (see the module doc).
///
/// The id is not checked against any policy's device rules. Fails with `entropy.insufficient`
/// when the bytes run out first, and with `input.invalid` when `length` is outside 1 to 255.
pub fn generate(entropy: &[u8], length: usize) -> Result<DeviceId, DeviceError> {
    check_generated_length(length)?;
    draw(entropy, length).map(DeviceId)
}

/// `length` against the generator's range.
fn check_generated_length(length: usize) -> Result<(), DeviceError> {
    if (1..=MAX_GENERATED_LENGTH).contains(&length) {
        Ok(())
    } else {
        Err(DeviceError::LengthOutOfRange { length, max: MAX_GENERATED_LENGTH })
    }
}

/// The unchecked draw: also used for UIA session ids, which are longer than any device id.
pub(crate) fn draw(entropy: &[u8], length: usize) -> Result<String, DeviceError> {
    let id: String = entropy
        .iter()
        .filter(|&&b| b < SKIP_FROM)
        .take(length)
        .map(|&b| char::from(ALPHABET.get(usize::from(b) % ALPHABET.len()).copied().unwrap_or(b'A')))
        .collect();
    if id.len() < length {
        return Err(DeviceError::EntropyInsufficient { wanted: length });
    }
    Ok(id)
}

/// A fresh id from the operating system's secure random source.
///
/// Draws 32 bytes at a time until `length` characters are found, so it never fails for lack of
/// entropy; it fails only when the random source itself does (reported as `entropy.insufficient`).
#[cfg(feature = "rand")]
pub fn generate_random(length: usize) -> Result<DeviceId, DeviceError> {
    check_generated_length(length)?;
    let mut id = String::with_capacity(length);
    while id.len() < length {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).map_err(|_| DeviceError::EntropyInsufficient { wanted: length })?;
        let missing = length - id.len();
        id.push_str(&draw_some(&buf, missing));
    }
    Ok(DeviceId(id))
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
        assert_eq!(mas.parse(""), Err(DeviceIdError::Empty));
        assert_eq!(mas.parse("a#"), Err(DeviceIdError::InvalidChar { ch: '#', at: 1 }));
        assert_eq!(mas.parse("abc"), Err(DeviceIdError::TooShort { len: 3, min: 10 }));
        assert_eq!(mas.parse(&"a".repeat(256)), Err(DeviceIdError::TooLong { len: 256, max: 255 }));
        assert_eq!(DeviceRules::DEFAULT.parse("a#").map(DeviceId::into_inner), Ok("a#"));
        assert_eq!(DeviceRules::DEFAULT.parse("é"), Err(DeviceIdError::InvalidChar { ch: 'é', at: 0 }));
        let id = DeviceId::parse("ABCDEFGHIJ", &mas).map(DeviceId::into_owned);
        assert_eq!(id.as_ref().map(|id| id.as_str()), Ok("ABCDEFGHIJ"));
        assert_eq!(id.as_ref().map(|id| id.as_borrowed().to_string()), Ok("ABCDEFGHIJ".to_owned()));
    }

    #[test]
    fn generation_skips_high_bytes() {
        assert_eq!(generate(&[0, 0xf8, 0xff, 61, 62, 247], 4).map(String::from).as_deref(), Ok("A9A9"));
        assert_eq!(generate(&[0xf8; 20], 1).map_err(|e| e.code()), Err("entropy.insufficient"));
        assert_eq!(generate(&[1], 0).map_err(|e| e.code()), Err("input.invalid"));
    }

    #[cfg(feature = "rand")]
    #[test]
    fn random_ids_have_the_length_and_alphabet() {
        let id = generate_random(40).map(String::from).unwrap_or_default();
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
