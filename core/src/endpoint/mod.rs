//! The catalogue of Matrix client-server endpoints (stable spec v1.19, plus the endpoints it
//! defines in prose) and their attributes: the token they need, whether they take
//! User-Interactive Authentication, whether guests may call them; the other spellings under
//! which servers serve them; and [`lookup`], which finds the endpoint a request line names.

mod catalogue;
pub mod declared;
mod matching;

pub use catalogue::{ENDPOINTS, PREFIX_SPELLINGS, SPELLINGS};
pub use declared::{DeclaredEndpoint, Operation, redeclaration, route};
pub use matching::{Lookup, MAX_PARAMS, Params, lookup};

/// An HTTP method used by the client-server API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
}

impl Method {
    /// The method with this name (upper case, as on the request line).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "GET" => Some(Self::Get),
            "PUT" => Some(Self::Put),
            "POST" => Some(Self::Post),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }

    /// The method a request line's method is decided as: `HEAD` as `GET` (DECISIONS.md v4), the
    /// others as themselves.
    pub fn for_lookup(name: &str) -> Option<Self> {
        match name {
            "GET" | "HEAD" => Some(Self::Get),
            "PUT" => Some(Self::Put),
            "POST" => Some(Self::Post),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }

    /// The upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// The access token an operation needs (its security schemes in the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenRequirement {
    /// No token.
    None,
    /// A token is accepted but not needed.
    Optional,
    /// A user's token.
    Required,
    /// An appservice's token.
    Appservice,
}

/// Whether guests may call an operation (the guest-access module's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guest {
    /// Not on the list.
    No,
    /// On the list.
    Yes,
    /// On the list for the `displayname` key only (`PUT`/`DELETE /profile/{userId}/{keyName}`).
    DisplaynameOnly,
}

/// The one endpoint-specific step of the pipeline that names an endpoint (DECISIONS.md steps 1,
/// 3, 13, 14 and 15): the catalogue's `rule` column (`core/gen/endpoint-facts.tsv`). The steps
/// read it rather than an operation id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// No endpoint-specific step.
    None,
    /// `POST /login`: an appservice login is refused on an OAuth server (step 1, MSC4190); reads
    /// the body's `type`.
    AppserviceLogin,
    /// `POST /register`: appservices only (step 3, MSC4190); reads the `kind` query parameter and
    /// the body's `type` and `inhibit_login`.
    Registration,
    /// A room join: a guest needs the room's `m.room.guest_access` to be `can_join` (step 13).
    GuestJoin,
    /// Device deletion, moved to the account-management UI (step 14).
    DeviceDeletion,
    /// `POST /keys/device_signing/upload` (step 15): reads the user's cross-signing state, and a
    /// UIA session when it asks for the `m.oauth` stage.
    CrossSigningUpload,
}

/// The account-management action (MSC4191) offered instead of an endpoint (DECISIONS.md "Notes",
/// `account_url`): the catalogue's `account_action` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountAction {
    /// `org.matrix.account_deactivate`.
    Deactivate,
    /// `org.matrix.device_delete`, with the endpoint's `{deviceId}`.
    DeviceDelete,
    /// `org.matrix.devices_list`.
    DevicesList,
}

impl AccountAction {
    /// The action's name (`account.url`'s `action`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Deactivate => crate::account::ACCOUNT_DEACTIVATE,
            Self::DeviceDelete => crate::account::DEVICE_DELETE,
            Self::DevicesList => crate::account::DEVICES_LIST,
        }
    }
}

/// One method-and-path template of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The method.
    pub method: Method,
    /// The path template; `{param}` is one path segment.
    pub path: &'static str,
    /// The operation ids (two where the spec defines two operations on one template).
    pub operation_ids: &'static [&'static str],
    /// The token it needs.
    pub token: TokenRequirement,
    /// Whether its request body takes the UIA `auth` object.
    pub uia: bool,
    /// Whether guests may call it.
    pub guest: Guest,
    /// Whether every operation on it is deprecated.
    pub deprecated: bool,
    /// Whether no OAuth client may use it (DECISIONS.md step 2; the policy's `legacy_endpoints`
    /// lifts it).
    pub legacy_only: bool,
    /// The endpoint-specific step that names it.
    pub rule: Rule,
    /// The account-management action offered instead of it, when the host gave its URL.
    pub account_action: Option<AccountAction>,
    /// Whether it is one of MSC4484's Server Administration endpoints.
    pub server_administration: bool,
}

impl Endpoint {
    /// The first operation id, the one results report.
    pub fn operation_id(&self) -> &'static str {
        self.operation_ids.first().copied().unwrap_or("")
    }
}

/// Every template under which a built-in endpoint is served, with the endpoint: its own, its
/// explicit spellings, and what the prefix spellings make of both ([`PREFIX_SPELLINGS`]). For
/// checks and tests: it allocates, and request matching never calls it.
pub fn spellings() -> Vec<(String, &'static Endpoint)> {
    let own = ENDPOINTS.iter().map(|e| (e.path, e));
    let explicit = SPELLINGS.iter().filter_map(|(t, i)| Some((*t, ENDPOINTS.get(usize::from(*i))?)));
    own.chain(explicit)
        .flat_map(|(template, endpoint)| template_spellings(template).map(move |t| (t, endpoint)))
        .collect()
}

/// The templates `template` is served under: itself, then what each prefix spelling whose target
/// starts it makes of it ([`PREFIX_SPELLINGS`]). For checks and tests: it allocates.
pub fn template_spellings(template: &str) -> impl Iterator<Item = String> + '_ {
    let respelled = PREFIX_SPELLINGS
        .iter()
        .filter_map(move |(spelling, target)| template.strip_prefix(target).map(|rest| format!("{spelling}{rest}")));
    std::iter::once(template.to_owned()).chain(respelled)
}

/// The endpoint that carries `operation_id`.
pub fn by_operation_id(operation_id: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|e| e.operation_ids.contains(&operation_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_the_spec_operations() {
        assert_eq!(ENDPOINTS.len(), 168);
        assert_eq!(ENDPOINTS.iter().filter(|e| e.uia).count(), 8);
        // The overlay's columns (core/gen/endpoint-facts.tsv).
        assert_eq!(ENDPOINTS.iter().filter(|e| e.legacy_only).count(), 14);
        assert_eq!(ENDPOINTS.iter().filter(|e| e.server_administration).count(), 5);
        assert_eq!(ENDPOINTS.iter().filter(|e| e.rule == Rule::GuestJoin).count(), 2);
        assert_eq!(by_operation_id("deleteDevice").and_then(|e| e.account_action), Some(AccountAction::DeviceDelete));
        assert_eq!(by_operation_id("login").map(|e| (e.rule, e.legacy_only)), Some((Rule::AppserviceLogin, true)));
        assert_eq!(by_operation_id("peekEvents").map(|e| e.operation_id()), Some("getEvents"));
        assert!(by_operation_id("noSuchOperation").is_none());
    }
}
