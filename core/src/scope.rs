//! Scope strings: RFC 6749 section 3.3 grammar, MSC2967 classification, comparison and
//! normalization.
//!
//! A scope is scope tokens separated by single spaces; a token is one or more of `%x21 /
//! %x23-5B / %x5D-7E` (RFC 6749 appendix A.4), inclusive ranges, so `[`, `]` and `~` are valid.
//! The strict grammar applies that exactly; the lenient one (Synapse's reading of an introspected
//! scope) splits on the space character and drops empty pieces. Both check every character and
//! both enforce the policy's byte and token limits.
//!
//! Matrix defines two tokens (spec "Allocated scope tokens"): the full client-server API token
//! and the device token, each with an unstable twin under `urn:matrix:org.matrix.msc2967.client:`
//! (MSC2967 "Unstable prefix"). Twins name the same grant: a device named under both prefixes is
//! one device, and each twin satisfies the other.
//!
//! One type, [`Scope`], generic over its storage: `Scope<&str>` borrowed, `Scope<String>` owned.
//! [`Scope::parse`] borrows from its input and allocates nothing: it validates, classifies
//! and extracts the device in one pass, which is what a server does on every request. The pass
//! looks each byte up in a 256-entry table (`BYTE_CLASS`: token character, space, or
//! invalid) and classifies each token as it ends, on its first byte and the shared `urn:matrix:`
//! prefix before any whole-string comparison. Errors keep their documented precedence because
//! the grammar errors are returned at the byte that causes them, while the first device error
//! is only remembered and reported once the whole string has passed the grammar.
//! `Scope<String>` is the owned, canonical form (distinct tokens in byte order) for storage.

use std::fmt;

pub use crate::chars::is_scope_char;
use crate::device::{Alphabet, DeviceId, DeviceRules};
use crate::error::{DeviceIdError, ScopeError};

/// The stable full-API token.
pub const API_STABLE: &str = "urn:matrix:client:api:*";
/// The unstable (MSC2967) full-API token.
pub const API_UNSTABLE: &str = "urn:matrix:org.matrix.msc2967.client:api:*";
/// The prefix of a stable device token.
pub const DEVICE_PREFIX_STABLE: &str = "urn:matrix:client:device:";
/// The prefix of an unstable (MSC2967) device token.
pub const DEVICE_PREFIX_UNSTABLE: &str = "urn:matrix:org.matrix.msc2967.client:device:";
/// OpenID Connect.
pub const OPENID: &str = "openid";
/// OpenID Connect's email claim.
pub const EMAIL: &str = "email";
/// Synapse's admin API.
pub const SYNAPSE_ADMIN: &str = "urn:synapse:admin:*";
/// The Matrix Authentication Service's admin API.
pub const MAS_ADMIN: &str = "urn:mas:admin";
/// The Matrix Authentication Service's GraphQL API.
pub const MAS_GRAPHQL: &str = "urn:mas:graphql:*";

/// What a byte is to the scope grammar, one entry per byte value (built at compile time from
/// [`is_scope_char`], so the two cannot disagree).
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where `get_mut` is unavailable; `b < 256` indexes 256 entries"
)]
const BYTE_CLASS: [ByteClass; 256] = {
    let mut table = [ByteClass::Invalid; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "`b < 256`, so the cast is exact")]
        let byte = b as u8;
        if byte == b' ' {
            table[b] = ByteClass::Space;
        } else if is_scope_char(byte) {
            table[b] = ByteClass::Token;
        }
        b += 1;
    }
    table
};

/// The classes of [`BYTE_CLASS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    /// NQCHAR: part of a token.
    Token,
    /// The separator.
    Space,
    /// Anything else.
    Invalid,
}

/// The class of `b`.
fn byte_class(b: u8) -> ByteClass {
    // The table has an entry for every `u8`; `get` keeps the lint quiet at no cost.
    BYTE_CLASS.get(usize::from(b)).copied().unwrap_or(ByteClass::Invalid)
}

/// The prefix every Matrix (MSC2967) token shares.
const MATRIX_URN: &str = "urn:matrix:";
/// What follows [`MATRIX_URN`] in stable tokens.
const STABLE_INFIX: &str = "client:";
/// What follows [`MATRIX_URN`] in unstable tokens.
const UNSTABLE_INFIX: &str = "org.matrix.msc2967.client:";
/// The rest of a full-API token.
const API_SUFFIX: &str = "api:*";
/// The rest of a device token's prefix.
const DEVICE_INFIX: &str = "device:";

/// How a scope string is split into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Grammar {
    /// RFC 6749 exactly: one space between tokens, none leading or trailing, at least one token.
    Strict,
    /// Split on the space character, drop empty pieces; the empty string is the empty scope.
    Lenient,
}

impl Grammar {
    /// The name used in policy documents.
    pub fn name(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Lenient => "lenient",
        }
    }
}

/// Size limits on a scope string. Both are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeLimits {
    /// Most bytes in the whole string (default 4,096).
    pub max_bytes: usize,
    /// Most tokens, counted as written with duplicates, empty pieces excluded (default 64).
    pub max_tokens: usize,
}

impl ScopeLimits {
    /// 4,096 bytes and 64 tokens.
    pub const DEFAULT: Self = Self { max_bytes: 4096, max_tokens: 64 };
    /// The largest `max_bytes` a policy may set.
    pub const MAX_BYTES_CEILING: usize = 1 << 20;
    /// The largest `max_tokens` a policy may set.
    pub const MAX_TOKENS_CEILING: usize = 4096;
}

impl Default for ScopeLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Everything [`Scope::parse`] needs from a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeRules {
    /// Strict or lenient splitting.
    pub grammar: Grammar,
    /// Byte and token limits.
    pub limits: ScopeLimits,
    /// Rules for the ids inside device tokens.
    pub device: DeviceRules,
}

impl ScopeRules {
    /// The `default` preset's rules.
    pub const DEFAULT: Self =
        Self { grammar: Grammar::Strict, limits: ScopeLimits::DEFAULT, device: DeviceRules::DEFAULT };
}

