//! The answer of [`decide`](super::decide): an exhaustive enum that knows its HTTP status, Matrix
//! errcode, headers and body, and writes them out as a separate step (only that allocates).
//!
//! [`Decision::output`] is the owned, typed value of DECISIONS.md "Output", its body a typed
//! [`AnswerBody`]: bindings convert it field by field, and whoever needs text serializes it once,
//! at the edge ([`Decision::render`] for the HTTP answer, the `serde` feature's JSON layer for
//! `request.decide`).

use std::borrow::Cow;

use super::explain::{Allowance, RequiredBy};
use crate::appservice::RegistrationRefusal;
use crate::legacy::AccountLink;
use crate::policy::MissingApiScope;
use crate::step_up;
use crate::uia;

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
    /// Step 9: the scope breaks the policy's grammar, limits or device rules.
    MalformedToken,
    /// Step 9: the explicit device id is empty or too long.
    InvalidDeviceId,
    /// Step 10: no client-server API scope.
    MissingApiScope(MissingApiScope),
    /// Step 10: none of the operation's own required scopes (MSC4484's, or the policy's
    /// `required_scopes`).
    MissingRequiredScope {
        /// The token the challenge names.
        challenge: &'a str,
        /// The setting that made the operation need it.
        required_by: RequiredBy<'a>,
    },
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
            | Self::InvalidDeviceId
            | Self::Registration(RegistrationRefusal::InactiveToken)
            | Self::MissingApiScope(MissingApiScope::UnknownToken) => 401,
            Self::Registration(_)
            | Self::AppserviceOnly
            | Self::MissingApiScope(MissingApiScope::Forbidden)
            | Self::MissingRequiredScope { .. }
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
            | Self::InvalidDeviceId
            | Self::Registration(RegistrationRefusal::InactiveToken)
            | Self::MissingApiScope(MissingApiScope::UnknownToken) => "M_UNKNOWN_TOKEN",
            Self::Registration(_)
            | Self::AppserviceOnly
            | Self::MissingApiScope(MissingApiScope::Forbidden)
            | Self::MissingRequiredScope { .. }
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
            Self::MalformedToken | Self::InvalidDeviceId => "The access token's scope or device is invalid",
            Self::MissingApiScope(_) => "The access token does not grant access to the client-server API",
            Self::MissingRequiredScope { .. } => "The access token lacks the scope this endpoint requires",
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
            // From a checked policy the token is NQCHAR and goes into the quoted string as is; a
            // token built by hand with a control character leaves `scope` out (never a raw CR/LF).
            Self::MissingRequiredScope { challenge, .. } => {
                let mut header = String::from("Bearer error=\"insufficient_scope\"");
                crate::www_authenticate::push_quoted_param(&mut header, "scope", challenge);
                Some(Cow::Owned(header))
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
        /// The rule that let it through.
        because: Allowance,
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
    /// Headers, lower-case names. [`Decision::render`] writes none that fails
    /// [`is_sendable_header`](super::is_sendable_header); send [`HttpAnswer::sendable_headers`]
    /// when the answer may have been filled by hand.
    pub headers: Vec<(String, String)>,
    /// The JSON body, as text.
    pub body: String,
}

impl HttpAnswer {
    /// The headers that may be sent as they are: those that pass
    /// [`is_sendable_header`](super::is_sendable_header) (a token name, no control character in the
    /// value). The others are skipped, never repaired: an answer from [`Decision::render`] has none.
    pub fn sendable_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .filter(|(name, value)| crate::www_authenticate::is_sendable_header(name, value))
    }
}

