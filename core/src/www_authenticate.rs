//! The RFC 9110 `WWW-Authenticate` grammar (section 11.6.1): a borrowing tokenizer over one
//! header value, which [`client::interpret`](crate::client::interpret) reads RFC 9470 step-up
//! challenges with.
//!
//! `WWW-Authenticate = 1#challenge`, `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`,
//! `auth-param = token BWS "=" BWS ( token / quoted-string )`; empty list elements are allowed
//! (`#rule`, section 5.6.1). The tokenizer yields the scheme, a token68 or each auth-param in
//! order and stops at the first syntax error, setting `malformed`: a caller does not trust a
//! challenge cut short. It allocates only to resolve a quoted-pair.
//!
//! It also holds the one writer of the challenges the engine sends ([`push_quoted_param`]) and
//! the check every header leaving the engine passes ([`is_sendable_header`]): a header value the
//! engine writes never holds a control character, whatever the typed API was given.

use std::borrow::Cow;

/// Appends `, name="value"` to a challenge, `value` as an RFC 9110 quoted-string (section 5.6.4):
/// `"` and `\` become quoted-pairs, every other character is written as is.
///
/// A value holding a control character (Unicode category Cc: U+0000 to U+001F, U+007F to U+009F,
/// which includes CR, LF and HTAB) cannot be written: a quoted-string has no escape for CR or LF,
/// and a changed value would be a different requirement. The parameter is then left out and the
/// function returns `false`. A policy never gets here with such a value (`Policy::new` refuses
/// step-up `acr_values` and `required_scopes` outside NQCHAR); this guards a caller who builds a
/// [`Denial`](crate::decide::Denial) or a challenge by hand.
pub(crate) fn push_quoted_param(out: &mut String, name: &str, value: &str) -> bool {
    if value.chars().any(char::is_control) {
        return false;
    }
    out.reserve(name.len() + value.len() + 5);
    out.push_str(", ");
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    true
}

/// Whether a header may leave the engine as is: its name is a non-empty RFC 9110 token (section
/// 5.1) and its value holds no control character (Unicode category Cc, so no CR, LF, NUL or HTAB,
/// and no C1 control). Every writer of headers in the crate skips a header that fails this
/// ([`Output::to_json_text`](crate::decide::Output::to_json_text),
/// [`HttpAnswer::sendable_headers`](crate::HttpAnswer::sendable_headers) and the bindings'
/// conversions), so an `Output` or `HttpAnswer` a caller filled by hand cannot inject a header line
/// through the engine either.
pub fn is_sendable_header(name: &str, value: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_tchar) && !value.chars().any(char::is_control)
}

/// An auth-param value as written: a token, or the inside of a quoted-string with its escapes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ParamValue<'a> {
    Token(&'a str),
    Quoted(&'a str),
}

impl<'a> ParamValue<'a> {
    /// The value, with quoted-pairs resolved (borrowed unless there is a backslash).
    pub(crate) fn text(self) -> Cow<'a, str> {
        match self {
            Self::Token(t) => Cow::Borrowed(t),
            Self::Quoted(q) if !q.contains('\\') => Cow::Borrowed(q),
            Self::Quoted(q) => {
                let mut out = String::with_capacity(q.len());
                let mut chars = q.chars();
                while let Some(c) = chars.next() {
                    out.extend(if c == '\\' { chars.next() } else { Some(c) });
                }
                Cow::Owned(out)
            }
        }
    }
}

