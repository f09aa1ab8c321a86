//! Client helpers: building the login scope a client sends in its authorization request, and
//! deciding what to do about an error response.
//!
//! The spec ("Device ID allocation", MSC2967) has the client pick its device id and request it
//! with exactly one device token beside the full-API token. An error response tells the client
//! to open a browser page (the `m.oauth` UIA stage, MSC4312), to re-authenticate (RFC 9470,
//! MSC4363; spec notes section 3.5), to refresh or drop its session (spec "Soft logout"), or to
//! retry later (spec "Rate limiting"; section 5.3: 5xx means retry).

use std::borrow::Cow;

use crate::device::{self, DEFAULT_LENGTH, DeviceId};
use crate::error::{Error, InputError};
use crate::policy::Policy;
use crate::scope::{Form, Scope};
use crate::www_authenticate::{Challenges, Item, ParamValue};

/// Where the device id of a login scope comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginDevice<'a> {
    /// An id the client already has (checked against the policy's device rules).
    Id(&'a str),
    /// A fresh id of 10 characters drawn from these entropy bytes.
    Entropy(&'a [u8]),
}

impl<'a> LoginDevice<'a> {
    /// The device of a login scope from optional arguments (`client.login_scope`): the one place
    /// the choice is made, for the JSON layer and every binding. The id the client has when given
    /// (it wins over entropy), else a fresh id drawn from `entropy`; neither is `input.invalid`.
    pub fn from_options(device_id: Option<&'a str>, entropy: Option<&'a [u8]>) -> Result<Self, InputError> {
        match (device_id, entropy) {
            (Some(id), _) => Ok(Self::Id(id)),
            (None, Some(bytes)) => Ok(Self::Entropy(bytes)),
            (None, None) => Err(InputError::new("`device_id` or `entropy` is required")),
        }
    }
}

/// The login scope: the API and device tokens in `form`, plus `extra` tokens, parsed and
/// canonical. Returns the scope and its device id.
pub fn login_scope(
    device: LoginDevice<'_>,
    form: Form,
    extra: &[&str],
    policy: &Policy,
) -> Result<(Scope, String), Error> {
    let device_id = match device {
        LoginDevice::Id(id) => DeviceId::parse(id, &policy.settings().scope.device)?.into_owned(),
        LoginDevice::Entropy(bytes) => device::generate(bytes, DEFAULT_LENGTH)?,
    };
    let mut text = String::new();
    for ns in form.namespaces() {
        push_token(&mut text, ns.api_token());
        push_token(&mut text, ns.device_prefix());
        text.push_str(device_id.as_str());
    }
    for token in extra {
        push_token(&mut text, token);
    }
    let scope = Scope::parse(&text, &policy.settings().scope)?.to_canonical();
    Ok((scope, device_id.into()))
}

fn push_token(text: &mut String, token: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(token);
}

/// Where the device id of a login scope comes from, owned (feature `uniffi`: the binding's
/// `LoginDevice`, where nothing can be borrowed).
#[cfg(feature = "uniffi")]
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi(name = "LoginDevice")]
pub enum LoginDeviceSource {
    /// An id the client already has (checked against the policy's device rules).
    Id {
        /// The device id.
        device_id: String,
    },
    /// A fresh id of 10 characters drawn from these entropy bytes.
    Entropy {
        /// The bytes to draw from.
        bytes: Vec<u8>,
    },
    /// A fresh id of 10 characters from the platform's secure random source (feature `rand`).
    #[cfg(feature = "rand")]
    Random,
}

