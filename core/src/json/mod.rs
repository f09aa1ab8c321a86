//! JSON: policy documents, the operation dispatcher every runtime exports, and the conformance
//! runner (feature `serde`).

mod account;
mod client;
pub mod conformance;
pub mod decide;
mod grant;
pub mod input;
#[cfg(feature = "metadata")]
pub mod metadata;
mod ops;
pub mod policy;

pub use ops::{OPS, describe_scope, entropy, envelope, evaluate, evaluate_json};
