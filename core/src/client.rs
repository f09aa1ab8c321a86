//! Client helpers: building the login scope a client sends in its authorization request.
//!
//! The spec ("Device ID allocation", MSC2967) has the client pick its device id and request it
//! with exactly one device token beside the full-API token.

use crate::device::{self, DEFAULT_LENGTH};
use crate::error::Error;
use crate::policy::Policy;
use crate::scope::{Form, Scope, ScopeRef};

/// Where the device id of a login scope comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginDevice<'a> {
    /// An id the client already has (checked against the policy's device rules).
    Id(&'a str),
    /// A fresh id of 10 characters drawn from these entropy bytes.
    Entropy(&'a [u8]),
}

/// The login scope: the API and device tokens in `form`, plus `extra` tokens, parsed and
/// canonical. Returns the scope and its device id.
pub fn login_scope(
    device: LoginDevice<'_>,
    form: Form,
    extra: &[&str],
    policy: &Policy,
) -> Result<(Scope, String), Error> {
    let device_id = match device {
        LoginDevice::Id(id) => {
            policy.scope.device.validate(id)?;
            id.to_owned()
        }
        LoginDevice::Entropy(bytes) => device::generate(bytes, DEFAULT_LENGTH)?,
    };
    let mut text = String::new();
    for ns in form.namespaces() {
        push_token(&mut text, ns.api_token());
        push_token(&mut text, ns.device_prefix());
        text.push_str(&device_id);
    }
    for token in extra {
        push_token(&mut text, token);
    }
    let scope = ScopeRef::parse(&text, &policy.scope)?.to_owned_scope();
    Ok((scope, device_id))
}

fn push_token(text: &mut String, token: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(token);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_scope_in_both_forms() {
        let (scope, id) = login_scope(LoginDevice::Id("ABCDEFGHIJ"), Form::Both, &["openid"], &Policy::spec())
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(id, "ABCDEFGHIJ");
        assert_eq!(scope.len(), 5);
        let err = login_scope(LoginDevice::Id("a"), Form::Stable, &[], &Policy::preset(crate::Preset::Mas));
        assert_eq!(err.map_err(|e| e.code()).err(), Some("device_id.too_short"));
        let err = login_scope(LoginDevice::Id("ABCDEFGHIJ"), Form::Stable, &[""], &Policy::spec());
        assert_eq!(err.map_err(|e| e.code()).err(), Some("scope.empty_token"));
    }
}
