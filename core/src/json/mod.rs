//! JSON: policy documents, the operation dispatcher every runtime exports, and the conformance
//! runner (feature `serde`).

pub mod conformance;
pub mod input;
mod ops;
pub mod policy;

pub use ops::{OPS, describe_scope, entropy, envelope, evaluate, evaluate_json};
