//! Device ids (MSC2967 "Device ID allocation"): validation under a policy's device rules and
//! generation, from given entropy (deterministic, FORMAT.md) or from the platform's secure
//! random source.

use std::sync::Arc;

use matrix_authz::{DeviceId, device};

use crate::error::AuthzError;
use crate::policy::{Policy, or_default};

/// Checks `device_id` against the policy's device rules (the `default` preset when absent).
/// Fails with `device_id.empty`, `device_id.invalid_char`, `device_id.too_short` or
/// `device_id.too_long`.
#[uniffi::export(default(policy = None))]
pub fn validate_device_id(device_id: String, policy: Option<Arc<Policy>>) -> Result<(), AuthzError> {
    DeviceId::parse(&device_id, &or_default(policy).inner.settings().scope.device)?;
    Ok(())
}

/// Draws a `length`-character id (1 to 255) from `entropy`, one byte at a time: the same bytes
/// give the same id in every runtime. Fails with `entropy.insufficient` when the bytes run out.
#[uniffi::export(default(length = 10))]
pub fn generate_device_id(entropy: Vec<u8>, length: u32) -> Result<String, AuthzError> {
    Ok(device::generate(&entropy, to_usize(length))?.into())
}

/// A fresh `length`-character id (1 to 255) from the platform's secure random source.
#[uniffi::export(default(length = 10))]
pub fn generate_random_device_id(length: u32) -> Result<String, AuthzError> {
    Ok(device::generate_random(to_usize(length))?.into())
}

/// A length that does not fit `usize` is out of range anyway: saturate and let the core refuse it.
fn to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
