//! The one error type every binding throws: a Kotlin `AuthzException`, a Swift `AuthzError`, a
//! Python `AuthzError`. Variants group the core's codes by their prefix; each carries the code
//! unchanged and the core's message.

/// A failure of the engine. `code` is the stable contract (`scope.invalid_char`); `message` is
/// for people and may change.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum AuthzError {
    /// `scope.*`: the scope string breaks the grammar or a limit.
    InvalidScope {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
    /// `device_id.*`: the device id breaks the policy's device rules.
    InvalidDeviceId {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
    /// `entropy.*`: the entropy ran out (or the platform's random source failed).
    InsufficientEntropy {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
    /// `account.*`: the server supports no form of the account-management action.
    UnsupportedAction {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
    /// `policy.*`: a policy document that does not describe a policy, or an unknown preset.
    InvalidPolicy {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
    /// `input.invalid`: a malformed input (missing or wrong-typed field, input that is not JSON).
    InvalidInput {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
    /// `op.unknown`: `evaluate` was given an operation name the engine does not know.
    UnknownOperation {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
    /// Any other code (`metadata.too_large`, and codes a newer core adds).
    Other {
        /// The stable code.
        code: String,
        /// What is wrong, for people.
        message: String,
    },
}

impl AuthzError {
    /// The error for `code` with `message`, in the variant of the code's prefix.
    pub fn new(code: &str, message: String) -> Self {
        let code_owned = code.to_owned();
        let prefix = code.split_once('.').map_or(code, |(prefix, _)| prefix);
        match prefix {
            "scope" => Self::InvalidScope { code: code_owned, message },
            "device_id" => Self::InvalidDeviceId { code: code_owned, message },
            "entropy" => Self::InsufficientEntropy { code: code_owned, message },
            "account" => Self::UnsupportedAction { code: code_owned, message },
            "policy" => Self::InvalidPolicy { code: code_owned, message },
            "input" => Self::InvalidInput { code: code_owned, message },
            "op" => Self::UnknownOperation { code: code_owned, message },
            _ => Self::Other { code: code_owned, message },
        }
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        let (Self::InvalidScope { code, .. }
        | Self::InvalidDeviceId { code, .. }
        | Self::InsufficientEntropy { code, .. }
        | Self::UnsupportedAction { code, .. }
        | Self::InvalidPolicy { code, .. }
        | Self::InvalidInput { code, .. }
        | Self::UnknownOperation { code, .. }
        | Self::Other { code, .. }) = self;
        code
    }

    /// The message, for people.
    pub fn message(&self) -> &str {
        let (Self::InvalidScope { message, .. }
        | Self::InvalidDeviceId { message, .. }
        | Self::InsufficientEntropy { message, .. }
        | Self::UnsupportedAction { message, .. }
        | Self::InvalidPolicy { message, .. }
        | Self::InvalidInput { message, .. }
        | Self::UnknownOperation { message, .. }
        | Self::Other { message, .. }) = self;
        message
    }
}

impl std::fmt::Display for AuthzError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for AuthzError {}

impl From<matrix_authz::Error> for AuthzError {
    fn from(e: matrix_authz::Error) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<matrix_authz::DeviceIdError> for AuthzError {
    fn from(e: matrix_authz::DeviceIdError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_follow_the_code_prefix() {
        let e = AuthzError::from(matrix_authz::Error::from(matrix_authz::ScopeError::Empty));
        assert!(matches!(e, AuthzError::InvalidScope { .. }));
        assert_eq!(e.code(), "scope.empty");
        assert_eq!(e.to_string(), "the scope is empty");
        let e = AuthzError::from(matrix_authz::DeviceIdError::Empty);
        assert!(matches!(e, AuthzError::InvalidDeviceId { .. }));
        assert_eq!(AuthzError::new("metadata.too_large", String::new()).code(), "metadata.too_large");
        assert!(matches!(AuthzError::new("nodot", String::new()), AuthzError::Other { .. }));
    }
}
