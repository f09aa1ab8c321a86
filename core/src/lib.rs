#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod account;
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
#[cfg(feature = "metadata")]
pub mod metadata;
pub mod pattern;
pub mod policy;
pub mod scope;
pub mod step_up;
pub mod uia;

pub use decide::{Decision, HttpAnswer, Request, Token, decide};
pub use device::{DeviceId, DeviceRules};
pub use error::{DeviceError, DeviceIdError, Error, ScopeError};
pub use grant::{GrantDecision, GrantRequest, GrantType};
pub use policy::{Policy, Preset};
pub use scope::{Form, Grammar, Namespace, Scope, ScopeLimits, ScopeRules, TokenKind, Tokens};
