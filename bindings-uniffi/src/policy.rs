//! Policies: a built-in preset, or a JSON policy document over one (FORMAT.md "Policy documents").

use std::sync::Arc;

use matrix_authz::Preset;
use matrix_authz::json::policy::from_json;

use crate::error::AuthzError;

/// A policy: immutable, cheap to share between threads and calls.
#[derive(Debug, uniffi::Object)]
pub struct Policy {
    pub(crate) inner: matrix_authz::Policy,
}

#[uniffi::export]
impl Policy {
    /// The `default` preset (the Matrix spec's rules).
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Self::preset(Preset::Default)
    }

    /// A built-in preset, unchanged.
    #[uniffi::constructor]
    pub fn preset(preset: Preset) -> Arc<Self> {
        Arc::new(Self { inner: matrix_authz::Policy::preset(preset) })
    }

    /// A policy document (`{"preset": "mas", "approval": "single_use"}`); fails with
    /// `policy.invalid` or `policy.unknown_preset`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, AuthzError> {
        Ok(Arc::new(Self { inner: from_json(&json)? }))
    }

    /// The preset the policy starts from.
    pub fn base_preset(&self) -> Preset {
        self.inner.settings().preset
    }
}

/// The policy a call names, or the `default` preset.
pub(crate) fn or_default(policy: Option<Arc<Policy>>) -> Arc<Policy> {
    policy.unwrap_or_else(Policy::new)
}
