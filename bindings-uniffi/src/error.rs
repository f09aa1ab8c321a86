//! The one error type both bindings throw: a Kotlin `AuthzException`, a Swift `AuthzError`.
//! Variants group the core's codes by their prefix.

/// A failure of the engine. Every variant carries `code`, the stable contract
/// (`scope.invalid_char`), `detail`, what is wrong for people (it may change), and `path`, a JSON
/// pointer to the offending place where one place is at fault (FORMAT.md v4: into the op's input
/// or the typed request for `input.invalid`, into the policy document for `policy.invalid`). The
/// detail is not named `message`: Kotlin's exceptions have their own `message` (uniffi makes it
/// `code=…, detail=…, path=…`), and `toString()` in Kotlin, `description` in Swift give the
/// detail.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum AuthzError {
    /// `scope.*`: the scope string breaks the grammar or a limit.
    InvalidScope { code: String, detail: String, path: Option<String> },
    /// `device_id.*`: the device id breaks the policy's device rules.
    InvalidDeviceId { code: String, detail: String, path: Option<String> },
    /// `entropy.*`: the entropy ran out (or the platform's random source failed).
    InsufficientEntropy { code: String, detail: String, path: Option<String> },
    /// `account.*`: the server supports no form of the account-management action.
    UnsupportedAction { code: String, detail: String, path: Option<String> },
    /// `policy.*`: a policy document that does not describe a policy, or an unknown preset.
    InvalidPolicy { code: String, detail: String, path: Option<String> },
    /// `input.invalid`: a malformed input (missing or wrong-typed field, input that is not JSON).
    InvalidInput { code: String, detail: String, path: Option<String> },
    /// `op.unknown`: `evaluate` was given an operation name the engine does not know.
    UnknownOperation { code: String, detail: String, path: Option<String> },
    /// Any other code (`metadata.too_large`, and codes a newer core adds).
    Other { code: String, detail: String, path: Option<String> },
}

impl AuthzError {
    /// The error for `code` with `detail` and `path`, in the variant of the code's prefix.
    pub fn new(code: &str, detail: String, path: Option<String>) -> Self {
        let prefix = code.split_once('.').map_or(code, |(prefix, _)| prefix);
        let code = code.to_owned();
        match prefix {
            "scope" => Self::InvalidScope { code, detail, path },
            "device_id" => Self::InvalidDeviceId { code, detail, path },
            "entropy" => Self::InsufficientEntropy { code, detail, path },
            "account" => Self::UnsupportedAction { code, detail, path },
            "policy" => Self::InvalidPolicy { code, detail, path },
            "input" => Self::InvalidInput { code, detail, path },
            "op" => Self::UnknownOperation { code, detail, path },
            _ => Self::Other { code, detail, path },
        }
    }

    /// The stable code, the detail and the path.
    pub fn parts(&self) -> (&str, &str, Option<&str>) {
        let (Self::InvalidScope { code, detail, path }
        | Self::InvalidDeviceId { code, detail, path }
        | Self::InsufficientEntropy { code, detail, path }
        | Self::UnsupportedAction { code, detail, path }
        | Self::InvalidPolicy { code, detail, path }
        | Self::InvalidInput { code, detail, path }
        | Self::UnknownOperation { code, detail, path }
        | Self::Other { code, detail, path }) = self;
        (code, detail, path.as_deref())
    }
}

impl std::fmt::Display for AuthzError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.parts().1)
    }
}

impl std::error::Error for AuthzError {}

/// Every core error type converts the same way: its `code()`, its text and, for the types that
/// can point at one place (`path()`), that pointer; the others never have one.
macro_rules! from_core {
    ($($error:ty),* ; with path: $($pointing:ty),*) => {
        $(impl From<$error> for AuthzError {
            fn from(e: $error) -> Self {
                Self::new(e.code(), e.to_string(), None)
            }
        })*
        $(impl From<$pointing> for AuthzError {
            fn from(e: $pointing) -> Self {
                Self::new(e.code(), e.to_string(), e.path().map(str::to_owned))
            }
        })*
    };
}
from_core!(
    matrix_authz::ScopeError,
    matrix_authz::DeviceError,
    matrix_authz::DeviceIdError,
    matrix_authz::account::AccountError;
    with path: matrix_authz::Error, matrix_authz::PolicyError, matrix_authz::error::InputError
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_follow_the_code_prefix() {
        let e = AuthzError::from(matrix_authz::ScopeError::Empty);
        assert!(matches!(e, AuthzError::InvalidScope { .. }));
        assert_eq!(e.parts(), ("scope.empty", "the scope is empty", None));
        assert_eq!(e.to_string(), "the scope is empty");
        let e = AuthzError::from(matrix_authz::DeviceIdError::Empty);
        assert!(matches!(e, AuthzError::InvalidDeviceId { .. }));
        assert_eq!(AuthzError::new("metadata.too_large", String::new(), None).parts().0, "metadata.too_large");
        assert!(matches!(AuthzError::new("nodot", String::new(), None), AuthzError::Other { .. }));
    }

    #[test]
    fn the_path_comes_along_where_core_has_one() {
        let policy = r#"{"step_up": [{"endpoints": ["sync"], "max_age": "x"}]}"#;
        let e = AuthzError::from(matrix_authz::json::policy::from_json(policy).unwrap_err());
        assert!(matches!(e, AuthzError::InvalidPolicy { .. }));
        assert_eq!(e.parts().2, Some("/step_up/0/max_age"));
        let input = matrix_authz::json::from_text(r#"{"method": "GET", "path": "/x", "token": {"scope": 5}}"#).unwrap();
        let e = AuthzError::from(matrix_authz::json::evaluate("request.decide", &input).unwrap_err());
        assert_eq!(e.parts().0, "input.invalid");
        assert_eq!(e.parts().2, Some("/token/scope"));
    }
}