/// One piece of a `WWW-Authenticate` value (RFC 9110 section 11.6.1: `1#challenge`, where
/// `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`).
#[derive(Debug)]
pub(crate) enum Item<'a> {
    Scheme(&'a str),
    Token68,
    Param(&'a str, ParamValue<'a>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a new challenge.
    Challenge,
    /// After `scheme 1*SP`: a token68 or the first auth-param.
    AfterScheme,
    /// After the first auth-param and a comma: another auth-param or a new challenge.
    Params,
    /// The end, or a syntax error.
    Done,
}

/// A borrowing tokenizer over one header value; it stops at the first syntax error.
pub(crate) struct Challenges<'a> {
    text: &'a str,
    pos: usize,
    state: State,
    /// Whether the tokenizer stopped at a syntax error (what came before it was read).
    pub(crate) malformed: bool,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

impl<'a> Challenges<'a> {
    /// A tokenizer over one header value.
    pub(crate) fn new(text: &'a str) -> Self {
        Self { text, pos: 0, state: State::Challenge, malformed: false }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn take_while(&mut self, accept: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&accept) {
            self.pos += 1;
        }
        self.text.get(start..self.pos).unwrap_or("")
    }

    fn skip_ows(&mut self) -> bool {
        !self.take_while(|b| b == b' ' || b == b'\t').is_empty()
    }

    /// Skips whitespace and empty list elements (`#rule` allows them).
    fn skip_separators(&mut self) {
        self.take_while(|b| b == b' ' || b == b'\t' || b == b',');
    }

    /// Whether the list element ends here (whitespace, then a comma or the end).
    fn at_element_end(&mut self) -> bool {
        self.skip_ows();
        matches!(self.peek(), None | Some(b','))
    }

    fn fail(&mut self) -> Option<Item<'a>> {
        self.malformed = true;
        self.state = State::Done;
        None
    }

    fn scheme(&mut self) -> Option<Item<'a>> {
        self.skip_separators();
        if self.peek().is_none() {
            self.state = State::Done;
            return None;
        }
        let scheme = self.take_while(is_tchar);
        if scheme.is_empty() {
            return self.fail();
        }
        let spaced = !self.take_while(|b| b == b' ').is_empty();
        self.state = match self.peek() {
            None | Some(b',') => State::Params,
            Some(_) if spaced => State::AfterScheme,
            Some(_) => return self.fail(),
        };
        Some(Item::Scheme(scheme))
    }

    /// A token68 when the element is nothing but one, else the first auth-param.
    fn after_scheme(&mut self) -> Option<Item<'a>> {
        let start = self.pos;
        let token68 = self.take_while(is_token68_char);
        self.take_while(|b| b == b'=');
        if !token68.is_empty() && self.at_element_end() {
            self.state = State::Challenge;
            return Some(Item::Token68);
        }
        self.pos = start;
        match self.param(false) {
            Some(item) => {
                self.state = State::Params;
                Some(item)
            }
            None => self.fail(),
        }
    }

    /// An auth-param; with `may_end_challenge`, a token not followed by `=` starts a new challenge.
    fn param(&mut self, may_end_challenge: bool) -> Option<Item<'a>> {
        let start = self.pos;
        let name = self.take_while(is_tchar);
        if name.is_empty() {
            return None;
        }
        self.skip_ows();
        if self.peek() != Some(b'=') {
            if may_end_challenge {
                self.pos = start;
                self.state = State::Challenge;
            }
            return None;
        }
        self.pos += 1;
        self.skip_ows();
        let value = self.value()?;
        if !self.at_element_end() {
            return None;
        }
        Some(Item::Param(name, value))
    }

    fn value(&mut self) -> Option<ParamValue<'a>> {
        if self.peek() != Some(b'"') {
            let token = self.take_while(is_tchar);
            return (!token.is_empty()).then_some(ParamValue::Token(token));
        }
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    self.pos += 1;
                    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                    let next = self.peek()?;
                    if (next != b'\t' && next < 0x20) || next == 0x7f {
                        return None;
                    }
                }
                // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
                b if (b != b'\t' && b < 0x20) || b == 0x7f => return None,
                _ => {}
            }
            self.pos += 1;
        }
        let inner = self.text.get(start..self.pos)?;
        self.pos += 1;
        Some(ParamValue::Quoted(inner))
    }
}

