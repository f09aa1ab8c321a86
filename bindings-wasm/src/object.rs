//! Plain JavaScript objects: fields read and set by cached names, and options objects.

use std::cell::RefCell;

use js_sys::{Array, Object};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::Js;
use crate::{args, error};

#[wasm_bindgen]
extern "C" {
    /// A plain object the binding made, whose fields it sets.
    #[wasm_bindgen(js_name = Object)]
    type Plain;
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
/// `undefined` or `null` is absent, any other of the wrong type `input.invalid`, and so is a
/// field whose getter throws.
pub(crate) struct Options(Option<JsValue>);

impl Options {
    /// Reads `value` as options.
    pub(crate) fn new(value: &JsValue) -> Js<Self> {
        match value {
            v if args::is_none(v) => Ok(Self(None)),
            v if v.is_object() => Ok(Self(Some(v.clone()))),
            _ => Err(error::input_invalid("the options must be an object")),
        }
    }

    /// The field `name`, unless absent.
    pub(crate) fn field(&self, name: &'static str) -> Js<Option<JsValue>> {
        let Some(options) = &self.0 else { return Ok(None) };
        let value = args::get(options, &key(name), &|| name.to_owned())?;
        Ok(if args::is_none(&value) { None } else { Some(value) })
    }

    /// A boolean field.
    pub(crate) fn bool(&self, name: &'static str) -> Js<Option<bool>> {
        self.field(name)?
            .map(|v| v.as_bool().ok_or_else(|| error::input_invalid(&format!("`{name}` must be a boolean"))))
            .transpose()
    }

    /// A string field of at most `max` UTF-16 code units.
    pub(crate) fn string(&self, name: &'static str, max: u32) -> Js<Option<String>> {
        self.field(name)?.map(|v| args::string(&v, name, max)).transpose()
    }

    /// The bytes of a `Uint8Array` field ([`args::entropy`]).
    pub(crate) fn bytes(&self, name: &'static str) -> Js<Option<Vec<u8>>> {
        self.field(name)?.map(|v| args::entropy(&v, name)).transpose()
    }
}
