//! The answer of [`decide`](super::decide): an exhaustive enum that knows its HTTP status, Matrix
//! errcode, headers and body, and renders them as a separate step (only rendering allocates).

use std::borrow::Cow;

use crate::policy::MissingApiScope;
use crate::step_up;
use crate::uia::{self, AccountLink, RegistrationRefusal};

/// The RFC 6750 section 3.1 challenge of a token without the client-server API scope.
pub const INSUFFICIENT_SCOPE: &str = "Bearer error=\"insufficient_scope\", scope=\"urn:matrix:client:api:*\"";

/// What the decision is about: the endpoint and who called it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Subject<'a> {
    /// The operation id of the endpoint (the first of merged ids), or `None` for an unknown or
    /// admin path and for a CORS preflight.
    pub operation_id: Option<&'a str>,
    /// The device of the request, once the token has been read.
    pub device: Option<&'a str>,
    /// Whether the token carries `urn:synapse:admin:*`.
    pub synapse_admin: bool,
}

impl<'a> Subject<'a> {
    /// The operation id results report (the first of merged ids).
    pub fn operation_id(&self) -> Option<&'a str> {
        self.operation_id
    }
}

/// Why a request is denied; each reason has one status and errcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Denial<'a> {
    /// Step 1: `POST /login` as an appservice on an OAuth server (MSC4190).
    AppserviceLogin,
    /// Step 2: an endpoint of the legacy API only.
    LegacyOnly,
    /// Step 3: `POST /register` refused (MSC4190).
    Registration(RegistrationRefusal),
    /// Step 4: no access token where one is needed.
    MissingToken,
    /// Step 6: the token is not active.
    InactiveToken,
    /// Step 8: an appservice endpoint called with another token.
    AppserviceOnly,
    /// Step 9: the scope or device id breaks the policy's rules.
    MalformedToken,
    /// Step 10: no client-server API scope.
    MissingApiScope(MissingApiScope),
    /// Step 10: none of the operation's own required scopes (MSC4484's, or the policy's
    /// `required_scopes`); the challenge names this token.
    MissingRequiredScope(&'a str),
    /// Step 11: an admin path without `urn:synapse:admin:*`.
    AdminScopeMissing,
    /// Step 12: an endpoint guests may not call.
    GuestEndpoint,
    /// Step 13: a guest joining a room that does not admit guests.
    GuestJoin,
    /// Step 14: device deletion, which needs UIA (moved to the account-management URL).
    DeviceDeletion,
    /// Step 16: an unknown path under `unknown_endpoints: "deny"`.
    UnknownEndpoint,
}

