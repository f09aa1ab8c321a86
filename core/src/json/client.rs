//! JSON glue of `client.interpret` (FORMAT.md "Client helpers"): the response in, the action out.
//!
//! The op's own fields (`status`, `headers`, `body`) are checked strictly: a wrong type is
//! `input.invalid`. Inside the body, which is the server's text, a field of the wrong type counts
//! as absent, as a client reading a real response would treat it.

use serde_json::{Map, Value};

use crate::client::{self, ClientAction, ErrorBody, UiaChallenge};
use crate::error::Error;
use crate::json::input::Input;
use crate::json::object;

/// Field names of MSC4363 step-up bodies, stable then unstable.
const ACR_VALUES: [&str; 2] = ["acr_values", "org.matrix.msc4363.acr_values"];
const MAX_AGE: [&str; 2] = ["max_age", "org.matrix.msc4363.max_age"];
const SCOPE: [&str; 2] = ["scope", "org.matrix.msc4363.scope"];

/// `client.interpret`: `status`, optional `headers` (object of strings) and `body` (object) in;
/// `action` and its fields out.
pub(crate) fn interpret(input: Input<'_>) -> Result<Value, Error> {
    let status = input.opt_u64("status")?.ok_or_else(|| Error::input("`input.status` is required"))?;
    let status = u16::try_from(status).map_err(|_| Error::input("`input.status` is out of range"))?;
    let action = interpret_response(status, input.get("headers"), input.get("body"))?;
    Ok(describe_action(&action))
}

/// `client.interpret` for bindings with typed arguments: the response's `status`, its `headers`
/// and its `body` as JSON values, exactly as the op reads them (`headers` an object whose values
/// are strings or arrays of strings, `body` an object; absent or `null` is none). A wrong type
/// for `headers` or `body` is `input.invalid`; inside the body, a field of the wrong type counts
/// as absent. The op `client.interpret` is this function plus [`describe_action`].
pub fn interpret_response<'a>(
    status: u16,
    headers: Option<&'a Value>,
    body: Option<&'a Value>,
) -> Result<ClientAction<'a>, Error> {
    let headers = header_pairs(headers.filter(|v| !v.is_null()))?;
    interpret_pairs(status, &headers, body)
}

/// [`interpret_response`] for a host that holds its headers as (name, value) pairs already (a
/// repeated header as several pairs), so they need not become a JSON object first.
pub fn interpret_pairs<'a>(
    status: u16,
    headers: &[(&'a str, &'a str)],
    body: Option<&'a Value>,
) -> Result<ClientAction<'a>, Error> {
    let body = match body.filter(|v| !v.is_null()) {
        None => ErrorBody::default(),
        Some(value @ Value::Object(_)) => error_body(Input::new(value, "input.body")?),
        Some(_) => return Err(Error::input("`input.body` must be an object")),
    };
    Ok(client::interpret(status, headers, &body)?)
}

/// The headers as (name, value) pairs; a value may also be an array of strings (a repeated header).
fn header_pairs(value: Option<&Value>) -> Result<Vec<(&str, &str)>, Error> {
    let Some(value) = value else {
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

/// The `client.interpret` result object of an action: `action` and its fields.
pub fn describe_action(action: &ClientAction<'_>) -> Value {
    let name = ("action", Value::from(action.name()));
    match action {
        ClientAction::OpenUrl { url, session } => {
            object([name, ("url", (*url).into()), ("session", (*session).into())])
        }
        ClientAction::Reauthenticate(step_up) => object([
            name,
            ("acr_values", step_up.acr_values.as_deref().into()),
            ("max_age", step_up.max_age.into()),
            ("scope", step_up.scope.as_deref().into()),
        ]),
        ClientAction::Retry { retry_after_ms } => object([name, ("retry_after_ms", (*retry_after_ms).into())]),
        ClientAction::Refresh | ClientAction::Logout | ClientAction::Fail => object([name]),
    }
}