impl Default for ScopeRules {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Which MSC2967 prefix a Matrix token uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Namespace {
    /// `urn:matrix:client:`
    Stable,
    /// `urn:matrix:org.matrix.msc2967.client:`
    Unstable,
}

impl Namespace {
    /// `"stable"` or `"unstable"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::Unstable => "unstable",
        }
    }

    /// The full-API token of this namespace.
    pub fn api_token(self) -> &'static str {
        match self {
            Self::Stable => API_STABLE,
            Self::Unstable => API_UNSTABLE,
        }
    }

    /// The device-token prefix of this namespace.
    pub fn device_prefix(self) -> &'static str {
        match self {
            Self::Stable => DEVICE_PREFIX_STABLE,
            Self::Unstable => DEVICE_PREFIX_UNSTABLE,
        }
    }

    fn bit(self) -> u8 {
        match self {
            Self::Stable => 1,
            Self::Unstable => 2,
        }
    }
}

/// A set of namespaces (a two-bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Namespaces(u8);

impl Namespaces {
    /// No namespace.
    pub const NONE: Self = Self(0);

    /// Whether `ns` is in the set.
    pub fn contains(self, ns: Namespace) -> bool {
        self.0 & ns.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds `ns`.
    pub fn insert(&mut self, ns: Namespace) {
        self.0 |= ns.bit();
    }

    /// The union of two sets.
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The members, stable first.
    pub fn iter(self) -> impl Iterator<Item = Namespace> {
        [Namespace::Stable, Namespace::Unstable].into_iter().filter(move |ns| self.contains(*ns))
    }
}

/// What one token means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind<'a> {
    /// `urn:matrix:client:api:*` or its unstable twin.
    Api(Namespace),
    /// `urn:matrix:client:device:<id>` or its unstable twin, with the id.
    Device(Namespace, &'a str),
    /// `openid`.
    OpenId,
    /// `email`.
    Email,
    /// `urn:synapse:admin:*`.
    SynapseAdmin,
    /// `urn:mas:admin`.
    MasAdmin,
    /// `urn:mas:graphql:*`.
    MasGraphql,
    /// Anything else, kept verbatim.
    Unknown,
}

impl<'a> TokenKind<'a> {
    /// Classifies one token (case-sensitive, exact).
    ///
    /// Dispatches on the first byte, then on the shared `urn:matrix:` prefix and the namespace
    /// infix, so that most tokens are settled by one or two short comparisons. Inlined: on the
    /// per-request parse, returning the kind through memory cost more than classifying it.
    #[inline(always)]
    pub fn of(token: &'a str) -> Self {
        match token.as_bytes().first() {
            Some(b'o') if token == OPENID => Self::OpenId,
            Some(b'e') if token == EMAIL => Self::Email,
            Some(b'u') => match token.strip_prefix(MATRIX_URN) {
                Some(rest) => Self::of_matrix(rest),
                None => match token {
                    SYNAPSE_ADMIN => Self::SynapseAdmin,
                    MAS_ADMIN => Self::MasAdmin,
                    MAS_GRAPHQL => Self::MasGraphql,
                    _ => Self::Unknown,
                },
            },
            _ => Self::Unknown,
        }
    }

    /// Classifies what follows `urn:matrix:`.
    #[inline(always)]
    fn of_matrix(rest: &'a str) -> Self {
        let (ns, rest) = if let Some(rest) = rest.strip_prefix(STABLE_INFIX) {
            (Namespace::Stable, rest)
        } else if let Some(rest) = rest.strip_prefix(UNSTABLE_INFIX) {
            (Namespace::Unstable, rest)
        } else {
            return Self::Unknown;
        };
        if rest == API_SUFFIX {
            Self::Api(ns)
        } else if let Some(id) = rest.strip_prefix(DEVICE_INFIX) {
            Self::Device(ns, id)
        } else {
            Self::Unknown
        }
    }

    /// The namespace of an API or device token.
    pub fn namespace(self) -> Option<Namespace> {
        match self {
            Self::Api(ns) | Self::Device(ns, _) => Some(ns),
            _ => None,
        }
    }

    /// The name used in JSON results.
    pub fn name(self) -> &'static str {
        match self {
            Self::Api(_) => "api",
            Self::Device(..) => "device",
            Self::OpenId => "openid",
            Self::Email => "email",
            Self::SynapseAdmin => "synapse_admin",
            Self::MasAdmin => "mas_admin",
            Self::MasGraphql => "mas_graphql",
            Self::Unknown => "unknown",
        }
    }
}

mod sealed {
    /// Closes [`super::Storage`] to the two storages the crate implements.
    pub trait Sealed {}
    impl Sealed for &str {}
    impl Sealed for String {}
}

/// The storage of a [`Scope`] (and the shape of its text): `&str`, the string as written,
/// borrowed; or `String`, the canonical string, owned. Sealed.
pub trait Storage: AsRef<str> + sealed::Sealed {
    /// Where the scope's device id sits: the id itself when borrowed (so that reading it on the
    /// per-request path is a copy), its byte range in the text when owned.
    #[doc(hidden)]
    type Device: Copy + Default + fmt::Debug + PartialEq + Eq + std::hash::Hash;

    /// The device id `device` locates, borrowed from this storage.
    #[doc(hidden)]
    fn device_id<'s>(&'s self, device: &Self::Device) -> Option<&'s str>;
}

impl<'a> Storage for &'a str {
    type Device = Option<&'a str>;

    fn device_id<'s>(&'s self, device: &Self::Device) -> Option<&'s str> {
        *device
    }
}

impl Storage for String {
    type Device = Option<(usize, usize)>;

    fn device_id<'s>(&'s self, device: &Self::Device) -> Option<&'s str> {
        device.and_then(|(at, end)| self.get(at..end))
    }
}

/// What a parse learns about a scope besides its text: the counts and the classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct Parts {
    /// Tokens in the text, duplicates included (the owned form has none).
    token_count: usize,
    api: Namespaces,
    device_namespaces: Namespaces,
    synapse_admin: bool,
}

impl Parts {
    /// Classifies one token (the caller counts it); returns the device id it names, if any.
    #[inline(always)]
    fn add<'a>(&mut self, token: &'a str) -> Option<&'a str> {
        match TokenKind::of(token) {
            TokenKind::Api(ns) => self.api.insert(ns),
            TokenKind::SynapseAdmin => self.synapse_admin = true,
            TokenKind::Device(ns, id) => {
                self.device_namespaces.insert(ns);
                return Some(id);
            }
            _ => {}
        }
        None
    }

    /// The parts of a text already known to be a valid scope (single spaces, one device id),
    /// and the byte range of its device id.
    fn of_valid(text: &str) -> (Self, Option<(usize, usize)>) {
        let mut parts = Self::default();
        let mut device = None;
        let mut at = 0;
        for token in text.split(' ') {
            if !token.is_empty() {
                parts.token_count += 1;
                if let Some(id) = parts.add(token) {
                    let end = at + token.len();
                    device = Some((end - id.len(), end));
                }
            }
            at += token.len() + 1;
        }
        (parts, device)
    }
}

