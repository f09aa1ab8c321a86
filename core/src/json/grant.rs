//! JSON glue of `grant.decide` (FORMAT.md "Grants"): input fields in, decision fields out.

use serde_json::Value;

use crate::error::Error;
use crate::grant::{self, GrantRequest, GrantType};
use crate::json::device::entropy;
use crate::json::input::{Fields, Input};
use crate::json::object;
use crate::policy::Policy;

/// `grant.decide`: `scope`, `grant_type`, optional `user`, `client` (`{"admin": bool}`) and
/// `entropy` (hex) in; `allowed`, `violations`, `granted`, `device` out.
pub(crate) fn decide(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let scope = input.str("scope")?;
    let grant_type = GrantType::parse(input.str("grant_type")?)?;
    let user_admin = admin(input, "user", "input.user")?;
    let client_admin = admin(input, "client", "input.client")?;
    let entropy = entropy(&input)?;
    let request = GrantRequest { scope, grant_type, user_admin, client_admin, entropy: entropy.as_deref() };
    let decision = grant::decide(&request, policy)?;
    Ok(object([
        ("allowed", decision.allowed.into()),
        ("violations", decision.codes().collect()),
        ("violation_tokens", violation_tokens(&decision)),
        ("granted", decision.granted.map(|s| s.into_string()).into()),
        ("device", decision.device.map(String::from).into()),
    ]))
}

/// The `admin` flag of the `user` or `client` object (absent: not admin).
fn admin(input: Input<'_>, name: &'static str, place: &'static str) -> Result<bool, Error> {
    match input.opt_obj(name, place)? {
        Some(party) => Ok(party.opt_bool("admin")?.unwrap_or(false)),
        None => Ok(false),
    }
}

/// FORMAT.md v4: each violation code to the sorted tokens it concerns (`{}` when allowed).
pub fn violation_tokens(decision: &crate::grant::GrantDecision) -> Value {
    let mut map = serde_json::Map::new();
    for (code, tokens) in decision.codes_with_tokens() {
        map.insert(code.to_owned(), tokens.iter().map(|t| Value::String(t.clone())).collect());
    }
    Value::Object(map)
}
