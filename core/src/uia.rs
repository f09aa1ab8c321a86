//! User-Interactive Authentication under OAuth (spec "OAuth 2.0 API" warning; notes section 3).
//!
//! UIA cannot be used with an OAuth token, so the eight UIA endpoints of the stable spec and the
//! legacy login, logout and refresh endpoints change meaning on an OAuth server:
//!
//! - login, logout, refresh, password, deactivation, 3PID add and login-token endpoints are not
//!   served (404 `M_UNRECOGNIZED`, as Synapse in MAS mode answers); deactivation points at the
//!   account-management URL (MSC4191);
//! - `POST /register` is for appservices only, with `inhibit_login: true` (MSC4190);
//! - device deletion moves to the account-management URL (MSC4191, MSC3824);
//! - `POST /keys/device_signing/upload` needs no UIA for a first upload or an identical retry
//!   (MSC3967), passes inside an approval window the authorization server opened, and otherwise
//!   asks for the `m.oauth` stage (MSC4312), offering the unstable `org.matrix.cross_signing_reset`
//!   name as a second flow, each pointing at the account-management URL with
//!   `action=org.matrix.cross_signing_reset`.

use crate::account::{self, ACCOUNT_DEACTIVATE, CROSS_SIGNING_RESET, DEVICE_DELETE, DEVICES_LIST};
use crate::device;
use crate::endpoint::{Endpoint, Params};
use crate::error::Error;
use crate::policy::Approval;

/// The stable UIA stage for OAuth servers (MSC4312, spec v1.17).
pub const STAGE_OAUTH: &str = "m.oauth";
/// The unstable name of the same stage (MSC4312 "Unstable prefix").
pub const STAGE_CROSS_SIGNING_RESET: &str = "org.matrix.cross_signing_reset";
/// Length of a derived UIA session id.
pub const SESSION_LENGTH: usize = 24;
/// The login type of an appservice (MSC4190).
pub const APPSERVICE_LOGIN: &str = "m.login.application_service";

/// The operations no OAuth client may use (DECISIONS.md step 2).
const LEGACY_ONLY: [&str; 14] = [
    "getLoginFlows",
    "login",
    "redirectToSSO",
    "redirectToIdP",
    "refresh",
    "logout",
    "logout_all",
    "changePassword",
    "requestTokenToResetPasswordEmail",
    "requestTokenToResetPasswordMSISDN",
    "deactivateAccount",
    "add3PID",
    "generateLoginToken",
    "getLoginFallbackPage",
];

/// Whether `endpoint` belongs to the legacy API only.
pub fn is_legacy_only(endpoint: &Endpoint) -> bool {
    LEGACY_ONLY.contains(&endpoint.operation_id())
}

/// Whether `endpoint` is `POST /login` (MSC4190: appservice logins are refused on OAuth servers).
pub fn is_login(endpoint: &Endpoint) -> bool {
    endpoint.operation_id() == "login"
}

/// Whether `endpoint` is `POST /register`.
pub fn is_registration(endpoint: &Endpoint) -> bool {
    endpoint.operation_id() == "register"
}

/// Whether `endpoint` deletes devices (`DELETE /devices/{deviceId}`, `POST /delete_devices`).
pub fn is_device_deletion(endpoint: &Endpoint) -> bool {
    matches!(endpoint.operation_id(), "deleteDevice" | "deleteDevices")
}

/// Whether `endpoint` is `POST /keys/device_signing/upload`.
pub fn is_cross_signing_upload(endpoint: &Endpoint) -> bool {
    endpoint.operation_id() == "uploadCrossSigningKeys"
}

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
/// account-management URL (DECISIONS.md "Notes", `account_url`).
pub fn account_link<'a>(endpoint: &Endpoint, params: &Params<'a>, base: Option<&'a str>) -> Option<AccountLink<'a>> {
    let base = base?;
    let (action, raw_device_id) = match endpoint.operation_id() {
        "deactivateAccount" => (ACCOUNT_DEACTIVATE, None),
        "deleteDevice" => (DEVICE_DELETE, Some(params.get("deviceId")?)),
        "deleteDevices" => (DEVICES_LIST, None),
        _ => return None,
    };
    Some(AccountLink { base, action, raw_device_id })
}

