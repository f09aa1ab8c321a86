//! The authorization server's decision on a requested scope (`grant.decide`).
//!
//! RFC 6749 section 3.3 lets a server grant less than the client asked for, or refuse. The Matrix
//! spec ("Allocated scope tokens", "Device ID allocation", MSC2967) adds that the login flow names
//! exactly one device beside the full-API token; spec notes section 1.4 lists how the Matrix
//! Authentication Service's default policy reads a request, and section 5.3 the grant types.
//!
//! Two rule sets ([`GrantRules`]):
//! - `Default`, the spec's reading: unknown tokens are dropped from the grant, the API token needs
//!   exactly one device and a missing one is derived from caller-supplied entropy.
//! - `Mas`, the Matrix Authentication Service's default policy: unknown tokens are refused, at
//!   most one device token per prefix, no mixing of stable and unstable tokens, no derivation.
//!
//! Grammar and limit errors are errors; everything else the policy refuses is a [`Violation`],
//! so a client learns every reason at once.

use std::fmt;

use crate::device::{self, DEFAULT_LENGTH, DeviceId};
use crate::error::{DeviceIdError, Error, InputError};
use crate::policy::{GrantRules, Policy, SERVER_ADMINISTRATION_SCOPES};
use crate::scope::{self, Grammar, Namespace, Namespaces, Scope, ScopeRules, TokenKind};

/// The OAuth 2.0 grant a token is requested through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GrantType {
    /// `authorization_code` (RFC 6749 section 4.1): a user signs in.
    AuthorizationCode,
    /// `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628): a user signs in on another device.
    DeviceCode,
    /// `client_credentials` (RFC 6749 section 4.4): the client acts for itself, no user.
    ClientCredentials,
}

impl GrantType {
    /// Every grant type.
    pub const ALL: [Self; 3] = [Self::AuthorizationCode, Self::DeviceCode, Self::ClientCredentials];

    /// The `grant_type` value of the token request.
    pub fn name(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            Self::ClientCredentials => "client_credentials",
        }
    }

    /// The grant type with this `grant_type` value.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }

    /// Whether a user takes part (only then may a token reach the client-server API).
    pub fn is_interactive(self) -> bool {
        !matches!(self, Self::ClientCredentials)
    }
}

/// One token request, as the authorization server sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantRequest<'a> {
    /// The requested scope string (`""`: nothing requested).
    pub scope: &'a str,
    /// The grant the token is requested through.
    pub grant_type: GrantType,
    /// Whether the signed-in user may request admin scopes.
    pub user_admin: bool,
    /// Whether the client may request `urn:mas:admin` for itself (`client_credentials`).
    pub client_admin: bool,
    /// Bytes to derive a device id from when the request names none (`Default` rules only).
    pub entropy: Option<&'a [u8]>,
}

impl<'a> GrantRequest<'a> {
    /// A request with no admin rights and no entropy.
    pub fn new(scope: &'a str, grant_type: GrantType) -> Self {
        Self { scope, grant_type, user_admin: false, client_admin: false, entropy: None }
    }
}

/// Why the policy refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Violation {
    /// A token the policy does not know (`Mas` rules; `Default` drops it instead).
    TokenNotAllowed,
    /// An admin token without the rights it needs.
    AdminNotAllowed,
    /// The API or a device token on a grant without a user.
    ApiNotInteractive,
    /// A device token without the API token.
    DeviceWithoutApi,
    /// The API token, no device token and no entropy to derive one (`Default` rules).
    DeviceMissing,
    /// Two distinct device ids (`Mas`: two in one namespace).
    MultipleDevices,
    /// Stable and unstable Matrix tokens in one request (`Mas` rules).
    MixedNamespaces,
    /// A device id that breaks the policy's device rules.
    DeviceId(DeviceIdError),
}

