//! Scopes: the `Scope` class (parse, read the parts, normalize) and `satisfies`.

use matrix_authz::scope::{Form, Scope, TokenKind};
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::args::{self, SCOPE_UNITS};
use crate::error::{self, IntoJs};
use crate::object::{object, strings};
use crate::policy::{JsPolicy, SPEC};

/// A parsed scope in canonical form: distinct tokens in byte order.
#[wasm_bindgen(js_name = Scope)]
pub struct JsScope {
    inner: Scope,
}

#[wasm_bindgen(js_class = Scope)]
impl JsScope {
    /// Parses `text` under the `default` preset; throws `scope.*` or `device_id.*`.
    pub fn parse(#[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue) -> Js<Self> {
        SPEC.parse_scope(text)
    }

    /// The distinct tokens in canonical order.
    #[wasm_bindgen(getter)]
    pub fn tokens(&self) -> Vec<String> {
        self.inner.tokens().map(str::to_owned).collect()
    }

    /// The canonical string: the tokens joined by single spaces.
    #[wasm_bindgen(getter)]
    pub fn canonical(&self) -> String {
        self.inner.as_str().to_owned()
    }

    /// How many distinct tokens.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// Whether the full client-server API token is present (stable or unstable).
    #[wasm_bindgen(getter, js_name = hasApi)]
    pub fn has_api(&self) -> bool {
        self.inner.has_api()
    }

    /// The one device id, or `null`.
    #[wasm_bindgen(getter)]
    pub fn device(&self) -> Option<String> {
        self.inner.device().map(|id| id.to_string())
    }

    /// Whether `urn:synapse:admin:*` is present.
    #[wasm_bindgen(getter, js_name = synapseAdmin)]
    pub fn synapse_admin(&self) -> bool {
        self.inner.synapse_admin()
    }

    /// The namespaces of the API and device tokens, stable first.
    #[wasm_bindgen(getter, unchecked_return_type = "Namespace[]")]
    pub fn namespaces(&self) -> Vec<String> {
        self.inner.namespaces().iter().map(|ns| ns.name().to_owned()).collect()
    }

    /// Whether the exact token is present.
    pub fn contains(&self, #[wasm_bindgen(unchecked_param_type = "string")] token: &JsValue) -> Js<bool> {
        Ok(self.inner.contains(&args::string(token, "token", SCOPE_UNITS)?))
    }

    /// Whether this scope covers `token` (stable and unstable twins cover each other).
    pub fn covers(&self, #[wasm_bindgen(unchecked_param_type = "string")] token: &JsValue) -> Js<bool> {
        Ok(self.inner.covers(&args::string(token, "token", SCOPE_UNITS)?))
    }

    /// The scope with its API and device tokens rewritten into `form`.
    pub fn normalize(&self, #[wasm_bindgen(unchecked_param_type = "Form")] form: &JsValue) -> Js<Self> {
        Ok(Self { inner: self.inner.normalize(parse_form(form)?) })
    }

    /// The canonical string.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.inner.as_str().to_owned()
    }
}

/// `form` as a core [`Form`]; anything else is `input.invalid`.
pub(crate) fn parse_form(form: &JsValue) -> Js<Form> {
    error::named("form", form, Form::from_name, "`stable`, `unstable` or `both`")
}

/// What one token means (`api`, `device`, `openid`, ..., `unknown`).
#[wasm_bindgen(js_name = tokenKind, unchecked_return_type = "TokenKind")]
pub fn token_kind(#[wasm_bindgen(unchecked_param_type = "string")] token: &JsValue) -> Js<String> {
    Ok(TokenKind::of(&args::string(token, "token", SCOPE_UNITS)?).name().to_owned())
}

/// `{satisfied, missing}`: whether `granted` covers `required` under the `default` preset (an
/// empty string is an empty scope), and the required tokens it misses in canonical order.
#[wasm_bindgen(unchecked_return_type = "SatisfiesResult")]
pub fn satisfies(
    #[wasm_bindgen(unchecked_param_type = "string")] granted: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] required: &JsValue,
) -> Js<JsValue> {
    SPEC.satisfies(granted, required)
}

/// `text` canonical, its API and device tokens in `form`, under the `default` preset.
#[wasm_bindgen]
pub fn normalize(
    #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "Form")] form: &JsValue,
) -> Js<String> {
    SPEC.normalize(text, form)
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Parses `text` under this policy; throws `scope.*` or `device_id.*`.
    #[wasm_bindgen(js_name = parseScope)]
    pub fn parse_scope(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue) -> Js<JsScope> {
        let text = args::string(text, "text", SCOPE_UNITS)?;
        Scope::parse(&text, &self.inner.settings().scope).map(|s| JsScope { inner: s.to_canonical() }).js()
    }

    /// `satisfies` under this policy.
    #[wasm_bindgen(unchecked_return_type = "SatisfiesResult")]
    pub fn satisfies(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] granted: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] required: &JsValue,
    ) -> Js<JsValue> {
        let (granted, required) =
            (args::string(granted, "granted", SCOPE_UNITS)?, args::string(required, "required", SCOPE_UNITS)?);
        let parse = |text| Scope::parse_or_empty(text, &self.inner.settings().scope).js();
        let (granted, required) = (parse(&granted)?, parse(&required)?);
        let missing = granted.missing(&required);
        Ok(object([("satisfied", missing.is_empty().into()), ("missing", strings(missing.iter()))]))
    }

    /// `normalize` under this policy.
    pub fn normalize(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "Form")] form: &JsValue,
    ) -> Js<String> {
        let text = args::string(text, "text", SCOPE_UNITS)?;
        let form = parse_form(form)?;
        Scope::parse(&text, &self.inner.settings().scope).map(|s| s.normalize(form).into_string()).js()
    }
}