#[cfg(feature = "uniffi")]
impl LoginDeviceSource {
    /// [`login_scope`] with the device id from this source.
    pub fn login_scope(&self, form: Form, extra: &[&str], policy: &Policy) -> Result<(Scope, String), Error> {
        match self {
            Self::Id { device_id } => login_scope(LoginDevice::Id(device_id), form, extra, policy),
            Self::Entropy { bytes } => login_scope(LoginDevice::Entropy(bytes), form, extra, policy),
            #[cfg(feature = "rand")]
            Self::Random => {
                let id = device::generate_random(DEFAULT_LENGTH)?;
                login_scope(LoginDevice::Id(id.as_str()), form, extra, policy)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Interpreting an error response

/// The step-up error code of MSC4363, and its unstable name.
pub const INSUFFICIENT_USER_AUTHENTICATION: &str = "M_INSUFFICIENT_USER_AUTHENTICATION";
const INSUFFICIENT_USER_AUTHENTICATION_UNSTABLE: &str = "org.matrix.msc4363.M_INSUFFICIENT_USER_AUTHENTICATION";
/// The UIA stages whose step the user completes in a browser (MSC4312 and its predecessor).
pub const BROWSER_STAGES: [&str; 2] = ["m.oauth", "org.matrix.cross_signing_reset"];

/// The User-Interactive Authentication part of an error body: what the client needs to route by
/// the advertised stage (spec "User-interactive authentication API", MSC4312).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UiaChallenge<'a> {
    /// Every stage of every flow in `flows`.
    pub stages: Vec<&'a str>,
    /// `params.<stage>.url` for each stage whose params carry a URL.
    pub urls: Vec<(&'a str, &'a str)>,
    /// The UIA session id.
    pub session: Option<&'a str>,
}

impl<'a> UiaChallenge<'a> {
    fn offers(&self, stage: &str) -> bool {
        self.stages.contains(&stage)
    }

    fn url(&self, stage: &str) -> Option<&'a str> {
        self.urls.iter().find(|(s, _)| *s == stage).map(|(_, url)| *url)
    }
}

/// The fields of a Matrix error body that decide what a client does next. A host's JSON layer
/// fills it (the `serde` feature's `client.interpret` op does); absent fields stay at the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody<'a> {
    /// `errcode`.
    pub errcode: Option<&'a str>,
    /// `soft_logout` (spec "Soft logout"): the session may be refreshed.
    pub soft_logout: bool,
    /// `retry_after_ms` (spec "Rate limiting").
    pub retry_after_ms: Option<u64>,
    /// `acr_values` (MSC4363; or `org.matrix.msc4363.acr_values`).
    pub acr_values: Option<&'a str>,
    /// `max_age` in seconds (MSC4363; or `org.matrix.msc4363.max_age`).
    pub max_age: Option<u64>,
    /// `scope`, the full scope the new token needs (MSC4363; or `org.matrix.msc4363.scope`).
    pub scope: Option<&'a str>,
    /// The UIA challenge, when the body has `flows`.
    pub uia: Option<UiaChallenge<'a>>,
}

/// What a step-up challenge asks the client to re-authenticate with (RFC 9470 section 4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepUp<'a> {
    /// Acceptable authentication context classes, space-separated, as sent.
    pub acr_values: Option<Cow<'a, str>>,
    /// Most seconds since the last active authentication.
    pub max_age: Option<u64>,
    /// The scope to request (absent: reuse the login scope, MSC4363).
    pub scope: Option<Cow<'a, str>>,
}

/// What the client does about an error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAction<'a> {
    /// Open `url` in a browser, then retry the request with the UIA `session` (MSC4312).
    OpenUrl {
        /// The page where the user approves the action.
        url: &'a str,
        /// The UIA session to retry with.
        session: Option<&'a str>,
    },
    /// Start a new authorization request with these values (RFC 9470, MSC4363).
    Reauthenticate(StepUp<'a>),
    /// Refresh the access token: the session survives (`soft_logout: true`).
    Refresh,
    /// The session is gone: sign out locally.
    Logout,
    /// Retry later.
    Retry {
        /// How long to wait, when the server said.
        retry_after_ms: Option<u64>,
    },
    /// Nothing to do but report the error.
    Fail,
}

impl ClientAction<'_> {
    /// The action's name in JSON results.
    pub fn name(&self) -> &'static str {
        match self {
            Self::OpenUrl { .. } => "open_url",
            Self::Reauthenticate(_) => "reauthenticate",
            Self::Refresh => "refresh",
            Self::Logout => "logout",
            Self::Retry { .. } => "retry",
            Self::Fail => "fail",
        }
    }
}