/// A validated, classified scope: RFC 6749 section 3.3 tokens, with the MSC2967 parts read out.
///
/// Generic over its storage, as `url::Host<S>` is:
///
/// - `Scope<&'a str>`, the borrowed form: the string as written, validated by [`Scope::parse`]
///   in one pass that allocates nothing (what a server does on every request). Its
///   [`Scope::tokens`] are the tokens as written, duplicates included.
/// - `Scope<String>` (the default), the owned form: the canonical string (distinct tokens in
///   byte order, single spaces), for storage. [`Scope::to_canonical`] and [`Scope::normalize`]
///   give it.
///
/// Both answer the same questions with the same methods: the parts ([`Scope::has_api`],
/// [`Scope::api_namespaces`], [`Scope::device`], [`Scope::synapse_admin`], ...), the comparison
/// ([`Scope::covers`], [`Scope::satisfies`], [`Scope::missing`]; stable and unstable twins of
/// the API and device tokens cover each other), and the canonical form ([`Scope::canonical`],
/// [`Scope::normalize`], `Display`). The distinct tokens in canonical order are a [`Tokens`]
/// ([`Scope::distinct`]), held inline up to [`TOKENS_INLINE`] of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scope<S: Storage = String> {
    text: S,
    parts: Parts,
    device: S::Device,
}

impl<'a> Scope<&'a str> {
    /// Parses `text` under `rules`, allocating nothing.
    ///
    /// Errors, when several rules break: `scope.empty` (strict grammar), then `scope.too_long`,
    /// then the first offence left to right (invalid character, empty token, the first token
    /// past the count limit), then the first device token whose id breaks the device rules,
    /// then `scope.multiple_devices`.
    pub fn parse(text: &'a str, rules: &ScopeRules) -> Result<Self, ScopeError> {
        Self::parse_each(text, rules, |_| {})
    }

    /// [`Self::parse`], except that the empty string is the empty scope whatever the grammar:
    /// how each side of a comparison (`scope.satisfies`) is read, where it means "nothing
    /// granted" or "nothing required".
    pub fn parse_or_empty(text: &'a str, rules: &ScopeRules) -> Result<Self, ScopeError> {
        if text.is_empty() { Ok(Self::default()) } else { Self::parse(text, rules) }
    }

    /// [`Self::parse`], collecting the distinct tokens in canonical order in the same pass.
    ///
    /// Allocates nothing unless the scope has more than [`TOKENS_INLINE`] distinct tokens.
    /// Inlined, so that the set is built where the caller keeps it rather than moved there.
    #[inline]
    pub fn parse_with_tokens(text: &'a str, rules: &ScopeRules) -> Result<(Self, Tokens<'a>), ScopeError> {
        let mut set = Tokens::new();
        let scope = Self::parse_each(text, rules, |token| set.push(token))?;
        set.finish();
        Ok((scope, set))
    }

    /// [`Self::parse`], handing every token as written to `each` (before the string is known to
    /// be valid: the caller keeps what it collects only on success).
    #[inline(always)]
    fn parse_each(text: &'a str, rules: &ScopeRules, mut each: impl FnMut(&'a str)) -> Result<Self, ScopeError> {
        let mut parts = Parts::default();
        let mut device: Option<&'a str> = None;
        let mut device_error = None;
        let mut multiple = false;
        parts.token_count = scan(text, rules, |token| {
            each(token);
            if let Some(id) = parts.add(token) {
                if device_error.is_none() {
                    device_error = check_device_id(id, &rules.device).err();
                }
                match device {
                    None => device = Some(id),
                    Some(first) if first != id => multiple = true,
                    Some(_) => {}
                }
            }
        })?;
        if let Some(e) = device_error {
            return Err(e.into());
        }
        if multiple {
            return Err(ScopeError::MultipleDevices);
        }
        Ok(Self { text, parts, device })
    }

    /// The string as given.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The tokens as written, duplicates included, empty pieces skipped.
    pub fn tokens(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.text.split(' ').filter(|t| !t.is_empty())
    }

    /// The one device id, if any.
    pub fn device(&self) -> Option<DeviceId<&'a str>> {
        self.device.map(DeviceId::checked)
    }

    /// The distinct tokens in canonical order, collected from the already validated string.
    pub fn distinct(&self) -> Tokens<'a> {
        let mut set = Tokens::new();
        for token in self.tokens() {
            set.push(token);
        }
        set.finish();
        set
    }
}

impl Scope {
    /// The canonical scope of tokens that are already valid (each a scope token, one device id
    /// at most, under rules the caller applied).
    pub(crate) fn from_valid_tokens<'t>(tokens: impl IntoIterator<Item = &'t str>) -> Self {
        let mut set: Vec<&str> = tokens.into_iter().collect();
        sort_distinct(&mut set);
        let text = set.join(" ");
        let (parts, device) = Parts::of_valid(&text);
        Self { text, parts, device }
    }

    /// The owned copy of a scope already written in canonical form (tokens strictly increasing,
    /// one space apart), as a login scope usually is: its text copied as it is, without the
    /// vector, sort and join of [`Self::from_valid_tokens`] (the parts are read from the copy as
    /// that function reads them, so both give equal values). `None` for any other text.
    fn copy_if_canonical(scope: &Scope<&str>) -> Option<Self> {
        let text = scope.text;
        let mut previous: Option<&str> = None;
        for token in text.split(' ') {
            if token.is_empty() || previous.is_some_and(|p| p >= token) {
                return None;
            }
            previous = Some(token);
        }
        let text = text.to_owned();
        let (parts, device) = Parts::of_valid(&text);
        Some(Self { text, parts, device })
    }

    /// The canonical string.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The distinct tokens in canonical order.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.text.split(' ').filter(|t| !t.is_empty())
    }

    /// The one device id, if any.
    pub fn device(&self) -> Option<DeviceId<&str>> {
        self.text.device_id(&self.device).map(DeviceId::checked)
    }

    /// The distinct tokens in canonical order.
    pub fn distinct(&self) -> Tokens<'_> {
        self.as_borrowed().distinct()
    }

    /// How many distinct tokens.
    pub fn len(&self) -> usize {
        self.parts.token_count
    }

    /// The canonical string, moved out.
    pub fn into_string(self) -> String {
        self.text
    }
}

