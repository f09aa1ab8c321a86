//! The homeserver-side decision on one request (DECISIONS.md, the `request.decide` pipeline).
//!
//! Everything the decision needs arrives in the [`Request`]: the engine reads no clock, random
//! source or database, so the same request gives the same answer in every runtime. The steps run
//! in the contract's order and the first that answers ends the pipeline: (0) a CORS preflight,
//! (1) appservice `POST /login` (MSC4190), (2) legacy-only endpoints, (3) `POST /register`,
//! (4, 5) no token, or an endpoint that takes none, (6) inactive token, (7) appservice token,
//! (8) appservice-only endpoint, (9) scope and device rules, (10) the client-server API scope or
//! the operation's own required scope, (11) the Synapse admin scope, (12, 13) guests, (14) device
//! deletion, (15) cross-signing, (16) unknown paths, (17) step-up, (18) allow.
//!
//! The endpoint is found with [`endpoint::route`], which consults the policy's declared
//! endpoints after the catalogue; `HEAD` is decided as `GET`.
//!
//! Allow and deny answers borrow from the request, the policy and the catalogue and allocate
//! nothing; [`Decision::render`] writes the HTTP answer.

mod decision;

pub use decision::{Decision, Denial, HttpAnswer, INSUFFICIENT_SCOPE, Subject};

use crate::device::DeviceId;
use crate::endpoint::{self, Lookup, Operation, Params, TokenRequirement};
use crate::error::Error;
use crate::guest::{self, GuestAccess};
use crate::policy::{Policy, UnknownEndpoints};
use crate::scope::Scope;
use crate::step_up::{self, Authentication};
use crate::uia::{self, CrossSigning, CrossSigningInput, CrossSigningOutcome, Registration};

/// The longest explicit device id a token may carry, in bytes.
pub const MAX_EXPLICIT_DEVICE_ID_BYTES: usize = 255;

/// The access token of a request, as the host's introspection saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// Whether it is active.
    pub active: bool,
    /// Its scope (required unless `appservice`).
    pub scope: Option<&'a str>,
    /// The explicit device id of the introspection response; when present it is the device,
    /// whatever the scope says, taken as is.
    pub device_id: Option<&'a str>,
    /// When the user last actively authenticated (seconds since the epoch).
    pub auth_time: Option<i64>,
    /// The authentication context class achieved.
    pub acr: Option<&'a str>,
    /// An appservice's own token, not an OAuth token.
    pub appservice: bool,
    /// The host says the requester is a guest.
    pub guest: bool,
}

impl<'a> Token<'a> {
    /// An active OAuth token with this scope.
    pub fn oauth(scope: &'a str) -> Self {
        Self {
            active: true,
            scope: Some(scope),
            device_id: None,
            auth_time: None,
            acr: None,
            appservice: false,
            guest: false,
        }
    }

    /// An active appservice token.
    pub fn appservice() -> Self {
        Self { appservice: true, scope: None, ..Self::oauth("") }
    }
}

/// The fields of the request body the decision reads (`POST /login`, `POST /register`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Body<'a> {
    /// The body's `type`.
    pub login_type: Option<&'a str>,
    /// Whether the body's `inhibit_login` is `true`.
    pub inhibit_login: bool,
}

/// Request facts the host looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context<'a> {
    /// The user's cross-signing keys and approval window.
    pub cross_signing: CrossSigning,
    /// The room's `m.room.guest_access` (`None`: no such event).
    pub room_guest_access: Option<GuestAccess>,
    /// The request body's relevant fields.
    pub body: Body<'a>,
    /// The server's account-management URL (MSC4191).
    pub account_management_uri: Option<&'a str>,
    /// The UIA session id, when the host already has one.
    pub uia_session: Option<&'a str>,
}

/// One request to decide on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method of the request line.
    pub method: &'a str,
    /// The raw path, without query string, not percent-decoded.
    pub path: &'a str,
    /// The `kind` query parameter (`/register?kind=guest`).
    pub query_kind: Option<&'a str>,
    /// The access token, `None` when the request carried none.
    pub token: Option<Token<'a>>,
    /// Request facts.
    pub context: Context<'a>,
    /// The current time (seconds since the epoch), needed only when a step compares times.
    pub now: Option<i64>,
    /// Entropy to derive a UIA session id from.
    pub entropy: Option<&'a [u8]>,
}

impl<'a> Request<'a> {
    /// A request without token, context or time.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self { method, path, query_kind: None, token: None, context: Context::default(), now: None, entropy: None }
    }

    /// The same request carrying `token`.
    pub fn with_token(self, token: Token<'a>) -> Self {
        Self { token: Some(token), ..self }
    }
}

