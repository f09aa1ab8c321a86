//! JSON glue of `account.url` (FORMAT.md "Client helpers").

use serde_json::Value;

use crate::account;
use crate::error::Error;
use crate::json::input::{Fields, Input};
use crate::json::object;

/// Runs `account.url` on an input object.
pub fn url(input: Input<'_>) -> Result<Value, Error> {
    let base = input.str("account_management_uri")?;
    let action = input.str("action")?;
    let device_id = input.opt_str("device_id")?;
    let supported = input.opt_strs("supported")?.unwrap_or_default();
    Ok(object([("url", account::url(base, action, device_id, &supported)?.into())]))
}