impl<S: Storage> Scope<S> {
    /// The borrowed form over the same text (canonical, for an owned scope).
    pub fn as_borrowed(&self) -> Scope<&str> {
        Scope { text: self.text.as_ref(), parts: self.parts, device: self.text.device_id(&self.device) }
    }

    /// How many tokens were written, duplicates included (distinct tokens, for an owned scope).
    pub fn token_count(&self) -> usize {
        self.parts.token_count
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.parts.token_count == 0
    }

    /// Whether the scope holds the full-API token in either namespace.
    pub fn has_api(&self) -> bool {
        !self.parts.api.is_empty()
    }

    /// The namespaces in which the full-API token appears.
    pub fn api_namespaces(&self) -> Namespaces {
        self.parts.api
    }

    /// The namespaces in which a device token appears.
    pub fn device_namespaces(&self) -> Namespaces {
        self.parts.device_namespaces
    }

    /// The namespaces of the API and device tokens together.
    pub fn namespaces(&self) -> Namespaces {
        self.parts.api.union(self.parts.device_namespaces)
    }

    /// Whether `urn:synapse:admin:*` is present.
    pub fn synapse_admin(&self) -> bool {
        self.parts.synapse_admin
    }

    /// Whether the exact token is present (case-sensitive; no twin matching).
    pub fn contains(&self, token: &str) -> bool {
        self.as_borrowed().tokens().any(|t| t == token)
    }

    /// Whether this (granted) scope covers `token`: holds it, or its stable or unstable twin
    /// (of the API token, or of a device token with the same id).
    pub fn covers(&self, token: &str) -> bool {
        let key = CoverKey::of(token);
        self.as_borrowed().tokens().any(|g| CoverKey::of(g) == key)
    }

    /// Whether this (granted) scope covers every token of `required` (see [`Self::covers`]).
    /// O((n + m) log n) in the two scopes' token counts.
    pub fn satisfies<T: Storage>(&self, required: &Scope<T>) -> bool {
        let granted = Granted::of(self.as_borrowed());
        required.as_borrowed().tokens().all(|token| granted.covers(token))
    }

    /// The tokens of `required` this (granted) scope does not cover, distinct, in canonical
    /// order; none means it satisfies `required`. Allocates nothing up to [`TOKENS_INLINE`]
    /// missing tokens.
    pub fn missing<'r, T: Storage>(&self, required: &'r Scope<T>) -> Tokens<'r> {
        let granted = Granted::of(self.as_borrowed());
        let mut set = Tokens::new();
        for token in required.as_borrowed().tokens() {
            if !granted.covers(token) {
                set.push(token);
            }
        }
        set.finish();
        set
    }

    /// The canonical string: the distinct tokens in byte order, joined by single spaces.
    pub fn canonical(&self) -> String {
        self.as_borrowed().distinct().to_string()
    }

    /// The owned, canonical form.
    pub fn to_canonical(&self) -> Scope {
        let borrowed = self.as_borrowed();
        Scope::copy_if_canonical(&borrowed).unwrap_or_else(|| Scope::from_valid_tokens(borrowed.tokens()))
    }

    /// The owned, canonical form with the API and device tokens rewritten into `form`; every
    /// other token is kept as is.
    pub fn normalize(&self, form: Form) -> Scope {
        let mut out: Vec<String> = Vec::new();
        for token in self.as_borrowed().tokens() {
            match TokenKind::of(token) {
                TokenKind::Api(_) => out.extend(form.namespaces().map(|ns| ns.api_token().to_owned())),
                TokenKind::Device(_, id) => {
                    out.extend(form.namespaces().map(|ns| format!("{}{id}", ns.device_prefix())));
                }
                _ => out.push(token.to_owned()),
            }
        }
        Scope::from_valid_tokens(out.iter().map(String::as_str))
    }
}

/// The canonical string.
impl<S: Storage> fmt::Display for Scope<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_borrowed().distinct(), f)
    }
}

/// Checks `text` against the grammar and the limits in the documented order (`scope.empty`,
/// then `scope.too_long`, then the first offence left to right: invalid character, empty token,
/// the first token past the count limit), handing every token to `on_token` as it ends, left
/// to right. Returns the number of tokens.
///
/// A token is handed over before the rest of the string is checked, so `on_token` must only
/// record what it finds: the caller reports it after a successful scan. Device ids are not
/// looked at: the authorization server (`grant::decide`) reads a request through this, since
/// there a device id that breaks the device rules is a policy violation, not a malformed
/// request.
#[inline(always)]
pub(crate) fn scan<'a>(text: &'a str, rules: &ScopeRules, on_token: impl FnMut(&'a str)) -> Result<usize, ScopeError> {
    let strict = rules.grammar == Grammar::Strict;
    if text.is_empty() && strict {
        return Err(ScopeError::Empty);
    }
    if text.len() > rules.limits.max_bytes {
        return Err(ScopeError::TooLong { len: text.len(), max: rules.limits.max_bytes });
    }
    scan_checked(text, strict, rules.limits.max_tokens, on_token)
}

/// The byte-by-byte scan behind [`scan`], once the emptiness and length limits are checked: it
/// hands each token to `on_token` as it ends and reports the first offence left to right.
fn scan_checked<'a>(
    text: &'a str,
    strict: bool,
    max_tokens: usize,
    mut on_token: impl FnMut(&'a str),
) -> Result<usize, ScopeError> {
    let bytes = text.as_bytes();
    let mut count = 0usize;
    // `at` is where the current piece (a token, or nothing between two spaces) starts.
    let mut at = 0;
    loop {
        let end = at + token_len(bytes.get(at..).unwrap_or_default());
        if end > at {
            count += 1;
            if count > max_tokens {
                return Err(ScopeError::TooManyTokens { max: max_tokens, at });
            }
        }
        match bytes.get(end) {
            Some(b' ') | None if end > at => on_token(text.get(at..end).unwrap_or_default()),
            // Leading, doubled or (at the end) trailing space; the empty string was refused.
            Some(b' ') | None if strict => return Err(ScopeError::EmptyToken { at: end }),
            Some(b' ') | None => {}
            Some(&b) => {
                let ch = text.get(end..).and_then(|rest| rest.chars().next()).unwrap_or(char::from(b));
                return Err(ScopeError::InvalidChar { ch, at: end });
            }
        }
        if end >= bytes.len() {
            return Ok(count);
        }
        at = end + 1;
    }
}