/// Decides on `request` under `policy` (DECISIONS.md "Pipeline").
///
/// Fails with `input.invalid` for a malformed request (an OAuth token without a scope; a step
/// that compares times without `now`; a UIA challenge without an account-management URL or a
/// session source) and `entropy.insufficient` when the entropy cannot make a session id.
pub fn decide<'a>(request: &Request<'a>, policy: &'a Policy) -> Result<Decision<'a>, Error> {
    if let Some(token) = &request.token {
        if !token.appservice && token.scope.is_none() {
            return Err(Error::input("`token.scope` is required unless `token.appservice`"));
        }
    }
    // Step 0: a CORS preflight carries no credentials, whatever the path.
    if request.method == "OPTIONS" {
        return Ok(Decision::Allow { subject: Subject::default(), consumes_approval: None });
    }
    let found = endpoint::route(&policy.endpoints, request.method, request.path);
    // The lookup is kept where it was written: the steps borrow its parameters, no copy.
    let operation = found.operation(&policy.endpoints);
    let operation_id = operation.map(|o| o.operation_id());
    let pipeline = Pipeline { request, policy, found: &found, operation, operation_id };
    pipeline.run()
}

struct Pipeline<'r, 'a> {
    request: &'r Request<'a>,
    policy: &'a Policy,
    found: &'r Lookup<'a>,
    operation: Option<Operation<'a>>,
    /// The operation's id, read once: every answer reports it.
    operation_id: Option<&'a str>,
}

