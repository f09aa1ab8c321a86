//! JSON glue of `request.decide` (DECISIONS.md "Input" and "Output").
//!
//! The input is read with [`Input`]: a wrong-typed field is `input.invalid`. The request body in
//! `context.body` is the client's own data, so its two fields are read for what they say:
//! `type` counts only when it is the string, and `inhibit_login` only when it is `true`.
//!
//! The result is built from the typed [`Output`] straight into a [`Value`]: no JSON text on the
//! way.

use serde_json::{Map, Value};

use crate::decide::{AnswerBody, Body, Context, Decision, Output, Request, Token, decide as decide_request};
use crate::error::Error;
use crate::guest::GuestAccess;
use crate::json::input::{Field, Fields, Input};
use crate::json::object;
use crate::policy::Policy;
use crate::uia::CrossSigning;

/// Runs `request.decide` on an input object.
pub fn decide(input: Input<'_>, policy: &Policy) -> Result<Value, Error> {
    output(input, policy).map(|output| output_to_json(&output))
}

/// Runs `request.decide` on an input object and gives the typed result, for bindings that build
/// their own result objects from it. The object is read through [`Fields`], so a binding can
/// hand its host's own object (the npm package: a JavaScript object, no JSON text).
pub fn output<F: Fields>(input: F, policy: &Policy) -> Result<Output, Error> {
    let entropy = super::entropy(&input)?;
    let (method, path) = (input.str("method")?, input.str("path")?);
    let query_kind = match input.opt_obj("query", "query")? {
        Some(query) => query.opt_str("kind")?,
        None => None,
    };
    let token = input.opt_obj("token", "token")?.map(|t| token(&t)).transpose()?;
    let context = match input.opt_obj("context", "context")? {
        Some(fields) => context(&fields)?,
        None => ContextFields::default(),
    };
    let mut request = Request::new(method.as_ref(), path.as_ref());
    request.query_kind = query_kind.as_ref().map(AsRef::as_ref);
    request.token = token.as_ref().map(TokenFields::token);
    request.context = context.context();
    request.now = input.opt_i64("now")?;
    request.entropy = entropy.as_deref();
    Ok(decide_request(&request, policy)?.output())
}

/// A token's fields as read, before they are borrowed into a [`Token`].
struct TokenFields<S> {
    active: bool,
    scope: Option<S>,
    device_id: Option<S>,
    auth_time: Option<i64>,
    acr: Option<S>,
    appservice: bool,
    guest: bool,
}

impl<S: AsRef<str>> TokenFields<S> {
    fn token(&self) -> Token<'_> {
        Token {
            active: self.active,
            scope: self.scope.as_ref().map(AsRef::as_ref),
            device_id: self.device_id.as_ref().map(AsRef::as_ref),
            auth_time: self.auth_time,
            acr: self.acr.as_ref().map(AsRef::as_ref),
            appservice: self.appservice,
            guest: self.guest,
        }
    }
}

fn token<F: Fields>(fields: &F) -> Result<TokenFields<F::Str>, Error> {
    let appservice = fields.opt_bool("appservice")?.unwrap_or(false);
    let scope = fields.opt_str("scope")?;
    if scope.is_none() && !appservice {
        return Err(Error::input("`token.scope` is required unless `token.appservice`"));
    }
    Ok(TokenFields {
        active: fields.opt_bool("active")?.unwrap_or(true),
        scope,
        device_id: fields.opt_str("device_id")?,
        auth_time: fields.opt_i64("auth_time")?,
        acr: fields.opt_str("acr")?,
        appservice,
        guest: fields.opt_bool("guest")?.unwrap_or(false),
    })
}

/// The context's fields as read, before they are borrowed into a [`Context`].
struct ContextFields<S> {
    account_management_uri: Option<S>,
    uia_session: Option<S>,
    cross_signing: CrossSigning,
    room_guest_access: Option<GuestAccess>,
    login_type: Option<S>,
    inhibit_login: bool,
}

impl<S> Default for ContextFields<S> {
    fn default() -> Self {
        Self {
            account_management_uri: None,
            uia_session: None,
            cross_signing: CrossSigning::default(),
            room_guest_access: None,
            login_type: None,
            inhibit_login: false,
        }
    }
}

impl<S: AsRef<str>> ContextFields<S> {
    fn context(&self) -> Context<'_> {
        Context {
            cross_signing: self.cross_signing,
            room_guest_access: self.room_guest_access,
            body: Body { login_type: self.login_type.as_ref().map(AsRef::as_ref), inhibit_login: self.inhibit_login },
            account_management_uri: self.account_management_uri.as_ref().map(AsRef::as_ref),
            uia_session: self.uia_session.as_ref().map(AsRef::as_ref),
        }
    }
}

fn context<F: Fields>(fields: &F) -> Result<ContextFields<F::Str>, Error> {
    let mut context = ContextFields {
        account_management_uri: fields.opt_str("account_management_uri")?,
        uia_session: fields.opt_str("uia_session")?,
        ..ContextFields::default()
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
        // The client's own data: each field counts only when it has the type that means something.
        if let Field::Str(login_type) = body.field("type", "") {
            context.login_type = Some(login_type);
        }
        context.inhibit_login = matches!(body.field("inhibit_login", ""), Field::Bool(true));
    }
    Ok(context)
}

/// The result object of DECISIONS.md "Output".
pub fn to_json(decision: &Decision<'_>) -> Value {
    output_to_json(&decision.output())
}

