//! Why a decision answered as it did (FORMAT.md v4 "Explanations", README "Why this answer"):
//! the DECISIONS.md pipeline step that answered, a stable reason code, and the policy setting
//! that decided. None of it is part of the HTTP answer.

use std::borrow::Cow;

use super::decision::{Decision, Denial};
use crate::appservice::RegistrationRefusal;
use crate::step_up::Failure;

/// Why a request goes through: the allowing rule (DECISIONS.md steps 0, 3, 5, 7, 15 and 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Allowance {
    /// Step 0: a CORS preflight.
    Preflight,
    /// Step 3: `POST /register` by an appservice, as MSC4190 allows it.
    Registration,
    /// Step 5: no token, and the endpoint needs none.
    TokenNotNeeded,
    /// Step 5: a token sent to an endpoint that takes none, ignored.
    TokenIgnored,
    /// Step 7: an appservice's own token.
    Appservice,
    /// Step 15: cross-signing keys uploaded for the first time.
    CrossSigningFirstUpload,
    /// Step 15: the same cross-signing keys uploaded again.
    CrossSigningKeysIdentical,
    /// Step 15: a reset within the approval the user gave.
    CrossSigningApproved,
    /// Step 18: an unknown path under `unknown_endpoints: "allow"`.
    UnknownEndpoint,
    /// Step 18: a guest, on an endpoint the policy's `guest_endpoints` added.
    GuestEndpointAdded,
    /// Step 18: every check passed.
    Passed,
}

impl Allowance {
    /// The pipeline step.
    pub fn step(self) -> u8 {
        match self {
            Self::Preflight => 0,
            Self::Registration => 3,
            Self::TokenNotNeeded | Self::TokenIgnored => 5,
            Self::Appservice => 7,
            Self::CrossSigningFirstUpload | Self::CrossSigningKeysIdentical | Self::CrossSigningApproved => 15,
            Self::UnknownEndpoint | Self::GuestEndpointAdded | Self::Passed => 18,
        }
    }

    /// The reason code.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Preflight => "request.preflight",
            Self::Registration => "registration.appservice",
            Self::TokenNotNeeded => "token.not_needed",
            Self::TokenIgnored => "token.ignored",
            Self::Appservice => "token.appservice",
            Self::CrossSigningFirstUpload => "cross_signing.first_upload",
            Self::CrossSigningKeysIdentical => "cross_signing.keys_identical",
            Self::CrossSigningApproved => "cross_signing.approved",
            Self::UnknownEndpoint => "endpoint.unknown_allowed",
            Self::GuestEndpointAdded | Self::Passed => "request.allowed",
        }
    }

    fn setting(self) -> Option<Setting<'static>> {
        match self {
            Self::CrossSigningApproved => Some(Setting::Approval),
            Self::UnknownEndpoint => Some(Setting::UnknownEndpoints),
            Self::GuestEndpointAdded => Some(Setting::GuestEndpoints),
            _ => None,
        }
    }
}

/// Which policy setting made an operation need its own scope (step 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequiredBy<'a> {
    /// `server_administration_scope: "msc4484"`.
    ServerAdministration,
    /// `required_scopes`, under this key (an operation id).
    RequiredScopes(&'a str),
}

/// The policy setting that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting<'a> {
    /// `step_up[i]`: the first failing rule.
    StepUp(usize),
    /// `required_scopes.OP`.
    RequiredScopes(&'a str),
    /// `server_administration_scope`.
    ServerAdministrationScope,
    /// `unknown_endpoints`.
    UnknownEndpoints,
    /// `guest_endpoints`.
    GuestEndpoints,
    /// `approval`.
    Approval,
}

impl<'a> Setting<'a> {
    /// Its name as results report it: `step_up[0]`, `required_scopes.createRoom`,
    /// `unknown_endpoints`...
    pub fn name(self) -> Cow<'a, str> {
        match self {
            Self::StepUp(index) => Cow::Owned(format!("step_up[{index}]")),
            Self::RequiredScopes(operation_id) => Cow::Owned(format!("required_scopes.{operation_id}")),
            Self::ServerAdministrationScope => Cow::Borrowed("server_administration_scope"),
            Self::UnknownEndpoints => Cow::Borrowed("unknown_endpoints"),
            Self::GuestEndpoints => Cow::Borrowed("guest_endpoints"),
            Self::Approval => Cow::Borrowed("approval"),
        }
    }
}

/// The step that answered, the rule, and the setting that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Explanation<'a> {
    /// The DECISIONS.md pipeline step, 0 to 18.
    pub step: u8,
    /// The stable reason code (README "Why this answer").
    pub reason: &'static str,
    /// The policy setting that decided, `None` where the spec or the preset did.
    pub setting: Option<Setting<'a>>,
}

impl<'a> Denial<'a> {
    /// The pipeline step that gives this denial.
    pub fn step(self) -> u8 {
        match self {
            Self::AppserviceLogin => 1,
            Self::LegacyOnly => 2,
            Self::Registration(_) => 3,
            Self::MissingToken => 4,
            Self::InactiveToken => 6,
            Self::AppserviceOnly => 8,
            Self::MalformedToken | Self::InvalidDeviceId => 9,
            Self::MissingApiScope(_) | Self::MissingRequiredScope { .. } => 10,
            Self::AdminScopeMissing => 11,
            Self::GuestEndpoint => 12,
            Self::GuestJoin => 13,
            Self::DeviceDeletion => 14,
            Self::UnknownEndpoint => 16,
        }
    }