impl Violation {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TokenNotAllowed => "grant.token_not_allowed",
            Self::AdminNotAllowed => "grant.admin_not_allowed",
            Self::ApiNotInteractive => "grant.api_not_interactive",
            Self::DeviceWithoutApi => "grant.device_without_api",
            Self::DeviceMissing => "grant.device_missing",
            Self::MultipleDevices => "grant.multiple_devices",
            Self::MixedNamespaces => "grant.mixed_namespaces",
            Self::DeviceId(e) => e.code(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TokenNotAllowed => write!(f, "the scope holds a token the policy does not allow"),
            Self::AdminNotAllowed => write!(f, "an admin token needs an admin user or an admin client"),
            Self::ApiNotInteractive => {
                write!(f, "the client-server API and device tokens need a grant with a user")
            }
            Self::DeviceWithoutApi => write!(f, "a device token needs the client-server API token"),
            Self::DeviceMissing => write!(f, "the client-server API token needs a device token"),
            Self::MultipleDevices => write!(f, "the scope names more than one device"),
            Self::MixedNamespaces => write!(f, "the scope mixes stable and unstable Matrix tokens"),
            Self::DeviceId(e) => e.fmt(f),
        }
    }
}

/// The authorization server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantDecision {
    /// Whether the token may be issued.
    pub allowed: bool,
    /// Every reason for a refusal, sorted by code, one per code; empty exactly when allowed.
    pub violations: Vec<Violation>,
    /// For each violation, in the same order, the requested tokens it concerns: sorted, without
    /// repeats, empty where none does (`grant.device_missing`). FORMAT.md v4 `violation_tokens`.
    pub violation_tokens: Vec<Vec<String>>,
    /// The scope to issue (canonical), or `None` when refused.
    pub granted: Option<Scope>,
    /// The device the token is bound to, or `None` when there is none or the grant is refused.
    pub device: Option<DeviceId>,
}

impl GrantDecision {
    /// The violation codes, sorted, without repeats.
    pub fn codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.violations.iter().map(Violation::code)
    }

    /// Each violation code with the tokens it concerns (README "Grants: grant.decide").
    pub fn codes_with_tokens(&self) -> impl Iterator<Item = (&'static str, &[String])> + '_ {
        self.codes().zip(self.violation_tokens.iter().map(Vec::as_slice))
    }
}

/// What a request asks for, read in one pass over its tokens.
#[derive(Debug, Default)]
struct Survey<'a> {
    /// Tokens the grant may carry (built-in and extra tokens; unknown ones are left out).
    known: Vec<&'a str>,
    /// Tokens the policy does not know, as written.
    unknown: Vec<&'a str>,
    api: Namespaces,
    /// Device tokens as (namespace, id), in the order written, repeats included: every check
    /// reads them as a set (a repeat's violation is its first occurrence's, which [`by_code`]
    /// drops; [`Self::distinct_ids`] sorts), so collecting them stays linear.
    devices: Vec<(Namespace, &'a str)>,
    synapse_admin: bool,
    mas_admin: bool,
    /// MSC4484's server administration scope, either spelling.
    server_administration: bool,
}

impl<'a> Survey<'a> {
    /// Reads `text` in one pass: the scope grammar and limits (errors), and what it asks for.
    /// Device ids are not checked here: a bad one is a [`Violation`], not a malformed request.
    /// An empty scope asks for nothing, which is always grantable (MAS's policy special-cases it).
    fn of(text: &'a str, policy: &Policy) -> Result<Self, Error> {
        let mut survey = Self::default();
        let rules = if text.is_empty() {
            ScopeRules { grammar: Grammar::Lenient, ..policy.settings().scope }
        } else {
            policy.settings().scope
        };
        scope::scan(text, &rules, |token| {
            match TokenKind::of(token) {
                TokenKind::Api(ns) => survey.api.insert(ns),
                TokenKind::Device(ns, id) => survey.devices.push((ns, id)),
                TokenKind::SynapseAdmin => survey.synapse_admin = true,
                TokenKind::MasAdmin => survey.mas_admin = true,
                TokenKind::OpenId | TokenKind::Email | TokenKind::MasGraphql => {}
                TokenKind::Unknown => {
                    // MSC4484's scope is known under the spec's rules; MAS's default policy does
                    // not list it, so there only `extra_tokens` lets it through (PRESETS.md v4).
                    let server_administration = SERVER_ADMINISTRATION_SCOPES.contains(&token);
                    let known = (server_administration && policy.settings().grant == GrantRules::Default)
                        || policy.allows_extra_token(token);
                    if !known {
                        survey.unknown.push(token);
                        return;
                    }
                    survey.server_administration |= server_administration;
                }
            }
            survey.known.push(token);
        })?;
        Ok(survey)
    }