impl<'a> Denial<'a> {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Self::AppserviceLogin | Self::Registration(RegistrationRefusal::InhibitLoginRequired) => 400,
            Self::MissingToken
            | Self::InactiveToken
            | Self::MalformedToken
            | Self::Registration(RegistrationRefusal::InactiveToken)
            | Self::MissingApiScope(MissingApiScope::UnknownToken) => 401,
            Self::Registration(_)
            | Self::AppserviceOnly
            | Self::MissingApiScope(MissingApiScope::Forbidden)
            | Self::MissingRequiredScope(_)
            | Self::AdminScopeMissing
            | Self::GuestEndpoint
            | Self::GuestJoin => 403,
            Self::LegacyOnly | Self::DeviceDeletion | Self::UnknownEndpoint => 404,
        }
    }

    /// The Matrix errcode.
    pub fn errcode(self) -> &'static str {
        match self {
            Self::AppserviceLogin | Self::Registration(RegistrationRefusal::InhibitLoginRequired) => {
                "M_APPSERVICE_LOGIN_UNSUPPORTED"
            }
            Self::MissingToken => "M_MISSING_TOKEN",
            Self::InactiveToken
            | Self::MalformedToken
            | Self::Registration(RegistrationRefusal::InactiveToken)
            | Self::MissingApiScope(MissingApiScope::UnknownToken) => "M_UNKNOWN_TOKEN",
            Self::Registration(_)
            | Self::AppserviceOnly
            | Self::MissingApiScope(MissingApiScope::Forbidden)
            | Self::MissingRequiredScope(_)
            | Self::AdminScopeMissing => "M_FORBIDDEN",
            Self::GuestEndpoint | Self::GuestJoin => "M_GUEST_ACCESS_FORBIDDEN",
            Self::LegacyOnly | Self::DeviceDeletion | Self::UnknownEndpoint => "M_UNRECOGNIZED",
        }
    }

    /// The human-readable `error` text of the body.
    pub fn message(self) -> &'static str {
        match self {
            Self::AppserviceLogin => "Appservices cannot log in on this server; use OAuth 2.0",
            Self::LegacyOnly => "This endpoint is not available to OAuth 2.0 clients",
            Self::Registration(RegistrationRefusal::Guest) => "Guest access is disabled",
            Self::Registration(RegistrationRefusal::NotAppservice) => {
                "Registration is only available to appservices; users register in the account web UI"
            }
            Self::Registration(RegistrationRefusal::InactiveToken) | Self::InactiveToken => {
                "The access token is not active"
            }
            Self::Registration(RegistrationRefusal::NotAppserviceLogin) => {
                "Only m.login.application_service registrations are allowed"
            }
            Self::Registration(RegistrationRefusal::InhibitLoginRequired) => {
                "Appservice registrations must set inhibit_login to true"
            }
            Self::MissingToken => "Missing access token",
            Self::AppserviceOnly => "Only appservices may use this endpoint",
            Self::MalformedToken => "The access token's scope or device is invalid",
            Self::MissingApiScope(_) => "The access token does not grant access to the client-server API",
            Self::MissingRequiredScope(_) => "The access token lacks the scope this endpoint requires",
            Self::AdminScopeMissing => "The access token does not grant access to the admin API",
            Self::GuestEndpoint => "Guest access is not allowed for this endpoint",
            Self::GuestJoin => "The room does not permit guests to join",
            Self::DeviceDeletion => "Devices are deleted in the account management web UI",
            Self::UnknownEndpoint => "Unrecognized request",
        }
    }

    /// The `WWW-Authenticate` challenge this denial carries, if any.
    pub fn www_authenticate(self) -> Option<Cow<'a, str>> {
        match self {
            Self::MissingApiScope(MissingApiScope::Forbidden) => Some(Cow::Borrowed(INSUFFICIENT_SCOPE)),
            // A scope token has no quote or backslash, so it goes into the quoted string as is.
            Self::MissingRequiredScope(scope) => {
                Some(Cow::Owned(format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"")))
            }
            _ => None,
        }
    }
}

/// The decision on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<'a> {
    /// Let the request through.
    Allow {
        /// What it is about.
        subject: Subject<'a>,
        /// From the cross-signing step only: whether this upload uses the approval up.
        consumes_approval: Option<bool>,
    },
    /// Refuse it with a Matrix error.
    Deny {
        /// What it is about.
        subject: Subject<'a>,
        /// Why.
        reason: Denial<'a>,
        /// Where the user can do this instead (steps 2 and 14).
        account: Option<AccountLink<'a>>,
    },
    /// Ask for User-Interactive Authentication (the `m.oauth` stage).
    Uia {
        /// What it is about.
        subject: Subject<'a>,
        /// The stages, URL and session.
        challenge: uia::Challenge<'a>,
    },
    /// Ask the client to re-authenticate (RFC 9470).
    StepUp {
        /// What it is about.
        subject: Subject<'a>,
        /// The combined requirements.
        challenge: step_up::Challenge<'a>,
    },
}

/// A decision written out as the HTTP answer a server sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    /// The status.
    pub status: u16,
    /// Headers, lower-case names.
    pub headers: Vec<(String, String)>,
    /// The JSON body, as text.
    pub body: String,
}

