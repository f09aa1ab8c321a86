//! The `Policy` class: a handle on a core [`Policy`], built once and passed to every call.

use std::sync::LazyLock;

use matrix_authz::{Policy, Preset};
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::args::{self, NAME_UNITS};
use crate::error::IntoJs;

/// A complete policy: a preset, optionally with settings changed by a policy document.
#[wasm_bindgen(js_name = Policy)]
#[derive(Default)]
pub struct JsPolicy {
    pub(crate) inner: Policy,
}

/// The `default` preset, built once, for the free functions.
pub(crate) static SPEC: LazyLock<JsPolicy> = LazyLock::new(JsPolicy::new);

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// The `default` preset (the Matrix spec's rules).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// A built-in preset by name; throws `policy.unknown_preset`.
    #[wasm_bindgen(js_name = fromPreset)]
    pub fn from_preset(#[wasm_bindgen(unchecked_param_type = "PresetName")] name: &JsValue) -> Js<Self> {
        let name = args::string(name, "name", NAME_UNITS)?;
        Preset::from_name(&name).map(|p| Self { inner: Policy::preset(p) }).js()
    }

    /// A policy from a preset name or a policy document (FORMAT.md "Policy documents"); throws
    /// `policy.invalid` or `policy.unknown_preset`.
    #[cfg(feature = "serde")]
    #[wasm_bindgen(js_name = fromDocument)]
    pub fn from_document(
        #[wasm_bindgen(unchecked_param_type = "PresetName | PolicyDocument")] document: &JsValue,
    ) -> Js<Self> {
        let value = crate::json::to_value(document, "document")?;
        matrix_authz::json::policy::from_input(Some(&value)).map(|inner| Self { inner }).js()
    }

    /// The preset this policy starts from.
    #[wasm_bindgen(getter, unchecked_return_type = "PresetName")]
    pub fn preset(&self) -> String {
        self.inner.settings().preset.name().to_owned()
    }
}
