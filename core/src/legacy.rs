//! The legacy API on an OAuth server (spec "OAuth 2.0 API" warning; DECISIONS.md steps 2 and 14
//! and "Notes").
//!
//! Login, logout, refresh, password, deactivation, 3PID add and login-token endpoints are not
//! served to OAuth clients (404 `M_UNRECOGNIZED`, as Synapse in MAS mode answers): the
//! catalogue's `legacy_only` column marks them. Device deletion needs UIA, which an OAuth token
//! cannot complete, so it moves to the account-management UI too (MSC4191, MSC3824). Where the
//! host gave its account-management URL, the answer offers the page that does the same
//! (`account_url`): the catalogue's `account_action` column names the action. A policy with
//! `legacy_endpoints: true` (a server that also offers the legacy API) skips these rules.

use crate::account;
use crate::endpoint::{AccountAction, Endpoint, Params};

/// A deep link into the account-management UI, kept as its parts so that building the decision
/// allocates nothing; [`AccountLink::url`] writes it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLink<'a> {
    base: &'a str,
    action: &'static str,
    /// The raw (percent-encoded) `{deviceId}` path segment.
    raw_device_id: Option<&'a str>,
}

impl AccountLink<'_> {
    /// The action.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// The URL (`account.url` of the base with the action and the percent-decoded device id).
    pub fn url(&self) -> String {
        let device_id = self.raw_device_id.map(crate::chars::percent_decode);
        account::build(self.base, self.action, device_id.as_deref())
    }
}

/// The link offered instead of a legacy-only or device-deletion endpoint, when the host gave its
/// account-management URL (DECISIONS.md "Notes", `account_url`): the endpoint's
/// `account_action`, with its `{deviceId}` for `org.matrix.device_delete`.
pub fn account_link<'a>(endpoint: &Endpoint, params: &Params<'a>, base: Option<&'a str>) -> Option<AccountLink<'a>> {
    let base = base?;
    let action = endpoint.account_action?;
    let raw_device_id = match action {
        AccountAction::DeviceDelete => Some(params.get("deviceId")?),
        AccountAction::Deactivate | AccountAction::DevicesList => None,
    };
    Some(AccountLink { base, action: action.name(), raw_device_id })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::lookup;

    #[test]
    fn device_deletion_links() {
        let found = lookup("DELETE", "/_matrix/client/v3/devices/AB%2FC%20D");
        let Some(endpoint) = found.endpoint() else { unreachable!() };
        let link = account_link(endpoint, &found.params(), Some("https://a/?x"));
        assert_eq!(
            link.map(|l| l.url()).as_deref(),
            Some("https://a/?x&action=org.matrix.device_delete&device_id=AB%2FC%20D")
        );
        assert_eq!(account_link(endpoint, &found.params(), None), None);
    }

    #[test]
    fn other_links() {
        let link = |method, path| {
            let found = lookup(method, path);
            found.endpoint().and_then(|e| account_link(e, &found.params(), Some("https://a/"))).map(|l| l.action())
        };
        assert_eq!(link("POST", "/_matrix/client/v3/account/deactivate"), Some("org.matrix.account_deactivate"));
        assert_eq!(link("POST", "/_matrix/client/r0/delete_devices"), Some("org.matrix.devices_list"));
        assert_eq!(link("POST", "/_matrix/client/v3/logout"), None);
    }
}
