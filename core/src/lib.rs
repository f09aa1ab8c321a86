#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod client;
pub mod device;
pub mod endpoint;
pub mod error;
#[cfg(feature = "serde")]
pub mod json;
pub mod policy;
pub mod scope;

pub use device::{DeviceId, DeviceRules};
pub use error::{DeviceIdError, Error};
pub use policy::{Policy, Preset};
pub use scope::{Form, Grammar, Namespace, Scope, ScopeLimits, ScopeRef, ScopeRules, TokenKind};