/// How many leading bytes of `bytes` are token characters.
///
/// Whole 8-byte words are checked at once (SWAR, see [`stop_bytes`]); scope tokens run to dozens
/// of bytes, so most of a scope string is skipped a word at a time. The tail uses the table.
fn token_len(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut len = 0;
    for word in &mut words {
        let Ok(word) = <[u8; 8]>::try_from(word) else { break };
        let stops = stop_bytes(u64::from_le_bytes(word));
        if stops != 0 {
            // Little-endian: the lowest flag is the first byte; it is exact (see `stop_bytes`).
            return len + (stops.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    let tail = words.remainder();
    len + tail.iter().position(|&b| byte_class(b) != ByteClass::Token).unwrap_or(tail.len())
}

/// Flags (high bit of each byte) the bytes of `word` that are not token characters: below
/// `0x21` (space and controls), above `0x7E` (DEL and non-ASCII), `"` and `\`.
///
/// The classic bit tricks can set false flags, but only above (more significant than) a true
/// one, since the borrows and carries that cause them run upwards from a flagged byte. So the
/// lowest flag, the only one [`token_len`] reads, is always exact.
const fn stop_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// Bytes below `n` (`n` at most 0x80).
    const fn below(word: u64, n: u64) -> u64 {
        word.wrapping_sub(ONES * n) & !word & HIGH
    }
    /// Bytes above `n` (`n` below 0x80).
    const fn above(word: u64, n: u64) -> u64 {
        (word.wrapping_add(ONES * (0x7F - n)) | word) & HIGH
    }
    /// Bytes equal to `n`.
    const fn equal(word: u64, n: u64) -> u64 {
        below(word ^ (ONES * n), 1)
    }
    below(word, 0x21) | above(word, 0x7E) | equal(word, 0x22) | equal(word, 0x5C)
}

/// [`DeviceRules::parse`] for an id taken from a token that is being scanned.
///
/// Under the `scope_token` alphabet (the default) the character check is the grammar's own: when
/// the scan succeeds, every byte of the id is a token character, and when it fails, the device
/// error is never reported. So only the length rules are left, in `parse`'s order.
#[inline(always)]
fn check_device_id(id: &str, rules: &DeviceRules) -> Result<(), DeviceIdError> {
    if rules.alphabet == Alphabet::ScopeToken { rules.check_length(id) } else { rules.parse(id) }.map(|_| ())
}

/// How many distinct tokens a [`Tokens`] holds without allocating.
pub const TOKENS_INLINE: usize = 6;

/// The distinct tokens of a validated [`Scope`], in canonical (byte) order, borrowed from the
/// scope string: what [`Scope::distinct`], [`Scope::parse_with_tokens`] and [`Scope::missing`]
/// give.
///
/// Up to [`TOKENS_INLINE`] distinct tokens are held inline, so a login or introspected scope
/// (MAS's has six: `openid`, `email`, and the API and device tokens in both namespaces)
/// allocates nothing; a larger scope moves its tokens to one heap vector. The whole is 128
/// bytes, which the compiler moves without a `memcpy` call. Membership is a binary
/// search, iteration is in canonical order, and [`fmt::Display`] writes the canonical string
/// without building it.
#[derive(Clone)]
pub struct Tokens<'a> {
    /// The tokens while they fit (the first `len` slots).
    inline: [&'a str; TOKENS_INLINE],
    len: u8,
    /// All the tokens once they do not fit inline (then `len` is 0).
    heap: Vec<&'a str>,
    /// Whether the tokens are in strictly increasing order (while building; always at rest).
    sorted: bool,
}

impl<'a> Tokens<'a> {
    /// The empty set.
    pub const fn new() -> Self {
        Self { inline: [""; TOKENS_INLINE], len: 0, heap: Vec::new(), sorted: true }
    }

    /// Adds a token while building. Tokens usually arrive in canonical order already (or nearly),
    /// so each costs one comparison with the last; the rest are sorted once, in [`Self::finish`].
    ///
    /// Inlined into the parser's token loop; a full inline array and the heap take the cold path.
    #[inline(always)]
    fn push(&mut self, token: &'a str) {
        let len = usize::from(self.len);
        if self.heap.is_empty() && len < TOKENS_INLINE {
            if let Some(&last) = len.checked_sub(1).and_then(|i| self.inline.get(i)) {
                match token_order(token, last) {
                    std::cmp::Ordering::Equal => return,
                    std::cmp::Ordering::Less => self.sorted = false,
                    std::cmp::Ordering::Greater => {}
                }
            }
            if let Some(slot) = self.inline.get_mut(len) {
                *slot = token;
                self.len += 1;
            }
        } else {
            self.push_spilled(token);
        }
    }

    /// [`Self::push`] once the inline array is full or the tokens live on the heap.
    #[cold]
    #[inline(never)]
    fn push_spilled(&mut self, token: &'a str) {
        if self.heap.is_empty() {
            // Full: drop repeats first, and move to the heap only if that frees nothing.
            self.finish();
            if usize::from(self.len) < TOKENS_INLINE {
                self.push(token);
                return;
            }
            self.heap = Vec::with_capacity(2 * TOKENS_INLINE);
            self.heap.extend_from_slice(&self.inline);
            self.len = 0;
        }
        match self.heap.last().map(|last| token_order(token, last)) {
            Some(std::cmp::Ordering::Equal) => return,
            Some(std::cmp::Ordering::Less) => self.sorted = false,
            _ => {}
        }
        self.heap.push(token);
    }

    /// Sorts and drops repeats, if the tokens did not arrive in order.
    #[inline]
    fn finish(&mut self) {
        if !self.sorted {
            self.sort();
        }
    }

    /// The work of [`Self::finish`].
    fn sort(&mut self) {
        self.sorted = true;
        if !self.heap.is_empty() {
            sort_distinct(&mut self.heap);
            return;
        }
        let Some(tokens) = self.inline.get_mut(..usize::from(self.len)) else { return };
        tokens.sort_unstable();
        let mut kept = 0;
        for at in 0..tokens.len() {
            let Some(&token) = tokens.get(at) else { break };
            let at_kept = usize::from(kept);
            if kept == 0 || tokens.get(at_kept - 1) != Some(&token) {
                if let Some(slot) = tokens.get_mut(at_kept) {
                    *slot = token;
                }
                kept += 1u8;
            }
        }
        self.len = kept;
    }

    /// The tokens, distinct, in canonical order.
    pub fn as_slice(&self) -> &[&'a str] {
        if self.heap.is_empty() { self.inline.get(..usize::from(self.len)).unwrap_or_default() } else { &self.heap }
    }

    /// The tokens, distinct, in canonical order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a str> + '_ {
        self.as_slice().iter().copied()
    }

    /// How many distinct tokens.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Whether the exact token is present (a binary search).
    pub fn contains(&self, token: &str) -> bool {
        self.as_slice().binary_search(&token).is_ok()
    }
}

/// Byte order of two tokens, settled by the first bytes when they differ (as between `openid`
/// and `urn:...`) without calling `memcmp`.
#[inline(always)]
fn token_order(a: &str, b: &str) -> std::cmp::Ordering {
    match a.as_bytes().first().cmp(&b.as_bytes().first()) {
        std::cmp::Ordering::Equal => a.cmp(b),
        order => order,
    }
}

impl Default for Tokens<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Tokens<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Tokens<'_> {}

impl fmt::Debug for Tokens<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for Tokens<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, token) in self.iter().enumerate() {
            if at > 0 {
                f.write_str(" ")?;
            }
            f.write_str(token)?;
        }
        Ok(())
    }
}

