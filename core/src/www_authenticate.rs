//! The RFC 9110 `WWW-Authenticate` grammar (section 11.6.1): a borrowing tokenizer over one
//! header value, which [`client::interpret`](crate::client::interpret) reads RFC 9470 step-up
//! challenges with.
//!
//! `WWW-Authenticate = 1#challenge`, `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`,
//! `auth-param = token BWS "=" BWS ( token / quoted-string )`; empty list elements are allowed
//! (`#rule`, section 5.6.1). The tokenizer yields the scheme, a token68 or each auth-param in
//! order and stops at the first syntax error, setting `malformed`: a caller does not trust a
//! challenge cut short. It allocates only to resolve a quoted-pair.

use std::borrow::Cow;

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
}
