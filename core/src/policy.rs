//! Policies: the three built-in presets and the settings a host may change.
//!
//! [`PolicySettings`] is plain data: a preset's settings ([`PolicySettings::preset`]) that a
//! host changes field by field, in Rust, or through a JSON policy document
//! (`{"preset": "mas", "approval": "single_use"}`, feature `serde`, `json::policy`).
//! A [`Policy`] is valid by construction: [`Policy::new`] (or [`PolicySettings::build`]) checks
//! the settings and compiles the token patterns once, and a built policy cannot be changed, so
//! `decide` and `grant::decide` never meet settings nobody checked. [`Policy::preset`] is a
//! preset's policy, which needs no check.

use std::collections::BTreeMap;
use std::fmt;

use crate::device::DeviceRules;
use crate::endpoint::{self, DeclaredEndpoint, Operation, TokenRequirement};
use crate::scope::{Grammar, ScopeLimits, ScopeRules};

pub mod patterns;

use patterns::TokenPatterns;

/// Why a policy cannot be built, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// Settings that do not describe a policy (`policy.invalid`).
    Invalid {
        /// What is wrong.
        message: String,
        /// The JSON pointer (RFC 6901) into the policy document at the offending setting or
        /// entry, where one is at fault.
        path: Option<String>,
    },
    /// A preset name the engine does not ship (`policy.unknown_preset`).
    UnknownPreset(String),
}

impl PolicyError {
    /// The stable code, the same in every runtime.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "policy.invalid",
            Self::UnknownPreset(_) => "policy.unknown_preset",
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid { message: msg.into(), path: None }
    }

    /// The same error about the setting or entry at these JSON pointer tokens
    /// (`["step_up", "1", "acr_values", "0"]`).
    pub(crate) fn at<S: AsRef<str>>(self, at: impl IntoIterator<Item = S>) -> Self {
        match self {
            Self::Invalid { message, .. } => Self::Invalid { message, path: Some(crate::error::json_pointer(at)) },
            other => other,
        }
    }

    /// The JSON pointer into the policy document at the offending setting or entry, if known.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::Invalid { path, .. } => path.as_deref(),
            Self::UnknownPreset(_) => None,
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { message, .. } => write!(f, "invalid policy: {message}"),
            Self::UnknownPreset(name) => write!(f, "there is no preset named `{name}`"),
        }
    }
}

impl std::error::Error for PolicyError {}

/// The built-in presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Preset {
    /// The Matrix spec's rules.
    Default,
    /// The Matrix Authentication Service's default policy.
    Mas,
    /// Synapse's reading of an introspected scope.
    Synapse,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Self; 3] = [Self::Default, Self::Mas, Self::Synapse];

    /// The preset's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Mas => "mas",
            Self::Synapse => "synapse",
        }
    }

    /// The preset with this name, or `policy.unknown_preset`.
    pub fn from_name(name: &str) -> Result<Self, PolicyError> {
        Self::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| PolicyError::UnknownPreset(name.to_owned()))
    }
}

/// What a token without the client-server API scope gets from `request.decide`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MissingApiScope {
    /// 403 `M_FORBIDDEN` with an `insufficient_scope` challenge (RFC 6750 section 3.1).
    Forbidden,
    /// 401 `M_UNKNOWN_TOKEN`, as Synapse answers.
    UnknownToken,
}

/// The authorization-server rules `grant.decide` applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantRules {
    /// The spec's rules: unknown tokens dropped, one device required (derived when missing).
    Default,
    /// MAS's rules: unknown tokens refused, at most one device per prefix, no mixing of stable
    /// and unstable tokens, no derivation.
    Mas,
}

/// How a cross-signing reset approval is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Approval {
    /// Every upload inside the window is allowed; the host decides what the window covers
    /// (Synapse 1.163 ties an approval to the master key it replaced).
    Window,
    /// The first upload inside the window uses the approval up.
    SingleUse,
}

/// What happens on a path that is not in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum UnknownEndpoints {
    /// Allowed for a valid full-API token: the server's own router answers.
    Allow,
    /// 404 `M_UNRECOGNIZED`.
    Deny,
}

/// Whether the Server Administration endpoints need MSC4484's scope instead of the API scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerAdministrationScope {
    /// They need the API scope, like every other endpoint.
    Off,
    /// They need `urn:matrix:client:api:server_administration` or its unstable twin (MSC4484).
    Msc4484,
}