impl<'s, 'a> IntoIterator for &'s Tokens<'a> {
    type Item = &'a str;
    type IntoIter = std::iter::Copied<std::slice::Iter<'s, &'a str>>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter().copied()
    }
}

/// The namespace form [`Scope::normalize`] rewrites into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Form {
    /// Only `urn:matrix:client:` tokens.
    Stable,
    /// Only `urn:matrix:org.matrix.msc2967.client:` tokens.
    Unstable,
    /// Both twins of every API and device token (what MAS's introspection emits).
    Both,
}

impl Form {
    /// The form with this name (`stable`, `unstable`, `both`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "stable" => Some(Self::Stable),
            "unstable" => Some(Self::Unstable),
            "both" => Some(Self::Both),
            _ => None,
        }
    }

    /// The namespaces of the form, stable first.
    pub fn namespaces(self) -> impl Iterator<Item = Namespace> {
        let set = match self {
            Self::Stable => Namespaces(1),
            Self::Unstable => Namespaces(2),
            Self::Both => Namespaces(3),
        };
        set.iter()
    }
}

/// What a granted scope covers: twins of the API and device tokens are one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CoverKey<'a> {
    Api,
    Device(&'a str),
    Exact(&'a str),
}

impl<'a> CoverKey<'a> {
    fn of(token: &'a str) -> Self {
        match TokenKind::of(token) {
            TokenKind::Api(_) => Self::Api,
            TokenKind::Device(_, id) => Self::Device(id),
            _ => Self::Exact(token),
        }
    }
}

/// Up to this many granted tokens, [`Granted`] compares a required token with each of them, which
/// allocates nothing; past it, it sorts their keys once.
const LINEAR_COVER: usize = 16;

/// A granted scope, ready to be asked whether it covers token after token: `satisfies` and
/// `missing` ask once per required token, so a large scope's keys are sorted once and each
/// token is a binary search, O((n + m) log n) in all instead of n × m comparisons.
enum Granted<'a> {
    /// Few tokens: [`Scope::covers`], a pass over them.
    Few(Scope<&'a str>),
    /// The keys of every token, sorted, without repeats.
    Many(Vec<CoverKey<'a>>),
}

impl<'a> Granted<'a> {
    fn of(scope: Scope<&'a str>) -> Self {
        if scope.token_count() <= LINEAR_COVER {
            return Self::Few(scope);
        }
        let mut keys: Vec<CoverKey<'a>> = scope.tokens().map(CoverKey::of).collect();
        keys.sort_unstable();
        keys.dedup();
        Self::Many(keys)
    }

    fn covers(&self, token: &str) -> bool {
        match self {
            Self::Few(scope) => scope.covers(token),
            Self::Many(keys) => keys.binary_search(&CoverKey::of(token)).is_ok(),
        }
    }
}

/// Sorts `tokens` into canonical (byte) order and drops repeats. One sort for every token list
/// keeps the WebAssembly build small (a `BTreeSet` per call site costs a stable sort each).
pub(crate) fn sort_distinct(tokens: &mut Vec<&str>) {
    tokens.sort_unstable();
    tokens.dedup();
}

/// What one scope token means, owned (feature `uniffi`: the binding's `TokenKind`, where nothing can
/// be borrowed).
#[cfg(feature = "uniffi")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi(name = "TokenKind")]
pub enum OwnedTokenKind {
    /// The full client-server API token.
    Api {
        /// Its prefix.
        namespace: Namespace,
    },
    /// A device token.
    Device {
        /// Its prefix.
        namespace: Namespace,
        /// The device id it names.
        device_id: String,
    },
    /// `openid`.
    OpenId,
    /// `email`.
    Email,
    /// `urn:synapse:admin:*`.
    SynapseAdmin,
    /// `urn:mas:admin`.
    MasAdmin,
    /// `urn:mas:graphql:*`.
    MasGraphql,
    /// Anything else, kept verbatim.
    Unknown,
}

#[cfg(feature = "uniffi")]
impl From<TokenKind<'_>> for OwnedTokenKind {
    fn from(kind: TokenKind<'_>) -> Self {
        match kind {
            TokenKind::Api(namespace) => Self::Api { namespace },
            TokenKind::Device(namespace, id) => Self::Device { namespace, device_id: id.to_owned() },
            TokenKind::OpenId => Self::OpenId,
            TokenKind::Email => Self::Email,
            TokenKind::SynapseAdmin => Self::SynapseAdmin,
            TokenKind::MasAdmin => Self::MasAdmin,
            TokenKind::MasGraphql => Self::MasGraphql,
            TokenKind::Unknown => Self::Unknown,
        }
    }
}

/// One token of a scope and what it means (feature `uniffi`).
#[cfg(feature = "uniffi")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct ScopeToken {
    /// The token as written.
    pub token: String,
    /// Its meaning.
    pub kind: OwnedTokenKind,
}