    fn device_namespaces(&self) -> Namespaces {
        let mut set = Namespaces::NONE;
        for (ns, _) in &self.devices {
            set.insert(*ns);
        }
        set
    }

    /// How many distinct ids, the twins of one id counting once.
    fn distinct_ids(&self, only: Option<Namespace>) -> usize {
        let mut ids: Vec<&str> =
            self.devices.iter().filter(|(ns, _)| only.is_none_or(|o| o == *ns)).map(|(_, id)| *id).collect();
        scope::sort_distinct(&mut ids);
        ids.len()
    }
}

/// The violations sorted by code, keeping the first of each code: what a stable sort by code
/// followed by a dedup by code gives, without a stable sort instance in the WebAssembly build
/// (there are only a handful of violations).
fn by_code(violations: Vec<Violation>) -> Vec<Violation> {
    let mut sorted: Vec<Violation> = Vec::with_capacity(violations.len());
    for v in violations {
        if sorted.iter().any(|s| s.code() == v.code()) {
            continue;
        }
        let at = sorted.iter().position(|s| s.code() > v.code()).unwrap_or(sorted.len());
        sorted.insert(at, v);
    }
    sorted
}

/// Decides a token request under `policy`.
///
/// Errors: the scope grammar and limits (`scope.empty_token`, `scope.invalid_char`,
/// `scope.too_long`, `scope.too_many_tokens`) and `entropy.insufficient` when a device id must be
/// derived from too few bytes. Everything else is a [`Violation`] in the decision.
pub fn decide(request: &GrantRequest<'_>, policy: &Policy) -> Result<GrantDecision, Error> {
    let survey = Survey::of(request.scope, policy)?;
    let mut violations = Vec::new();
    check_tokens(&survey, policy, &mut violations);
    check_grant_type(&survey, request, &mut violations);
    check_devices(&survey, policy, &mut violations);
    let derived = derive_device(&survey, request, policy, &mut violations)?;
    let violations = by_code(violations);
    if !violations.is_empty() {
        let violation_tokens = violations.iter().map(|v| concerned(v, &survey, request, policy)).collect();
        return Ok(GrantDecision { allowed: false, violations, violation_tokens, granted: None, device: None });
    }
    let derived_tokens: Vec<String> = match &derived {
        Some(id) => survey.api.iter().map(|ns| format!("{}{id}", ns.device_prefix())).collect(),
        None => Vec::new(),
    };
    let granted =
        Scope::from_valid_tokens(survey.known.iter().copied().chain(derived_tokens.iter().map(String::as_str)));
    // The granted scope names the derived device, or the one requested (checked above).
    let device = granted.device().map(DeviceId::into_owned);
    Ok(GrantDecision { allowed: true, violations, violation_tokens: Vec::new(), granted: Some(granted), device })
}

/// The requested tokens `violation` concerns, sorted and without repeats: the unknown ones, the
/// admin ones without their rights, the Matrix (API and device) ones, the device ones, or those
/// device tokens whose id breaks the rule named. Read again from the survey, only on a refusal.
fn concerned(violation: &Violation, survey: &Survey<'_>, request: &GrantRequest<'_>, policy: &Policy) -> Vec<String> {
    let interactive = request.grant_type.is_interactive();
    let user_admin = interactive && request.user_admin;
    let admin_client = request.grant_type == GrantType::ClientCredentials && request.client_admin;
    let of_kind = |keep: &dyn Fn(&str, TokenKind<'_>) -> bool| -> Vec<&str> {
        survey.known.iter().copied().filter(|token| keep(token, TokenKind::of(token))).collect()
    };
    let mut tokens: Vec<&str> = match violation {
        Violation::TokenNotAllowed => survey.unknown.clone(),
        Violation::AdminNotAllowed => of_kind(&|token, kind| match kind {
            TokenKind::SynapseAdmin => !user_admin,
            TokenKind::MasAdmin => !(user_admin || admin_client),
            _ => SERVER_ADMINISTRATION_SCOPES.contains(&token) && !user_admin,
        }),
        Violation::ApiNotInteractive | Violation::MixedNamespaces => {
            of_kind(&|_, kind| matches!(kind, TokenKind::Api(_) | TokenKind::Device(..)))
        }
        Violation::DeviceWithoutApi | Violation::MultipleDevices => {
            of_kind(&|_, kind| matches!(kind, TokenKind::Device(..)))
        }
        Violation::DeviceMissing => Vec::new(),
        Violation::DeviceId(code) => of_kind(&|_, kind| match kind {
            TokenKind::Device(_, id) => {
                policy.settings().scope.device.parse(id).err().is_some_and(|e| e.code() == code.code())
            }
            _ => false,
        }),
    };
    scope::sort_distinct(&mut tokens);
    tokens.into_iter().map(str::to_owned).collect()
}

