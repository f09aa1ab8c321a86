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
//! One request goes one way: [`route`] looks the request line up once (admin paths, the
//! catalogue under every spelling, then the policy's declared endpoints; `HEAD` as `GET`) and
//! returns a [`Route`], which says which request facts its decision reads ([`Route::facts`]);
//! the host fetches only those and calls [`Route::decide`]. [`decide`] does both in one call for
//! callers that have every fact at hand anyway; both give the same answer.
//!
//! The rules read the catalogue's columns ([`Endpoint::rule`](crate::endpoint::Endpoint::rule),
//! `legacy_only`, `account_action`), never an operation id, and live in the modules named for
//! them: [`appservice`] (steps 1 and 3), [`legacy`] (steps 2
//! and 14), [`guest`] (12, 13), [`uia`] (15),
//! [`step_up`] (17).
//!
//! Allow and deny answers borrow from the request, the policy and the catalogue and allocate
//! nothing. [`Decision::output`] is the owned, typed result ([`Output`], its body an
//! [`AnswerBody`]); [`Decision::render`] writes the HTTP answer.

mod decision;
mod explain;
#[cfg(feature = "uniffi")]
mod owned;

pub use crate::www_authenticate::is_sendable_header;
pub use decision::{
    AnswerBody, Decision, DecisionKind, Denial, HttpAnswer, INSUFFICIENT_SCOPE, Output, StageParams, Subject, UiaFlow,
    WWW_AUTHENTICATE,
};
pub use explain::{Allowance, Explanation, RequiredBy, Setting, differences};
#[cfg(feature = "uniffi")]
pub use owned::{DecideRequest, DecisionResult, Header, RequestContext, TokenInfo};

use crate::appservice::{self, Registration};
use crate::device::DeviceId;
use crate::endpoint::{self, Endpoint, Lookup, Operation, Params, Rule, TokenRequirement};
use crate::error::Error;
use crate::guest::{self, GuestAccess};
use crate::legacy;
use crate::policy::{Policy, UnknownEndpoints};
use crate::scope::Scope;
use crate::step_up::{self, Authentication};
use crate::uia::{self, CrossSigning, CrossSigningInput, CrossSigningOutcome};

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

/// The request facts beyond the token that a route's decision reads (DECISIONS.md "Input"
/// `query` and `context`): a host fetches these and may leave the others out. The
/// account-management URL and the time are cheap for most hosts; they are listed all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Facts {
    /// `context.body`'s `type` and `inhibit_login` (`POST /login` and `POST /register` on a
    /// server without the legacy API).
    pub body: bool,
    /// The `kind` query parameter (`POST /register`).
    pub query_kind: bool,
    /// The room's `m.room.guest_access` (a join; read for guests only).
    pub room_guest_access: bool,
    /// The user's cross-signing state, and a UIA session id or entropy to derive one
    /// (`POST /keys/device_signing/upload`).
    pub cross_signing: bool,
    /// The server's account-management URL (an answer that links to it).
    pub account_management_uri: bool,
    /// The current time (the cross-signing approval window, a step-up rule with `max_age`).
    pub now: bool,
}

/// Where a request line leads under a policy: the endpoint (built-in or declared, with the token
/// the policy gives it), what it is (admin, unknown, a CORS preflight), and the facts its
/// decision reads. Looking it up allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct Route<'a> {
    policy: &'a Policy,
    method: &'a str,
    path: &'a str,
    found: Lookup<'a>,
    operation: Option<Operation<'a>>,
}

/// Looks `method` and the raw `path` up under `policy` (DECISIONS.md "Path matching"): once per
/// request, before the host fetches any fact.
#[inline]
pub fn route<'a>(policy: &'a Policy, method: &'a str, path: &'a str) -> Route<'a> {
    // Step 0: a CORS preflight names no endpoint, whatever the path.
    if method == "OPTIONS" {
        return Route { policy, method, path, found: Lookup::Unknown, operation: None };
    }
    let found = endpoint::route(&policy.settings().endpoints, method, path);
    let operation = found.operation(&policy.settings().endpoints);
    Route { policy, method, path, found, operation }
}

