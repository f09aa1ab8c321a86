//! Device ids (MSC2967 "Device ID allocation"): validation under a policy's device rules and
//! generation, from given bytes (the same bytes give the same id in every runtime) or from the
//! system's secure random source.

use matrix_authz::{DeviceId, device};
use pyo3::prelude::*;

use crate::error::Raise;
use crate::policy::{self, Policy};
use crate::text::{int, utf8};
use pyo3::types::{PyInt, PyString};

/// Checks `device_id` against the policy's device rules (the `default` preset when absent) and
/// returns it. Raises `InvalidDeviceId` (`device_id.empty`, `device_id.invalid_char`,
/// `device_id.too_short`, `device_id.too_long`).
#[pyfunction]
#[pyo3(signature = (device_id, policy = None))]
pub(crate) fn validate_device_id<'py>(
    device_id: Bound<'py, PyString>,
    policy: Option<&Policy>,
) -> PyResult<Bound<'py, PyString>> {
    let id = utf8(&device_id)?;
    policy::with(policy, |policy| DeviceId::parse(&id, &policy.settings().scope.device)).or_raise(device_id.py())?;
    Ok(device_id)
}

/// A `length`-character id (1 to 255) drawn from `entropy`, one byte at a time. Raises
/// `InsufficientEntropy` when the bytes run out, `InvalidInput` for a length out of range.
#[pyfunction]
#[pyo3(signature = (entropy, length = None))]
pub(crate) fn generate_device_id(
    py: Python<'_>,
    entropy: &[u8],
    length: Option<&Bound<'_, PyInt>>,
) -> PyResult<String> {
    Ok(device::generate(entropy, self::length(length)?).or_raise(py)?.into())
}

/// A fresh `length`-character id (1 to 255) from the system's secure random source.
#[pyfunction]
#[pyo3(signature = (length = None))]
pub(crate) fn random_device_id(py: Python<'_>, length: Option<&Bound<'_, PyInt>>) -> PyResult<String> {
    Ok(device::generate_random(self::length(length)?).or_raise(py)?.into())
}

/// A length argument (default 10); one the core could not even hold is out of its range too.
fn length(length: Option<&Bound<'_, PyInt>>) -> PyResult<usize> {
    length.map_or(Ok(device::DEFAULT_LENGTH), |n| int(n, "`length` must be 1 to 255"))
}