/// MSC4484's server administration scope: the stable token first (the one a challenge names),
/// then its unstable twin.
pub const SERVER_ADMINISTRATION_SCOPES: [&str; 2] =
    ["urn:matrix:client:api:server_administration", "urn:matrix:client:cc.c10y.msc4484.server_administration"];

/// The most tokens `required_scopes` may list for one operation.
pub const MAX_REQUIRED_SCOPES: usize = 16;

/// One step-up rule (RFC 9470, MSC4363).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StepUpRule {
    /// The operation ids it covers.
    pub endpoints: Vec<String>,
    /// Most seconds since the user's last active authentication.
    pub max_age: Option<u64>,
    /// Acceptable authentication context classes.
    pub acr_values: Vec<String>,
}

/// Tokens `grant.decide` also knows, beside the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ExtraTokens {
    /// Exact token values.
    pub exact: Vec<String>,
    /// Regular expressions in the `regex` crate's syntax, each matched against the whole token
    /// (Unicode off; limits and feature in [`patterns`]).
    pub patterns: Vec<String>,
}

/// The settings of a policy: plain data, changed freely, checked when a [`Policy`] is built
/// from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySettings {
    /// The preset it started from.
    pub preset: Preset,
    /// Scope grammar, limits and device rules.
    pub scope: ScopeRules,
    /// The answer to a token without the API scope.
    pub missing_api_scope: MissingApiScope,
    /// The authorization-server rules.
    pub grant: GrantRules,
    /// Step-up rules.
    pub step_up: Vec<StepUpRule>,
    /// Operation ids added to the spec's guest list.
    pub guest_endpoints: Vec<String>,
    /// How cross-signing approvals are used up.
    pub approval: Approval,
    /// Whether the server also offers the legacy (pre-OAuth) API.
    pub legacy_endpoints: bool,
    /// What happens on unknown paths.
    pub unknown_endpoints: UnknownEndpoints,
    /// Tokens `grant.decide` also knows.
    pub extra_tokens: ExtraTokens,
    /// Endpoints the host serves beyond the catalogue, and redeclarations of built-in ones.
    pub endpoints: Vec<DeclaredEndpoint>,
    /// Operation id to the scope tokens of which a token must carry at least one, instead of the
    /// API scope.
    pub required_scopes: BTreeMap<String, Vec<String>>,
    /// Whether MSC4484's scope guards the Server Administration endpoints.
    pub server_administration_scope: ServerAdministrationScope,
}

impl PolicySettings {
    /// The preset's settings.
    pub fn preset(preset: Preset) -> Self {
        let base = Self {
            preset,
            scope: ScopeRules::DEFAULT,
            missing_api_scope: MissingApiScope::Forbidden,
            grant: GrantRules::Default,
            step_up: Vec::new(),
            guest_endpoints: Vec::new(),
            approval: Approval::Window,
            legacy_endpoints: false,
            unknown_endpoints: UnknownEndpoints::Allow,
            extra_tokens: ExtraTokens::default(),
            endpoints: Vec::new(),
            required_scopes: BTreeMap::new(),
            server_administration_scope: ServerAdministrationScope::Off,
        };
        match preset {
            Preset::Default => base,
            Preset::Mas => Self {
                scope: ScopeRules { device: DeviceRules::MAS, ..ScopeRules::DEFAULT },
                grant: GrantRules::Mas,
                ..base
            },
            Preset::Synapse => Self {
                scope: ScopeRules { grammar: Grammar::Lenient, ..ScopeRules::DEFAULT },
                missing_api_scope: MissingApiScope::UnknownToken,
                ..base
            },
        }
    }

    /// The policy these settings describe: [`Policy::new`].
    pub fn build(self) -> Result<Policy, PolicyError> {
        Policy::new(self)
    }