    /// The reason code.
    pub fn reason(self) -> &'static str {
        match self {
            Self::AppserviceLogin => "login.appservice_unsupported",
            Self::LegacyOnly => "oauth.endpoint_unusable",
            Self::Registration(RegistrationRefusal::Guest) => "registration.guest",
            Self::Registration(RegistrationRefusal::NotAppservice) => "registration.not_appservice",
            Self::Registration(RegistrationRefusal::InactiveToken) => "registration.token_inactive",
            Self::Registration(RegistrationRefusal::NotAppserviceLogin) => "registration.not_appservice_login",
            Self::Registration(RegistrationRefusal::InhibitLoginRequired) => "registration.inhibit_login_required",
            Self::MissingToken => "token.missing",
            Self::InactiveToken => "token.inactive",
            Self::AppserviceOnly => "endpoint.appservice_only",
            Self::MalformedToken => "token.scope_invalid",
            Self::InvalidDeviceId => "token.device_id_invalid",
            Self::MissingApiScope(_) => "scope.api_missing",
            Self::MissingRequiredScope { .. } => "scope.required_missing",
            Self::AdminScopeMissing => "scope.admin_missing",
            Self::GuestEndpoint => "guest.endpoint_not_allowed",
            Self::GuestJoin => "guest.join_not_allowed",
            Self::DeviceDeletion => "oauth.device_deletion_unusable",
            Self::UnknownEndpoint => "endpoint.unknown",
        }
    }

    fn setting(self) -> Option<Setting<'a>> {
        match self {
            Self::MissingRequiredScope { required_by: RequiredBy::ServerAdministration, .. } => {
                Some(Setting::ServerAdministrationScope)
            }
            Self::MissingRequiredScope { required_by: RequiredBy::RequiredScopes(key), .. } => {
                Some(Setting::RequiredScopes(key))
            }
            Self::UnknownEndpoint => Some(Setting::UnknownEndpoints),
            _ => None,
        }
    }
}

impl Failure {
    /// The reason code.
    pub fn reason(self) -> &'static str {
        match self {
            Self::AuthTimeMissing => "step_up.auth_time_missing",
            Self::MaxAgeExceeded => "step_up.max_age_exceeded",
            Self::AcrNotAccepted => "step_up.acr_not_accepted",
        }
    }
}

impl<'a> Decision<'a> {
    /// Why this answer: the step, the reason code and the setting (README "Why this answer").
    pub fn explanation(&self) -> Explanation<'a> {
        match self {
            Self::Allow { because, .. } => {
                Explanation { step: because.step(), reason: because.reason(), setting: because.setting() }
            }
            Self::Deny { reason, .. } => {
                Explanation { step: reason.step(), reason: reason.reason(), setting: reason.setting() }
            }
            // Cross-signing is the one step that asks for UIA.
            Self::Uia { .. } => Explanation { step: 15, reason: "cross_signing.needs_approval", setting: None },
            Self::StepUp { challenge, .. } => {
                let (rule, failure) = challenge.failure();
                Explanation { step: 17, reason: failure.reason(), setting: Some(Setting::StepUp(rule)) }
            }
        }
    }
}

/// The fields of DECISIONS.md "Output" (and the explanation) on which `outputs` do not all
/// agree, in the output's order: what an operator checks before switching policies (the CLI's
/// `decide --compare`, the npm package's `compare`).
pub fn differences(outputs: &[super::Output]) -> Vec<&'static str> {
    /// Whether two outputs agree on one field.
    type Same = fn(&super::Output, &super::Output) -> bool;
    let Some((first, rest)) = outputs.split_first() else { return Vec::new() };
    let fields: [(&'static str, Same); 13] = [
        ("decision", |a, b| a.decision == b.decision),
        ("status", |a, b| a.status == b.status),
        ("errcode", |a, b| a.errcode == b.errcode),
        ("headers", |a, b| a.sendable_headers().eq(b.sendable_headers())),
        ("body", |a, b| a.body == b.body),
        ("endpoint", |a, b| a.endpoint == b.endpoint),
        ("device", |a, b| a.device == b.device),
        ("synapse_admin", |a, b| a.synapse_admin == b.synapse_admin),
        ("account_url", |a, b| a.account_url == b.account_url),
        ("consumes_approval", |a, b| a.consumes_approval == b.consumes_approval),
        ("step", |a, b| a.step == b.step),
        ("reason", |a, b| a.reason == b.reason),
        ("setting", |a, b| a.setting == b.setting),
    ];
    fields.iter().filter(|(_, same)| !rest.iter().all(|other| same(first, other))).map(|(name, _)| *name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;
    use crate::decide::{Request, Token, decide};
    use crate::policy::Preset;

    #[test]
    fn differences_name_the_fields_that_differ() {
        // DECISIONS.md step 10: without the API scope, 403 M_FORBIDDEN with a challenge under
        // `default` and `mas`, 401 M_UNKNOWN_TOKEN without one under `synapse`.
        let request = Request::new("GET", "/_matrix/client/v3/sync").with_token(Token::oauth("openid"));
        let outputs = |presets: &[Preset]| -> Vec<super::super::Output> {
            presets
                .iter()
                .map(|p| Policy::preset(*p))
                .map(|policy| decide(&request, &policy).map(|d| d.output()).unwrap_or_else(|e| unreachable!("{e}")))
                .collect()
        };
        assert_eq!(differences(&outputs(&[Preset::Default, Preset::Mas])), Vec::<&str>::new());
        assert_eq!(
            differences(&outputs(&[Preset::Default, Preset::Mas, Preset::Synapse])),
            ["status", "errcode", "headers", "body"]
        );
        assert!(differences(&[]).is_empty());
    }
}
