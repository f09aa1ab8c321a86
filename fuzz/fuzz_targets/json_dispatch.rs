//! The JSON dispatcher every runtime exports, on arbitrary text.
//!
//! Input layout: the operation name, a newline, then the input's JSON text (what the seed
//! script writes from each conformance case); without a newline the whole input is the JSON
//! text of `scope.parse`.
//!
//! Invariant: no panic; the answer is JSON, exactly `{"ok": OBJECT}` or `{"error": {"code",
//! "message"}}`; every error code is one the README documents; JSON given to an unknown op is
//! `op.unknown`; `evaluate_json` and `evaluate` agree on the JSON value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_authz::json::{OPS, envelope, evaluate, evaluate_json};
use matrix_authz_fuzz::DOCUMENTED_CODES;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (op, input) = text.split_once('\n').unwrap_or(("scope.parse", &text));
    let answer: Value = serde_json::from_str(&evaluate_json(op, input)).expect("the answer is JSON");
    let Value::Object(fields) = &answer else { panic!("the answer is not an object: {answer}") };
    assert_eq!(fields.len(), 1, "{answer}");
    match (fields.get("ok"), fields.get("error")) {
        (Some(ok), None) => {
            assert!(ok.is_object(), "{op}: {answer}");
            assert!(OPS.contains(&op), "{op} answered without being an op");
        }
        (None, Some(Value::Object(error))) => {
            let code = error.get("code").and_then(Value::as_str).expect("an error has a code");
            assert!(DOCUMENTED_CODES.contains(&code), "{op}: undocumented code {code}");
            assert!(error.get("message").and_then(Value::as_str).is_some_and(|m| !m.is_empty()), "{answer}");
            // Text that is not JSON is `input.invalid` whatever the op; JSON to an unknown op is
            // `op.unknown`.
            if !OPS.contains(&op) && serde_json::from_str::<Value>(input).is_ok() {
                assert_eq!(code, "op.unknown");
            }
        }
        _ => panic!("{op}: neither ok nor error: {answer}"),
    }
    if let Ok(value) = serde_json::from_str::<Value>(input) {
        assert_eq!(envelope(evaluate(op, &value)), answer, "{op}");
    }
});
