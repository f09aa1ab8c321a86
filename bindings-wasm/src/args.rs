//! Arguments as JavaScript values, checked before anything of them is copied into the module.
//!
//! wasm-bindgen's own conversions (`&str`, `Option<String>`, `Vec<String>`, `&[u8]`, `f64`) run
//! in its generated JavaScript before any code of this crate: they copy as many units as a
//! value's `length` claims, so a number traps, an object with a huge `length` reserves that much
//! memory and leaks it when the copy throws, and a function reads as `""`. Every export takes
//! `&JsValue` instead and reads it here: first its type (`typeof`, which runs none of the
//! caller's code), then its size in UTF-16 code units (`.length`; UTF-8 needs at most three
//! bytes per unit), and only then the copy. A property is read with `Reflect.get`, which turns
//! what a getter or a Proxy trap throws into `input.invalid`: a JavaScript exception unwinding
//! through the module would skip its clean-up and leave it unusable.

use js_sys::{ArrayBuffer, JsString, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::error::input_invalid;

/// A scope or one token: the largest `scope_limits.max_bytes` a policy may set, so a longer
/// string is past every policy's limit in UTF-8 too.
pub(crate) const SCOPE_UNITS: u32 = 1 << 20;
/// A device id: the largest `device_rules.max_length` a policy may set.
pub(crate) const DEVICE_ID_UNITS: u32 = 4096;
/// A name from a closed set (a form, a grant type, a preset, an op, an action, a stage): far
/// longer than any of them, so a longer one is refused as an unknown name would be.
pub(crate) const NAME_UNITS: u32 = 256;
/// A URI, or a list of them together: the metadata document limit (65,536 bytes), which any
/// URI a client or server publishes fits in.
pub(crate) const URI_UNITS: u32 = 65_536;
/// JSON text (`evaluateJson`, what `JSON.stringify` makes of an object argument) and the
/// strings of a `decide` request together: the CLI's input limit.
#[cfg(feature = "serde")]
pub(crate) const TEXT_UNITS: u32 = 16 << 20;
/// Entropy bytes: thousands of times what the longest device id draws.
pub(crate) const ENTROPY_BYTES: u32 = 65_536;

/// The most entries of a list of scope tokens (`extra`): the largest `max_tokens`.
pub(crate) const TOKENS: u32 = 4096;

const _: () = assert!(SCOPE_UNITS as usize == matrix_authz::scope::ScopeLimits::MAX_BYTES_CEILING);
const _: () = assert!(TOKENS as usize == matrix_authz::scope::ScopeLimits::MAX_TOKENS_CEILING);
const _: () = assert!(DEVICE_ID_UNITS as usize == matrix_authz::policy::MAX_DEVICE_LENGTH_CEILING);

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array_caught(value: &JsValue) -> Result<bool, JsValue>;
    /// `Uint8Array.from`: a fresh array, whatever the source's getters do.
    #[wasm_bindgen(catch, js_namespace = Uint8Array, js_name = from)]
    fn copy_bytes(value: &JsValue) -> Result<Uint8Array, JsValue>;
}

/// Whether `value` is an array; a value that throws on the question is not one.
pub(crate) fn is_array(value: &JsValue) -> bool {
    value.is_object() && is_array_caught(value).unwrap_or(false)
}

