//! The account-management URL (MSC4191, `account.url`).

use matrix_authz::account;

use crate::error::AuthzError;

/// The account-management URL for `action` (`org.matrix.devices_list`...) on the server's
/// `account_management_uri`, with `device_id` for the device actions. With `supported` (the
/// server's list), a stable action it lacks falls back to its unstable twin, else
/// `account.action_unsupported`; an empty `action` or `device_id` is `input.invalid`.
#[uniffi::export(default(device_id = None, supported = []))]
pub fn account_url(
    account_management_uri: String,
    action: String,
    device_id: Option<String>,
    supported: Vec<String>,
) -> Result<String, AuthzError> {
    let supported: Vec<&str> = supported.iter().map(String::as_str).collect();
    Ok(account::url(&account_management_uri, &action, device_id.as_deref(), &supported)?)
}