/// Why `POST /register` was refused (MSC4190: only appservices register, and get no token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationRefusal {
    /// `kind=guest`: no guest accounts under OAuth.
    Guest,
    /// No token, or not an appservice's.
    NotAppservice,
    /// The appservice token is not active.
    InactiveToken,
    /// The body's `type` is not `m.login.application_service`.
    NotAppserviceLogin,
    /// The body does not set `inhibit_login: true`.
    InhibitLoginRequired,
}

/// The facts `POST /register` is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Registration<'a> {
    /// The `kind` query parameter.
    pub kind: Option<&'a str>,
    /// Whether a token was sent, and if so `(appservice, active)`.
    pub token: Option<(bool, bool)>,
    /// The body's `type`.
    pub login_type: Option<&'a str>,
    /// Whether the body's `inhibit_login` is `true`.
    pub inhibit_login: bool,
}

/// Judges `POST /register` in the order of DECISIONS.md "Registration".
pub fn registration(r: Registration<'_>) -> Result<(), RegistrationRefusal> {
    if r.kind == Some("guest") {
        return Err(RegistrationRefusal::Guest);
    }
    match r.token {
        Some((true, true)) => {}
        Some((true, false)) => return Err(RegistrationRefusal::InactiveToken),
        Some((false, _)) | None => return Err(RegistrationRefusal::NotAppservice),
    }
    if r.login_type != Some(APPSERVICE_LOGIN) {
        return Err(RegistrationRefusal::NotAppserviceLogin);
    }
    if !r.inhibit_login {
        return Err(RegistrationRefusal::InhibitLoginRequired);
    }
    Ok(())
}

/// What the host knows about the user's cross-signing keys and approvals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrossSigning {
    /// Whether a master key is already stored.
    pub master_key_exists: bool,
    /// Whether the upload only repeats the stored keys.
    pub keys_identical: bool,
    /// The end of an approval window the authorization server opened (seconds since the epoch).
    pub reset_approved_until: Option<i64>,
}

impl Default for CrossSigning {
    fn default() -> Self {
        Self { master_key_exists: true, keys_identical: false, reset_approved_until: None }
    }
}

/// The `m.oauth` UIA challenge for a cross-signing reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge<'a> {
    base: &'a str,
    session: Session<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Session<'a> {
    Given(&'a str),
    Derived(String),
}

impl Challenge<'_> {
    /// The URL both stages point at.
    pub fn url(&self) -> String {
        account::build(self.base, CROSS_SIGNING_RESET, None)
    }

    /// The UIA session id.
    pub fn session(&self) -> &str {
        match &self.session {
            Session::Given(s) => s,
            Session::Derived(s) => s,
        }
    }

    /// The stages offered, one flow each: the stable name first.
    pub fn stages(&self) -> [&'static str; 2] {
        [STAGE_OAUTH, STAGE_CROSS_SIGNING_RESET]
    }
}

/// The answer to a cross-signing upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossSigningOutcome<'a> {
    /// Allowed; `consumes_approval` tells the host to close the approval window.
    Allow {
        /// Whether this upload uses the approval up.
        consumes_approval: bool,
    },
    /// The user must approve the reset in the browser.
    Uia(Challenge<'a>),
}

/// What a cross-signing decision reads beside the key state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrossSigningInput<'a> {
    /// The key state and approval.
    pub state: CrossSigning,
    /// The current time, needed only to compare with an approval window.
    pub now: Option<i64>,
    /// The policy's approval setting.
    pub approval: Approval,
    /// The account-management URL.
    pub account_management_uri: Option<&'a str>,
    /// A session id the host already has.
    pub uia_session: Option<&'a str>,
    /// Entropy to derive a session id from.
    pub entropy: Option<&'a [u8]>,
}

