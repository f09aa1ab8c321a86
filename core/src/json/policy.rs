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

/// Builds the policy a document describes.
pub fn from_document(doc: &Map<String, Value>) -> Result<Policy, PolicyError> {
    let preset = match doc.get("preset") {
        None => Preset::Default,
        Some(Value::String(name)) => Preset::from_name(name)?,
        Some(_) => return Err(PolicyError::invalid("`preset` must be a string")),
    };
    let mut settings = PolicySettings::preset(preset);
    for (key, value) in doc {
        apply(&mut settings, key, value)?;
    }
    Policy::new(settings)
}

fn apply(policy: &mut PolicySettings, key: &str, value: &Value) -> Result<(), PolicyError> {
    match key {
        "preset" => {}
        "scope_grammar" => {
            policy.scope.grammar = choice(key, value, &[("strict", Grammar::Strict), ("lenient", Grammar::Lenient)])?;
        }
        "scope_limits" => {
            for (k, v) in object(key, value)? {
                match k.as_str() {
                    "max_bytes" => policy.scope.limits.max_bytes = size(k, v)?,
                    "max_tokens" => policy.scope.limits.max_tokens = size(k, v)?,
                    _ => return Err(unknown(&format!("scope_limits.{k}"))),
                }
            }
        }
        "device_rules" => {
            for (k, v) in object(key, value)? {
                match k.as_str() {
                    "min_length" => policy.scope.device.min_length = size(k, v)?,
                    "max_length" => policy.scope.device.max_length = size(k, v)?,
                    "alphabet" => {
                        policy.scope.device.alphabet = string(k, v).and_then(|name| {
                            Alphabet::from_name(name).ok_or_else(|| {
                                PolicyError::invalid(
                                    "`device_rules.alphabet` must be `scope_token`, `unreserved` or `mas`",
                                )
                            })
                        })?;
                    }
                    _ => return Err(unknown(&format!("device_rules.{k}"))),
                }
            }
        }
        "missing_api_scope" => {
            policy.missing_api_scope = choice(
                key,
                value,
                &[("forbidden", MissingApiScope::Forbidden), ("unknown_token", MissingApiScope::UnknownToken)],
            )?;
        }
        "grant_rules" => {
            policy.grant = choice(key, value, &[("default", GrantRules::Default), ("mas", GrantRules::Mas)])?;
        }
        "step_up" => {
            policy.step_up = Vec::new();
            for rule in array(key, value)? {
                policy.step_up.push(step_up_rule(rule)?);
            }
        }
        "guest_endpoints" => policy.guest_endpoints = strings(key, value)?,
        "approval" => {
            policy.approval = choice(key, value, &[("window", Approval::Window), ("single_use", Approval::SingleUse)])?;
        }
        "legacy_endpoints" => policy.legacy_endpoints = boolean(key, value)?,
        "unknown_endpoints" => {
            policy.unknown_endpoints =
                choice(key, value, &[("allow", UnknownEndpoints::Allow), ("deny", UnknownEndpoints::Deny)])?;
        }
        "extra_tokens" => {
            for (k, v) in object(key, value)? {
                match k.as_str() {
                    "exact" => policy.extra_tokens.exact = strings(k, v)?,
                    "patterns" => policy.extra_tokens.patterns = strings(k, v)?,
                    _ => return Err(unknown(&format!("extra_tokens.{k}"))),
                }
            }
        }
        "endpoints" => {
            policy.endpoints = Vec::new();
            for entry in array(key, value)? {
                policy.endpoints.push(declared_endpoint(entry)?);
            }
        }
        "required_scopes" => {
            policy.required_scopes.clear();
            for (id, tokens) in object(key, value)? {
                policy.required_scopes.insert(id.clone(), strings(&format!("required_scopes.{id}"), tokens)?);
            }
        }
        "server_administration_scope" => {
            policy.server_administration_scope = choice(
                key,
                value,
                &[("off", ServerAdministrationScope::Off), ("msc4484", ServerAdministrationScope::Msc4484)],
            )?;
        }
        _ => return Err(unknown(key)),
    }
    Ok(())
}