#[cfg(feature = "uniffi")]
impl Scope {
    /// Every token with its meaning, in canonical order, owned.
    pub fn parts(&self) -> Vec<ScopeToken> {
        self.tokens().map(|token| ScopeToken { token: token.to_owned(), kind: TokenKind::of(token).into() }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canonical_text_is_copied_as_the_sort_would_write_it() {
        let canonical = [
            "openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01",
            "urn:matrix:client:device:ABCDEFGHIJ",
            "a b c",
            "openid",
            // Two device tokens of one id: the parts locate the same one as the sort's.
            "urn:matrix:client:device:ABCDEFGHIJ urn:matrix:org.matrix.msc2967.client:device:ABCDEFGHIJ",
        ];
        for text in canonical {
            let Ok(parsed) = Scope::parse(text, &ScopeRules::DEFAULT) else { unreachable!() };
            let copied = Scope::copy_if_canonical(&parsed);
            assert_eq!(copied, Some(Scope::from_valid_tokens(parsed.tokens())), "{text}");
            assert_eq!(
                copied.and_then(|s| s.device().map(|d| d.as_str().to_owned())),
                parsed.device().map(|d| d.as_str().to_owned())
            );
        }
        let lenient = ScopeRules { grammar: Grammar::Lenient, ..ScopeRules::DEFAULT };
        for text in ["b a", "a a", "a  b", " a", "a ", "urn:matrix:client:device:AB openid"] {
            let Ok(parsed) = Scope::parse(text, &lenient) else { unreachable!() };
            assert_eq!(Scope::copy_if_canonical(&parsed), None, "{text}");
            assert_eq!(parsed.to_canonical(), Scope::from_valid_tokens(parsed.tokens()), "{text}");
        }
    }

    const LOGIN: &str = "openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01";

    fn lenient() -> ScopeRules {
        ScopeRules { grammar: Grammar::Lenient, ..ScopeRules::DEFAULT }
    }

    #[test]
    fn login_scope_is_classified() {
        let s = Scope::parse(LOGIN, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(s.has_api());
        assert_eq!(s.device().map(DeviceId::into_inner), Some("AAbbCCdd01"));
        assert_eq!(s.token_count(), 3);
        assert_eq!(s.to_canonical().device().map(|d| d.to_string()), Some("AAbbCCdd01".to_owned()));
        assert!(!s.synapse_admin());
    }

    #[test]
    fn inclusive_ranges() {
        for t in ["[", "]", "~", "!", "urn:x:~a"] {
            assert!(Scope::parse(t, &ScopeRules::DEFAULT).is_ok(), "{t}");
        }
        for t in ["\"", "\\", "\u{7f}", "a\tb", "\u{a0}"] {
            let e = Scope::parse(t, &ScopeRules::DEFAULT).map(|_| ());
            assert_eq!(e.map_err(|e| e.code()), Err("scope.invalid_char"), "{t:?}");
        }
    }

    #[test]
    fn whitespace_strict_and_lenient() {
        for t in [" a", "a ", "a  b", " "] {
            let strict = Scope::parse(t, &ScopeRules::DEFAULT).map(|_| ());
            assert_eq!(strict.map_err(|e| e.code()), Err("scope.empty_token"), "{t:?}");
            assert!(Scope::parse(t, &lenient()).is_ok(), "{t:?}");
        }
        assert_eq!(Scope::parse("", &ScopeRules::DEFAULT).map(|_| ()), Err(ScopeError::Empty));
        assert_eq!(Scope::parse("", &lenient()).map(|s| s.token_count()), Ok(0));
    }

    #[test]
    fn twins_are_one_device_and_cover_each_other() {
        let both = "urn:matrix:client:device:ABC urn:matrix:org.matrix.msc2967.client:device:ABC";
        let s = Scope::parse(both, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(s.device().map(DeviceId::into_inner), Some("ABC"));
        let two = "urn:matrix:client:device:ABC urn:matrix:org.matrix.msc2967.client:device:ABD";
        assert_eq!(Scope::parse(two, &ScopeRules::DEFAULT).map(|_| ()), Err(ScopeError::MultipleDevices));
        let granted = Scope::parse(API_UNSTABLE, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        let required = Scope::parse("openid urn:matrix:client:api:*", &ScopeRules::DEFAULT)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(granted.missing(&required).as_slice(), ["openid"]);
        assert!(!granted.satisfies(&required));
        assert!(granted.covers(API_STABLE) && !granted.covers(OPENID));
    }

    #[test]
    fn the_split_prefixes_spell_the_tokens() {
        assert_eq!(format!("{MATRIX_URN}{STABLE_INFIX}{API_SUFFIX}"), API_STABLE);
        assert_eq!(format!("{MATRIX_URN}{UNSTABLE_INFIX}{API_SUFFIX}"), API_UNSTABLE);
        assert_eq!(format!("{MATRIX_URN}{STABLE_INFIX}{DEVICE_INFIX}"), DEVICE_PREFIX_STABLE);
        assert_eq!(format!("{MATRIX_URN}{UNSTABLE_INFIX}{DEVICE_INFIX}"), DEVICE_PREFIX_UNSTABLE);
        for b in 0..=255u8 {
            let class = if b == b' ' {
                ByteClass::Space
            } else if is_scope_char(b) {
                ByteClass::Token
            } else {
                ByteClass::Invalid
            };
            assert_eq!(byte_class(b), class, "{b}");
        }
    }

    #[test]
    fn token_len_finds_the_first_non_token_byte() {
        let plain = |bytes: &[u8]| bytes.iter().position(|&b| !is_scope_char(b)).unwrap_or(bytes.len());
        for stop in 0..=255u8 {
            for filler in [b'a', b'!', b'~', 0x5B, 0x5D, 0x23] {
                for at in 0..20 {
                    for len in at..20 {
                        let mut bytes = vec![filler; len];
                        if let Some(b) = bytes.get_mut(at) {
                            *b = stop;
                        }
                        // Bytes after the stop must not matter, however they look.
                        for after in bytes.iter_mut().skip(at + 1).step_by(3) {
                            *after = stop.wrapping_add(1);
                        }
                        assert_eq!(token_len(&bytes), plain(&bytes), "{bytes:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn scan_errors_come_in_order() {
        let two = ScopeRules { limits: ScopeLimits { max_bytes: 4096, max_tokens: 2 }, ..ScopeRules::DEFAULT };
        let cases: [(&str, &ScopeRules, Result<usize, ScopeError>); 10] = [
            ("a b", &ScopeRules::DEFAULT, Ok(2)),
            ("a b c", &two, Err(ScopeError::TooManyTokens { max: 2, at: 4 })),
            ("a b c\\", &two, Err(ScopeError::TooManyTokens { max: 2, at: 4 })),
            ("a b \\c", &two, Err(ScopeError::InvalidChar { ch: '\\', at: 4 })),
            ("a  b", &ScopeRules::DEFAULT, Err(ScopeError::EmptyToken { at: 2 })),
            ("abcdefghijklmnop ", &ScopeRules::DEFAULT, Err(ScopeError::EmptyToken { at: 17 })),
            ("abcdefghij\u{e9}k", &ScopeRules::DEFAULT, Err(ScopeError::InvalidChar { ch: '\u{e9}', at: 10 })),
            ("  a  bb  ", &lenient(), Ok(2)),
            ("", &lenient(), Ok(0)),
            (" ", &lenient(), Ok(0)),
        ];
        for (text, rules, expected) in cases {
            assert_eq!(scan(text, rules, |_| {}), expected, "{text:?}");
        }
    }

    #[test]
    fn classification_matches_exact_comparison() {
        fn plain(token: &str) -> TokenKind<'_> {
            match token {
                API_STABLE => TokenKind::Api(Namespace::Stable),
                API_UNSTABLE => TokenKind::Api(Namespace::Unstable),
                OPENID => TokenKind::OpenId,
                EMAIL => TokenKind::Email,
                SYNAPSE_ADMIN => TokenKind::SynapseAdmin,
                MAS_ADMIN => TokenKind::MasAdmin,
                MAS_GRAPHQL => TokenKind::MasGraphql,
                _ => match (token.strip_prefix(DEVICE_PREFIX_STABLE), token.strip_prefix(DEVICE_PREFIX_UNSTABLE)) {
                    (Some(id), _) => TokenKind::Device(Namespace::Stable, id),
                    (None, Some(id)) => TokenKind::Device(Namespace::Unstable, id),
                    (None, None) => TokenKind::Unknown,
                },
            }
        }
        let known = [API_STABLE, API_UNSTABLE, OPENID, EMAIL, SYNAPSE_ADMIN, MAS_ADMIN, MAS_GRAPHQL];
        let prefixes = [DEVICE_PREFIX_STABLE, DEVICE_PREFIX_UNSTABLE, MATRIX_URN, "urn:", "u", "o", "e", ""];
        let mut tokens: Vec<String> = Vec::new();
        for t in known.iter().chain(&prefixes) {
            for cut in 0..=t.len() {
                let head = t.get(..cut).unwrap_or_default();
                tokens.extend([head.to_owned(), format!("{head}x"), format!("{t}x"), format!("{t}api:*")]);
            }
        }
        for t in &tokens {
            assert_eq!(TokenKind::of(t), plain(t), "{t:?}");
        }
    }

    #[test]
    fn token_sets_are_sorted_and_distinct() {
        let text = "urn:b openid urn:b email openid";
        let (scope, set) = Scope::parse_with_tokens(text, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(set.as_slice(), ["email", "openid", "urn:b"]);
        assert_eq!(scope.distinct(), set);
        assert!(set.contains("openid") && !set.contains("open"));
        assert_eq!(set.to_string(), "email openid urn:b");
        assert_eq!(scope.canonical(), set.to_string());
        assert_eq!(scope.to_canonical().as_str(), set.to_string());
        assert_eq!(scope.to_canonical().distinct(), set);
        assert_eq!(format!("{set:?}"), r#"{"email", "openid", "urn:b"}"#);
        // More distinct tokens than fit inline, in reverse order, with repeats.
        let many: Vec<String> = (0..3 * TOKENS_INLINE).rev().map(|i| format!("t{i:02}")).collect();
        let text = format!("{} {}", many.join(" "), many.join(" "));
        let (_, set) = Scope::parse_with_tokens(&text, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        let mut expected = many.clone();
        expected.sort();
        assert_eq!(set.iter().collect::<Vec<_>>(), expected);
        // Repeats that fill the inline slots are dropped before anything moves to the heap.
        let repeats = ["b", "a"].repeat(TOKENS_INLINE).join(" ");
        let (_, set) = Scope::parse_with_tokens(&repeats, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(set.as_slice(), ["a", "b"]);
        assert!(set.heap.is_empty());
        assert_eq!(Tokens::new().len(), 0);
    }

    #[test]
    fn comparison_covers_twins_in_either_storage() {
        let parse = |t: &'static str| Scope::parse(t, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        let granted = parse("urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:client:device:AB");
        let required = parse("openid urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:AB openid");
        assert_eq!(granted.missing(&required).as_slice(), ["openid"]);
        assert_eq!(granted.to_canonical().missing(&required).as_slice(), ["openid"]);
        assert_eq!(granted.missing(&required.to_canonical()).as_slice(), ["openid"]);
        assert!(!granted.satisfies(&required) && !granted.to_canonical().satisfies(&required.to_canonical()));
        assert!(
            parse("openid urn:matrix:client:api:*").satisfies(&parse("urn:matrix:org.matrix.msc2967.client:api:*"))
        );
        let empty = Scope::parse_or_empty("", &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(granted.satisfies(&empty) && empty.is_empty() && !empty.satisfies(&granted));
        assert_eq!(
            empty.missing(&required).to_string(),
            "openid urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:AB"
        );
    }

    #[test]
    fn normalize_and_canonical() {
        let s = Scope::parse("urn:matrix:org.matrix.msc2967.client:api:* openid openid", &ScopeRules::DEFAULT)
            .unwrap_or_default();
        assert_eq!(s.canonical(), "openid urn:matrix:org.matrix.msc2967.client:api:*");
        assert_eq!(s.token_count(), 3);
        assert_eq!(s.to_canonical().token_count(), 2);
        assert_eq!(s.normalize(Form::Stable).as_str(), "openid urn:matrix:client:api:*");
        assert_eq!(s.normalize(Form::Both).len(), 3);
        assert_eq!(s.to_string(), s.canonical());
        assert_eq!(s.to_canonical().to_string(), s.canonical());
        let d = Scope::parse("urn:matrix:client:device:XY urn:matrix:client:api:*", &ScopeRules::DEFAULT)
            .unwrap_or_default()
            .normalize(Form::Unstable);
        assert_eq!(d.device().map(|id| id.to_string()), Some("XY".to_owned()));
        assert_eq!(d.api_namespaces().iter().collect::<Vec<_>>(), [Namespace::Unstable]);
        assert_eq!(Scope::<String>::default().as_str(), "");
    }
}
