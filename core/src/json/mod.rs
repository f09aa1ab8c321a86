//! JSON: policy documents and the operation dispatcher every runtime exports (feature `serde`).
//! The conformance runner is a test helper of its own (the `matrix-authz-conformance` crate).

mod account;
pub mod client;
pub mod decide;
mod device;
mod grant;
pub mod input;
#[cfg(feature = "metadata")]
pub mod metadata;
mod ops;
pub mod policy;

pub use device::entropy;
pub use ops::{OPS, describe_scope, envelope, evaluate, evaluate_json};

use serde_json::{Map, Value};

use crate::error::Error;

/// A JSON object from its fields. Results are built with this rather than `json!`, whose
/// `to_value` call per field instantiates serde's serializer for every field type (several KB
/// of the npm package's WebAssembly).
pub(crate) fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (key, value) in fields {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// A value from JSON text, for the bindings that take JSON text; text that is not JSON is
/// `input.invalid`.
pub fn from_text(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::input(format!("not JSON: {e}")))
}

/// JSON text of a value: compact, as `Value`'s `Display` writes it, through the one serializer
/// instance the engine already has (`Display` also carries the pretty printer).
pub fn to_text(value: &Value) -> String {
    // Serializing a `Value` into memory cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}