/// Unknown tokens: MAS refuses them; the spec's reading grants less than asked (RFC 6749 3.3).
fn check_tokens(survey: &Survey<'_>, policy: &Policy, violations: &mut Vec<Violation>) {
    if !survey.unknown.is_empty() && policy.settings().grant == GrantRules::Mas {
        violations.push(Violation::TokenNotAllowed);
    }
    let namespaces = survey.api.union(survey.device_namespaces());
    if policy.settings().grant == GrantRules::Mas && namespaces.iter().count() > 1 {
        violations.push(Violation::MixedNamespaces);
    }
}

/// The API, device and admin tokens against the grant type and the admin flags.
fn check_grant_type(survey: &Survey<'_>, request: &GrantRequest<'_>, violations: &mut Vec<Violation>) {
    let interactive = request.grant_type.is_interactive();
    if !interactive && (!survey.api.is_empty() || !survey.devices.is_empty()) {
        violations.push(Violation::ApiNotInteractive);
    }
    let user_admin = interactive && request.user_admin;
    // MSC4484: "The server MUST only grant the scope to clients that are authorizing on behalf
    // of a server administrator".
    if (survey.synapse_admin || survey.server_administration) && !user_admin {
        violations.push(Violation::AdminNotAllowed);
    }
    let admin_client = request.grant_type == GrantType::ClientCredentials && request.client_admin;
    if survey.mas_admin && !(user_admin || admin_client) {
        violations.push(Violation::AdminNotAllowed);
    }
}

/// Device tokens: each id against the device rules, the API token beside them, one device.
fn check_devices(survey: &Survey<'_>, policy: &Policy, violations: &mut Vec<Violation>) {
    if survey.devices.is_empty() {
        return;
    }
    if survey.api.is_empty() {
        violations.push(Violation::DeviceWithoutApi);
    }
    for (_, id) in &survey.devices {
        if let Err(e) = policy.settings().scope.device.parse(id) {
            violations.push(Violation::DeviceId(e));
        }
    }
    let multiple = match policy.settings().grant {
        GrantRules::Default => survey.distinct_ids(None) > 1,
        // MAS counts device tokens per prefix; mixing prefixes is its own violation.
        GrantRules::Mas => {
            [Namespace::Stable, Namespace::Unstable].into_iter().any(|ns| survey.distinct_ids(Some(ns)) > 1)
        }
    };
    if multiple {
        violations.push(Violation::MultipleDevices);
    }
}

/// Under the spec's rules the login needs exactly one device: with none named, one is derived.
fn derive_device(
    survey: &Survey<'_>,
    request: &GrantRequest<'_>,
    policy: &Policy,
    violations: &mut Vec<Violation>,
) -> Result<Option<DeviceId>, Error> {
    if policy.settings().grant != GrantRules::Default || survey.api.is_empty() || !survey.devices.is_empty() {
        return Ok(None);
    }
    match request.entropy {
        Some(bytes) => Ok(Some(device::generate(bytes, DEFAULT_LENGTH)?)),
        None => {
            violations.push(Violation::DeviceMissing);
            Ok(None)
        }
    }
}

