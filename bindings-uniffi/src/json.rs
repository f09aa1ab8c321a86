//! The JSON entry point of the conformance contract (FORMAT.md): every operation the core
//! dispatches, with no per-operation code here, so operations the core adds are reached too.

use crate::error::AuthzError;

/// Every operation name `evaluate` knows, in the order of the contract.
#[uniffi::export]
pub fn operations() -> Vec<String> {
    matrix_authz::json::OPS.iter().map(|op| (*op).to_owned()).collect()
}

/// Runs `op` on a JSON input object and returns its JSON result (FORMAT.md "Operations").
/// Fails with the operation's error code; input that is not JSON is `input.invalid`.
#[uniffi::export]
pub fn evaluate(op: String, input_json: String) -> Result<String, AuthzError> {
    Ok(matrix_authz::json::evaluate(&op, &matrix_authz::json::from_text(&input_json)?)?.to_string())
}

/// Runs `op` on JSON text and never throws: `{"ok": RESULT}` or
/// `{"error": {"code": CODE, "message": TEXT}}`, for hosts that prefer one JSON envelope.
#[uniffi::export]
pub fn evaluate_json(op: String, input_json: String) -> String {
    matrix_authz::json::evaluate_json(&op, &input_json)
}