/// Decides what a client does about an error response: `status`, its `headers` as (name, value)
/// pairs (names compared case-insensitively, a repeated header as several pairs) and the fields
/// of its JSON body.
///
/// Rules, first match wins: a UIA body offering `m.oauth` or `org.matrix.cross_signing_reset`
/// opens the URL from `params` (`m.oauth` first); an `M_INSUFFICIENT_USER_AUTHENTICATION` body
/// re-authenticates with the body's values, else an RFC 9470 `insufficient_user_authentication`
/// challenge in `WWW-Authenticate` with the header's; `M_UNKNOWN_TOKEN` refreshes when
/// `soft_logout` is set and logs out otherwise; 429 and 5xx retry (`retry_after_ms`, else
/// `Retry-After` seconds × 1000); anything else fails. A status that is not an error (below 400,
/// or outside 100 to 599) is `input.invalid`.
pub fn interpret<'a>(
    status: u16,
    headers: &[(&'a str, &'a str)],
    body: &ErrorBody<'a>,
) -> Result<ClientAction<'a>, InputError> {
    if !(400..=599).contains(&status) {
        return Err(InputError::new(format!("the status {status} is not an error status")));
    }
    if let Some(action) = open_url(body) {
        return Ok(action);
    }
    if body
        .errcode
        .is_some_and(|c| c == INSUFFICIENT_USER_AUTHENTICATION || c == INSUFFICIENT_USER_AUTHENTICATION_UNSTABLE)
    {
        return Ok(ClientAction::Reauthenticate(StepUp {
            acr_values: body.acr_values.map(Cow::Borrowed),
            max_age: body.max_age,
            scope: body.scope.map(Cow::Borrowed),
        }));
    }
    if let Some(step_up) = header_values(headers, "www-authenticate").find_map(step_up_challenge) {
        return Ok(ClientAction::Reauthenticate(step_up));
    }
    if body.errcode == Some("M_UNKNOWN_TOKEN") {
        return Ok(if body.soft_logout { ClientAction::Refresh } else { ClientAction::Logout });
    }
    if status == 429 || status >= 500 {
        let retry_after_ms =
            body.retry_after_ms.or_else(|| header_values(headers, "retry-after").next().and_then(retry_after_ms));
        return Ok(ClientAction::Retry { retry_after_ms });
    }
    Ok(ClientAction::Fail)
}

/// MSC4312: the URL of the first offered browser stage, `m.oauth` before its predecessor. A
/// stage that is offered without a URL gives the client nothing to open.
fn open_url<'a>(body: &ErrorBody<'a>) -> Option<ClientAction<'a>> {
    let uia = body.uia.as_ref()?;
    let url = BROWSER_STAGES.iter().filter(|s| uia.offers(s)).find_map(|s| uia.url(s))?;
    Some(ClientAction::OpenUrl { url, session: uia.session })
}

fn header_values<'h, 'a: 'h>(headers: &'h [(&'a str, &'a str)], name: &'h str) -> impl Iterator<Item = &'a str> + 'h {
    headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
}

/// `Retry-After` in delta-seconds (RFC 9110 section 10.2.3) as milliseconds; an HTTP-date needs
/// a clock, which the engine never reads, so it gives `None`.
fn retry_after_ms(value: &str) -> Option<u64> {
    digits(value.trim_matches([' ', '\t']))?.checked_mul(1000)
}

/// A non-empty run of ASCII digits (no sign, unlike `str::parse`).
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The first `Bearer` challenge of one `WWW-Authenticate` value whose `error` is
/// `insufficient_user_authentication` (RFC 9470 section 3), with its parameters.
fn step_up_challenge(header: &str) -> Option<StepUp<'_>> {
    let mut items = Challenges::new(header);
    let mut current: Option<BearerParams<'_>> = None;
    for item in items.by_ref() {
        match item {
            Item::Scheme(scheme) => {
                if let Some(found) = current.take().and_then(BearerParams::step_up) {
                    return Some(found);
                }
                current = scheme.eq_ignore_ascii_case("bearer").then(BearerParams::default);
            }
            Item::Token68 => current = None,
            Item::Param(name, value) => {
                if let Some(params) = current.as_mut() {
                    params.set(name, value);
                }
            }
        }
    }
    // A challenge cut short by a syntax error is not trusted.
    if items.malformed {
        return None;
    }
    current.and_then(BearerParams::step_up)
}

/// The parameters of one `Bearer` challenge that matter here; the first of a repeated name wins.
#[derive(Debug, Default)]
struct BearerParams<'a> {
    error: Option<ParamValue<'a>>,
    acr_values: Option<ParamValue<'a>>,
    max_age: Option<ParamValue<'a>>,
    scope: Option<ParamValue<'a>>,
}

