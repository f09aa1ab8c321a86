//! JSON glue of the device operations (FORMAT.md "Device ids"), and the `entropy` field every
//! operation that derives an id reads.

use serde_json::Value;

use crate::chars::{self, HexError};
use crate::device::{self, DEFAULT_LENGTH, DeviceId};
use crate::error::Error;
use crate::json::input::{Fields, Input};
use crate::json::object;
use crate::policy::Policy;

/// The decoded `entropy` field (hex, either case), if present.
pub fn entropy<F: Fields>(input: &F) -> Result<Option<Vec<u8>>, Error> {
    Fields::opt_str(input, "entropy")?.map(|hex| decode_entropy(hex.as_ref())).transpose()
}

/// Hex entropy as bytes; malformed hex is `input.invalid`.
fn decode_entropy(hex: &str) -> Result<Vec<u8>, Error> {
    chars::decode_hex(hex).map_err(|e| match e {
        HexError::OddLength => Error::input("`entropy` must have an even number of hex digits"),
        HexError::NotHex => Error::input("`entropy` must be hex digits"),
    })
}

/// `device.validate`: `device_id` in; an empty object out.
pub(crate) fn validate(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    DeviceId::parse(input.str("device_id")?, &policy.settings().scope.device)?;
    Ok(object([]))
}

/// `device.generate`: `entropy` (hex) and optional `length` in; `device_id` out.
pub(crate) fn generate(input: Input<'_>) -> Result<Value, Error> {
    let bytes = entropy(&input)?.ok_or_else(|| Error::input("`input.entropy` is required"))?;
    let length = match input.opt_u64("length")? {
        None => DEFAULT_LENGTH,
        Some(n) => usize::try_from(n).map_err(|_| Error::input("`input.length` is out of range"))?,
    };
    Ok(object([("device_id", String::from(device::generate(&bytes, length)?).into())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_errors_are_input_errors() {
        assert_eq!(decode_entropy("00fFA0"), Ok(vec![0, 255, 160]));
        let odd = decode_entropy("abc").map_err(|e| e.to_string());
        assert_eq!(odd, Err("invalid input: `entropy` must have an even number of hex digits".to_owned()));
        assert_eq!(decode_entropy("zz").map_err(|e| e.code()), Err("input.invalid"));
    }
}
