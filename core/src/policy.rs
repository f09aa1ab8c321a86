//! Policies: the three built-in presets and the settings a host may change.
//!
//! A policy is plain data. The presets (`default`, `mas`, `synapse`) are complete policies; a
//! host takes one and changes single settings, in Rust through the public fields or in JSON
//! through a policy document (`{"preset": "mas", "approval": "single_use"}`, feature `serde`).

use crate::device::DeviceRules;
use crate::error::Error;
use crate::pattern::Pattern;
use crate::scope::{Grammar, ScopeLimits, ScopeRules};

/// The built-in presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    pub fn from_name(name: &str) -> Result<Self, Error> {
        Self::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| Error::PolicyUnknownPreset(name.to_owned()))
    }
}

/// What a token without the client-server API scope gets from `request.decide`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
pub enum Approval {
    /// Every upload inside the window is allowed (Synapse and MAS).
    Window,
    /// The first upload inside the window uses the approval up.
    SingleUse,
}

/// What happens on a path that is not in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnknownEndpoints {
    /// Allowed for a valid full-API token: the server's own router answers.
    Allow,
    /// 404 `M_UNRECOGNIZED`.
    Deny,
}

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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtraTokens {
    /// Exact token values.
    pub exact: Vec<String>,
    /// Patterns matched against the whole token (the dialect of [`crate::pattern`]).
    pub patterns: Vec<Pattern>,
}

impl ExtraTokens {
    /// Whether `token` is one of these.
    pub fn allows(&self, token: &str) -> bool {
        if self.exact.iter().any(|t| t == token) {
            return true;
        }
        self.patterns.iter().any(|p| p.is_match(token))
    }

    /// Compiles a pattern, which must then match the whole token.
    pub fn compile(pattern: &str) -> Result<Pattern, Error> {
        Pattern::new(pattern)
    }
}

/// A complete policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
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
}

impl Policy {
    /// The preset's complete policy.
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

    /// The `default` preset.
    pub fn spec() -> Self {
        Self::preset(Preset::Default)
    }

    /// Checks the settings that plain Rust construction cannot rule out.
    pub fn validate(&self) -> Result<(), Error> {
        let ScopeLimits { max_bytes, max_tokens } = self.scope.limits;
        if !(1..=ScopeLimits::MAX_BYTES_CEILING).contains(&max_bytes) {
            return Err(Error::policy(format!(
                "`scope_limits.max_bytes` must be 1 to {}, not {max_bytes}",
                ScopeLimits::MAX_BYTES_CEILING
            )));
        }
        if !(1..=ScopeLimits::MAX_TOKENS_CEILING).contains(&max_tokens) {
            return Err(Error::policy(format!(
                "`scope_limits.max_tokens` must be 1 to {}, not {max_tokens}",
                ScopeLimits::MAX_TOKENS_CEILING
            )));
        }
        let DeviceRules { min_length, max_length, .. } = self.scope.device;
        if min_length < 1 || max_length < min_length || max_length > MAX_DEVICE_LENGTH_CEILING {
            return Err(Error::policy(format!(
                "`device_rules` needs 1 <= min_length <= max_length <= {MAX_DEVICE_LENGTH_CEILING}, not {min_length} and {max_length}"
            )));
        }
        for rule in &self.step_up {
            if rule.max_age.is_none() && rule.acr_values.is_empty() {
                return Err(Error::policy("a `step_up` rule needs `max_age` or `acr_values`"));
            }
            check_operation_ids(&rule.endpoints, "step_up")?;
        }
        check_operation_ids(&self.guest_endpoints, "guest_endpoints")
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::spec()
    }
}

/// The largest `device_rules.max_length` a policy may set.
pub const MAX_DEVICE_LENGTH_CEILING: usize = 4096;

fn check_operation_ids(ids: &[String], setting: &str) -> Result<(), Error> {
    match ids.iter().find(|id| crate::endpoint::by_operation_id(id).is_none()) {
        Some(id) => Err(Error::policy(format!("`{setting}` names `{id}`, which is not an operation id of the spec"))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_differ_where_the_contract_says() {
        let mas = Policy::preset(Preset::Mas);
        assert_eq!(mas.scope.device.min_length, 10);
        assert_eq!(mas.grant, GrantRules::Mas);
        let synapse = Policy::preset(Preset::Synapse);
        assert_eq!(synapse.scope.grammar, Grammar::Lenient);
        assert_eq!(synapse.missing_api_scope, MissingApiScope::UnknownToken);
        assert_eq!(Preset::from_name("nope").map_err(|e| e.code()), Err("policy.unknown_preset"));
        for p in Preset::ALL {
            assert_eq!(Policy::preset(p).validate(), Ok(()));
        }
    }

    #[test]
    fn validation_refuses_impossible_settings() {
        let mut p = Policy::spec();
        p.guest_endpoints.push("notAnOperation".into());
        assert_eq!(p.validate().map_err(|e| e.code()), Err("policy.invalid"));
        let mut p = Policy::spec();
        p.scope.device.min_length = 20;
        p.scope.device.max_length = 10;
        assert!(p.validate().is_err());
    }
}