/// Judges `POST /keys/device_signing/upload` (DECISIONS.md "Cross-signing").
pub fn cross_signing(input: CrossSigningInput<'_>) -> Result<CrossSigningOutcome<'_>, Error> {
    let state = input.state;
    if !state.master_key_exists || state.keys_identical {
        return Ok(CrossSigningOutcome::Allow { consumes_approval: false });
    }
    if let Some(until) = state.reset_approved_until {
        let now = input.now.ok_or_else(|| Error::input("`now` is required to check `reset_approved_until`"))?;
        if now < until {
            return Ok(CrossSigningOutcome::Allow { consumes_approval: input.approval == Approval::SingleUse });
        }
    }
    let base = input
        .account_management_uri
        .ok_or_else(|| Error::input("`context.account_management_uri` is required for the `m.oauth` stage"))?;
    let session = match (input.uia_session, input.entropy) {
        (Some(given), _) => Session::Given(given),
        (None, Some(entropy)) => Session::Derived(device::draw(entropy, SESSION_LENGTH)?),
        (None, None) => return Err(Error::input("`context.uia_session` or `entropy` is required for a UIA session")),
    };
    Ok(CrossSigningOutcome::Uia(Challenge { base, session }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::lookup;

    fn input(state: CrossSigning) -> CrossSigningInput<'static> {
        CrossSigningInput {
            state,
            now: Some(100),
            approval: Approval::Window,
            account_management_uri: Some("https://a.example/account"),
            uia_session: None,
            entropy: Some(&[7; 30]),
        }
    }

    #[test]
    fn cross_signing_order() {
        let fresh = CrossSigning { master_key_exists: false, ..CrossSigning::default() };
        assert_eq!(cross_signing(input(fresh)), Ok(CrossSigningOutcome::Allow { consumes_approval: false }));
        let approved = CrossSigning { reset_approved_until: Some(101), ..CrossSigning::default() };
        assert_eq!(cross_signing(input(approved)), Ok(CrossSigningOutcome::Allow { consumes_approval: false }));
        let single = CrossSigningInput { approval: Approval::SingleUse, ..input(approved) };
        assert_eq!(cross_signing(single), Ok(CrossSigningOutcome::Allow { consumes_approval: true }));
        let expired = CrossSigning { reset_approved_until: Some(100), ..CrossSigning::default() };
        let Ok(CrossSigningOutcome::Uia(challenge)) = cross_signing(input(expired)) else { unreachable!() };
        assert_eq!(challenge.url(), "https://a.example/account?action=org.matrix.cross_signing_reset");
        assert_eq!(challenge.session(), "HHHHHHHHHHHHHHHHHHHHHHHH");
        let no_now = CrossSigningInput { now: None, ..input(expired) };
        assert_eq!(cross_signing(no_now).map_err(|e| e.code()), Err("input.invalid"));
        let no_uri = CrossSigningInput { account_management_uri: None, ..input(CrossSigning::default()) };
        assert_eq!(cross_signing(no_uri).map_err(|e| e.code()), Err("input.invalid"));
        let short = CrossSigningInput { entropy: Some(&[1; 23]), ..input(CrossSigning::default()) };
        assert_eq!(cross_signing(short).map_err(|e| e.code()), Err("entropy.insufficient"));
    }

    #[test]
    fn registration_order() {
        let ok = Registration {
            kind: None,
            token: Some((true, true)),
            login_type: Some(APPSERVICE_LOGIN),
            inhibit_login: true,
        };
        assert_eq!(registration(ok), Ok(()));
        assert_eq!(registration(Registration { kind: Some("guest"), ..ok }), Err(RegistrationRefusal::Guest));
        assert_eq!(registration(Registration { token: None, ..ok }), Err(RegistrationRefusal::NotAppservice));
        assert_eq!(
            registration(Registration { token: Some((false, false)), ..ok }),
            Err(RegistrationRefusal::NotAppservice)
        );
        assert_eq!(
            registration(Registration { token: Some((true, false)), ..ok }),
            Err(RegistrationRefusal::InactiveToken)
        );
        assert_eq!(registration(Registration { login_type: None, ..ok }), Err(RegistrationRefusal::NotAppserviceLogin));
        assert_eq!(
            registration(Registration { inhibit_login: false, ..ok }),
            Err(RegistrationRefusal::InhibitLoginRequired)
        );
    }

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
}
