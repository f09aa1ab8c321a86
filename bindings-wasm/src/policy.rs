//! The `Policy` class: a handle on a core [`Policy`], built once and passed to every call.

use matrix_authz::{Policy, Preset};
use wasm_bindgen::prelude::*;

use crate::error::IntoJs;

/// A complete policy: a preset, optionally with settings changed by a policy document.
#[wasm_bindgen(js_name = Policy)]
pub struct JsPolicy {
    pub(crate) inner: Policy,
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// The `default` preset (the Matrix spec's rules).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self { inner: Policy::spec() }
    }

    /// A built-in preset by name; throws `policy.unknown_preset`.
    #[wasm_bindgen(js_name = fromPreset)]
    pub fn from_preset(#[wasm_bindgen(unchecked_param_type = "PresetName")] name: &str) -> Result<Self, JsValue> {
        Preset::from_name(name).map(|p| Self { inner: Policy::preset(p) }).js()
    }

    /// A policy from a preset name or a policy document (FORMAT.md "Policy documents"); throws
    /// `policy.invalid` or `policy.unknown_preset`.
    #[cfg(feature = "serde")]
    #[wasm_bindgen(js_name = fromDocument)]
    pub fn from_document(
        #[wasm_bindgen(unchecked_param_type = "PresetName | PolicyDocument")] document: &JsValue,
    ) -> Result<Self, JsValue> {
        let value = crate::json::to_value(document)?;
        matrix_authz::json::policy::from_input(Some(&value)).map(|inner| Self { inner }).js()
    }

    /// The preset this policy starts from.
    #[wasm_bindgen(getter, unchecked_return_type = "PresetName")]
    pub fn preset(&self) -> String {
        self.inner.settings().preset.name().to_owned()
    }
}

impl Default for JsPolicy {
    fn default() -> Self {
        Self::new()
    }
}