impl<'a> Route<'a> {
    /// What the lookup found (a CORS preflight counts as unknown).
    pub fn lookup(&self) -> &Lookup<'a> {
        &self.found
    }

    /// The endpoint under the policy, `None` for an admin or unknown path and a preflight.
    pub fn operation(&self) -> Option<Operation<'a>> {
        self.operation
    }

    /// The operation id results report, `None` for an admin or unknown path and a preflight.
    pub fn operation_id(&self) -> Option<&'a str> {
        self.operation.map(|o| o.operation_id())
    }

    /// The built-in endpoint, when the route leads to one.
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        self.operation.and_then(|o| o.builtin)
    }

    /// Whether this is a CORS preflight (`OPTIONS`), which step 0 allows.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS"
    }

    /// The endpoint-specific step that names the endpoint ([`Rule::None`] for a declared one).
    pub fn rule(&self) -> Rule {
        self.endpoint().map_or(Rule::None, |e| e.rule)
    }

    /// The request facts its decision reads beyond the token.
    pub fn facts(&self) -> Facts {
        let Some(operation) = self.operation else { return Facts::default() };
        let legacy_rules = !self.policy.settings().legacy_endpoints;
        let rule = self.rule();
        let cross_signing = rule == Rule::CrossSigningUpload;
        let links = legacy_rules && self.endpoint().is_some_and(|e| e.account_action.is_some());
        let max_age = self
            .policy
            .settings()
            .step_up
            .iter()
            .any(|r| r.max_age.is_some() && r.endpoints.iter().any(|id| operation.is_named(id)));
        Facts {
            body: legacy_rules && matches!(rule, Rule::AppserviceLogin | Rule::Registration),
            query_kind: legacy_rules && rule == Rule::Registration,
            room_guest_access: rule == Rule::GuestJoin,
            cross_signing,
            account_management_uri: cross_signing || links,
            now: cross_signing || max_age,
        }
    }

    /// Decides on `request` along this route (DECISIONS.md "Pipeline"). The request's method and
    /// path must be the ones the route was looked up with (`input.invalid` otherwise); facts the
    /// route does not read are ignored.
    ///
    /// Fails with `input.invalid` for a malformed request (an OAuth token without a scope; a step
    /// that compares times without `now`; a UIA challenge without an account-management URL or a
    /// session source) and `entropy.insufficient` when the entropy cannot make a session id.
    pub fn decide(&self, request: &Request<'a>) -> Result<Decision<'a>, Error> {
        if request.method != self.method || request.path != self.path {
            return Err(Error::input("the request's method and path are not the ones its route was looked up with"));
        }
        if let Some(token) = &request.token
            && !token.appservice
            && token.scope.is_none()
        {
            return Err(Error::input("`token.scope` is required unless `token.appservice`"));
        }
        // Step 0: a CORS preflight carries no credentials, whatever the path.
        if self.is_preflight() {
            return Ok(Decision::Allow {
                subject: Subject::default(),
                consumes_approval: None,
                because: Allowance::Preflight,
            });
        }
        let operation_id = self.operation_id();
        let pipeline =
            Pipeline { request, policy: self.policy, found: &self.found, operation: self.operation, operation_id };
        pipeline.run()
    }
}