impl<'a> BearerParams<'a> {
    fn set(&mut self, name: &str, value: ParamValue<'a>) {
        let slot = if name.eq_ignore_ascii_case("error") {
            &mut self.error
        } else if name.eq_ignore_ascii_case("acr_values") {
            &mut self.acr_values
        } else if name.eq_ignore_ascii_case("max_age") {
            &mut self.max_age
        } else if name.eq_ignore_ascii_case("scope") {
            &mut self.scope
        } else {
            return;
        };
        slot.get_or_insert(value);
    }

    fn step_up(self) -> Option<StepUp<'a>> {
        if self.error?.text() != "insufficient_user_authentication" {
            return None;
        }
        Some(StepUp {
            acr_values: self.acr_values.map(ParamValue::text),
            max_age: self.max_age.and_then(|v| digits(&v.text())),
            scope: self.scope.map(ParamValue::text),
        })
    }
}

/// What a client does about an error response, owned (feature `uniffi`: the binding's
/// `ClientAction`, where nothing can be borrowed).
#[cfg(feature = "uniffi")]
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi(name = "ClientAction")]
pub enum OwnedClientAction {
    /// Open `url` in a browser, then retry the request with the UIA `session` (MSC4312).
    OpenUrl {
        /// The page where the user approves the action.
        url: String,
        /// The UIA session to retry with.
        session: Option<String>,
    },
    /// Start a new authorization request with these values (RFC 9470, MSC4363).
    Reauthenticate {
        /// Acceptable authentication context classes, space-separated, as sent.
        acr_values: Option<String>,
        /// Most seconds since the last active authentication.
        max_age: Option<u64>,
        /// The scope to request (absent: reuse the login scope).
        scope: Option<String>,
    },
    /// Refresh the access token: the session survives (`soft_logout: true`).
    Refresh,
    /// The session is gone: sign out locally.
    Logout,
    /// Retry later.
    Retry {
        /// How long to wait, when the server said.
        retry_after_ms: Option<u64>,
    },
    /// Nothing to do but report the error.
    Fail,
}

