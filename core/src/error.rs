//! The engine's errors: one type per API, each with a stable code per variant, and the union
//! [`Error`] for callers that take any operation (the JSON dispatcher, the bindings).
//!
//! - [`ScopeError`]: the scope parser (`scope.*`, and `device_id.*` for a device token's id).
//! - [`DeviceIdError`]: a device id against a policy's device rules (`device_id.*`).
//! - [`DeviceError`]: device id generation (`entropy.insufficient`, `input.invalid` for a length).
//!
//! Codes are lower-case and dot-separated (`scope.invalid_char`); they are the contract every
//! runtime exposes unchanged. Messages are for people: lower-case, no trailing period, the
//! offending input in backticks. Decisions (allow, deny, UIA, step-up) are not errors.

use std::fmt;

use crate::policy::PolicyError;

/// Why a device id breaks the policy's device rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceIdError {
    /// The id is empty.
    Empty,
    /// A character outside the policy's alphabet, at this byte offset of the id.
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its byte offset inside the id.
        at: usize,
    },
    /// Fewer characters than the policy's minimum.
    TooShort {
        /// The id's length.
        len: usize,
        /// The policy's minimum.
        min: usize,
    },
    /// More characters than the policy's maximum.
    TooLong {
        /// The id's length.
        len: usize,
        /// The policy's maximum.
        max: usize,
    },
}

impl DeviceIdError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "device_id.empty",
            Self::InvalidChar { .. } => "device_id.invalid_char",
            Self::TooShort { .. } => "device_id.too_short",
            Self::TooLong { .. } => "device_id.too_long",
        }
    }
}

impl fmt::Display for DeviceIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "the device id is empty"),
            Self::InvalidChar { ch, at } => {
                write!(f, "the device id has `{}` at byte {at}, outside the allowed characters", ch.escape_default())
            }
            Self::TooShort { len, min } => {
                write!(f, "the device id has {len} characters, fewer than the minimum of {min}")
            }
            Self::TooLong { len, max } => {
                write!(f, "the device id has {len} characters, more than the maximum of {max}")
            }
        }
    }
}

/// Why a scope string does not parse (the scope API's error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeError {
    /// The empty string under the strict grammar.
    Empty,
    /// The scope string is longer than the policy's byte limit.
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// More tokens than the policy's token limit; `at` is the byte offset of the first token past it.
    TooManyTokens {
        /// The limit.
        max: usize,
        /// Byte offset of the first token past the limit.
        at: usize,
    },
    /// A character that no scope token may hold.
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its byte offset in the scope string.
        at: usize,
    },
    /// An empty token: a leading, trailing or doubled space (strict grammar only).
    EmptyToken {
        /// Byte offset where the empty token sits.
        at: usize,
    },
    /// Two distinct device ids in one scope.
    MultipleDevices,
    /// A device token whose id breaks the policy's device rules.
    DeviceId(DeviceIdError),
}

impl ScopeError {
    /// The stable code: `scope.*`, or the device id's `device_id.*`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "scope.empty",
            Self::TooLong { .. } => "scope.too_long",
            Self::TooManyTokens { .. } => "scope.too_many_tokens",
            Self::InvalidChar { .. } => "scope.invalid_char",
            Self::EmptyToken { .. } => "scope.empty_token",
            Self::MultipleDevices => "scope.multiple_devices",
            Self::DeviceId(e) => e.code(),
        }
    }
}

impl From<DeviceIdError> for ScopeError {
    fn from(e: DeviceIdError) -> Self {
        Self::DeviceId(e)
    }
}

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "the scope is empty"),
            Self::TooLong { len, max } => {
                write!(f, "the scope has {len} bytes, more than the limit of {max}")
            }
            Self::TooManyTokens { max, at } => {
                write!(f, "the scope has more than {max} tokens (the token at byte {at} is one too many)")
            }
            Self::InvalidChar { ch, at } => {
                write!(f, "the scope has `{}` at byte {at}, which no scope token may hold", ch.escape_default())
            }
            Self::EmptyToken { at } => {
                write!(f, "the scope has an empty token at byte {at} (a leading, trailing or doubled space)")
            }
            Self::MultipleDevices => write!(f, "the scope names two different devices"),
            Self::DeviceId(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ScopeError {}

impl std::error::Error for DeviceIdError {}

/// Why a device id cannot be generated (the device generation API's error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceError {
    /// Not enough entropy bytes to derive an id of the requested length (or the platform's
    /// random source failed).
    EntropyInsufficient {
        /// Characters wanted.
        wanted: usize,
    },
    /// A requested length outside 1 to `max` (the generator's limit); its code is
    /// `input.invalid`, as it always was.
    LengthOutOfRange {
        /// The length asked for.
        length: usize,
        /// The longest id the generator draws.
        max: usize,
    },
}

impl DeviceError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EntropyInsufficient { .. } => "entropy.insufficient",
            Self::LengthOutOfRange { .. } => "input.invalid",
        }
    }
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EntropyInsufficient { wanted } => {
                write!(f, "the entropy ran out before {wanted} characters were drawn")
            }
            Self::LengthOutOfRange { length, max } => {
                write!(f, "invalid input: `length` must be 1 to {max}, not {length}")
            }
        }
    }
}

