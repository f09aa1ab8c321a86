//! Policy documents: `{"preset": NAME, ...settings}` over a built-in preset.
//!
//! Every key is checked: an unknown key, a wrong type, an unknown operation id or a pattern that
//! does not compile is `policy.invalid`; an unknown preset name is `policy.unknown_preset`. A
//! document changes a preset's [`PolicySettings`], which [`Policy::new`] then checks and builds,
//! as it does for Rust callers.

use serde_json::{Map, Value};

use crate::device::Alphabet;
use crate::endpoint::{DeclaredEndpoint, TokenRequirement};
use crate::policy::{
    Approval, GrantRules, MissingApiScope, Policy, PolicyError, PolicySettings, Preset, ServerAdministrationScope,
    StepUpRule, UnknownEndpoints,
};
use crate::scope::Grammar;

/// The policy an op input names: absent is `default`, a string a preset, an object a document.
pub fn from_input(policy: Option<&Value>) -> Result<Policy, PolicyError> {
    match policy {
        None => Ok(Policy::spec()),
        Some(Value::String(name)) => Preset::from_name(name).map(Policy::preset),
        Some(Value::Object(doc)) => from_document(doc),
        Some(_) => Err(PolicyError::invalid("a policy is a preset name or a policy document object")),
    }
}

/// Parses a policy document from JSON text.
pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
    let value = super::parse(text).map_err(PolicyError::invalid)?;
    match value {
        Value::Object(doc) => from_document(&doc),
        _ => Err(PolicyError::invalid("a policy document is a JSON object")),
    }
}

/// Builds the policy a document describes. A shape error (an unknown setting, a wrong type, a
/// value outside its set) carries the JSON pointer of the offending place in the document.
pub fn from_document(doc: &Map<String, Value>) -> Result<Policy, PolicyError> {
    let preset = match doc.get("preset") {
        None => Preset::Default,
        Some(Value::String(name)) => Preset::from_name(name)?,
        Some(_) => return Err(PolicyError::invalid("`preset` must be a string").at(["preset"])),
    };
    let mut settings = PolicySettings::preset(preset);
    for (key, value) in doc {
        apply(&mut settings, key, value)?;
    }
    Policy::new(settings)
}

/// Where a value sits in the document: its JSON pointer tokens, and the dotted name messages
/// use (`step_up[1].max_age`).
#[derive(Clone)]
struct At {
    tokens: Vec<String>,
    name: String,
}

impl At {
    fn setting(key: &str) -> Self {
        Self { tokens: vec![key.to_owned()], name: key.to_owned() }
    }

    fn field(&self, key: &str) -> Self {
        let mut tokens = self.tokens.clone();
        tokens.push(key.to_owned());
        Self { tokens, name: format!("{}.{key}", self.name) }
    }

    fn index(&self, index: usize) -> Self {
        let mut tokens = self.tokens.clone();
        tokens.push(index.to_string());
        Self { tokens, name: format!("{}[{index}]", self.name) }
    }

    fn invalid(&self, message: impl Into<String>) -> PolicyError {
        PolicyError::invalid(message).at(&self.tokens)
    }

    fn unknown(&self) -> PolicyError {
        self.invalid(format!("unknown setting `{}`", self.name))
    }
}