impl<'a> Decision<'a> {
    /// `allow`, `deny`, `uia` or `step_up`.
    pub fn kind(&self) -> &'static str {
        self.decision_kind().name()
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
            Self::StepUp { .. } => Some(STEP_UP_ERRCODE),
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
        self.www_authenticate().map(|v| (WWW_AUTHENTICATE.to_owned(), v)).into_iter().collect()
    }

    /// The `WWW-Authenticate` challenge of a denial or a step-up, the one header an answer has;
    /// never one with a control character (the challenge writers leave such a parameter out, and
    /// this is the last check).
    fn www_authenticate(&self) -> Option<String> {
        let value = match self {
            Self::Deny { reason, .. } => reason.www_authenticate().map(Cow::into_owned),
            Self::StepUp { challenge, .. } => Some(challenge.www_authenticate()),
            Self::Allow { .. } | Self::Uia { .. } => None,
        }?;
        crate::www_authenticate::is_sendable_header(WWW_AUTHENTICATE, &value).then_some(value)
    }

    /// The JSON body to send, typed; `None` on allow.
    pub fn body(&self) -> Option<AnswerBody> {
        match self {
            Self::Allow { .. } => None,
            Self::Deny { reason, .. } => Some(AnswerBody::Error { errcode: reason.errcode(), error: reason.message() }),
            Self::Uia { challenge, .. } => {
                let url = challenge.url();
                let stages = challenge.stages();
                Some(AnswerBody::Uia {
                    flows: stages.iter().map(|&stage| UiaFlow { stages: vec![stage] }).collect(),
                    params: stages.iter().map(|&stage| StageParams { stage, url: url.clone() }).collect(),
                    session: challenge.session().to_owned(),
                })
            }
            Self::StepUp { challenge, .. } => Some(AnswerBody::StepUp {
                errcode: STEP_UP_ERRCODE,
                error: STEP_UP_MESSAGE,
                acr_values: challenge.acr_values_joined(),
                max_age: challenge.max_age(),
            }),
        }
    }

    /// The HTTP answer to send, or `None` when the request goes through.
    pub fn render(&self) -> Option<HttpAnswer> {
        Some(HttpAnswer { status: self.status()?, headers: self.headers(), body: self.body()?.to_json_text() })
    }

    /// The owned, typed value of DECISIONS.md "Output": every field of a result, nothing
    /// borrowed, the body typed.
    pub fn output(&self) -> Output {
        let subject = self.subject();
        let explanation = self.explanation();
        Output {
            decision: self.decision_kind(),
            status: self.status(),
            errcode: self.errcode(),
            headers: self.www_authenticate().map(|v| (WWW_AUTHENTICATE, v)).into_iter().collect(),
            body: self.body(),
            endpoint: subject.operation_id.map(str::to_owned),
            device: subject.device.map(str::to_owned),
            synapse_admin: subject.synapse_admin,
            account_url: self.account_url(),
            consumes_approval: self.consumes_approval(),
            step: explanation.step,
            reason: explanation.reason,
            setting: explanation.setting.map(|s| s.name().into_owned()),
        }
    }

    /// Allow, deny, UIA or step-up.
    pub fn decision_kind(&self) -> DecisionKind {
        match self {
            Self::Allow { .. } => DecisionKind::Allow,
            Self::Deny { .. } => DecisionKind::Deny,
            Self::Uia { .. } => DecisionKind::Uia,
            Self::StepUp { .. } => DecisionKind::StepUp,
        }
    }
}

/// The header name of a challenge (lower case, as every result names headers).
pub const WWW_AUTHENTICATE: &str = "www-authenticate";
/// The errcode of a step-up answer (MSC4363).
const STEP_UP_ERRCODE: &str = "M_INSUFFICIENT_USER_AUTHENTICATION";
/// The `error` text of a step-up answer.
const STEP_UP_MESSAGE: &str = "The request needs a more recent or stronger authentication";

/// The kind of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DecisionKind {
    /// Let the request through.
    Allow,
    /// Refuse it with a Matrix error.
    Deny,
    /// Ask for User-Interactive Authentication (the `m.oauth` stage).
    Uia,
    /// Ask the client to re-authenticate (RFC 9470).
    StepUp,
}

impl DecisionKind {
    /// `allow`, `deny`, `uia` or `step_up`, as results name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
            Self::Uia => "uia",
            Self::StepUp => "step_up",
        }
    }
}

/// One flow of a UIA body: the stages to complete, in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UiaFlow {
    /// The stages.
    pub stages: Vec<&'static str>,
}

/// The `params` of one UIA stage: the page where the user completes it (MSC4312).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StageParams {
    /// The stage.
    pub stage: &'static str,
    /// The page (`params.<stage>.url`).
    pub url: String,
}

