//! Account-management deep links (MSC4191, spec v1.18 "Account management URL actions").
//!
//! A client sends its user to the homeserver's web UI (`account_management_uri`) with an
//! `action` and, for device actions, a `device_id` in the query. The base URI is kept byte for
//! byte; the two parameters go into its query (the text between the first `?` and the first
//! `#`), percent-encoded over RFC 3986 unreserved characters with upper-case hex. Early
//! deployments (MAS) advertise unstable names for the device actions, so when the server's
//! `account_management_actions_supported` lacks a stable action its unstable twin is used.

use std::fmt;

use crate::chars::percent_encode;
use crate::error::InputError;

/// `org.matrix.profile`
pub const PROFILE: &str = "org.matrix.profile";
/// `org.matrix.devices_list`
pub const DEVICES_LIST: &str = "org.matrix.devices_list";
/// `org.matrix.device_view`
pub const DEVICE_VIEW: &str = "org.matrix.device_view";
/// `org.matrix.device_delete`
pub const DEVICE_DELETE: &str = "org.matrix.device_delete";
/// `org.matrix.account_deactivate`
pub const ACCOUNT_DEACTIVATE: &str = "org.matrix.account_deactivate";
/// `org.matrix.cross_signing_reset`
pub const CROSS_SIGNING_RESET: &str = "org.matrix.cross_signing_reset";

/// The stable actions of the spec, each with its unstable twin where prototypes used one
/// (MSC4191 "Unstable prefixes").
const STABLE_ACTIONS: [(&str, Option<&str>); 6] = [
    (PROFILE, None),
    (DEVICES_LIST, Some("org.matrix.sessions_list")),
    (DEVICE_VIEW, Some("org.matrix.session_view")),
    (DEVICE_DELETE, Some("org.matrix.session_end")),
    (ACCOUNT_DEACTIVATE, None),
    (CROSS_SIGNING_RESET, None),
];

/// The account-management URL for `action` (and `device_id`), given the server's supported
/// actions when known.
///
/// With `supported` non-empty, a stable action the server does not list falls back to its
/// unstable twin when that is listed, else `account.action_unsupported`; any other action is used
/// as given. An empty `action` or `device_id` is `input.invalid`.
pub fn url(base: &str, action: &str, device_id: Option<&str>, supported: &[&str]) -> Result<String, AccountError> {
    if action.is_empty() {
        return Err(AccountError::Input(InputError::new("`action` must not be empty")));
    }
    if device_id.is_some_and(str::is_empty) {
        return Err(AccountError::Input(InputError::new("`device_id` must not be empty")));
    }
    let action = resolve(action, supported)?;
    Ok(build(base, action, device_id.map(str::as_bytes)))
}

/// The action to send: the stable name, or its unstable twin when only that is supported.
pub fn resolve<'a>(action: &'a str, supported: &[&str]) -> Result<&'a str, AccountError> {
    let Some((_, twin)) = STABLE_ACTIONS.iter().find(|(stable, _)| *stable == action) else {
        return Ok(action);
    };
    if supported.is_empty() || supported.contains(&action) {
        return Ok(action);
    }
    match twin {
        Some(twin) if supported.contains(twin) => Ok(twin),
        _ => Err(AccountError::ActionUnsupported { action: action.to_owned() }),
    }
}

/// Why [`url()`] gives no URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountError {
    /// An empty `action` or `device_id`: `input.invalid`.
    Input(InputError),
    /// The server lists its actions and supports neither this one nor its unstable twin:
    /// `account.action_unsupported`.
    ActionUnsupported {
        /// The action asked for.
        action: String,
    },
}

impl AccountError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Input(e) => e.code(),
            Self::ActionUnsupported { .. } => "account.action_unsupported",
        }
    }
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(e) => e.fmt(f),
            Self::ActionUnsupported { action } => {
                write!(f, "the account-management action `{action}` is not supported by the server")
            }
        }
    }
}

impl std::error::Error for AccountError {}

/// Adds `action` and `device_id` (raw bytes, encoded here) to the query of `base`.
pub(crate) fn build(base: &str, action: &str, device_id: Option<&[u8]>) -> String {
    let mut params = String::with_capacity(action.len() + 32);
    params.push_str("action=");
    percent_encode(&mut params, action.as_bytes());
    if let Some(id) = device_id {
        params.push_str("&device_id=");
        percent_encode(&mut params, id);
    }
    let fragment_at = base.find('#').unwrap_or(base.len());
    let (before, fragment) = base.split_at(fragment_at);
    let mut out = String::with_capacity(base.len() + params.len() + 1);
    out.push_str(before);
    match before.split_once('?') {
        None => out.push('?'),
        Some((_, query)) if query.is_empty() || query.ends_with('&') => {}
        Some(_) => out.push('&'),
    }
    out.push_str(&params);
    out.push_str(fragment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(base: &str, action: &str, device: Option<&str>) -> String {
        url(base, action, device, &[]).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn query_insertion() {
        assert_eq!(
            ok("https://a.example/account", PROFILE, None),
            "https://a.example/account?action=org.matrix.profile"
        );
        assert_eq!(ok("https://a.example/?x=1", PROFILE, None), "https://a.example/?x=1&action=org.matrix.profile");
        assert_eq!(ok("https://a.example/?", PROFILE, None), "https://a.example/?action=org.matrix.profile");
        assert_eq!(ok("https://a.example/?x=1&", PROFILE, None), "https://a.example/?x=1&action=org.matrix.profile");
        assert_eq!(
            ok("https://a.example/#frag?x", PROFILE, None),
            "https://a.example/?action=org.matrix.profile#frag?x"
        );
        assert_eq!(ok("https://a.example/?q#f", PROFILE, None), "https://a.example/?q&action=org.matrix.profile#f");
    }

    #[test]
    fn encoding_is_unreserved_upper_hex() {
        assert_eq!(
            ok("https://a/", DEVICE_DELETE, Some("a b/é~")),
            "https://a/?action=org.matrix.device_delete&device_id=a%20b%2F%C3%A9~"
        );
    }

    #[test]
    fn unstable_fallbacks() {
        let mas = ["org.matrix.profile", "org.matrix.sessions_list", "org.matrix.session_end"];
        assert_eq!(resolve(DEVICES_LIST, &mas).ok(), Some("org.matrix.sessions_list"));
        assert_eq!(resolve(DEVICE_DELETE, &mas).ok(), Some("org.matrix.session_end"));
        assert_eq!(resolve(PROFILE, &mas).ok(), Some(PROFILE));
        assert_eq!(resolve(ACCOUNT_DEACTIVATE, &mas).map_err(|e| e.code()), Err("account.action_unsupported"));
        assert_eq!(resolve("com.example.custom", &mas).ok(), Some("com.example.custom"));
        assert_eq!(url("https://a/", "", None, &[]).map_err(|e| e.code()), Err("input.invalid"));
        assert_eq!(url("https://a/", PROFILE, Some(""), &[]).map_err(|e| e.code()), Err("input.invalid"));
    }
}