/// Whether `value` is absent: `undefined` or `null`.
pub(crate) fn is_none(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// `object[name]`; a throwing getter or trap is `input.invalid` naming `place`.
pub(crate) fn get(object: &JsValue, name: &JsValue, place: &dyn Fn() -> String) -> Js<JsValue> {
    Reflect::get(object, name).map_err(|_| input_invalid(&format!("reading `{}` threw", place())))
}

/// The length of `value` in UTF-16 code units, when it is a string.
pub(crate) fn units(value: &JsValue) -> Option<u32> {
    value.dyn_ref::<JsString>().map(JsString::length)
}

/// `value` as a string of at most `max` UTF-16 code units.
pub(crate) fn string(value: &JsValue, name: &str, max: u32) -> Js<String> {
    text(value, name, max).map_err(|message| input_invalid(&message))
}

/// [`string`], failing with the message alone.
pub(crate) fn text(value: &JsValue, name: &str, max: u32) -> Result<String, String> {
    match units(value) {
        Some(n) if n > max => Err(too_long(name, max)),
        Some(_) => value.as_string().ok_or_else(|| not_a_string(name)),
        None => Err(not_a_string(name)),
    }
}

fn not_a_string(name: &str) -> String {
    format!("`{name}` must be a string")
}

/// [`string`], with `undefined` and `null` meaning absent.
pub(crate) fn optional_string(value: &JsValue, name: &str, max: u32) -> Js<Option<String>> {
    if is_none(value) { Ok(None) } else { string(value, name, max).map(Some) }
}

/// The refusal of a string past its cap.
fn too_long(name: &str, max: u32) -> String {
    format!("`{name}` is longer than {max} UTF-16 code units")
}

/// An array of strings: at most `max_items` entries of at most `max_units` code units together.
pub(crate) fn strings(value: &JsValue, name: &str, max_items: u32, max_units: u32) -> Js<Vec<String>> {
    let wrong = || input_invalid(&format!("`{name}` must be an array of strings"));
    if !is_array(value) {
        return Err(wrong());
    }
    let length = get(value, &JsValue::from_str("length"), &|| format!("{name}.length"))?;
    let count = length.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0).ok_or_else(wrong)?;
    if count > f64::from(max_items) {
        return Err(input_invalid(&format!("`{name}` has more than {max_items} entries")));
    }
    let mut left = max_units;
    // At most `max_items`: checked above.
    let mut items = Vec::with_capacity(count as usize);
    for i in 0..count as u32 {
        let item = get(value, &JsValue::from(i), &|| format!("{name}[{i}]"))?;
        let n = units(&item).ok_or_else(wrong)?;
        left = left.checked_sub(n).ok_or_else(|| input_invalid(&too_long(name, max_units)))?;
        items.push(item.as_string().ok_or_else(wrong)?);
    }
    Ok(items)
}

/// [`strings`], with `undefined` and `null` meaning absent.
pub(crate) fn optional_strings(value: &JsValue, name: &str, max_items: u32, max_units: u32) -> Js<Option<Vec<String>>> {
    if is_none(value) { Ok(None) } else { strings(value, name, max_items, max_units).map(Some) }
}

/// The bytes of a `Uint8Array` of at most [`ENTROPY_BYTES`].
pub(crate) fn entropy(value: &JsValue, name: &str) -> Js<Vec<u8>> {
    let wrong = || input_invalid(&format!("`{name}` must be a Uint8Array"));
    // `isView` looks at the value itself, never through a Proxy; wasm-bindgen's `instanceof`
    // check catches what a prototype's trap throws. A typed array's own `length` or iterator
    // may still be a caller's getter, so the copy is a fresh array made by a caught call.
    if !(ArrayBuffer::is_view(value) && value.is_instance_of::<Uint8Array>()) {
        return Err(wrong());
    }
    let too_long = || input_invalid(&format!("`{name}` is longer than {ENTROPY_BYTES} bytes"));
    let length = get(value, &JsValue::from_str("length"), &|| format!("{name}.length"))?;
    if length.as_f64().is_none_or(|n| n > f64::from(ENTROPY_BYTES)) {
        return Err(too_long());
    }
    let copy = copy_bytes(value).map_err(|_| input_invalid(&format!("reading `{name}` threw")))?;
    if copy.length() > ENTROPY_BYTES {
        return Err(too_long());
    }
    Ok(copy.to_vec())
}

/// An optional number: `undefined` and `null` are absent, anything but a number `input.invalid`.
pub(crate) fn optional_number(value: &JsValue, name: &str, what: &str) -> Js<Option<f64>> {
    if is_none(value) {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| input_invalid(&format!("`{name}` must be {what}")))
}
