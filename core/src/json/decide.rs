//! JSON glue of `request.decide` (DECISIONS.md "Input" and "Output").
//!
//! The input is read with [`Input`]: a wrong-typed field is `input.invalid`. The request body in
//! `context.body` is the client's own data, so its two fields are read for what they say:
//! `type` counts only when it is the string, and `inhibit_login` only when it is `true`.

use serde_json::{Map, Value};

use crate::decide::{Body, Context, Decision, Request, Token, decide as decide_request};
use crate::error::Error;
use crate::guest::GuestAccess;
use crate::json::input::Input;
use crate::json::object;
use crate::policy::Policy;
use crate::uia::CrossSigning;

/// Runs `request.decide` on an input object.
pub fn decide(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    let entropy = super::entropy(input)?;
    let mut request = Request::new(input.str("method")?, input.str("path")?);
    request.query_kind = match input.opt_obj("query", "query")? {
        Some(query) => query.opt_str("kind")?,
        None => None,
    };
    request.token = input.opt_obj("token", "token")?.map(token).transpose()?;
    request.context = match input.opt_obj("context", "context")? {
        Some(fields) => context(fields)?,
        None => Context::default(),
    };
    request.now = input.opt_i64("now")?;
    request.entropy = entropy.as_deref();
    let decision = decide_request(&request, policy)?;
    to_json(&decision)
}

fn token<'a>(fields: Input<'a>) -> Result<Token<'a>, Error> {
    let appservice = fields.opt_bool("appservice")?.unwrap_or(false);
    let scope = fields.opt_str("scope")?;
    if scope.is_none() && !appservice {
        return Err(Error::input("`token.scope` is required unless `token.appservice`"));
    }
    Ok(Token {
        active: fields.opt_bool("active")?.unwrap_or(true),
        scope,
        device_id: fields.opt_str("device_id")?,
        auth_time: fields.opt_i64("auth_time")?,
        acr: fields.opt_str("acr")?,
        appservice,
        guest: fields.opt_bool("guest")?.unwrap_or(false),
    })
}

fn context<'a>(fields: Input<'a>) -> Result<Context<'a>, Error> {
    let mut context = Context {
        account_management_uri: fields.opt_str("account_management_uri")?,
        uia_session: fields.opt_str("uia_session")?,
        ..Context::default()
    };
    if let Some(keys) = fields.opt_obj("cross_signing", "context.cross_signing")? {
        let default = CrossSigning::default();
        context.cross_signing = CrossSigning {
            master_key_exists: keys.opt_bool("master_key_exists")?.unwrap_or(default.master_key_exists),
            keys_identical: keys.opt_bool("keys_identical")?.unwrap_or(default.keys_identical),
            reset_approved_until: keys.opt_i64("reset_approved_until")?,
        };
    }
    if let Some(room) = fields.opt_obj("room", "context.room")? {
        context.room_guest_access =
            room.opt_enum("guest_access", GuestAccess::from_name, "`can_join`, `forbidden` or null")?;
    }
    if let Some(body) = fields.opt_obj("body", "context.body")? {
        context.body = Body {
            login_type: body.get("type").and_then(Value::as_str),
            inhibit_login: body.get("inhibit_login") == Some(&Value::Bool(true)),
        };
    }
    Ok(context)
}

/// The result object of DECISIONS.md "Output".
pub fn to_json(decision: &Decision<'_>) -> Result<Value, Error> {
    let subject = decision.subject();
    let mut headers = Map::new();
    for (name, value) in decision.headers() {
        headers.insert(name, Value::String(value));
    }
    let body = match decision.body() {
        // The body was written as JSON text for servers; read it back as a value.
        Some(text) => serde_json::from_str(&text).map_err(|e| Error::input(format!("unrenderable body: {e}")))?,
        None => Value::Null,
    };
    let mut result = object([
        ("decision", decision.kind().into()),
        ("status", decision.status().into()),
        ("errcode", decision.errcode().into()),
        ("headers", headers.into()),
        ("body", body),
        ("endpoint", subject.operation_id().into()),
        ("device", subject.device.into()),
        ("synapse_admin", subject.synapse_admin.into()),
        ("account_url", decision.account_url().into()),
    ]);
    if let (Some(consumes), Value::Object(fields)) = (decision.consumes_approval(), &mut result) {
        fields.insert("consumes_approval".to_owned(), Value::Bool(consumes));
    }
    Ok(result)
}