    /// Checks the settings that plain Rust construction cannot rule out (all but the patterns,
    /// which [`TokenPatterns::compile`] checks).
    fn check(&self) -> Result<(), PolicyError> {
        let ScopeLimits { max_bytes, max_tokens } = self.scope.limits;
        if !(1..=ScopeLimits::MAX_BYTES_CEILING).contains(&max_bytes) {
            return Err(PolicyError::invalid(format!(
                "`scope_limits.max_bytes` must be 1 to {}, not {max_bytes}",
                ScopeLimits::MAX_BYTES_CEILING
            ))
            .at(["scope_limits", "max_bytes"]));
        }
        if !(1..=ScopeLimits::MAX_TOKENS_CEILING).contains(&max_tokens) {
            return Err(PolicyError::invalid(format!(
                "`scope_limits.max_tokens` must be 1 to {}, not {max_tokens}",
                ScopeLimits::MAX_TOKENS_CEILING
            ))
            .at(["scope_limits", "max_tokens"]));
        }
        let exact = self.extra_tokens.exact.len();
        if exact > patterns::MAX_EXACT_TOKENS {
            return Err(PolicyError::invalid(format!(
                "`extra_tokens.exact` lists {exact} tokens, more than the limit of {}",
                patterns::MAX_EXACT_TOKENS
            ))
            .at(["extra_tokens", "exact"]));
        }
        let DeviceRules { min_length, max_length, .. } = self.scope.device;
        if min_length < 1 || max_length < min_length || max_length > MAX_DEVICE_LENGTH_CEILING {
            return Err(PolicyError::invalid(format!(
                "`device_rules` needs 1 <= min_length <= max_length <= {MAX_DEVICE_LENGTH_CEILING}, not {min_length} and {max_length}"
            ))
            .at(["device_rules"]));
        }
        endpoint::declared::check(&self.endpoints)?;
        for (at, rule) in self.step_up.iter().enumerate() {
            let index = at.to_string();
            if rule.max_age.is_none() && rule.acr_values.is_empty() {
                let error = PolicyError::invalid(format!("`step_up[{at}]` needs `max_age` or `acr_values`"));
                return Err(error.at(["step_up", &index]));
            }
            // FORMAT.md v4: the values are written into the challenge's quoted string as they are,
            // so only NQCHAR (no space, quote, backslash or control character: no header injection).
            if let Some(bad) = rule.acr_values.iter().position(|v| !is_scope_token(v)) {
                return Err(PolicyError::invalid(format!(
                    "`step_up[{at}].acr_values[{bad}]` is not a non-empty string of scope-token characters (NQCHAR: no space, quote, backslash or control character)"
                ))
                .at(["step_up", &index, "acr_values", &bad.to_string()]));
            }
            for (j, id) in rule.endpoints.iter().enumerate() {
                let here = ["step_up", &index, "endpoints", &j.to_string()].map(str::to_owned);
                let operation = self.operation(id).ok_or_else(|| unknown_operation(id, "step_up").at(&here))?;
                if operation.token == TokenRequirement::None {
                    return Err(PolicyError::invalid(format!(
                        "`step_up` names `{id}`, which takes no token: its requests are always allowed (step 5)"
                    ))
                    .at(&here));
                }
            }
        }
        for (at, id) in self.guest_endpoints.iter().enumerate() {
            self.operation(id)
                .ok_or_else(|| unknown_operation(id, "guest_endpoints").at(["guest_endpoints", &at.to_string()]))?;
        }
        for (id, tokens) in &self.required_scopes {
            let here = ["required_scopes", id.as_str()];
            let operation = self.operation(id).ok_or_else(|| unknown_operation(id, "required_scopes").at(here))?;
            if tokens.is_empty() || tokens.len() > MAX_REQUIRED_SCOPES {
                return Err(PolicyError::invalid(format!(
                    "`required_scopes.{id}` lists 1 to {MAX_REQUIRED_SCOPES} scope tokens"
                ))
                .at(here));
            }
            if let Some(bad) = tokens.iter().position(|t| !is_scope_token(t)) {
                // Not the token itself: it may hold a control character, and messages are printed.
                return Err(PolicyError::invalid(format!(
                    "`required_scopes.{id}[{bad}]` is not a scope token (NQCHAR: no space, quote, backslash or control character)"
                ))
                .at(["required_scopes", id, &bad.to_string()]));
            }
            if operation.token == TokenRequirement::None {
                let error = PolicyError::invalid(format!("`required_scopes` names `{id}`, which takes no token"));
                return Err(error.at(here));
            }
            if self.server_administration_scope == ServerAdministrationScope::Msc4484
                && operation.is_server_administration()
            {
                return Err(PolicyError::invalid(format!(
                    "`required_scopes` names `{id}`, which `server_administration_scope: \"msc4484\"` already guards"
                ))
                .at(here));
            }
        }
        Ok(())
    }

