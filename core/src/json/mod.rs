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

/// The deepest nesting of arrays and objects any JSON input may have (FORMAT.md v4), the
/// outermost counting as 1: `[[1]]` nests 2 deep. Every entry point applies it to what it
/// receives (JSON text, a parsed value, a Python or JavaScript value); deeper is
/// `input.invalid`. Unlisted fields are ignored at any depth up to it.
pub const MAX_DEPTH: usize = 128;

/// A value from JSON text, for the bindings that take JSON text. Text that is not JSON, or
/// that nests deeper than [`MAX_DEPTH`], is `input.invalid`. Numbers of any size and precision
/// are read and kept as written (serde_json's `arbitrary_precision`): `1e400` is a number, and
/// the compact form of the value spells it as the input did.
pub fn from_text(text: &str) -> Result<Value, Error> {
    parse(text).map_err(Error::input)
}

/// [`from_text`] with the problem in words (`not JSON: ...` or `nested deeper than ...`), for
/// callers with their own error type, such as the CLI's usage errors.
pub fn parse(text: &str) -> Result<Value, String> {
    if let Some(at) = too_deep_at(text) {
        return Err(format!("nested deeper than {MAX_DEPTH} arrays and objects (at byte {at})"));
    }
    // serde_json stops at 127 levels on its own; the scan above has already bounded the depth
    // (so the recursion too) at 128, and the limit is this crate's, not the parser's.
    let mut reader = serde_json::Deserializer::from_str(text);
    reader.disable_recursion_limit();
    let not_json = |e: serde_json::Error| format!("not JSON: {e}");
    let value = serde::Deserialize::deserialize(&mut reader).map_err(not_json)?;
    reader.end().map_err(not_json)?;
    Ok(value)
}

/// The byte offset of the first `[` or `{` that opens level [`MAX_DEPTH`] + 1 of `text`, read
/// as JSON tokens (brackets inside strings do not count). Linear, without recursion, so it
/// bounds the parser's recursion before the parser runs; text that is not JSON is left to the
/// parser.
fn too_deep_at(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(at);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Whether `value` nests arrays and objects deeper than [`MAX_DEPTH`] (the value itself at
/// level 1). Looks no deeper than one level past the limit, so the recursion is bounded
/// whatever the value.
pub fn exceeds_depth(value: &Value) -> bool {
    // `budget`: the levels still allowed below `value`'s own.
    fn deeper(value: &Value, budget: usize) -> bool {
        match value {
            Value::Array(items) => budget == 0 || items.iter().any(|item| deeper(item, budget - 1)),
            Value::Object(fields) => budget == 0 || fields.values().any(|field| deeper(field, budget - 1)),
            _ => false,
        }
    }
    deeper(value, MAX_DEPTH)
}

/// JSON text of a value: compact, as `Value`'s `Display` writes it, through the one serializer
/// instance the engine already has (`Display` also carries the pretty printer).
pub fn to_text(value: &Value) -> String {
    // Serializing a `Value` into memory cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize, open: &str, close: &str) -> String {
        format!("{}{}", open.repeat(levels), close.repeat(levels))
    }

    #[test]
    fn nesting_is_read_to_128_levels_and_refused_past_them() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            // `{"a":` levels need a value at the bottom.
            let text = |n: usize| {
                let bottom = if open == "[" { "" } else { "1" };
                format!("{}{bottom}{}", open.repeat(n), close.repeat(n))
            };
            let value = from_text(&text(MAX_DEPTH)).unwrap_or_default();
            assert!(!value.is_null() && !exceeds_depth(&value));
            let error = from_text(&text(MAX_DEPTH + 1)).err().map(|e| e.code());
            assert_eq!(error, Some("input.invalid"));
        }
        // Far past the limit: refused by the scan, before the parser recurses.
        assert!(from_text(&nested(1_000_000, "[", "]")).is_err());
        // Brackets in strings, escaped quotes included, are not nesting.
        let text = format!("[\"\\\"{}\"]", "[".repeat(500));
        assert!(from_text(&text).is_ok());
    }

    #[test]
    fn a_parsed_value_past_the_limit_is_refused_by_every_op() {
        let mut deep = Value::Null;
        for _ in 0..MAX_DEPTH {
            deep = Value::Array(vec![deep]);
        }
        // `input` is level 1, `x` holds MAX_DEPTH more.
        let input = object([("scope", "openid".into()), ("x", deep)]);
        assert!(exceeds_depth(&input));
        assert_eq!(evaluate("scope.parse", &input).err().map(|e| e.code()), Some("input.invalid"));
        assert_eq!(evaluate("no.such.op", &input).err().map(|e| e.code()), Some("op.unknown"));
    }

    #[test]
    fn numbers_of_any_size_are_read_and_kept_as_written() {
        for number in ["1e-400", "18446744073709551616", "-123456789012345678901234567890.25", "1.50"] {
            let value = from_text(&format!("[{number}]")).unwrap_or_default();
            assert_eq!(to_text(&value), format!("[{number}]"));
        }
        // serde_json writes a positive exponent with its sign (README "JSON input").
        assert_eq!(from_text("1e400").map(|v| to_text(&v)).ok().as_deref(), Some("1e+400"));
        // Still a number where an integer is needed: the field's wrong type, not unreadable.
        let value = from_text("18446744073709551616").unwrap_or_default();
        assert!(value.is_number() && value.as_u64().is_none());
    }
}