/// The grant type named by a token request's `grant_type`, or `input.invalid` naming the three
/// values: the one reading of a grant type's name for the JSON layer and every binding.
impl GrantType {
    /// [`GrantType::from_name`], with `input.invalid` for any other name.
    pub fn parse(name: &str) -> Result<Self, InputError> {
        Self::from_name(name).ok_or_else(|| {
            let [a, b, c] = Self::ALL.map(Self::name);
            InputError::new(format!("`grant_type` must be `{a}`, `{b}` or `{c}`, not `{name}`"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Preset;
    use crate::policy::PolicySettings;

    const ENTROPY: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    fn run(scope: &str, grant_type: GrantType, policy: &Policy) -> (Vec<&'static str>, Option<String>) {
        let request = GrantRequest { entropy: Some(ENTROPY), ..GrantRequest::new(scope, grant_type) };
        let d = decide(&request, policy).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(d.allowed, d.violations.is_empty());
        (d.codes().collect(), d.granted.map(|s| s.canonical()))
    }

    #[test]
    fn default_derives_a_device_in_the_api_namespaces() {
        let (v, granted) = run("urn:matrix:client:api:* openid", GrantType::AuthorizationCode, &Policy::spec());
        assert!(v.is_empty());
        assert_eq!(granted.as_deref(), Some("openid urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"));
        let both = "urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:api:*";
        let (_, granted) = run(both, GrantType::DeviceCode, &Policy::spec());
        assert_eq!(granted.map(|g| g.split(' ').count()), Some(4));
        let request = GrantRequest::new("urn:matrix:client:api:*", GrantType::AuthorizationCode);
        let d = decide(&request, &Policy::spec()).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(d.codes().collect::<Vec<_>>(), ["grant.device_missing"]);
        let short = GrantRequest { entropy: Some(&[1, 2]), ..request };
        assert_eq!(decide(&short, &Policy::spec()).map_err(|e| e.code()).err(), Some("entropy.insufficient"));
    }

    #[test]
    fn default_drops_unknown_tokens_and_mas_refuses_them() {
        let scope = "profile urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ";
        let (v, granted) = run(scope, GrantType::AuthorizationCode, &Policy::spec());
        assert!(v.is_empty());
        assert_eq!(granted.as_deref(), Some("urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"));
        let (v, granted) = run(scope, GrantType::AuthorizationCode, &Policy::preset(Preset::Mas));
        assert_eq!(v, ["grant.token_not_allowed"]);
        assert_eq!(granted, None);
        let mut extra = PolicySettings::preset(Preset::Mas);
        extra.extra_tokens.exact.push("profile".into());
        let extra = extra.build().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(run(scope, GrantType::AuthorizationCode, &extra).0.is_empty());
    }

    #[test]
    fn violations_are_collected_sorted() {
        let scope = "urn:matrix:client:device:a urn:matrix:client:device:b urn:synapse:admin:*";
        let (v, _) = run(scope, GrantType::ClientCredentials, &Policy::spec());
        assert_eq!(
            v,
            [
                "grant.admin_not_allowed",
                "grant.api_not_interactive",
                "grant.device_without_api",
                "grant.multiple_devices"
            ]
        );
        let mas = "urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:short";
        let (v, _) = run(mas, GrantType::AuthorizationCode, &Policy::preset(Preset::Mas));
        assert_eq!(v, ["device_id.too_short", "grant.mixed_namespaces"]);
    }

    #[test]
    fn admin_tokens_need_rights() {
        let mut request = GrantRequest::new("urn:mas:admin", GrantType::ClientCredentials);
        let policy = Policy::preset(Preset::Mas);
        assert!(!decide(&request, &policy).map(|d| d.allowed).unwrap_or(true));
        request.client_admin = true;
        assert!(decide(&request, &policy).map(|d| d.allowed).unwrap_or(false));
        request.grant_type = GrantType::AuthorizationCode;
        assert!(!decide(&request, &policy).map(|d| d.allowed).unwrap_or(true));
        request.user_admin = true;
        assert!(decide(&request, &policy).map(|d| d.allowed).unwrap_or(false));
    }

    #[test]
    fn grammar_errors_are_errors_and_empty_is_allowed() {
        let bad = GrantRequest::new("a  b", GrantType::AuthorizationCode);
        assert_eq!(decide(&bad, &Policy::spec()).map_err(|e| e.code()).err(), Some("scope.empty_token"));
        let (v, granted) = run("", GrantType::ClientCredentials, &Policy::spec());
        assert!(v.is_empty());
        assert_eq!(granted.as_deref(), Some(""));
    }
}
