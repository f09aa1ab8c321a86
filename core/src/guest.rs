//! Guest access (spec "Guest access" module; notes section 4).
//!
//! Under OAuth a requester is a guest only when the host says so: the guest scope was withdrawn
//! from MSC2967 and grants nothing. A guest may call the endpoints on the spec's guest list
//! (`PUT`/`DELETE /profile/{userId}/{keyName}` for `displayname` only) plus the operation ids
//! the policy's `guest_endpoints` adds; unknown and admin paths are never guest-allowed. A guest
//! may join a room (the catalogue's `rule` column: [`Rule::GuestJoin`](crate::endpoint::Rule::GuestJoin)) only when its `m.room.guest_access` is `can_join`; a missing event counts as
//! `forbidden` (spec `m.room.guest_access`, "Server behaviour").

use crate::endpoint::{Guest, Operation, Params};
use crate::policy::Policy;

/// The only profile field guests may set or delete.
const DISPLAYNAME: &str = "displayname";

/// The content of a room's `m.room.guest_access` state event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GuestAccess {
    /// Guests may join.
    CanJoin,
    /// Guests may not join.
    Forbidden,
}

impl GuestAccess {
    /// The value with this name (`can_join`, `forbidden`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "can_join" => Some(Self::CanJoin),
            "forbidden" => Some(Self::Forbidden),
            _ => None,
        }
    }
}

/// Whether a guest may call `operation` with these path parameters (`None`: an unknown or admin
/// path, which guests never reach), by the guest list alone (the pipeline lets guests through to
/// endpoints that answer anonymous callers before it asks).
pub fn may_call(operation: Option<&Operation<'_>>, params: &Params<'_>, policy: &Policy) -> bool {
    let Some(operation) = operation else { return false };
    // A policy addition names the whole operation, so it lifts the displayname-only limit too.
    added(operation, policy) || by_spec(operation, params)
}

/// Whether a guest may call `operation` only because the policy's `guest_endpoints` adds it
/// (the spec's guest list alone would refuse it): what the explanation names as the setting.
pub fn added_by_policy(operation: Option<&Operation<'_>>, params: &Params<'_>, policy: &Policy) -> bool {
    operation.is_some_and(|operation| added(operation, policy) && !by_spec(operation, params))
}

/// Whether the policy's `guest_endpoints` names `operation`.
fn added(operation: &Operation<'_>, policy: &Policy) -> bool {
    policy.settings().guest_endpoints.iter().any(|g| operation.is_named(g))
}

/// Whether the spec's guest list lets a guest call `operation` with these path parameters.
fn by_spec(operation: &Operation<'_>, params: &Params<'_>) -> bool {
    match operation.guest() {
        Guest::Yes => true,
        Guest::DisplaynameOnly => params.get("keyName") == Some(DISPLAYNAME),
        Guest::No => false,
    }
}

/// Whether a guest may join a room whose `m.room.guest_access` is `access` (absent: no event).
pub fn may_join(access: Option<GuestAccess>) -> bool {
    access == Some(GuestAccess::CanJoin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::lookup;

    fn allowed(method: &str, path: &str, policy: &Policy) -> bool {
        let found = lookup(method, path);
        may_call(found.endpoint().map(Operation::builtin).as_ref(), &found.params(), policy)
    }

    #[test]
    fn the_spec_list_and_displayname() {
        let spec = Policy::spec();
        assert!(allowed("GET", "/_matrix/client/v3/sync", &spec));
        assert!(!allowed("POST", "/_matrix/client/v3/createRoom", &spec));
        assert!(allowed("PUT", "/_matrix/client/v3/profile/%40a%3Ab/displayname", &spec));
        assert!(!allowed("PUT", "/_matrix/client/v3/profile/%40a%3Ab/avatar_url", &spec));
        assert!(!allowed("DELETE", "/_matrix/client/v3/profile/%40a%3Ab/Displayname", &spec));
        assert!(!allowed("GET", "/_matrix/client/v3/nonexistent", &spec));
        assert!(!allowed("GET", "/_synapse/admin/v1/x", &spec));
    }

    #[test]
    fn policy_additions() {
        let guest_endpoints = vec!["createRoom".into(), "peekEvents".into()];
        let policy = crate::PolicySettings { guest_endpoints, ..Default::default() }.build().unwrap();
        assert!(allowed("POST", "/_matrix/client/v3/createRoom", &policy));
        assert!(allowed("GET", "/_matrix/client/v3/events", &policy));
    }

    #[test]
    fn joins_need_can_join() {
        assert!(may_join(Some(GuestAccess::CanJoin)));
        assert!(!may_join(Some(GuestAccess::Forbidden)));
        assert!(!may_join(None));
        let is_join = |e: &crate::endpoint::Endpoint| e.rule == crate::endpoint::Rule::GuestJoin;
        assert!(lookup("POST", "/_matrix/client/v3/join/%23a%3Ab").endpoint().is_some_and(is_join));
        assert!(!lookup("POST", "/_matrix/client/v3/rooms/x/leave").endpoint().is_some_and(is_join));
    }
}
