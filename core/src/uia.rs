//! User-Interactive Authentication under OAuth (spec "OAuth 2.0 API" warning; notes section 3).
//!
//! UIA cannot be used with an OAuth token, so the eight UIA endpoints of the stable spec change
//! meaning on an OAuth server: the legacy-only ones and device deletion are not served
//! ([`legacy`](crate::legacy)), `POST /register` is for appservices only
//! ([`appservice`](crate::appservice)). This module keeps the one that still asks for UIA:
//! `POST /keys/device_signing/upload` needs no UIA for a first upload or an identical retry
//! (MSC3967), passes inside an approval window the authorization server opened, and otherwise
//! asks for the `m.oauth` stage (MSC4312), offering the unstable `org.matrix.cross_signing_reset`
//! name as a second flow, each pointing at the account-management URL with
//! `action=org.matrix.cross_signing_reset`.

use crate::account::{self, CROSS_SIGNING_RESET};
use crate::decide::Allowance;
use crate::device;
use crate::error::Error;
use crate::policy::Approval;

/// The stable UIA stage for OAuth servers (MSC4312, spec v1.17).
pub const STAGE_OAUTH: &str = "m.oauth";
/// The unstable name of the same stage (MSC4312 "Unstable prefix").
pub const STAGE_CROSS_SIGNING_RESET: &str = "org.matrix.cross_signing_reset";
/// Length of a derived UIA session id.
pub const SESSION_LENGTH: usize = 24;

/// What the host knows about the user's cross-signing keys and approvals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi(name = "CrossSigningState"))]
pub struct CrossSigning {
    /// Whether a master key is already stored.
    #[cfg_attr(feature = "uniffi", uniffi(default = true))]
    pub master_key_exists: bool,
    /// Whether the upload only repeats the stored keys.
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub keys_identical: bool,
    /// The end of an approval window the authorization server opened (seconds since the epoch).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
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
        /// Which of the three allowing cases (README "Why this answer").
        because: Allowance,
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
    if !state.master_key_exists {
        return Ok(CrossSigningOutcome::Allow {
            consumes_approval: false,
            because: Allowance::CrossSigningFirstUpload,
        });
    }
    if state.keys_identical {
        return Ok(CrossSigningOutcome::Allow {
            consumes_approval: false,
            because: Allowance::CrossSigningKeysIdentical,
        });
    }
    if let Some(until) = state.reset_approved_until {
        let now = input.now.ok_or_else(|| Error::input("`now` is required to check `reset_approved_until`"))?;
        if now < until {
            let consumes_approval = input.approval == Approval::SingleUse;
            return Ok(CrossSigningOutcome::Allow { consumes_approval, because: Allowance::CrossSigningApproved });
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
        let allow = |consumes_approval, because| Ok(CrossSigningOutcome::Allow { consumes_approval, because });
        assert_eq!(cross_signing(input(fresh)), allow(false, Allowance::CrossSigningFirstUpload));
        let same = CrossSigning { keys_identical: true, reset_approved_until: Some(101), ..CrossSigning::default() };
        assert_eq!(cross_signing(input(same)), allow(false, Allowance::CrossSigningKeysIdentical));
        let approved = CrossSigning { reset_approved_until: Some(101), ..CrossSigning::default() };
        assert_eq!(cross_signing(input(approved)), allow(false, Allowance::CrossSigningApproved));
        let single = CrossSigningInput { approval: Approval::SingleUse, ..input(approved) };
        assert_eq!(cross_signing(single), allow(true, Allowance::CrossSigningApproved));
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
}
