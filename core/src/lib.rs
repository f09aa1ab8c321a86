#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod account;
pub mod appservice;
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
pub mod pattern;
pub mod policy;
pub mod scope;
pub mod step_up;
pub mod uia;
mod www_authenticate;

pub use decide::{Decision, HttpAnswer, Request, Token, decide};
pub use device::{DeviceId, DeviceRules};
pub use error::{DeviceIdError, Error};
pub use grant::{GrantDecision, GrantRequest, GrantType};
pub use policy::{Policy, Preset};
pub use scope::{Form, Grammar, Namespace, Scope, ScopeLimits, ScopeRef, ScopeRules, TokenKind, TokenSet};
