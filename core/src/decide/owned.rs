//! The owned request and result of [`decide`](super::decide) (feature `uniffi`): the records the
//! Kotlin, Swift and Python binding passes across the FFI, where nothing can be borrowed. They
//! only hold values: [`DecideRequest::as_request`] borrows them as a [`Request`], and
//! [`DecisionResult`] is an [`Output`] with its body serialized once, for the host to send.

use super::{Body, Context, DecisionKind, Output, Request, Token};
use crate::guest::GuestAccess;
use crate::uia::CrossSigning;

/// The access token of a request, as the host's introspection saw it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TokenInfo {
    /// Its scope (required unless `appservice`: `input.invalid` otherwise).
    #[uniffi(default = None)]
    pub scope: Option<String>,
    /// Whether it is active.
    #[uniffi(default = true)]
    pub active: bool,
    /// The explicit device id of the introspection response (it wins over the scope's).
    #[uniffi(default = None)]
    pub device_id: Option<String>,
    /// When the user last actively authenticated (seconds since the epoch).
    #[uniffi(default = None)]
    pub auth_time: Option<i64>,
    /// The authentication context class achieved.
    #[uniffi(default = None)]
    pub acr: Option<String>,
    /// An appservice's own token, not an OAuth token.
    #[uniffi(default = false)]
    pub appservice: bool,
    /// The host says the requester is a guest.
    #[uniffi(default = false)]
    pub guest: bool,
}

/// Request facts the host looked up; every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestContext {
    /// The user's cross-signing keys and approval window (absent: a master key exists, no
    /// approval).
    #[uniffi(default = None)]
    pub cross_signing: Option<CrossSigning>,
    /// The room's `m.room.guest_access` (absent: no such event).
    #[uniffi(default = None)]
    pub room_guest_access: Option<GuestAccess>,
    /// The request body's `type` (`POST /login`, `POST /register`).
    #[uniffi(default = None)]
    pub login_type: Option<String>,
    /// Whether the request body's `inhibit_login` is `true`.
    #[uniffi(default = false)]
    pub inhibit_login: bool,
    /// The server's account-management URL (MSC4191).
    #[uniffi(default = None)]
    pub account_management_uri: Option<String>,
    /// The UIA session id, when the host already has one.
    #[uniffi(default = None)]
    pub uia_session: Option<String>,
}

/// One request to decide on.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecideRequest {
    /// The method of the request line.
    pub method: String,
    /// The raw path, without query string, not percent-decoded.
    pub path: String,
    /// The `kind` query parameter (`/register?kind=guest`).
    #[uniffi(default = None)]
    pub query_kind: Option<String>,
    /// The access token, absent when the request carried none.
    #[uniffi(default = None)]
    pub token: Option<TokenInfo>,
    /// Request facts.
    #[uniffi(default = None)]
    pub context: Option<RequestContext>,
    /// The current time (seconds since the epoch), needed only when a step compares times.
    #[uniffi(default = None)]
    pub now: Option<i64>,
    /// Entropy to derive a UIA session id from.
    #[uniffi(default = None)]
    pub entropy: Option<Vec<u8>>,
}

impl DecideRequest {
    /// The request, borrowed.
    pub fn as_request(&self) -> Request<'_> {
        let token = self.token.as_ref().map(|t| Token {
            active: t.active,
            scope: t.scope.as_deref(),
            device_id: t.device_id.as_deref(),
            auth_time: t.auth_time,
            acr: t.acr.as_deref(),
            appservice: t.appservice,
            guest: t.guest,
        });
        let context = self.context.as_ref().map_or_else(Context::default, |c| Context {
            cross_signing: c.cross_signing.unwrap_or_default(),
            room_guest_access: c.room_guest_access,
            body: Body { login_type: c.login_type.as_deref(), inhibit_login: c.inhibit_login },
            account_management_uri: c.account_management_uri.as_deref(),
            uia_session: c.uia_session.as_deref(),
        });
        Request {
            query_kind: self.query_kind.as_deref(),
            token,
            context,
            now: self.now,
            entropy: self.entropy.as_deref(),
            ..Request::new(&self.method, &self.path)
        }
    }
}

/// One HTTP header (lower-case name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Header {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

/// The decision on one request and, unless it allows, the HTTP answer to send.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecisionResult {
    /// Allow, deny, UIA or step-up.
    pub decision: DecisionKind,
    /// The HTTP status, absent on allow.
    pub status: Option<u16>,
    /// The Matrix errcode, absent on allow and UIA.
    pub errcode: Option<String>,
    /// The headers to send (lower-case names; empty on allow).
    pub headers: Vec<Header>,
    /// The JSON body to send, as text; absent on allow.
    pub body: Option<String>,
    /// The operation id of the endpoint, absent for an unknown or admin path.
    pub endpoint: Option<String>,
    /// The device of the request, once the token has been read.
    pub device: Option<String>,
    /// Whether the token carries `urn:synapse:admin:*`.
    pub synapse_admin: bool,
    /// The account-management URL offered instead of the endpoint.
    pub account_url: Option<String>,
    /// From the cross-signing step only: whether the host must close the approval window.
    pub consumes_approval: Option<bool>,
    /// The DECISIONS.md pipeline step that answered (README "Why this answer"); not part of the
    /// HTTP answer.
    pub step: u8,
    /// The reason code of the rule that answered.
    pub reason: String,
    /// The policy setting that decided, absent where the spec or the preset did.
    pub setting: Option<String>,
}

impl From<Output> for DecisionResult {
    fn from(output: Output) -> Self {
        Self {
            decision: output.decision,
            status: output.status,
            errcode: output.errcode.map(str::to_owned),
            headers: output
                .sendable_headers()
                .map(|(name, value)| Header { name: name.to_owned(), value: value.to_owned() })
                .collect(),
            // The one serialization of the typed body, for the host to send.
            body: output.body.map(|body| body.to_json_text()),
            endpoint: output.endpoint,
            device: output.device,
            synapse_admin: output.synapse_admin,
            account_url: output.account_url,
            consumes_approval: output.consumes_approval,
            step: output.step,
            reason: output.reason.to_owned(),
            setting: output.setting,
        }
    }
}