impl<'a> Iterator for Challenges<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        loop {
            return match self.state {
                State::Done => None,
                State::Challenge => self.scheme(),
                State::AfterScheme => self.after_scheme(),
                State::Params => {
                    self.skip_separators();
                    if self.peek().is_none() {
                        self.state = State::Done;
                        return None;
                    }
                    match self.param(true) {
                        Some(item) => Some(item),
                        None if self.state == State::Challenge => continue,
                        None => self.fail(),
                    }
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(header: &str) -> (Vec<String>, bool) {
        let mut tokenizer = Challenges::new(header);
        let read = tokenizer
            .by_ref()
            .map(|item| match item {
                Item::Scheme(s) => format!("scheme {s}"),
                Item::Token68 => "token68".to_owned(),
                Item::Param(name, value) => format!("{name}={}", value.text()),
            })
            .collect();
        (read, tokenizer.malformed)
    }

    #[test]
    fn challenges_and_params() {
        let (read, malformed) = items(r#"Newauth abc==, Bearer error="a\"b", , max_age = 5"#);
        assert_eq!(read, ["scheme Newauth", "token68", "scheme Bearer", "error=a\"b", "max_age=5"]);
        assert!(!malformed);
        let (read, malformed) = items(r#"Bearer error="unterminated"#);
        assert_eq!(read, ["scheme Bearer"]);
        assert!(malformed);
        assert_eq!(items(""), (Vec::new(), false));
    }

    #[test]
    fn the_writer_escapes_quotes_and_refuses_controls() {
        let mut out = String::from("Bearer");
        assert!(push_quoted_param(&mut out, "a", r#"x"y\z"#));
        assert_eq!(out, r#"Bearer, a="x\"y\\z""#);
        assert_eq!(items(&out), (vec!["scheme Bearer".to_owned(), r#"a=x"y\z"#.to_owned()], false));
        for bad in ["c\r\nX-Injected: 1", "\n", "a\tb", "\0", "\u{7f}", "\u{85}", "x\u{9f}"] {
            let mut out = String::from("Bearer");
            assert!(!push_quoted_param(&mut out, "a", bad), "{bad:?}");
            assert_eq!(out, "Bearer");
        }
        // Non-ASCII text that is not a control (obs-text on the wire) is written as is.
        let mut out = String::from("Bearer");
        assert!(push_quoted_param(&mut out, "a", "caf\u{e9} \u{2028}"));
        assert!(is_sendable_header("www-authenticate", &out));
    }

    #[test]
    fn sendable_headers() {
        assert!(is_sendable_header("www-authenticate", "Bearer error=\"x\""));
        for (name, value) in [("www-authenticate", "a\r\nx-injected: 1"), ("x", "a\tb"), ("x", "\u{85}"), ("", "a")] {
            assert!(!is_sendable_header(name, value), "{name:?} {value:?}");
        }
        for name in ["x y", "x:", "x\n", "caf\u{e9}"] {
            assert!(!is_sendable_header(name, "a"), "{name:?}");
        }
    }
}

/// Whatever a policy or a hand-built answer holds, no header the engine writes carries a control
/// character, and every challenge it writes reads back whole with the tokenizer above.
#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::{Challenges, Item};
    use crate::decide::{Decision, DecisionKind, Denial, HttpAnswer, Output, Subject};
    use crate::policy::StepUpRule;
    use crate::{PolicySettings, Request, Token, decide};

    const FULL: &str = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ";

    /// The challenge's scheme and its params (quoted-pairs resolved), or `None` when malformed.
    fn read(header: &str) -> Option<(String, Vec<(String, String)>)> {
        let mut tokenizer = Challenges::new(header);
        let mut scheme = None;
        let mut params = Vec::new();
        for item in tokenizer.by_ref() {
            match item {
                Item::Scheme(s) if scheme.is_none() => scheme = Some(s.to_owned()),
                Item::Param(name, value) => params.push((name.to_owned(), value.text().into_owned())),
                _ => return None,
            }
        }
        (!tokenizer.malformed).then_some((scheme?, params))
    }

    fn nqchar(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(crate::chars::is_scope_char)
    }

    /// acr values: arbitrary text, ASCII with controls, NQCHAR, and the finding's own values.
    fn acr() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[\\x00-\\x7f]{0,6}",
            "[!#-\\[\\]-~]{1,8}",
            prop::sample::select(vec!["a\"b", "c\r\nX-Injected: 1", "urn:acr:mfa", "", "\u{85}", "a\\b"])
                .prop_map(str::to_owned),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn acr_values_are_refused_or_render_clean(
            first in prop::collection::vec(acr(), 0..4),
            second in prop::collection::vec(acr(), 0..4),
        ) {
            let rules = vec![
                StepUpRule { endpoints: vec!["createRoom".into()], max_age: Some(60), acr_values: first.clone() },
                StepUpRule { endpoints: vec!["createRoom".into()], max_age: None, acr_values: second.clone() },
            ];
            let all_good = first.iter().chain(&second).all(|v| nqchar(v));
            let built = PolicySettings { step_up: rules, ..PolicySettings::default() }.build();
            let policy = match built {
                Err(e) => {
                    prop_assert!(!all_good || second.is_empty(), "refused a good policy: {e}");
                    prop_assert_eq!(e.code(), "policy.invalid");
                    return Ok(());
                }
                Ok(policy) => policy,
            };
            prop_assert!(all_good && !second.is_empty(), "loaded {:?} {:?}", first, second);
            let token = Token { acr: Some("\u{1}none"), ..Token::oauth(FULL) };
            let request = Request { now: Some(0), ..Request::new("POST", "/_matrix/client/v3/createRoom").with_token(token) };
            let decision = decide(&request, &policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(decision.decision_kind(), DecisionKind::StepUp);
            let Some(answer) = decision.render() else { return Err(TestCaseError::fail("no answer")) };
            prop_assert_eq!(answer.headers.len(), 1);
            for (name, value) in &answer.headers {
                prop_assert!(!value.chars().any(char::is_control), "{:?}", value);
                prop_assert!(super::is_sendable_header(name, value));
                let parsed = read(value);
                let Some((scheme, params)) = parsed else { return Err(TestCaseError::fail(format!("malformed: {value}"))) };
                prop_assert_eq!(scheme, "Bearer");
                let mut union: Vec<&str> = Vec::new();
                for v in first.iter().chain(&second) {
                    if !union.contains(&v.as_str()) {
                        union.push(v);
                    }
                }
                let expected = [
                    ("error".to_owned(), "insufficient_user_authentication".to_owned()),
                    ("acr_values".to_owned(), union.join(" ")),
                    ("max_age".to_owned(), "60".to_owned()),
                ];
                prop_assert_eq!(params, expected);
            }
            let json = decision.output().to_json_text();
            prop_assert!(!json.chars().any(char::is_control));
        }

        #[test]
        fn a_hand_built_scope_challenge_renders_clean(scope in acr()) {
            let decision = Decision::Deny {
                subject: Subject::default(),
                reason: Denial::MissingRequiredScope {
                    challenge: &scope,
                    required_by: crate::decide::RequiredBy::RequiredScopes("createRoom"),
                },
                account: None,
            };
            let Some(answer) = decision.render() else { return Err(TestCaseError::fail("no answer")) };
            let [(_, value)] = answer.headers.as_slice() else { return Err(TestCaseError::fail("one header")) };
            prop_assert!(!value.chars().any(char::is_control), "{:?}", value);
            let parsed = read(value);
            let Some((scheme, params)) = parsed else { return Err(TestCaseError::fail(format!("malformed: {value}"))) };
            prop_assert_eq!(scheme, "Bearer");
            let mut expected = vec![("error".to_owned(), "insufficient_scope".to_owned())];
            // Written exactly (quotes and backslashes as quoted-pairs) unless it holds a control.
            if !scope.chars().any(char::is_control) {
                expected.push(("scope".to_owned(), scope.clone()));
            }
            prop_assert_eq!(params, expected);
        }

        #[test]
        fn hand_built_answers_send_no_control(name in "[a-z\\x00-\\x7f-]{0,6}", value in acr()) {
            let answer = HttpAnswer { status: 401, headers: vec![(name.clone(), value.clone())], body: String::new() };
            for (n, v) in answer.sendable_headers() {
                prop_assert!(!v.chars().any(char::is_control) && !n.is_empty());
            }
            let output = Output {
                decision: DecisionKind::Deny,
                status: Some(401),
                errcode: None,
                headers: vec![("x-a", value.clone()), ("www-authenticate", value.clone())],
                body: None,
                endpoint: None,
                device: None,
                synapse_admin: false,
                account_url: None,
                consumes_approval: None,
                step: 17,
                reason: "step_up.acr_not_accepted",
                setting: None,
            };
            let sent = output.sendable_headers().count();
            prop_assert_eq!(sent, if value.chars().any(char::is_control) { 0 } else { 2 });
            let json: serde_json::Value = serde_json::from_str(&output.to_json_text())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let headers = json.get("headers").and_then(serde_json::Value::as_object).cloned().unwrap_or_default();
            prop_assert_eq!(headers.len(), sent);
            for v in headers.values() {
                prop_assert!(!v.as_str().unwrap_or("\n").chars().any(char::is_control));
            }
        }
    }
}