    /// The operation `id` names under these settings: a built-in one (with its token as a
    /// redeclaration set it) or a declared one.
    pub fn operation(&self, id: &str) -> Option<Operation<'_>> {
        let declared = |d: &&DeclaredEndpoint| d.operation_id.as_deref() == Some(id) && d.redeclares().is_none();
        if let Some(d) = self.endpoints.iter().find(declared) {
            return Some(Operation::declared(d));
        }
        let builtin = endpoint::by_operation_id(id)?;
        let mut operation = Operation::builtin(builtin);
        if let Some(d) = endpoint::redeclaration(&self.endpoints, builtin) {
            operation.token = d.token;
        }
        Some(operation)
    }
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self::preset(Preset::Default)
    }
}

/// A complete, checked policy, with its token patterns compiled.
///
/// Built only by [`Policy::preset`] (a preset, always valid), [`Policy::new`] and
/// [`PolicySettings::build`] (settings, checked), or the JSON policy documents (feature
/// `serde`), which go through `Policy::new` too. It cannot be changed once built: to change a
/// setting, take [`Policy::settings`] (or [`Policy::into_settings`]), change the copy and build
/// again. Reads go through [`Policy::settings`] (`policy.settings().scope.device`), which gives
/// no `&mut`. Cloning shares the compiled patterns' automaton (reference-counted) and copies the
/// settings and the sorted `exact` entries.
#[derive(Debug, Clone)]
pub struct Policy {
    settings: PolicySettings,
    /// `extra_tokens.exact`, sorted and without repeats, so that a token is looked up in
    /// logarithmic time.
    exact: Vec<String>,
    patterns: TokenPatterns,
}

impl Policy {
    /// The preset's complete policy.
    pub fn preset(preset: Preset) -> Self {
        Self { settings: PolicySettings::preset(preset), exact: Vec::new(), patterns: TokenPatterns::default() }
    }

    /// The `default` preset.
    pub fn spec() -> Self {
        Self::preset(Preset::Default)
    }

    /// Checks `settings` and compiles their token patterns; `policy.invalid` names the first
    /// setting that does not describe a policy.
    pub fn new(settings: PolicySettings) -> Result<Self, PolicyError> {
        settings.check()?;
        let patterns = TokenPatterns::compile(&settings.extra_tokens.patterns)?;
        let mut exact = settings.extra_tokens.exact.clone();
        exact.sort_unstable();
        exact.dedup();
        Ok(Self { settings, exact, patterns })
    }

    /// The settings the policy was built from.
    #[inline(always)]
    pub fn settings(&self) -> &PolicySettings {
        &self.settings
    }

    /// The settings, to change and build again.
    pub fn into_settings(self) -> PolicySettings {
        self.settings
    }

    /// Whether `token` is one of `extra_tokens`: an exact value, or matched whole by a pattern.
    pub fn allows_extra_token(&self, token: &str) -> bool {
        self.exact.binary_search_by(|t| t.as_str().cmp(token)).is_ok() || self.patterns.matches(token)
    }

    /// The operation `id` names under this policy: a built-in one (with its token as a
    /// redeclaration set it) or a declared one.
    #[inline]
    pub fn operation(&self, id: &str) -> Option<Operation<'_>> {
        self.settings.operation(id)
    }

    /// The scope tokens `operation` needs instead of the API scope (at least one of them), if it
    /// has its own: MSC4484's when the policy enables it, else the policy's `required_scopes`.
    #[inline(always)]
    pub fn own_required_scopes(&self, operation: &Operation<'_>) -> Option<OwnScopes<'_>> {
        let settings = &self.settings;
        if settings.server_administration_scope == ServerAdministrationScope::Off && settings.required_scopes.is_empty()
        {
            return None;
        }
        if settings.server_administration_scope == ServerAdministrationScope::Msc4484
            && operation.is_server_administration()
        {
            return Some(OwnScopes::ServerAdministration);
        }
        let listed = match operation.builtin {
            Some(builtin) => builtin.operation_ids.iter().find_map(|id| settings.required_scopes.get_key_value(*id)),
            None => settings.required_scopes.get_key_value(operation.operation_id()),
        };
        listed.map(|(key, tokens)| OwnScopes::Listed(key, tokens))
    }
}

/// Two policies are equal when their settings are (the compiled patterns follow from them).
impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.settings == other.settings
    }
}

impl Eq for Policy {}

