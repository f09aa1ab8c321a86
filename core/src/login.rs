//! The device of a login scope from optional arguments (`client.login_scope`): the one place the
//! choice between the id a client has and entropy to draw one from is made, for the JSON layer
//! and every binding.

use crate::client::LoginDevice;
use crate::error::InputError;

impl<'a> LoginDevice<'a> {
    /// The id the client has when given (it wins over entropy), else a fresh id drawn from
    /// `entropy`; neither is `input.invalid`.
    pub fn from_options(device_id: Option<&'a str>, entropy: Option<&'a [u8]>) -> Result<Self, InputError> {
        match (device_id, entropy) {
            (Some(id), _) => Ok(Self::Id(id)),
            (None, Some(bytes)) => Ok(Self::Entropy(bytes)),
            (None, None) => Err(InputError::new("`device_id` or `entropy` is required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_wins_over_entropy_and_one_is_required() {
        let bytes = [1_u8; 10];
        assert_eq!(LoginDevice::from_options(Some("ABC"), Some(&bytes)), Ok(LoginDevice::Id("ABC")));
        assert_eq!(LoginDevice::from_options(None, Some(&bytes)), Ok(LoginDevice::Entropy(&bytes)));
        assert_eq!(LoginDevice::from_options(None, None).map_err(|e| e.code()), Err("input.invalid"));
    }
}