fn apply(policy: &mut PolicySettings, key: &str, value: &Value) -> Result<(), PolicyError> {
    let at = At::setting(key);
    match key {
        "preset" => {}
        "scope_grammar" => {
            policy.scope.grammar = choice(&at, value, &[("strict", Grammar::Strict), ("lenient", Grammar::Lenient)])?;
        }
        "scope_limits" => {
            for (k, v) in object(&at, value)? {
                let at = at.field(k);
                match k.as_str() {
                    "max_bytes" => policy.scope.limits.max_bytes = size(&at, v)?,
                    "max_tokens" => policy.scope.limits.max_tokens = size(&at, v)?,
                    _ => return Err(at.unknown()),
                }
            }
        }
        "device_rules" => {
            for (k, v) in object(&at, value)? {
                let at = at.field(k);
                match k.as_str() {
                    "min_length" => policy.scope.device.min_length = size(&at, v)?,
                    "max_length" => policy.scope.device.max_length = size(&at, v)?,
                    "alphabet" => {
                        policy.scope.device.alphabet = string(&at, v).and_then(|name| {
                            Alphabet::from_name(name).ok_or_else(|| {
                                at.invalid("`device_rules.alphabet` must be `scope_token`, `unreserved` or `mas`")
                            })
                        })?;
                    }
                    _ => return Err(at.unknown()),
                }
            }
        }
        "missing_api_scope" => {
            policy.missing_api_scope = choice(
                &at,
                value,
                &[("forbidden", MissingApiScope::Forbidden), ("unknown_token", MissingApiScope::UnknownToken)],
            )?;
        }
        "grant_rules" => {
            policy.grant = choice(&at, value, &[("default", GrantRules::Default), ("mas", GrantRules::Mas)])?;
        }
        "step_up" => {
            policy.step_up = Vec::new();
            for (index, rule) in array(&at, value)?.iter().enumerate() {
                policy.step_up.push(step_up_rule(&at.index(index), rule)?);
            }
        }
        "guest_endpoints" => policy.guest_endpoints = strings(&at, value)?,
        "approval" => {
            policy.approval = choice(&at, value, &[("window", Approval::Window), ("single_use", Approval::SingleUse)])?;
        }
        "legacy_endpoints" => policy.legacy_endpoints = boolean(&at, value)?,
        "unknown_endpoints" => {
            policy.unknown_endpoints =
                choice(&at, value, &[("allow", UnknownEndpoints::Allow), ("deny", UnknownEndpoints::Deny)])?;
        }
        "extra_tokens" => {
            for (k, v) in object(&at, value)? {
                let at = at.field(k);
                match k.as_str() {
                    "exact" => policy.extra_tokens.exact = strings(&at, v)?,
                    "patterns" => policy.extra_tokens.patterns = strings(&at, v)?,
                    _ => return Err(at.unknown()),
                }
            }
        }
        "endpoints" => {
            policy.endpoints = Vec::new();
            for (index, entry) in array(&at, value)?.iter().enumerate() {
                policy.endpoints.push(declared_endpoint(&at.index(index), entry)?);
            }
        }
        "required_scopes" => {
            policy.required_scopes.clear();
            for (id, tokens) in object(&at, value)? {
                policy.required_scopes.insert(id.clone(), strings(&at.field(id), tokens)?);
            }
        }
        "server_administration_scope" => {
            policy.server_administration_scope = choice(
                &at,
                value,
                &[("off", ServerAdministrationScope::Off), ("msc4484", ServerAdministrationScope::Msc4484)],
            )?;
        }
        _ => return Err(at.unknown()),
    }
    Ok(())
}

/// One entry of `endpoints`: `{"method", "path", "operation_id"?, "token", "guest"?}`.
fn declared_endpoint(at: &At, value: &Value) -> Result<DeclaredEndpoint, PolicyError> {
    let fields = object(at, value)?;
    for k in fields.keys() {
        if !["method", "path", "operation_id", "token", "guest"].contains(&k.as_str()) {
            return Err(at.field(k).unknown());
        }
    }
    let required = |k: &str| fields.get(k).ok_or_else(|| at.invalid(format!("an `endpoints` entry needs `{k}`")));
    Ok(DeclaredEndpoint {
        method: string(&at.field("method"), required("method")?)?.to_owned(),
        path: string(&at.field("path"), required("path")?)?.to_owned(),
        operation_id: fields
            .get("operation_id")
            .map(|v| string(&at.field("operation_id"), v))
            .transpose()?
            .map(str::to_owned),
        token: choice(
            &at.field("token"),
            required("token")?,
            &[
                ("none", TokenRequirement::None),
                ("optional", TokenRequirement::Optional),
                ("required", TokenRequirement::Required),
                ("appservice", TokenRequirement::Appservice),
            ],
        )?,
        guest: fields.get("guest").map(|v| boolean(&at.field("guest"), v)).transpose()?,
    })
}