/// The JSON body of an answer (DECISIONS.md "Output", "Cross-signing" and "Step-up"), typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnswerBody {
    /// A Matrix error: `{"errcode": ..., "error": ...}`.
    Error {
        /// The errcode.
        errcode: &'static str,
        /// The human-readable text.
        error: &'static str,
    },
    /// A UIA challenge: `{"flows": [...], "params": {...}, "session": ...}`.
    Uia {
        /// The flows, one stage each.
        flows: Vec<UiaFlow>,
        /// The params of each stage, in the flows' order.
        params: Vec<StageParams>,
        /// The UIA session id.
        session: String,
    },
    /// A step-up challenge (MSC4363): `errcode`, `error`, then `acr_values` and `max_age` when
    /// present.
    StepUp {
        /// The errcode, `M_INSUFFICIENT_USER_AUTHENTICATION`.
        errcode: &'static str,
        /// The human-readable text.
        error: &'static str,
        /// The acceptable classes joined by single spaces.
        acr_values: Option<String>,
        /// The most seconds since the last active authentication.
        max_age: Option<u64>,
    },
}

impl AnswerBody {
    /// The body as compact JSON text, fields in the order above (what [`Decision::render`]
    /// sends).
    pub fn to_json_text(&self) -> String {
        let mut out = String::with_capacity(128);
        match self {
            Self::Error { errcode, error } => {
                out.push_str("{\"errcode\":");
                push_json_string(&mut out, errcode);
                out.push_str(",\"error\":");
                push_json_string(&mut out, error);
            }
            Self::Uia { flows, params, session } => {
                out.push_str("{\"flows\":[");
                for (i, flow) in flows.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"stages\":[");
                    for (j, stage) in flow.stages.iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        push_json_string(&mut out, stage);
                    }
                    out.push_str("]}");
                }
                out.push_str("],\"params\":{");
                for (i, stage) in params.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_string(&mut out, stage.stage);
                    out.push_str(":{\"url\":");
                    push_json_string(&mut out, &stage.url);
                    out.push('}');
                }
                out.push_str("},\"session\":");
                push_json_string(&mut out, session);
            }
            Self::StepUp { errcode, error, acr_values, max_age } => {
                out.push_str("{\"errcode\":");
                push_json_string(&mut out, errcode);
                out.push_str(",\"error\":");
                push_json_string(&mut out, error);
                if let Some(acr) = acr_values {
                    out.push_str(",\"acr_values\":");
                    push_json_string(&mut out, acr);
                }
                if let Some(max_age) = max_age {
                    out.push_str(",\"max_age\":");
                    out.push_str(&max_age.to_string());
                }
            }
        }
        out.push('}');
        out
    }
}

/// The decision as an owned, typed value: every field of DECISIONS.md "Output".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Allow, deny, UIA or step-up.
    pub decision: DecisionKind,
    /// The HTTP status, `None` on allow.
    pub status: Option<u16>,
    /// The Matrix errcode, `None` on allow and UIA.
    pub errcode: Option<&'static str>,
    /// The headers to send, lower-case names (a challenge's `www-authenticate` at most). The
    /// writers ([`Output::to_json_text`], the bindings) skip any that fails
    /// [`is_sendable_header`](super::is_sendable_header), as [`Output::sendable_headers`] does.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body to send, `None` on allow.
    pub body: Option<AnswerBody>,
    /// The operation id of the endpoint (the first of merged ids), `None` for an unknown or admin
    /// path and a CORS preflight.
    pub endpoint: Option<String>,
    /// The device of the request, once the token has been read.
    pub device: Option<String>,
    /// Whether the token carries `urn:synapse:admin:*`.
    pub synapse_admin: bool,
    /// The account-management URL offered instead of the endpoint (steps 2 and 14).
    pub account_url: Option<String>,
    /// From the cross-signing step only: whether the host must close the approval window.
    pub consumes_approval: Option<bool>,
    /// The DECISIONS.md pipeline step that answered (README "Why this answer"); never part of
    /// the HTTP answer.
    pub step: u8,
    /// The reason code of the rule that answered.
    pub reason: &'static str,
    /// The policy setting that decided, `None` where the spec or the preset did.
    pub setting: Option<String>,
}

