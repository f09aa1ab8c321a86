//! Plain JavaScript objects: fields read and set by cached names, and options objects.

use std::cell::RefCell;

use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::error;

#[wasm_bindgen]
extern "C" {
    /// `object[key]` without a `try` around it: a throwing getter's error reaches the caller.
    #[wasm_bindgen(js_name = Object)]
    pub(crate) type Plain;
    #[wasm_bindgen(method, structural, indexing_getter)]
    pub(crate) fn get(this: &Plain, key: &JsValue) -> JsValue;
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn set(this: &Plain, key: &JsValue, value: JsValue);
    /// `JSON.parse` of text core wrote, which cannot throw.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    pub(crate) fn parse_valid(text: &str) -> JsValue;
}

thread_local! {
    /// Names as JavaScript strings, made once (decoding one costs more than reading a field),
    /// keyed by where the literal lies: a few dozen literals, one place each.
    static KEYS: RefCell<Vec<((usize, usize), JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// `name` as a JavaScript string, from the cache.
pub(crate) fn key(name: &'static str) -> JsValue {
    let at = (name.as_ptr() as usize, name.len());
    KEYS.with_borrow_mut(|keys| match keys.iter().find(|(k, _)| *k == at) {
        Some((_, key)) => key.clone(),
        None => {
            keys.push((at, JsValue::from_str(name)));
            keys.last().map_or(JsValue::UNDEFINED, |(_, key)| key.clone())
        }
    })
}

/// A plain object from its fields.
pub(crate) fn object<const N: usize>(fields: [(&'static str, JsValue); N]) -> JsValue {
    let object = Object::new().into();
    for (name, value) in fields {
        set(&object, name, value);
    }
    object
}

/// Sets `object[name]` on a plain object the binding made.
pub(crate) fn set(object: &JsValue, name: &'static str, value: JsValue) {
    object.unchecked_ref::<Plain>().set(&key(name), value);
}

/// Strings as a JavaScript array.
pub(crate) fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> JsValue {
    items.into_iter().map(JsValue::from_str).collect::<Array>().into()
}

/// An optional string as a string or `null`.
pub(crate) fn text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// An options argument: an object, or `undefined` / `null` for none; a field that is
/// `undefined` or `null` is absent, any other of the wrong type `input.invalid`.
pub(crate) struct Options(Option<JsValue>);

impl Options {
    /// Reads `value` as options.
    pub(crate) fn new(value: &JsValue) -> Js<Self> {
        match value {
            v if v.is_undefined() || v.is_null() => Ok(Self(None)),
            v if v.is_object() => Ok(Self(Some(v.clone()))),
            _ => Err(error::input_invalid("the options must be an object")),
        }
    }

    /// The field `name` as `cast` reads it, `what` naming the type for the message.
    pub(crate) fn get<T>(&self, name: &'static str, what: &str, cast: impl Fn(JsValue) -> Option<T>) -> Js<Option<T>> {
        match self.0.as_ref().map(|o| o.unchecked_ref::<Plain>().get(&key(name))) {
            Some(v) if !(v.is_undefined() || v.is_null()) => {
                cast(v).map(Some).ok_or_else(|| error::input_invalid(&format!("`{name}` must be {what}")))
            }
            _ => Ok(None),
        }
    }

    /// The bytes of a `Uint8Array`.
    pub(crate) fn bytes(&self, name: &'static str) -> Js<Option<Vec<u8>>> {
        self.get(name, "a Uint8Array", |v| v.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec()))
    }
}