impl<'a> Pipeline<'_, 'a> {
    fn params(&self) -> &Params<'a> {
        match self.found {
            Lookup::Known(_, params) => params,
            _ => &Params::EMPTY,
        }
    }

    fn subject(&self) -> Subject<'a> {
        Subject { operation_id: self.operation_id, device: None, synapse_admin: false }
    }

    fn token_requirement(&self) -> Option<TokenRequirement> {
        self.operation.map(|o| o.token)
    }

    fn deny(&self, subject: Subject<'a>, reason: Denial<'a>) -> Decision<'a> {
        Decision::Deny { subject, reason, account: None }
    }

    fn allow(subject: Subject<'a>) -> Decision<'a> {
        Decision::Allow { subject, consumes_approval: None }
    }

    fn run(&self) -> Result<Decision<'a>, Error> {
        if let Some(answer) = self.legacy_steps() {
            return Ok(answer);
        }
        let Some(token) = self.request.token else { return Ok(self.without_token()) };
        // Step 5 (v4): a token sent to an endpoint that takes none is ignored.
        if self.token_requirement() == Some(TokenRequirement::None) {
            return Ok(Self::allow(self.subject()));
        }
        // Step 6.
        if !token.active {
            return Ok(self.deny(self.subject(), Denial::InactiveToken));
        }
        // Step 7: an appservice's own token is the host's business, not an OAuth grant.
        if token.appservice {
            return Ok(Self::allow(Subject { device: token.device_id, ..self.subject() }));
        }
        // Step 8.
        if self.token_requirement() == Some(TokenRequirement::Appservice) {
            return Ok(self.deny(self.subject(), Denial::AppserviceOnly));
        }
        // Step 9.
        let Some(scope) = self.read_scope(&token) else {
            return Ok(self.deny(self.subject(), Denial::MalformedToken));
        };
        let subject = Subject {
            device: token.device_id.or(scope.device().map(DeviceId::into_inner)),
            synapse_admin: scope.synapse_admin(),
            ..self.subject()
        };
        // Step 10: the operation's own required scope, or else the API scope.
        let own = self.operation.and_then(|o| self.policy.own_required_scopes(&o));
        if let Some(own) = own {
            if !own.tokens().any(|required| scope.covers(required)) {
                return Ok(self.deny(subject, Denial::MissingRequiredScope(own.challenge())));
            }
        } else if !scope.has_api() {
            return Ok(self.deny(subject, Denial::MissingApiScope(self.policy.missing_api_scope)));
        }
        // Step 11.
        if matches!(self.found, Lookup::Admin) && !scope.synapse_admin() {
            return Ok(self.deny(subject, Denial::AdminScopeMissing));
        }
        if token.guest {
            if let Some(reason) = self.guest_steps() {
                return Ok(self.deny(subject, reason));
            }
        }
        self.endpoint_steps(subject, &token)
    }

    /// Steps 1 to 3, which a server that also offers the legacy API skips (step 14 too).
    fn legacy_steps(&self) -> Option<Decision<'a>> {
        let endpoint = self.operation?.builtin?;
        if self.policy.legacy_endpoints {
            return None;
        }
        let context = &self.request.context;
        if uia::is_login(endpoint) && context.body.login_type == Some(uia::APPSERVICE_LOGIN) {
            return Some(self.deny(self.subject(), Denial::AppserviceLogin));
        }
        if uia::is_legacy_only(endpoint) {
            let account = uia::account_link(endpoint, self.params(), context.account_management_uri);
            return Some(Decision::Deny { subject: self.subject(), reason: Denial::LegacyOnly, account });
        }
        if uia::is_registration(endpoint) {
            let token = self.request.token;
            let registration = Registration {
                kind: self.request.query_kind,
                token: token.map(|t| (t.appservice, t.active)),
                login_type: context.body.login_type,
                inhibit_login: context.body.inhibit_login,
            };
            let device = token.and_then(|t| t.device_id);
            return Some(match uia::registration(registration) {
                Ok(()) => Self::allow(Subject { device, ..self.subject() }),
                Err(refusal) => self.deny(self.subject(), Denial::Registration(refusal)),
            });
        }
        None
    }

    /// Steps 4 and 5.
    fn without_token(&self) -> Decision<'a> {
        match self.token_requirement() {
            Some(TokenRequirement::None | TokenRequirement::Optional) => Self::allow(self.subject()),
            _ => self.deny(self.subject(), Denial::MissingToken),
        }
    }

    /// Step 9: the scope under the policy's grammar and device rules, and the explicit device id.
    #[inline(always)]
    fn read_scope(&self, token: &Token<'a>) -> Option<Scope<&'a str>> {
        let scope = Scope::parse(token.scope?, &self.policy.scope).ok()?;
        match token.device_id {
            Some(id) if id.is_empty() || id.len() > MAX_EXPLICIT_DEVICE_ID_BYTES => None,
            _ => Some(scope),
        }
    }

    /// Steps 12 and 13.
    fn guest_steps(&self) -> Option<Denial<'a>> {
        // Step 12 (v4): only where a token is needed; unknown and admin paths count as such.
        let anonymous = self.operation.is_some_and(|o| o.answers_anonymous());
        if !anonymous && !guest::may_call(self.operation.as_ref(), self.params(), self.policy) {
            return Some(Denial::GuestEndpoint);
        }
        let joining = self.operation.and_then(|o| o.builtin).is_some_and(guest::is_join);
        (joining && !guest::may_join(self.request.context.room_guest_access)).then_some(Denial::GuestJoin)
    }

    /// Steps 14 to 18.
    fn endpoint_steps(&self, subject: Subject<'a>, token: &Token<'a>) -> Result<Decision<'a>, Error> {
        let Some(operation) = self.operation else {
            // Step 16 (an admin path is not an unknown one); neither kind meets step-up rules,
            // which name operation ids.
            let deny_unknown = self.policy.unknown_endpoints == UnknownEndpoints::Deny;
            return Ok(if deny_unknown && matches!(self.found, Lookup::Unknown) {
                self.deny(subject, Denial::UnknownEndpoint)
            } else {
                Self::allow(subject)
            });
        };
        let request = self.request;
        let builtin = operation.builtin;
        // Step 14.
        if let Some(endpoint) = builtin.filter(|e| !self.policy.legacy_endpoints && uia::is_device_deletion(e)) {
            let account = uia::account_link(endpoint, self.params(), request.context.account_management_uri);
            return Ok(Decision::Deny { subject, reason: Denial::DeviceDeletion, account });
        }
        // Step 15.
        if builtin.is_some_and(uia::is_cross_signing_upload) {
            let outcome = uia::cross_signing(CrossSigningInput {
                state: request.context.cross_signing,
                now: request.now,
                approval: self.policy.approval,
                account_management_uri: request.context.account_management_uri,
                uia_session: request.context.uia_session,
                entropy: request.entropy,
            })?;
            return Ok(match outcome {
                CrossSigningOutcome::Allow { consumes_approval } => {
                    Decision::Allow { subject, consumes_approval: Some(consumes_approval) }
                }
                CrossSigningOutcome::Uia(challenge) => Decision::Uia { subject, challenge },
            });
        }
        // Step 17.
        let auth = Authentication { auth_time: token.auth_time, acr: token.acr };
        if let Some(challenge) = step_up::check(operation, auth, request.now, self.policy)? {
            return Ok(Decision::StepUp { subject, challenge });
        }
        // Step 18.
        Ok(Self::allow(subject))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Preset;

    const FULL: &str = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ";

    fn run(request: Request<'_>, policy: &Policy) -> (&'static str, Option<u16>, Option<&'static str>) {
        match decide(&request, policy) {
            Ok(d) => (d.kind(), d.status(), d.errcode()),
            Err(e) => ("error", None, Some(e.code())),
        }
    }

    #[test]
    fn tokens() {
        let spec = Policy::spec();
        let sync = Request::new("GET", "/_matrix/client/v3/sync");
        assert_eq!(run(sync, &spec), ("deny", Some(401), Some("M_MISSING_TOKEN")));
        assert_eq!(run(sync.with_token(Token::oauth(FULL)), &spec), ("allow", None, None));
        let inactive = Token { active: false, ..Token::oauth(FULL) };
        assert_eq!(run(sync.with_token(inactive), &spec), ("deny", Some(401), Some("M_UNKNOWN_TOKEN")));
        assert_eq!(run(sync.with_token(Token::appservice()), &spec), ("allow", None, None));
        assert_eq!(run(sync.with_token(Token::oauth("openid")), &spec), ("deny", Some(403), Some("M_FORBIDDEN")));
        let synapse = Policy::preset(Preset::Synapse);
        assert_eq!(
            run(sync.with_token(Token::oauth("openid")), &synapse),
            ("deny", Some(401), Some("M_UNKNOWN_TOKEN"))
        );
        assert_eq!(run(sync.with_token(Token::oauth("a  b")), &spec), ("deny", Some(401), Some("M_UNKNOWN_TOKEN")));
        let no_scope = Token { scope: None, ..Token::oauth("") };
        assert_eq!(run(sync.with_token(no_scope), &spec), ("error", None, Some("input.invalid")));
        let long_device = "D".repeat(256);
        let explicit = Token { device_id: Some(&long_device), ..Token::oauth(FULL) };
        assert_eq!(run(sync.with_token(explicit), &spec), ("deny", Some(401), Some("M_UNKNOWN_TOKEN")));
    }

    #[test]
    fn devices_and_admin() {
        let spec = Policy::spec();
        let token = Token { device_id: Some("OTHER"), ..Token::oauth(FULL) };
        let request = Request::new("GET", "/_matrix/client/v3/sync").with_token(token);
        let decision = decide(&request, &spec);
        assert_eq!(decision.map(|d| d.subject().device), Ok(Some("OTHER")));
        let admin = Request::new("GET", "/_synapse/admin/v2/users/x").with_token(Token::oauth(FULL));
        assert_eq!(run(admin, &spec), ("deny", Some(403), Some("M_FORBIDDEN")));
        let with_admin = format!("{FULL} urn:synapse:admin:*");
        let admin = Request::new("GET", "/_synapse/admin/v2/users/x").with_token(Token::oauth(&with_admin));
        assert_eq!(run(admin, &spec), ("allow", None, None));
    }

    #[test]
    fn oauth_replaces_uia() {
        let spec = Policy::spec();
        let mut request = Request::new("DELETE", "/_matrix/client/v3/devices/AB%2FC").with_token(Token::oauth(FULL));
        request.context.account_management_uri = Some("https://a.example/");
        let decision = decide(&request, &spec);
        assert_eq!(
            decision.map(|d| d.account_url()),
            Ok(Some("https://a.example/?action=org.matrix.device_delete&device_id=AB%2FC".to_owned()))
        );
        let legacy = Policy { legacy_endpoints: true, ..Policy::spec() };
        assert_eq!(run(request, &legacy), ("allow", None, None));
        let login = Request::new("POST", "/_matrix/client/v3/login");
        assert_eq!(run(login, &spec), ("deny", Some(404), Some("M_UNRECOGNIZED")));
        let register = Request::new("POST", "/_matrix/client/v3/register");
        assert_eq!(run(register, &spec), ("deny", Some(403), Some("M_FORBIDDEN")));
        assert_eq!(run(register, &legacy), ("allow", None, None));
        let mut upload =
            Request::new("POST", "/_matrix/client/v3/keys/device_signing/upload").with_token(Token::oauth(FULL));
        upload.context.account_management_uri = Some("https://a.example/");
        upload.context.uia_session = Some("s");
        assert_eq!(run(upload, &spec), ("uia", Some(401), None));
    }

    #[test]
    fn guests() {
        let spec = Policy::spec();
        let guest = Token { guest: true, ..Token::oauth(FULL) };
        let create = Request::new("POST", "/_matrix/client/v3/createRoom").with_token(guest);
        assert_eq!(run(create, &spec), ("deny", Some(403), Some("M_GUEST_ACCESS_FORBIDDEN")));
        let mut join = Request::new("POST", "/_matrix/client/v3/rooms/!r:x/join").with_token(guest);
        assert_eq!(run(join, &spec), ("deny", Some(403), Some("M_GUEST_ACCESS_FORBIDDEN")));
        join.context.room_guest_access = Some(GuestAccess::CanJoin);
        assert_eq!(run(join, &spec), ("allow", None, None));
    }
}
