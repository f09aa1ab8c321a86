//! The one error type both bindings throw: a Kotlin `AuthzException`, a Swift `AuthzError`.
//! Variants group the core's codes by their prefix.

/// A failure of the engine. Every variant carries `code`, the stable contract
/// (`scope.invalid_char`), and `detail`, what is wrong for people (it may change). The field is
/// not named `message`: Kotlin's exceptions have their own `message` (uniffi makes it
/// `code=…, detail=…`), and `toString()` in Kotlin, `description` in Swift give the detail.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum AuthzError {
    /// `scope.*`: the scope string breaks the grammar or a limit.
    InvalidScope { code: String, detail: String },
    /// `device_id.*`: the device id breaks the policy's device rules.
    InvalidDeviceId { code: String, detail: String },
    /// `entropy.*`: the entropy ran out (or the platform's random source failed).
    InsufficientEntropy { code: String, detail: String },
    /// `account.*`: the server supports no form of the account-management action.
    UnsupportedAction { code: String, detail: String },
    /// `policy.*`: a policy document that does not describe a policy, or an unknown preset.
    InvalidPolicy { code: String, detail: String },
    /// `input.invalid`: a malformed input (missing or wrong-typed field, input that is not JSON).
    InvalidInput { code: String, detail: String },
    /// `op.unknown`: `evaluate` was given an operation name the engine does not know.
    UnknownOperation { code: String, detail: String },
    /// Any other code (`metadata.too_large`, and codes a newer core adds).
    Other { code: String, detail: String },
}

impl AuthzError {
    /// The error for `code` with `detail`, in the variant of the code's prefix.
    pub fn new(code: &str, detail: String) -> Self {
        let prefix = code.split_once('.').map_or(code, |(prefix, _)| prefix);
        let code = code.to_owned();
        match prefix {
            "scope" => Self::InvalidScope { code, detail },
            "device_id" => Self::InvalidDeviceId { code, detail },
            "entropy" => Self::InsufficientEntropy { code, detail },
            "account" => Self::UnsupportedAction { code, detail },
            "policy" => Self::InvalidPolicy { code, detail },
            "input" => Self::InvalidInput { code, detail },
            "op" => Self::UnknownOperation { code, detail },
            _ => Self::Other { code, detail },
        }
    }

    /// The stable code and the detail.
    pub fn parts(&self) -> (&str, &str) {
        let (Self::InvalidScope { code, detail }
        | Self::InvalidDeviceId { code, detail }
        | Self::InsufficientEntropy { code, detail }
        | Self::UnsupportedAction { code, detail }
        | Self::InvalidPolicy { code, detail }
        | Self::InvalidInput { code, detail }
        | Self::UnknownOperation { code, detail }
        | Self::Other { code, detail }) = self;
        (code, detail)
    }
}

impl std::fmt::Display for AuthzError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.parts().1)
    }
}

impl std::error::Error for AuthzError {}

/// Every core error type converts the same way: its `code()` and its text.
macro_rules! from_core {
    ($($error:ty),*) => {$(
        impl From<$error> for AuthzError {
            fn from(e: $error) -> Self {
                Self::new(e.code(), e.to_string())
            }
        }
    )*};
}
from_core!(
    matrix_authz::Error,
    matrix_authz::ScopeError,
    matrix_authz::DeviceError,
    matrix_authz::DeviceIdError,
    matrix_authz::PolicyError,
    matrix_authz::error::InputError,
    matrix_authz::account::AccountError
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_follow_the_code_prefix() {
        let e = AuthzError::from(matrix_authz::ScopeError::Empty);
        assert!(matches!(e, AuthzError::InvalidScope { .. }));
        assert_eq!(e.parts(), ("scope.empty", "the scope is empty"));
        assert_eq!(e.to_string(), "the scope is empty");
        let e = AuthzError::from(matrix_authz::DeviceIdError::Empty);
        assert!(matches!(e, AuthzError::InvalidDeviceId { .. }));
        assert_eq!(AuthzError::new("metadata.too_large", String::new()).parts().0, "metadata.too_large");
        assert!(matches!(AuthzError::new("nodot", String::new()), AuthzError::Other { .. }));
    }
}