impl std::error::Error for DeviceError {}

/// A request, argument or input object that does not say what the operation needs (a missing
/// fact, a wrong-typed field, an empty name): `input.invalid`. The message names the argument;
/// where a field of an input object is at fault, [`InputError::path`] points at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    message: String,
    path: Option<String>,
}

impl InputError {
    /// An input error with this message (without the `invalid input: ` prefix).
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), path: None }
    }

    /// An input error about the field at `path`, a JSON pointer (RFC 6901) into the input.
    pub fn at(path: String, message: impl Into<String>) -> Self {
        Self { message: message.into(), path: Some(path) }
    }

    /// The stable code: `input.invalid`.
    pub fn code(&self) -> &'static str {
        "input.invalid"
    }

    /// What is wrong, without the `invalid input: ` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON pointer (RFC 6901) into the op's input at the offending field, when one field is
    /// at fault (FORMAT.md v4 "Explanations").
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid input: {}", self.message)
    }
}

/// A JSON pointer (RFC 6901) from its reference tokens: each one after a `/`, with `~` written
/// `~0` and `/` written `~1`.
pub fn json_pointer<S: AsRef<str>>(tokens: impl IntoIterator<Item = S>) -> String {
    let mut pointer = String::new();
    for token in tokens {
        pointer.push('/');
        for c in token.as_ref().chars() {
            match c {
                '~' => pointer.push_str("~0"),
                '/' => pointer.push_str("~1"),
                c => pointer.push(c),
            }
        }
    }
    pointer
}

impl std::error::Error for InputError {}

/// Every failure the engine reports, for callers that take any operation (the JSON dispatcher,
/// the bindings). Each API's own error converts into it with `From`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The scope parser's error.
    Scope(ScopeError),
    /// A device id that breaks the policy's device rules.
    DeviceId(DeviceIdError),
    /// Device id generation's error.
    Device(DeviceError),
    /// The account-management URL's error.
    Account(crate::account::AccountError),
    /// Settings or a policy document that do not describe a policy, or an unknown preset name.
    Policy(PolicyError),
    /// A malformed request, argument or input object.
    Input(InputError),
    /// An operation name the dispatcher does not know.
    OpUnknown(String),
}

impl Error {
    /// The stable code, the same in every runtime.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Scope(e) => e.code(),
            Self::DeviceId(e) => e.code(),
            Self::Device(e) => e.code(),
            Self::Account(e) => e.code(),
            Self::Policy(e) => e.code(),
            Self::Input(e) => e.code(),
            Self::OpUnknown(_) => "op.unknown",
        }
    }

    pub(crate) fn input(msg: impl Into<String>) -> Self {
        Self::Input(InputError::new(msg))
    }

    /// The JSON pointer at the offending place, where the error has one (FORMAT.md v4): into the
    /// op's input for `input.invalid`, into the policy document for `policy.invalid`.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::Input(e) => e.path(),
            Self::Policy(e) => e.path(),
            _ => None,
        }
    }
}

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Self {
        Self::Policy(e)
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Self::Input(e)
    }
}

impl From<crate::account::AccountError> for Error {
    fn from(e: crate::account::AccountError) -> Self {
        Self::Account(e)
    }
}

impl From<ScopeError> for Error {
    fn from(e: ScopeError) -> Self {
        Self::Scope(e)
    }
}

impl From<DeviceIdError> for Error {
    fn from(e: DeviceIdError) -> Self {
        Self::DeviceId(e)
    }
}

impl From<DeviceError> for Error {
    fn from(e: DeviceError) -> Self {
        Self::Device(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scope(e) => e.fmt(f),
            Self::DeviceId(e) => e.fmt(f),
            Self::Device(e) => e.fmt(f),
            Self::Account(e) => e.fmt(f),
            Self::Policy(e) => e.fmt(f),
            Self::Input(e) => e.fmt(f),
            Self::OpUnknown(op) => write!(f, "there is no operation named `{op}`"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(Error::from(ScopeError::Empty).code(), "scope.empty");
        assert_eq!(ScopeError::from(DeviceIdError::Empty).code(), "device_id.empty");
        assert_eq!(Error::from(DeviceIdError::Empty).code(), "device_id.empty");
        assert_eq!(Error::from(DeviceError::EntropyInsufficient { wanted: 3 }).code(), "entropy.insufficient");
        assert_eq!(DeviceError::LengthOutOfRange { length: 0, max: 255 }.code(), "input.invalid");
        assert_eq!(Error::input("x").code(), "input.invalid");
    }

    #[test]
    fn messages_name_the_offending_character() {
        let e = Error::from(ScopeError::InvalidChar { ch: '\t', at: 3 });
        assert_eq!(e.to_string(), "the scope has `\\t` at byte 3, which no scope token may hold");
        let e = DeviceError::LengthOutOfRange { length: 0, max: 255 };
        assert_eq!(e.to_string(), Error::input("`length` must be 1 to 255, not 0").to_string());
    }
}
