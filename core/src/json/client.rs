//! JSON glue of `client.interpret` (FORMAT.md "Client helpers"): the response in, the action out.
//!
//! The op's own fields (`status`, `headers`, `body`) are checked strictly: a wrong type is
//! `input.invalid`. Inside the body, which is the server's text, a field of the wrong type counts
//! as absent, as a client reading a real response would treat it.

use serde_json::{Map, Value, json};

use crate::client::{self, ClientAction, ErrorBody, UiaChallenge};
use crate::error::Error;
use crate::json::input::Input;

/// Field names of MSC4363 step-up bodies, stable then unstable.
const ACR_VALUES: [&str; 2] = ["acr_values", "org.matrix.msc4363.acr_values"];
const MAX_AGE: [&str; 2] = ["max_age", "org.matrix.msc4363.max_age"];
const SCOPE: [&str; 2] = ["scope", "org.matrix.msc4363.scope"];

/// `client.interpret`: `status`, optional `headers` (object of strings) and `body` (object) in;
/// `action` and its fields out.
pub(crate) fn interpret(input: Input<'_>) -> Result<Value, Error> {
    let status = input.opt_u64("status")?.ok_or_else(|| Error::input("`input.status` is required"))?;
    let status = u16::try_from(status).map_err(|_| Error::input("`input.status` is out of range"))?;
    let headers = headers(input)?;
    let body = match input.opt_obj("body", "input.body")? {
        Some(fields) => error_body(fields),
        None => ErrorBody::default(),
    };
    let action = client::interpret(status, &headers, &body)?;
    Ok(describe(&action))
}

/// The headers as (name, value) pairs; a value may also be an array of strings (a repeated header).
fn headers(input: Input<'_>) -> Result<Vec<(&str, &str)>, Error> {
    let Some(value) = input.get("headers") else {
        return Ok(Vec::new());
    };
    let wrong = || Error::input("`input.headers` must be an object of strings");
    let fields = value.as_object().ok_or_else(wrong)?;
    let mut pairs = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        match value {
            Value::String(v) => pairs.push((name.as_str(), v.as_str())),
            Value::Array(items) => {
                for item in items {
                    pairs.push((name.as_str(), item.as_str().ok_or_else(wrong)?));
                }
            }
            _ => return Err(wrong()),
        }
    }
    Ok(pairs)
}

fn error_body(input: Input<'_>) -> ErrorBody<'_> {
    let str_field = |name: &str| match input.get(name) {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let u64_field = |name: &str| input.get(name).and_then(Value::as_u64);
    ErrorBody {
        errcode: str_field("errcode"),
        soft_logout: input.get("soft_logout") == Some(&Value::Bool(true)),
        retry_after_ms: u64_field("retry_after_ms"),
        acr_values: ACR_VALUES.into_iter().find_map(str_field),
        max_age: MAX_AGE.into_iter().find_map(u64_field),
        scope: SCOPE.into_iter().find_map(str_field),
        uia: input.get("flows").and_then(Value::as_array).map(|flows| UiaChallenge {
            stages: flows
                .iter()
                .filter_map(|flow| flow.get("stages").and_then(Value::as_array))
                .flatten()
                .filter_map(Value::as_str)
                .collect(),
            urls: input.get("params").and_then(Value::as_object).map(stage_urls).unwrap_or_default(),
            session: str_field("session"),
        }),
    }
}

/// `params.<stage>.url` for each stage whose params carry a string URL.
fn stage_urls(params: &Map<String, Value>) -> Vec<(&str, &str)> {
    params
        .iter()
        .filter_map(|(stage, p)| p.get("url").and_then(Value::as_str).map(|url| (stage.as_str(), url)))
        .collect()
}

fn describe(action: &ClientAction<'_>) -> Value {
    let name = action.name();
    match action {
        ClientAction::OpenUrl { url, session } => json!({ "action": name, "url": url, "session": session }),
        ClientAction::Reauthenticate(step_up) => json!({
            "action": name,
            "acr_values": step_up.acr_values,
            "max_age": step_up.max_age,
            "scope": step_up.scope,
        }),
        ClientAction::Retry { retry_after_ms } => json!({ "action": name, "retry_after_ms": retry_after_ms }),
        ClientAction::Refresh | ClientAction::Logout | ClientAction::Fail => json!({ "action": name }),
    }
}