impl Output {
    /// The headers that may be sent as they are: those that pass
    /// [`is_sendable_header`](super::is_sendable_header). Those of [`Decision::output`] all do;
    /// this guards an `Output` filled by hand.
    pub fn sendable_headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .filter(|(name, value)| crate::www_authenticate::is_sendable_header(name, value))
    }

    /// The result as compact JSON text (DECISIONS.md "Output", fields in its order;
    /// `consumes_approval` only from the cross-signing step): the one serialization for a caller
    /// that hands text on, such as the npm package's `Policy.decide`.
    pub fn to_json_text(&self) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("{\"decision\":");
        push_json_string(&mut out, self.decision.name());
        out.push_str(",\"status\":");
        match self.status {
            Some(status) => out.push_str(&status.to_string()),
            None => out.push_str("null"),
        }
        out.push_str(",\"errcode\":");
        push_opt_json_string(&mut out, self.errcode);
        out.push_str(",\"headers\":{");
        for (i, (name, value)) in self.sendable_headers().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_string(&mut out, name);
            out.push(':');
            push_json_string(&mut out, value);
        }
        out.push_str("},\"body\":");
        match &self.body {
            Some(body) => out.push_str(&body.to_json_text()),
            None => out.push_str("null"),
        }
        out.push_str(",\"endpoint\":");
        push_opt_json_string(&mut out, self.endpoint.as_deref());
        out.push_str(",\"device\":");
        push_opt_json_string(&mut out, self.device.as_deref());
        out.push_str(",\"synapse_admin\":");
        out.push_str(if self.synapse_admin { "true" } else { "false" });
        out.push_str(",\"account_url\":");
        push_opt_json_string(&mut out, self.account_url.as_deref());
        if let Some(consumes) = self.consumes_approval {
            out.push_str(",\"consumes_approval\":");
            out.push_str(if consumes { "true" } else { "false" });
        }
        out.push_str(",\"step\":");
        out.push_str(&self.step.to_string());
        out.push_str(",\"reason\":");
        push_json_string(&mut out, self.reason);
        out.push_str(",\"setting\":");
        push_opt_json_string(&mut out, self.setting.as_deref());
        out.push('}');
        out
    }
}

fn push_opt_json_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_json_string(out, s),
        None => out.push_str("null"),
    }
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
        let allow =
            Decision::Allow { subject: Subject::default(), consumes_approval: None, because: Allowance::Passed };
        assert_eq!(allow.render(), None);
    }

    /// The rendered bodies, byte for byte (what servers send since the first release).
    #[test]
    fn bodies_render_exactly() {
        let deny = AnswerBody::Error { errcode: "M_FORBIDDEN", error: "a \"b\"" };
        assert_eq!(deny.to_json_text(), r#"{"errcode":"M_FORBIDDEN","error":"a \"b\""}"#);
        let url = "https://a/?action=org.matrix.cross_signing_reset".to_owned();
        let uia = AnswerBody::Uia {
            flows: vec![UiaFlow { stages: vec!["m.oauth"] }, UiaFlow { stages: vec!["x"] }],
            params: vec![StageParams { stage: "m.oauth", url: url.clone() }, StageParams { stage: "x", url }],
            session: "S".to_owned(),
        };
        assert_eq!(
            uia.to_json_text(),
            r#"{"flows":[{"stages":["m.oauth"]},{"stages":["x"]}],"params":{"m.oauth":{"url":"https://a/?action=org.matrix.cross_signing_reset"},"x":{"url":"https://a/?action=org.matrix.cross_signing_reset"}},"session":"S"}"#
        );
        let step_up = |acr_values: Option<&str>, max_age| AnswerBody::StepUp {
            errcode: STEP_UP_ERRCODE,
            error: STEP_UP_MESSAGE,
            acr_values: acr_values.map(str::to_owned),
            max_age,
        };
        let prefix = r#"{"errcode":"M_INSUFFICIENT_USER_AUTHENTICATION","error":"The request needs a more recent or stronger authentication""#;
        assert_eq!(step_up(None, None).to_json_text(), format!("{prefix}}}"));
        assert_eq!(
            step_up(Some("a b"), Some(30)).to_json_text(),
            format!(r#"{prefix},"acr_values":"a b","max_age":30}}"#)
        );
    }
}
