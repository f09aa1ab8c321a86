//! The homeserver-side decision on one request (`request.decide`, DECISIONS.md): the request as
//! records in, the decision with its rendered HTTP answer out.

use std::sync::Arc;

use matrix_authz::decide::{self as core_decide, Body, Context, DecisionKind as CoreKind, Output, Request, Token};
use matrix_authz::guest::GuestAccess;
use matrix_authz::uia::CrossSigning;

use crate::error::AuthzError;
use crate::policy::{Policy, or_default};

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

/// What the host knows about the user's cross-signing keys and approvals.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CrossSigningState {
    /// Whether a master key is already stored.
    #[uniffi(default = true)]
    pub master_key_exists: bool,
    /// Whether the upload only repeats the stored keys.
    #[uniffi(default = false)]
    pub keys_identical: bool,
    /// The end of an approval window the authorization server opened (seconds since the epoch).
    #[uniffi(default = None)]
    pub reset_approved_until: Option<i64>,
}

/// Request facts the host looked up; every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestContext {
    /// The user's cross-signing keys and approval window (absent: a master key exists, no
    /// approval).
    #[uniffi(default = None)]
    pub cross_signing: Option<CrossSigningState>,
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

/// The kind of decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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
}

impl From<CoreKind> for DecisionKind {
    fn from(kind: CoreKind) -> Self {
        match kind {
            CoreKind::Allow => Self::Allow,
            CoreKind::Deny => Self::Deny,
            CoreKind::Uia => Self::Uia,
            CoreKind::StepUp => Self::StepUp,
        }
    }
}

impl From<Output> for DecisionResult {
    fn from(output: Output) -> Self {
        Self {
            decision: output.decision.into(),
            status: output.status,
            errcode: output.errcode.map(str::to_owned),
            headers: output.headers.into_iter().map(|(name, value)| Header { name: name.to_owned(), value }).collect(),
            // The one serialization of the typed body, for the host to send.
            body: output.body.map(|body| body.to_json_text()),
            endpoint: output.endpoint,
            device: output.device,
            synapse_admin: output.synapse_admin,
            account_url: output.account_url,
            consumes_approval: output.consumes_approval,
        }
    }
}

fn token(info: &TokenInfo) -> Token<'_> {
    Token {
        active: info.active,
        scope: info.scope.as_deref(),
        device_id: info.device_id.as_deref(),
        auth_time: info.auth_time,
        acr: info.acr.as_deref(),
        appservice: info.appservice,
        guest: info.guest,
    }
}

fn context(fields: &RequestContext) -> Context<'_> {
    let cross_signing = fields.cross_signing.as_ref().map_or_else(CrossSigning::default, |keys| CrossSigning {
        master_key_exists: keys.master_key_exists,
        keys_identical: keys.keys_identical,
        reset_approved_until: keys.reset_approved_until,
    });
    Context {
        cross_signing,
        room_guest_access: fields.room_guest_access,
        body: Body { login_type: fields.login_type.as_deref(), inhibit_login: fields.inhibit_login },
        account_management_uri: fields.account_management_uri.as_deref(),
        uia_session: fields.uia_session.as_deref(),
    }
}

pub(crate) fn decide_under(request: &DecideRequest, policy: &Policy) -> Result<DecisionResult, AuthzError> {
    let core_request = Request {
        query_kind: request.query_kind.as_deref(),
        token: request.token.as_ref().map(token),
        context: request.context.as_ref().map(context).unwrap_or_default(),
        now: request.now,
        entropy: request.entropy.as_deref(),
        ..Request::new(&request.method, &request.path)
    };
    Ok(core_decide::decide(&core_request, &policy.inner)?.output().into())
}

/// `request.decide` under the policy (the `default` preset when absent). Fails with
/// `input.invalid` for a malformed request (an OAuth token without a scope, a step that compares
/// times without `now`, ...) and `entropy.insufficient`.
#[uniffi::export(default(policy = None))]
pub fn decide(request: DecideRequest, policy: Option<Arc<Policy>>) -> Result<DecisionResult, AuthzError> {
    decide_under(&request, &or_default(policy))
}

#[uniffi::export]
impl Policy {
    /// `request.decide` under this policy.
    pub fn decide(&self, request: DecideRequest) -> Result<DecisionResult, AuthzError> {
        decide_under(&request, self)
    }
}
