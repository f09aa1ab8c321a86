#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

// The uniffi component of the core crate: the closed enums that derive `uniffi::Enum` under this
// feature, which bindings-uniffi uses directly. Its namespace is not the crate name
// (`matrix_authz`), which the binding's own component keeps for its generated modules.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("matrix_authz_core");

pub mod account;
pub mod appservice;
pub mod chars;
pub mod client;
pub mod decide;
pub mod device;
pub mod endpoint;
pub mod error;
pub mod grant;
pub mod guest;
#[cfg(feature = "serde")]
pub mod json;
pub mod legacy;
#[cfg(feature = "metadata")]
pub mod metadata;
pub mod policy;
pub mod scope;
pub mod step_up;
pub mod uia;
mod www_authenticate;

pub use decide::{Decision, HttpAnswer, Request, Token, decide};
pub use device::{DeviceId, DeviceRules};
pub use error::{DeviceError, DeviceIdError, Error, InputError, ScopeError};
pub use grant::{GrantDecision, GrantRequest, GrantType};
pub use policy::{Policy, PolicyError, PolicySettings, Preset};
pub use scope::{Form, Grammar, Namespace, Scope, ScopeLimits, ScopeRules, TokenKind, Tokens};
