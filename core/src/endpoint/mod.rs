//! The catalogue of Matrix client-server endpoints (stable spec v1.19) and their attributes:
//! the token they need, whether they take User-Interactive Authentication, whether guests may
//! call them; and [`lookup`], which finds the endpoint a request line names.

mod catalogue;
mod matching;

pub use catalogue::ENDPOINTS;
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
    /// Whether it existed before v1.1, so that its `r0` spelling is still served.
    pub since_r0: bool,
    /// Whether every operation on it is deprecated.
    pub deprecated: bool,
}

impl Endpoint {
    /// The first operation id, the one results report.
    pub fn operation_id(&self) -> &'static str {
        self.operation_ids.first().copied().unwrap_or("")
    }
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
        assert_eq!(ENDPOINTS.len(), 164);
        assert_eq!(ENDPOINTS.iter().filter(|e| e.uia).count(), 8);
        assert_eq!(by_operation_id("peekEvents").map(|e| e.operation_id()), Some("getEvents"));
        assert!(by_operation_id("noSuchOperation").is_none());
    }
}