#[cfg(feature = "uniffi")]
impl From<ClientAction<'_>> for OwnedClientAction {
    fn from(action: ClientAction<'_>) -> Self {
        match action {
            ClientAction::OpenUrl { url, session } => {
                Self::OpenUrl { url: url.to_owned(), session: session.map(str::to_owned) }
            }
            ClientAction::Reauthenticate(step_up) => Self::Reauthenticate {
                acr_values: step_up.acr_values.map(Cow::into_owned),
                max_age: step_up.max_age,
                scope: step_up.scope.map(Cow::into_owned),
            },
            ClientAction::Refresh => Self::Refresh,
            ClientAction::Logout => Self::Logout,
            ClientAction::Retry { retry_after_ms } => Self::Retry { retry_after_ms },
            ClientAction::Fail => Self::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_device_id_wins_over_entropy_and_one_is_required() {
        let bytes = [1_u8; 10];
        assert_eq!(LoginDevice::from_options(Some("ABC"), Some(&bytes)), Ok(LoginDevice::Id("ABC")));
        assert_eq!(LoginDevice::from_options(None, Some(&bytes)), Ok(LoginDevice::Entropy(&bytes)));
        assert_eq!(LoginDevice::from_options(None, None).map_err(|e| e.code()), Err("input.invalid"));
    }

    #[test]
    fn login_scope_in_both_forms() {
        let (scope, id) = login_scope(LoginDevice::Id("ABCDEFGHIJ"), Form::Both, &["openid"], &Policy::spec())
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(id, "ABCDEFGHIJ");
        assert_eq!(scope.len(), 5);
        let err = login_scope(LoginDevice::Id("a"), Form::Stable, &[], &Policy::preset(crate::Preset::Mas));
        assert_eq!(err.map_err(|e| e.code()).err(), Some("device_id.too_short"));
        let err = login_scope(LoginDevice::Id("ABCDEFGHIJ"), Form::Stable, &[""], &Policy::spec());
        assert_eq!(err.map_err(|e| e.code()).err(), Some("scope.empty_token"));
    }

    fn step_up(header: &str) -> Option<(Option<String>, Option<u64>, Option<String>)> {
        step_up_challenge(header).map(|s| (s.acr_values.map(Cow::into_owned), s.max_age, s.scope.map(Cow::into_owned)))
    }

    #[test]
    fn www_authenticate_forms() {
        let full = r#"Bearer error="insufficient_user_authentication", acr_values="a b", max_age="300""#;
        assert_eq!(step_up(full), Some((Some("a b".into()), Some(300), None)));
        // Case-insensitive scheme and names, token values, optional whitespace around `=`.
        let tokens = "bearer ERROR = insufficient_user_authentication ,Max_Age=5, scope=openid";
        assert_eq!(step_up(tokens), Some((None, Some(5), Some("openid".into()))));
        // Escapes are resolved; a later challenge is found; the first of a repeated name wins.
        let escaped =
            r#"Basic realm="x", Bearer error="insufficient_user_authentication", acr_values="q\"u\\", acr_values="z""#;
        assert_eq!(step_up(escaped), Some((Some("q\"u\\".into()), None, None)));
        let two = r#"Bearer error="invalid_token", Bearer error="insufficient_user_authentication""#;
        assert_eq!(step_up(two), Some((None, None, None)));
        let empty_elements = r#"Newauth abc==, , Bearer , error="insufficient_user_authentication""#;
        assert_eq!(step_up(empty_elements), Some((None, None, None)));
        // A non-integer max_age is dropped.
        let odd = r#"Bearer error="insufficient_user_authentication", max_age="+5""#;
        assert_eq!(step_up(odd), Some((None, None, None)));
    }

    #[test]
    fn www_authenticate_refusals() {
        for header in [
            r#"Bearer error="insufficient_scope""#,
            r#"Basic error="insufficient_user_authentication""#,
            r#"Bearer error="insufficient_user_authentication", max_age="3"#,
            r#"Bearer error="insufficient_user_authentication" junk"#,
            "Bearer error=insufficient_user_authentication, a=\"\u{1}\"",
            "Bearer Basic error=insufficient_user_authentication",
            "Bearer abc",
            "",
            "=",
            ",,,",
        ] {
            assert_eq!(step_up(header), None, "{header}");
        }
    }

    #[test]
    fn interpret_in_rule_order() {
        let uia = UiaChallenge {
            stages: vec!["m.oauth", "org.matrix.cross_signing_reset"],
            urls: vec![("org.matrix.cross_signing_reset", "https://b"), ("m.oauth", "https://a")],
            session: Some("s"),
        };
        let body = ErrorBody { uia: Some(uia), errcode: Some("M_UNKNOWN_TOKEN"), ..ErrorBody::default() };
        assert_eq!(interpret(401, &[], &body), Ok(ClientAction::OpenUrl { url: "https://a", session: Some("s") }));
        let body =
            ErrorBody { errcode: Some(INSUFFICIENT_USER_AUTHENTICATION), max_age: Some(9), ..ErrorBody::default() };
        let header = [("WWW-Authenticate", r#"Bearer error="insufficient_user_authentication", max_age=1"#)];
        let expected = StepUp { max_age: Some(9), ..StepUp::default() };
        assert_eq!(interpret(401, &header, &body), Ok(ClientAction::Reauthenticate(expected)));
        let expected = StepUp { max_age: Some(1), ..StepUp::default() };
        assert_eq!(interpret(401, &header, &ErrorBody::default()), Ok(ClientAction::Reauthenticate(expected)));
        let soft = ErrorBody { errcode: Some("M_UNKNOWN_TOKEN"), soft_logout: true, ..ErrorBody::default() };
        assert_eq!(interpret(401, &[], &soft), Ok(ClientAction::Refresh));
        let hard = ErrorBody { errcode: Some("M_UNKNOWN_TOKEN"), ..ErrorBody::default() };
        assert_eq!(interpret(401, &[], &hard), Ok(ClientAction::Logout));
        let limited = ErrorBody { errcode: Some("M_LIMIT_EXCEEDED"), ..ErrorBody::default() };
        let retry = [("retry-after", "2")];
        assert_eq!(interpret(429, &retry, &limited), Ok(ClientAction::Retry { retry_after_ms: Some(2000) }));
        let with_ms = ErrorBody { retry_after_ms: Some(5), ..limited.clone() };
        assert_eq!(interpret(503, &retry, &with_ms), Ok(ClientAction::Retry { retry_after_ms: Some(5) }));
        let date = [("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")];
        assert_eq!(interpret(500, &date, &limited), Ok(ClientAction::Retry { retry_after_ms: None }));
        assert_eq!(interpret(403, &[], &limited), Ok(ClientAction::Fail));
        for status in [0, 200, 302, 399, 600] {
            assert_eq!(interpret(status, &[], &limited).map_err(|e| e.code()), Err("input.invalid"), "{status}");
        }
    }
}