/// Decides on `request` under `policy` (DECISIONS.md "Pipeline"): [`route`], then
/// [`Route::decide`], in one call.
///
/// Fails with `input.invalid` for a malformed request (an OAuth token without a scope; a step
/// that compares times without `now`; a UIA challenge without an account-management URL or a
/// session source) and `entropy.insufficient` when the entropy cannot make a session id.
pub fn decide<'a>(request: &Request<'a>, policy: &'a Policy) -> Result<Decision<'a>, Error> {
    route(policy, request.method, request.path).decide(request)
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

    fn allow(subject: Subject<'a>, because: Allowance) -> Decision<'a> {
        Decision::Allow { subject, consumes_approval: None, because }
    }

    fn run(&self) -> Result<Decision<'a>, Error> {
        if let Some(answer) = self.legacy_steps() {
            return Ok(answer);
        }
        let Some(token) = self.request.token else { return Ok(self.without_token()) };
        // Step 5 (v4): a token sent to an endpoint that takes none is ignored.
        if self.token_requirement() == Some(TokenRequirement::None) {
            return Ok(Self::allow(self.subject(), Allowance::TokenIgnored));
        }
        // Step 6.
        if !token.active {
            return Ok(self.deny(self.subject(), Denial::InactiveToken));
        }
        // Step 7: an appservice's own token is the host's business, not an OAuth grant.
        if token.appservice {
            return Ok(Self::allow(Subject { device: token.device_id, ..self.subject() }, Allowance::Appservice));
        }
        // Step 8.
        if self.token_requirement() == Some(TokenRequirement::Appservice) {
            return Ok(self.deny(self.subject(), Denial::AppserviceOnly));
        }
        // Step 9.
        let scope = match self.read_scope(&token) {
            Ok(scope) => scope,
            Err(denial) => return Ok(self.deny(self.subject(), denial)),
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
                let denial =
                    Denial::MissingRequiredScope { challenge: own.challenge(), required_by: own.required_by() };
                return Ok(self.deny(subject, denial));
            }
        } else if !scope.has_api() {
            return Ok(self.deny(subject, Denial::MissingApiScope(self.policy.settings().missing_api_scope)));
        }
        // Step 11.
        if matches!(self.found, Lookup::Admin) && !scope.synapse_admin() {
            return Ok(self.deny(subject, Denial::AdminScopeMissing));
        }
        if token.guest
            && let Some(reason) = self.guest_steps()
        {
            return Ok(self.deny(subject, reason));
        }
        self.endpoint_steps(subject, &token)
    }

    /// Steps 1 to 3, which a server that also offers the legacy API skips (step 14 too).
    fn legacy_steps(&self) -> Option<Decision<'a>> {
        let endpoint = self.operation?.builtin?;
        if self.policy.settings().legacy_endpoints {
            return None;
        }
        let context = &self.request.context;
        // Step 1.
        if endpoint.rule == Rule::AppserviceLogin && appservice::is_appservice_login(context.body.login_type) {
            return Some(self.deny(self.subject(), Denial::AppserviceLogin));
        }
        // Step 2.
        if endpoint.legacy_only {
            let account = legacy::account_link(endpoint, self.params(), context.account_management_uri);
            return Some(Decision::Deny { subject: self.subject(), reason: Denial::LegacyOnly, account });
        }
        // Step 3.
        if endpoint.rule == Rule::Registration {
            let token = self.request.token;
            let registration = Registration {
                kind: self.request.query_kind,
                token: token.map(|t| (t.appservice, t.active)),
                login_type: context.body.login_type,
                inhibit_login: context.body.inhibit_login,
            };
            let device = token.and_then(|t| t.device_id);
            return Some(match appservice::registration(registration) {
                Ok(()) => Self::allow(Subject { device, ..self.subject() }, Allowance::Registration),
                Err(refusal) => self.deny(self.subject(), Denial::Registration(refusal)),
            });
        }
        None
    }

    /// Steps 4 and 5.
    fn without_token(&self) -> Decision<'a> {
        match self.token_requirement() {
            Some(TokenRequirement::None | TokenRequirement::Optional) => {
                Self::allow(self.subject(), Allowance::TokenNotNeeded)
            }
            _ => self.deny(self.subject(), Denial::MissingToken),
        }
    }

    /// Step 9: the scope under the policy's grammar and device rules, and the explicit device id.
    #[inline(always)]
    fn read_scope(&self, token: &Token<'a>) -> Result<Scope<&'a str>, Denial<'a>> {
        let scope = token
            .scope
            .and_then(|scope| Scope::parse(scope, &self.policy.settings().scope).ok())
            .ok_or(Denial::MalformedToken)?;
        match token.device_id {
            Some(id) if id.is_empty() || id.len() > MAX_EXPLICIT_DEVICE_ID_BYTES => Err(Denial::InvalidDeviceId),
            _ => Ok(scope),
        }
    }

    /// Steps 12 and 13.
    fn guest_steps(&self) -> Option<Denial<'a>> {
        // Step 12 (v4): only where a token is needed; unknown and admin paths count as such.
        let anonymous = self.operation.is_some_and(|o| o.answers_anonymous());
        if !anonymous && !guest::may_call(self.operation.as_ref(), self.params(), self.policy) {
            return Some(Denial::GuestEndpoint);
        }
        let joining = self.operation.and_then(|o| o.builtin).is_some_and(|e| e.rule == Rule::GuestJoin);
        (joining && !guest::may_join(self.request.context.room_guest_access)).then_some(Denial::GuestJoin)
    }

    /// Steps 14 to 18.
    fn endpoint_steps(&self, subject: Subject<'a>, token: &Token<'a>) -> Result<Decision<'a>, Error> {
        let Some(operation) = self.operation else {
            // Step 16 (an admin path is not an unknown one); neither kind meets step-up rules,
            // which name operation ids.
            let deny_unknown = self.policy.settings().unknown_endpoints == UnknownEndpoints::Deny;
            return Ok(match self.found {
                Lookup::Unknown if deny_unknown => self.deny(subject, Denial::UnknownEndpoint),
                Lookup::Unknown => Self::allow(subject, Allowance::UnknownEndpoint),
                _ => Self::allow(subject, Allowance::Passed),
            });
        };
        let request = self.request;
        let builtin = operation.builtin;
        // Step 14.
        if let Some(endpoint) =
            builtin.filter(|e| !self.policy.settings().legacy_endpoints && e.rule == Rule::DeviceDeletion)
        {
            let account = legacy::account_link(endpoint, self.params(), request.context.account_management_uri);
            return Ok(Decision::Deny { subject, reason: Denial::DeviceDeletion, account });
        }
        // Step 15.
        if builtin.is_some_and(|e| e.rule == Rule::CrossSigningUpload) {
            let outcome = uia::cross_signing(CrossSigningInput {
                state: request.context.cross_signing,
                now: request.now,
                approval: self.policy.settings().approval,
                account_management_uri: request.context.account_management_uri,
                uia_session: request.context.uia_session,
                entropy: request.entropy,
            })?;
            return Ok(match outcome {
                CrossSigningOutcome::Allow { consumes_approval, because } => {
                    Decision::Allow { subject, consumes_approval: Some(consumes_approval), because }
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
        let added = token.guest && guest::added_by_policy(Some(&operation), self.params(), self.policy);
        Ok(Self::allow(subject, if added { Allowance::GuestEndpointAdded } else { Allowance::Passed }))
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
        let legacy = crate::PolicySettings { legacy_endpoints: true, ..Default::default() }.build().unwrap();
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

    #[test]
    fn routes_name_their_facts() {
        let spec = Policy::spec();
        let facts = |policy: &Policy, method, path| route(policy, method, path).facts();
        let upload = facts(&spec, "POST", "/_matrix/client/r0/keys/device_signing/upload");
        assert!(upload.cross_signing && upload.account_management_uri && upload.now && !upload.body);
        let join = facts(&spec, "POST", "/_matrix/client/v3/join/%23a%3Ab");
        assert_eq!(join, Facts { room_guest_access: true, ..Facts::default() });
        let register = facts(&spec, "POST", "/_matrix/client/v3/register");
        assert_eq!(register, Facts { body: true, query_kind: true, ..Facts::default() });
        assert_eq!(facts(&spec, "POST", "/_matrix/client/v3/login"), Facts { body: true, ..Facts::default() });
        let deactivate = facts(&spec, "POST", "/_matrix/client/v3/account/deactivate");
        assert_eq!(deactivate, Facts { account_management_uri: true, ..Facts::default() });
        assert_eq!(facts(&spec, "GET", "/_matrix/client/v3/sync"), Facts::default());
        assert_eq!(facts(&spec, "OPTIONS", "/_matrix/client/v3/keys/device_signing/upload"), Facts::default());
        // A server that also offers the legacy API skips steps 1 to 3 and 14.
        let Ok(legacy) = crate::PolicySettings { legacy_endpoints: true, ..Default::default() }.build() else {
            unreachable!()
        };
        assert_eq!(facts(&legacy, "POST", "/_matrix/client/v3/register"), Facts::default());
        assert_eq!(facts(&legacy, "DELETE", "/_matrix/client/v3/devices/A"), Facts::default());
        // A step-up rule with `max_age` needs the time.
        let step_up =
            vec![crate::policy::StepUpRule { endpoints: vec!["sync".into()], max_age: Some(5), acr_values: vec![] }];
        let Ok(timed) = crate::PolicySettings { step_up, ..Default::default() }.build() else { unreachable!() };
        assert_eq!(facts(&timed, "GET", "/_matrix/client/v3/sync"), Facts { now: true, ..Facts::default() });
    }

    #[test]
    fn a_route_decides_its_own_request_line() {
        let spec = Policy::spec();
        let sync = Request::new("GET", "/_matrix/client/v3/sync").with_token(Token::oauth(FULL));
        let found = route(&spec, "GET", "/_matrix/client/v3/sync");
        assert_eq!(found.operation_id(), Some("sync"));
        assert_eq!(found.decide(&sync), decide(&sync, &spec));
        let other = Request { path: "/_matrix/client/v3/createRoom", ..sync };
        assert_eq!(found.decide(&other).map_err(|e| e.code()), Err("input.invalid"));
    }
}