impl TryFrom<PolicySettings> for Policy {
    type Error = PolicyError;

    fn try_from(settings: PolicySettings) -> Result<Self, PolicyError> {
        Self::new(settings)
    }
}

/// The scope tokens an operation needs instead of the API scope: a token must carry one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnScopes<'p> {
    /// MSC4484's server administration scope, stable or unstable.
    ServerAdministration,
    /// The policy's `required_scopes` for the operation: its key there, and the tokens.
    Listed(&'p str, &'p [String]),
}

impl<'p> OwnScopes<'p> {
    /// The tokens, the one a challenge names first.
    pub fn tokens(self) -> impl Iterator<Item = &'p str> {
        let (fixed, listed): (&[&str], &[String]) = match self {
            Self::ServerAdministration => (&SERVER_ADMINISTRATION_SCOPES, &[]),
            Self::Listed(_, tokens) => (&[], tokens),
        };
        fixed.iter().copied().chain(listed.iter().map(String::as_str))
    }

    /// The token the `insufficient_scope` challenge names (RFC 6750 section 3.1).
    pub fn challenge(self) -> &'p str {
        self.tokens().next().unwrap_or_default()
    }

    /// The setting that made the operation need them (README "Why this answer").
    pub fn required_by(self) -> crate::decide::RequiredBy<'p> {
        match self {
            Self::ServerAdministration => crate::decide::RequiredBy::ServerAdministration,
            Self::Listed(key, _) => crate::decide::RequiredBy::RequiredScopes(key),
        }
    }
}

/// Whether `token` is one scope token: one or more characters of RFC 6749 NQCHAR (no space,
/// quote, backslash or control character).
fn is_scope_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(crate::scope::is_scope_char)
}

fn unknown_operation(id: &str, setting: &str) -> PolicyError {
    PolicyError::invalid(format!(
        "`{setting}` names `{id}`, which is neither an operation id of the spec nor a declared endpoint"
    ))
}

impl Default for Policy {
    fn default() -> Self {
        Self::spec()
    }
}

