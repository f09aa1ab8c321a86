//! Device ids: validation against a policy, deterministic and random generation.

use matrix_authz::DeviceId;
use matrix_authz::device::{self, DEFAULT_LENGTH};
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::args::{self, DEVICE_ID_UNITS};
use crate::error::{self, IntoJs};
use crate::policy::{JsPolicy, SPEC};

/// Checks `id` against the `default` preset's device rules; throws `device_id.*`.
#[wasm_bindgen(js_name = validateDeviceId)]
pub fn validate_device_id(#[wasm_bindgen(unchecked_param_type = "string")] id: &JsValue) -> Js<()> {
    SPEC.validate_device_id(id)
}

#[wasm_bindgen(js_class = Policy)]
impl JsPolicy {
    /// Checks `id` against this policy's device rules; throws `device_id.*`.
    #[wasm_bindgen(js_name = validateDeviceId)]
    pub fn validate_device_id(&self, #[wasm_bindgen(unchecked_param_type = "string")] id: &JsValue) -> Js<()> {
        let id = args::string(id, "id", DEVICE_ID_UNITS)?;
        DeviceId::parse(&id, &self.inner.settings().scope.device).map(|_| ()).js()
    }
}

/// A JavaScript length (an integer, 1 to 255 checked by core) as `usize`.
fn length(length: &JsValue) -> Js<usize> {
    const RANGE: &str = "an integer from 1 to 255";
    match args::optional_number(length, "length", RANGE)? {
        None => Ok(DEFAULT_LENGTH),
        // Out of range values saturate and core refuses them; fractions are refused here.
        Some(n) if n.fract() == 0.0 && n >= 0.0 => Ok(n as usize),
        Some(_) => Err(error::input_invalid(&format!("`length` must be {RANGE}"))),
    }
}

/// A `length`-character id (default 10) drawn from `entropy`; throws `entropy.insufficient`
/// when the bytes run out, `input.invalid` for a length outside 1 to 255.
// Declared in types.d.ts (`length` optional).
#[wasm_bindgen(js_name = generateDeviceId, skip_typescript)]
pub fn generate_device_id(entropy: &JsValue, length: &JsValue) -> Js<String> {
    let entropy = args::entropy(entropy, "entropy")?;
    device::generate(&entropy, self::length(length)?).map(String::from).js()
}

/// A fresh id (default 10 characters) from the platform's secure random source
/// (`crypto.getRandomValues`).
#[cfg(feature = "rand")]
// Declared in types.d.ts (`length` optional).
#[wasm_bindgen(js_name = randomDeviceId, skip_typescript)]
pub fn random_device_id(length: &JsValue) -> Js<String> {
    device::generate_random(self::length(length)?).map(String::from).js()
}