/// One entry of `endpoints`: `{"method", "path", "operation_id"?, "token", "guest"?}`.
fn declared_endpoint(value: &Value) -> Result<DeclaredEndpoint, PolicyError> {
    let fields = object("endpoints", value)?;
    for k in fields.keys() {
        if !["method", "path", "operation_id", "token", "guest"].contains(&k.as_str()) {
            return Err(unknown(&format!("endpoints.{k}")));
        }
    }
    let required =
        |k: &str| fields.get(k).ok_or_else(|| PolicyError::invalid(format!("an `endpoints` entry needs `{k}`")));
    Ok(DeclaredEndpoint {
        method: string("endpoints.method", required("method")?)?.to_owned(),
        path: string("endpoints.path", required("path")?)?.to_owned(),
        operation_id: fields
            .get("operation_id")
            .map(|v| string("endpoints.operation_id", v))
            .transpose()?
            .map(str::to_owned),
        token: choice(
            "endpoints.token",
            required("token")?,
            &[
                ("none", TokenRequirement::None),
                ("optional", TokenRequirement::Optional),
                ("required", TokenRequirement::Required),
                ("appservice", TokenRequirement::Appservice),
            ],
        )?,
        guest: fields.get("guest").map(|v| boolean("endpoints.guest", v)).transpose()?,
    })
}

fn step_up_rule(value: &Value) -> Result<StepUpRule, PolicyError> {
    let mut rule = StepUpRule { endpoints: Vec::new(), max_age: None, acr_values: Vec::new() };
    let mut has_endpoints = false;
    for (k, v) in object("step_up", value)? {
        match k.as_str() {
            "endpoints" => {
                rule.endpoints = strings(k, v)?;
                has_endpoints = true;
            }
            "max_age" => {
                rule.max_age =
                    Some(v.as_u64().ok_or_else(|| PolicyError::invalid("`max_age` must be a non-negative integer"))?);
            }
            "acr_values" => rule.acr_values = strings(k, v)?,
            _ => return Err(unknown(&format!("step_up.{k}"))),
        }
    }
    if !has_endpoints {
        return Err(PolicyError::invalid("a `step_up` rule needs `endpoints`"));
    }
    Ok(rule)
}

fn unknown(key: &str) -> PolicyError {
    PolicyError::invalid(format!("unknown setting `{key}`"))
}

fn object<'v>(key: &str, value: &'v Value) -> Result<&'v Map<String, Value>, PolicyError> {
    value.as_object().ok_or_else(|| PolicyError::invalid(format!("`{key}` must be an object")))
}

fn array<'v>(key: &str, value: &'v Value) -> Result<&'v Vec<Value>, PolicyError> {
    value.as_array().ok_or_else(|| PolicyError::invalid(format!("`{key}` must be an array")))
}

fn string<'v>(key: &str, value: &'v Value) -> Result<&'v str, PolicyError> {
    value.as_str().ok_or_else(|| PolicyError::invalid(format!("`{key}` must be a string")))
}

fn strings(key: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    let mut strings = Vec::new();
    for v in array(key, value)? {
        strings.push(string(key, v)?.to_owned());
    }
    Ok(strings)
}

fn boolean(key: &str, value: &Value) -> Result<bool, PolicyError> {
    value.as_bool().ok_or_else(|| PolicyError::invalid(format!("`{key}` must be true or false")))
}

fn size(key: &str, value: &Value) -> Result<usize, PolicyError> {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| PolicyError::invalid(format!("`{key}` must be a non-negative integer")))
}

fn choice<T: Copy>(key: &str, value: &Value, options: &[(&str, T)]) -> Result<T, PolicyError> {
    let name = string(key, value)?;
    options.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("`{n}`")).collect();
        PolicyError::invalid(format!("`{key}` must be one of {}, not `{name}`", names.join(", ")))
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