fn step_up_rule(at: &At, value: &Value) -> Result<StepUpRule, PolicyError> {
    let mut rule = StepUpRule { endpoints: Vec::new(), max_age: None, acr_values: Vec::new() };
    let mut has_endpoints = false;
    for (k, v) in object(at, value)? {
        let at = at.field(k);
        match k.as_str() {
            "endpoints" => {
                rule.endpoints = strings(&at, v)?;
                has_endpoints = true;
            }
            "max_age" => {
                rule.max_age = Some(
                    v.as_u64().ok_or_else(|| at.invalid(format!("`{}` must be a non-negative integer", at.name)))?,
                );
            }
            "acr_values" => rule.acr_values = strings(&at, v)?,
            _ => return Err(at.unknown()),
        }
    }
    if !has_endpoints {
        return Err(at.invalid(format!("`{}` needs `endpoints`", at.name)));
    }
    Ok(rule)
}

fn object<'v>(at: &At, value: &'v Value) -> Result<&'v Map<String, Value>, PolicyError> {
    value.as_object().ok_or_else(|| at.invalid(format!("`{}` must be an object", at.name)))
}

fn array<'v>(at: &At, value: &'v Value) -> Result<&'v Vec<Value>, PolicyError> {
    value.as_array().ok_or_else(|| at.invalid(format!("`{}` must be an array", at.name)))
}

fn string<'v>(at: &At, value: &'v Value) -> Result<&'v str, PolicyError> {
    value.as_str().ok_or_else(|| at.invalid(format!("`{}` must be a string", at.name)))
}

fn strings(at: &At, value: &Value) -> Result<Vec<String>, PolicyError> {
    let mut strings = Vec::new();
    for (index, v) in array(at, value)?.iter().enumerate() {
        strings.push(string(&at.index(index), v)?.to_owned());
    }
    Ok(strings)
}

fn boolean(at: &At, value: &Value) -> Result<bool, PolicyError> {
    value.as_bool().ok_or_else(|| at.invalid(format!("`{}` must be true or false", at.name)))
}

fn size(at: &At, value: &Value) -> Result<usize, PolicyError> {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| at.invalid(format!("`{}` must be a non-negative integer", at.name)))
}

fn choice<T: Copy>(at: &At, value: &Value, options: &[(&str, T)]) -> Result<T, PolicyError> {
    let name = string(at, value)?;
    options.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("`{n}`")).collect();
        at.invalid(format!("`{}` must be one of {}, not `{name}`", at.name, names.join(", ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(v: Value) -> Result<Policy, &'static str> {
        from_input(Some(&v)).map_err(|e| e.code())
    }

    #[test]
    fn documents_override_a_preset() {
        let p = code(json!({"preset": "mas", "approval": "single_use", "scope_limits": {"max_tokens": 2}}));
        let p = p.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.settings().preset, Preset::Mas);
        assert_eq!(p.settings().approval, Approval::SingleUse);
        assert_eq!(p.settings().scope.limits.max_tokens, 2);
        assert_eq!(p.settings().scope.limits.max_bytes, 4096);
    }

    #[test]
    fn bad_documents_are_refused() {
        assert_eq!(code(json!({"preset": "nope"})).err(), Some("policy.unknown_preset"));
        assert_eq!(code(json!("nope")).err(), Some("policy.unknown_preset"));
        assert_eq!(code(json!({"colour": 1})).err(), Some("policy.invalid"));
        assert_eq!(code(json!({"approval": 3})).err(), Some("policy.invalid"));
        assert_eq!(code(json!({"step_up": [{"endpoints": ["createRoom"]}]})).err(), Some("policy.invalid"));
        assert_eq!(code(json!({"guest_endpoints": ["nope"]})).err(), Some("policy.invalid"));
        assert_eq!(code(json!({"extra_tokens": {"patterns": ["("]}})).err(), Some("policy.invalid"));
        assert_eq!(code(json!(7)).err(), Some("policy.invalid"));
    }
}