/// The result object of DECISIONS.md "Output", from the typed value.
pub fn output_to_json(output: &Output) -> Value {
    // Maps are filled by `insert`, not `collect`: collecting into a `BTreeMap` sorts first, and
    // the sort costs the npm package about 9 KB of WebAssembly (raw).
    let mut headers = Map::new();
    for (name, value) in output.sendable_headers() {
        headers.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    let mut result = object([
        ("decision", output.decision.name().into()),
        ("status", output.status.into()),
        ("errcode", output.errcode.into()),
        ("headers", headers.into()),
        ("body", output.body.as_ref().map_or(Value::Null, body_to_json)),
        ("endpoint", output.endpoint.clone().into()),
        ("device", output.device.clone().into()),
        ("synapse_admin", output.synapse_admin.into()),
        ("account_url", output.account_url.clone().into()),
    ]);
    if let Value::Object(fields) = &mut result {
        if let Some(consumes) = output.consumes_approval {
            fields.insert("consumes_approval".to_owned(), Value::Bool(consumes));
        }
        // The explanation (README "Why this answer"), beside the answer, never inside it.
        fields.insert("step".to_owned(), output.step.into());
        fields.insert("reason".to_owned(), output.reason.into());
        fields.insert("setting".to_owned(), output.setting.clone().into());
    }
    result
}

/// A typed answer body as the JSON value the server sends (the same fields as
/// [`AnswerBody::to_json_text`]).
pub fn body_to_json(body: &AnswerBody) -> Value {
    match body {
        AnswerBody::Error { errcode, error } => object([("errcode", (*errcode).into()), ("error", (*error).into())]),
        AnswerBody::Uia { flows, params, session } => {
            let flows = flows
                .iter()
                .map(|flow| object([("stages", flow.stages.iter().map(|s| Value::from(*s)).collect())]))
                .collect();
            let mut by_stage = Map::new();
            for p in params {
                by_stage.insert(p.stage.to_owned(), object([("url", p.url.as_str().into())]));
            }
            object([("flows", Value::Array(flows)), ("params", by_stage.into()), ("session", session.as_str().into())])
        }
        AnswerBody::StepUp { errcode, error, acr_values, max_age } => {
            let mut fields = Map::new();
            fields.insert("errcode".to_owned(), (*errcode).into());
            fields.insert("error".to_owned(), (*error).into());
            if let Some(acr) = acr_values {
                fields.insert("acr_values".to_owned(), acr.as_str().into());
            }
            if let Some(max_age) = max_age {
                fields.insert("max_age".to_owned(), (*max_age).into());
            }
            Value::Object(fields)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::Token;
    use crate::policy::{PolicySettings, StepUpRule};

    /// The typed output's own text and the JSON layer's value agree, for every kind of answer.
    #[test]
    fn text_and_value_agree() {
        // `acr_values` are NQCHAR (no quote to escape); the other texts below carry quotes and
        // backslashes.
        let step_up = vec![StepUpRule {
            endpoints: vec!["createRoom".into()],
            max_age: Some(5),
            acr_values: vec!["urn:example:acr".into()],
        }];
        let Ok(policy) = PolicySettings { step_up, ..PolicySettings::default() }.build() else { unreachable!() };
        let full = Token::oauth("urn:matrix:client:api:* urn:matrix:client:device:AB%22");
        let mut upload = Request::new("POST", "/_matrix/client/v3/keys/device_signing/upload").with_token(full);
        upload.context.account_management_uri = Some("https://a.example/?x=\"");
        upload.context.uia_session = Some("s\\1");
        let mut approved = upload;
        approved.context.cross_signing.reset_approved_until = Some(10);
        approved.now = Some(1);
        let mut deactivate = Request::new("POST", "/_matrix/client/v3/account/deactivate");
        deactivate.context.account_management_uri = Some("https://a.example/");
        let requests = [
            Request::new("GET", "/_matrix/client/v3/sync").with_token(full),
            Request::new("GET", "/_matrix/client/v3/sync").with_token(Token::oauth("openid")),
            Request { now: Some(100), ..Request::new("POST", "/_matrix/client/v3/createRoom").with_token(full) },
            upload,
            approved,
            deactivate,
            Request::new("OPTIONS", "/x"),
        ];
        for request in requests {
            let Ok(decision) = decide_request(&request, &policy) else { unreachable!("{request:?}") };
            let output = decision.output();
            let text: Result<Value, _> = serde_json::from_str(&output.to_json_text());
            assert_eq!(text.ok(), Some(output_to_json(&output)), "{request:?}");
            explanation_stays_out_of_the_answer(&decision);
        }
    }

    /// The explanation is in the result, never in the HTTP answer: the rendered body and headers
    /// hold exactly the keys DECISIONS.md "Output" gives each kind of answer.
    fn explanation_stays_out_of_the_answer(decision: &Decision<'_>) {
        let result = to_json(decision);
        for key in ["step", "reason", "setting"] {
            assert!(result.get(key).is_some(), "{key} in {result}");
        }
        let Some(answer) = decision.render() else { return };
        let body: Value = serde_json::from_str(&answer.body).unwrap_or_default();
        let mut keys: Vec<&str> = body.as_object().map(|b| b.keys().map(String::as_str).collect()).unwrap_or_default();
        keys.sort_unstable();
        let expected: &[&str] = match decision.kind() {
            "deny" => &["errcode", "error"],
            "uia" => &["flows", "params", "session"],
            _ => &["acr_values", "errcode", "error", "max_age"],
        };
        assert_eq!(keys, expected, "{}", answer.body);
        assert!(answer.headers.iter().all(|(name, _)| name == "www-authenticate"), "{:?}", answer.headers);
    }
}