/// The largest `device_rules.max_length` a policy may set.
pub const MAX_DEVICE_LENGTH_CEILING: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    fn code(settings: PolicySettings) -> Result<Policy, &'static str> {
        settings.build().map_err(|e| e.code())
    }

    #[test]
    fn presets_differ_where_the_contract_says() {
        let mas = Policy::preset(Preset::Mas);
        assert_eq!(mas.settings().scope.device.min_length, 10);
        assert_eq!(mas.settings().grant, GrantRules::Mas);
        let synapse = Policy::preset(Preset::Synapse);
        assert_eq!(synapse.settings().scope.grammar, Grammar::Lenient);
        assert_eq!(synapse.settings().missing_api_scope, MissingApiScope::UnknownToken);
        assert_eq!(Preset::from_name("nope").map_err(|e| e.code()), Err("policy.unknown_preset"));
        for p in Preset::ALL {
            assert_eq!(Policy::new(PolicySettings::preset(p)), Ok(Policy::preset(p)));
        }
    }

    #[test]
    fn construction_refuses_impossible_settings() {
        let mut p = PolicySettings::default();
        p.guest_endpoints.push("notAnOperation".into());
        assert_eq!(code(p).err(), Some("policy.invalid"));
        let mut p = PolicySettings::default();
        p.scope.device.min_length = 20;
        p.scope.device.max_length = 10;
        let e = Policy::new(p).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("invalid policy: `device_rules` needs 1 <= min_length <= max_length <= 4096, not 20 and 10")
        );
        let built = Policy::new(PolicySettings { legacy_endpoints: true, ..PolicySettings::default() });
        assert_eq!(built.map(Policy::into_settings).map(|s| s.legacy_endpoints), Ok(true));
    }

    #[test]
    fn step_up_acr_values_are_nqchar_and_the_error_names_the_entry() {
        let rule = |acr: &[&str]| StepUpRule {
            endpoints: vec!["createRoom".into()],
            max_age: None,
            acr_values: acr.iter().map(|s| (*s).to_owned()).collect(),
        };
        let build = |rules| Policy::new(PolicySettings { step_up: rules, ..PolicySettings::default() });
        // The finding: a quote and a raw line break, in a rust-built policy.
        let e = build(vec![rule(&["urn:acr:mfa"]), rule(&["a\"b", "c\r\nX-Injected: 1"])]).err();
        assert_eq!(e.as_ref().map(PolicyError::code), Some("policy.invalid"));
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.starts_with("invalid policy: `step_up[1].acr_values[0]` is not"), "{msg}");
        let e = build(vec![rule(&["ok", "c\r\nX-Injected: 1"])]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("`step_up[0].acr_values[1]`") && !e.contains('\r'), "{e}");
        for bad in ["", " ", "a b", "\"", "\\", "\t", "\0", "\u{7f}", "\u{85}", "caf\u{e9}"] {
            assert_eq!(build(vec![rule(&[bad])]).err().map(|e| e.code()), Some("policy.invalid"), "{bad:?}");
        }
        assert!(build(vec![rule(&["!#$%&'()*+,-./:;<=>?@[]^_`{|}~", "urn:acr:mfa"])]).is_ok());
        let mut s = PolicySettings::default();
        s.required_scopes.insert("createRoom".into(), vec!["urn:a".into(), "x\r\ny".into()]);
        let e = Policy::new(s).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("`required_scopes.createRoom[1]`") && !e.contains('\n'), "{e}");
    }

    #[test]
    fn extra_tokens_exact_values() {
        let mut s = PolicySettings::default();
        s.extra_tokens.exact.push("urn:example:read".into());
        let p = s.build().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(p.allows_extra_token("urn:example:read"));
        assert!(!p.allows_extra_token("urn:example:read:all"));
        assert!(!Policy::spec().allows_extra_token("urn:example:read"));
    }

    #[test]
    fn pattern_limits_are_checked_with_or_without_the_feature() {
        let with = |patterns: Vec<String>| {
            let mut s = PolicySettings::default();
            s.extra_tokens.patterns = patterns;
            Policy::new(s).map_err(|e| e.to_string())
        };
        let many = vec!["a".to_owned(); patterns::MAX_PATTERNS + 1];
        assert_eq!(
            with(many).err().as_deref(),
            Some("invalid policy: `extra_tokens.patterns` lists 65 patterns, more than the limit of 64")
        );
        let long = vec!["a".to_owned(), "b".repeat(patterns::MAX_PATTERN_BYTES + 1)];
        assert_eq!(
            with(long).err().as_deref(),
            Some("invalid policy: `extra_tokens.patterns[1]` has 1025 bytes, more than the limit of 1024")
        );
        assert!(with(vec!["b".repeat(patterns::MAX_PATTERN_BYTES)]).is_ok() == cfg!(feature = "patterns"));
    }

    #[test]
    fn extra_tokens_exact_has_a_cap_and_is_looked_up_sorted() {
        let with = |exact: Vec<String>| {
            let mut s = PolicySettings::default();
            s.extra_tokens.exact = exact;
            Policy::new(s)
        };
        let at_cap: Vec<String> = (0..patterns::MAX_EXACT_TOKENS).rev().map(|i| format!("t{i}")).collect();
        let p = with(at_cap.clone()).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(p.allows_extra_token("t0") && p.allows_extra_token("t4095") && !p.allows_extra_token("t4096"));
        // The settings keep the order they were given in.
        assert_eq!(p.settings().extra_tokens.exact, at_cap);
        let mut over = at_cap;
        over.push("t4096".into());
        let e = with(over).err();
        assert_eq!(e.as_ref().map(PolicyError::code), Some("policy.invalid"));
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("invalid policy: `extra_tokens.exact` lists 4097 tokens, more than the limit of 4096")
        );
        // Repeats count towards the cap but are one entry once loaded.
        let p = with(vec!["b".into(), "a".into(), "b".into()]).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(p.allows_extra_token("a") && p.allows_extra_token("b") && !p.allows_extra_token("c"));
    }

    #[cfg(not(feature = "patterns"))]
    #[test]
    fn without_the_feature_a_pattern_is_refused() {
        let mut s = PolicySettings::default();
        s.extra_tokens.patterns.push("urn:example:.*".into());
        let e = Policy::new(s).err().map(|e| (e.code(), e.to_string()));
        assert_eq!(
            e,
            Some((
                "policy.invalid",
                "invalid policy: `extra_tokens.patterns` needs the `patterns` feature of matrix-authz, which this build lacks"
                    .to_owned()
            ))
        );
        let mut s = PolicySettings::default();
        s.extra_tokens.patterns = Vec::new();
        assert!(Policy::new(s).is_ok());
    }
}
