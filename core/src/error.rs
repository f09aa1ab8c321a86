//! The one error type of the engine, with a stable code per variant.
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

/// Every failure the engine reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The empty string under the strict grammar.
    ScopeEmpty,
    /// The scope string is longer than the policy's byte limit.
    ScopeTooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// More tokens than the policy's token limit; `at` is the byte offset of the first token past it.
    ScopeTooManyTokens {
        /// The limit.
        max: usize,
        /// Byte offset of the first token past the limit.
        at: usize,
    },
    /// A character that no scope token may hold.
    ScopeInvalidChar {
        /// The offending character.
        ch: char,
        /// Its byte offset in the scope string.
        at: usize,
    },
    /// An empty token: a leading, trailing or doubled space (strict grammar only).
    ScopeEmptyToken {
        /// Byte offset where the empty token sits.
        at: usize,
    },
    /// Two distinct device ids in one scope.
    ScopeMultipleDevices,
    /// A device id that breaks the policy's device rules.
    DeviceId(DeviceIdError),
    /// Not enough entropy bytes to derive an id of the requested length.
    EntropyInsufficient {
        /// Characters wanted.
        wanted: usize,
    },
    /// The account-management action is not supported by the server, nor its unstable twin.
    AccountActionUnsupported {
        /// The action asked for.
        action: String,
    },
    /// A metadata document larger than the 64 KiB limit (reported as a violation by the ops).
    MetadataTooLarge {
        /// Its size as compact JSON, in bytes.
        len: usize,
    },
    /// Settings or a policy document that do not describe a policy, or an unknown preset name.
    Policy(PolicyError),
    /// A malformed input object.
    InputInvalid(String),
    /// An operation name the dispatcher does not know.
    OpUnknown(String),
}

impl Error {
    /// The stable code, the same in every runtime.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ScopeEmpty => "scope.empty",
            Self::ScopeTooLong { .. } => "scope.too_long",
            Self::ScopeTooManyTokens { .. } => "scope.too_many_tokens",
            Self::ScopeInvalidChar { .. } => "scope.invalid_char",
            Self::ScopeEmptyToken { .. } => "scope.empty_token",
            Self::ScopeMultipleDevices => "scope.multiple_devices",
            Self::DeviceId(e) => e.code(),
            Self::EntropyInsufficient { .. } => "entropy.insufficient",
            Self::AccountActionUnsupported { .. } => "account.action_unsupported",
            Self::MetadataTooLarge { .. } => "metadata.too_large",
            Self::Policy(e) => e.code(),
            Self::InputInvalid(_) => "input.invalid",
            Self::OpUnknown(_) => "op.unknown",
        }
    }

    pub(crate) fn input(msg: impl Into<String>) -> Self {
        Self::InputInvalid(msg.into())
    }
}

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Self {
        Self::Policy(e)
    }
}

impl From<DeviceIdError> for Error {
    fn from(e: DeviceIdError) -> Self {
        Self::DeviceId(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ScopeEmpty => write!(f, "the scope is empty"),
            Self::ScopeTooLong { len, max } => {
                write!(f, "the scope has {len} bytes, more than the limit of {max}")
            }
            Self::ScopeTooManyTokens { max, at } => {
                write!(f, "the scope has more than {max} tokens (the token at byte {at} is one too many)")
            }
            Self::ScopeInvalidChar { ch, at } => {
                write!(f, "the scope has `{}` at byte {at}, which no scope token may hold", ch.escape_default())
            }
            Self::ScopeEmptyToken { at } => {
                write!(f, "the scope has an empty token at byte {at} (a leading, trailing or doubled space)")
            }
            Self::ScopeMultipleDevices => write!(f, "the scope names two different devices"),
            Self::DeviceId(e) => e.fmt(f),
            Self::EntropyInsufficient { wanted } => {
                write!(f, "the entropy ran out before {wanted} characters were drawn")
            }
            Self::AccountActionUnsupported { action } => {
                write!(f, "the account-management action `{action}` is not supported by the server")
            }
            Self::MetadataTooLarge { len } => {
                write!(f, "the metadata document has {len} bytes, more than the limit of 65536")
            }
            Self::Policy(e) => e.fmt(f),
            Self::InputInvalid(msg) => write!(f, "invalid input: {msg}"),
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
        assert_eq!(Error::ScopeEmpty.code(), "scope.empty");
        assert_eq!(Error::from(DeviceIdError::Empty).code(), "device_id.empty");
        assert_eq!(Error::input("x").code(), "input.invalid");
    }

    #[test]
    fn messages_name_the_offending_character() {
        let e = Error::ScopeInvalidChar { ch: '\t', at: 3 };
        assert_eq!(e.to_string(), "the scope has `\\t` at byte 3, which no scope token may hold");
    }
}
