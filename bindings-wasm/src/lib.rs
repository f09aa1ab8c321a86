//! The WebAssembly binding of `matrix-authz`, published on npm as `matrix-authz`.
//!
//! Only a binding: every rule lives in the core crate. This crate converts JavaScript values to
//! core types and back, and turns core errors into real JavaScript `Error` objects whose `code`
//! property holds the stable code (`scope.invalid_char`). The JSON entry point
//! [`evaluate`](json::evaluate) reaches every op of core's dispatcher, so a new op in core is
//! available here without a change; the typed functions and classes wrap core's modules.
//!
//! The TypeScript declarations of the whole package are in `types.d.ts` (emitted into the
//! generated `.d.ts` through a custom section), with string-literal unions for closed sets.
#![deny(unsafe_code, reason = "only wasm-bindgen's generated exports may use unsafe attributes")]

mod args;
mod client;
mod decide;
mod device;
mod error;
#[cfg(feature = "serde")]
mod json;
#[cfg(feature = "metadata")]
mod metadata;
mod object;
mod policy;
mod scope;

use wasm_bindgen::prelude::{JsValue, wasm_bindgen};

/// What every export returns: the value, or a thrown `MatrixAuthzError`.
type Js<T> = Result<T, JsValue>;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");