impl<'a> Decision<'a> {
    /// `allow`, `deny`, `uia` or `step_up`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Allow { .. } => "allow",
            Self::Deny { .. } => "deny",
            Self::Uia { .. } => "uia",
            Self::StepUp { .. } => "step_up",
        }
    }

    /// Whether the request may go through.
    pub fn is_allow(&self) -> bool {
        matches!(self, Self::Allow { .. })
    }

    /// What the decision is about.
    pub fn subject(&self) -> &Subject<'a> {
        match self {
            Self::Allow { subject, .. }
            | Self::Deny { subject, .. }
            | Self::Uia { subject, .. }
            | Self::StepUp { subject, .. } => subject,
        }
    }

    /// The HTTP status, `None` on allow.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Allow { .. } => None,
            Self::Deny { reason, .. } => Some(reason.status()),
            Self::Uia { .. } | Self::StepUp { .. } => Some(401),
        }
    }

    /// The Matrix errcode, `None` on allow and UIA (a UIA body carries none).
    pub fn errcode(&self) -> Option<&'static str> {
        match self {
            Self::Allow { .. } | Self::Uia { .. } => None,
            Self::Deny { reason, .. } => Some(reason.errcode()),
            Self::StepUp { .. } => Some("M_INSUFFICIENT_USER_AUTHENTICATION"),
        }
    }

    /// From the cross-signing step only: whether the host must close the approval window.
    pub fn consumes_approval(&self) -> Option<bool> {
        match self {
            Self::Allow { consumes_approval, .. } => *consumes_approval,
            Self::Uia { .. } => Some(false),
            _ => None,
        }
    }

    /// The account-management URL offered instead of the endpoint (steps 2 and 14).
    pub fn account_url(&self) -> Option<String> {
        match self {
            Self::Deny { account: Some(link), .. } => Some(link.url()),
            _ => None,
        }
    }

    /// The headers to send (lower-case names).
    pub fn headers(&self) -> Vec<(String, String)> {
        let www_authenticate = match self {
            Self::Deny { reason, .. } => reason.www_authenticate().map(Cow::into_owned),
            Self::StepUp { challenge, .. } => Some(challenge.www_authenticate()),
            Self::Allow { .. } | Self::Uia { .. } => None,
        };
        www_authenticate.map(|v| ("www-authenticate".to_owned(), v)).into_iter().collect()
    }

    /// The JSON body to send, `None` on allow.
    pub fn body(&self) -> Option<String> {
        match self {
            Self::Allow { .. } => None,
            Self::Deny { reason, .. } => Some(deny_body(*reason)),
            Self::Uia { challenge, .. } => Some(uia_body(challenge)),
            Self::StepUp { challenge, .. } => Some(step_up_body(challenge)),
        }
    }

    /// The HTTP answer to send, or `None` when the request goes through.
    pub fn render(&self) -> Option<HttpAnswer> {
        Some(HttpAnswer { status: self.status()?, headers: self.headers(), body: self.body()? })
    }
}

fn deny_body(reason: Denial<'_>) -> String {
    let mut out = String::from("{\"errcode\":");
    push_json_string(&mut out, reason.errcode());
    out.push_str(",\"error\":");
    push_json_string(&mut out, reason.message());
    out.push('}');
    out
}

fn uia_body(challenge: &uia::Challenge<'_>) -> String {
    let url = challenge.url();
    let stages = challenge.stages();
    let mut out = String::from("{\"flows\":[");
    for (i, stage) in stages.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"stages\":[");
        push_json_string(&mut out, stage);
        out.push_str("]}");
    }
    out.push_str("],\"params\":{");
    for (i, stage) in stages.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, stage);
        out.push_str(":{\"url\":");
        push_json_string(&mut out, &url);
        out.push('}');
    }
    out.push_str("},\"session\":");
    push_json_string(&mut out, challenge.session());
    out.push('}');
    out
}

fn step_up_body(challenge: &step_up::Challenge<'_>) -> String {
    let mut out = String::from("{\"errcode\":\"M_INSUFFICIENT_USER_AUTHENTICATION\",\"error\":");
    push_json_string(&mut out, "The request needs a more recent or stronger authentication");
    if let Some(acr) = challenge.acr_values_joined() {
        out.push_str(",\"acr_values\":");
        push_json_string(&mut out, &acr);
    }
    if let Some(max_age) = challenge.max_age() {
        out.push_str(&format!(",\"max_age\":{max_age}"));
    }
    out.push('}');
    out
}

/// Writes `s` as a JSON string (RFC 8259 section 7): quotes, backslashes and control characters
/// escaped, everything else as is.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        push_json_string(&mut out, "a\"b\\c\n\u{1}é");
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    #[test]
    fn denials_render() {
        let d = Decision::Deny {
            subject: Subject::default(),
            reason: Denial::MissingApiScope(MissingApiScope::Forbidden),
            account: None,
        };
        let Some(answer) = d.render() else { unreachable!() };
        assert_eq!(answer.status, 403);
        assert_eq!(answer.headers, vec![("www-authenticate".to_owned(), INSUFFICIENT_SCOPE.to_owned())]);
        assert!(answer.body.starts_with("{\"errcode\":\"M_FORBIDDEN\",\"error\":"));
        let allow = Decision::Allow { subject: Subject::default(), consumes_approval: None };
        assert_eq!(allow.render(), None);
    }
}
