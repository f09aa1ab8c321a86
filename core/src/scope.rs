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
//! [`ScopeRef::parse`] borrows from its input and allocates nothing: it validates, classifies
//! and extracts the device in one pass, which is what a server does on every request. The pass
//! looks each byte up in a 256-entry table (`BYTE_CLASS`: token character, space, or
//! invalid) and classifies each token as it ends, on its first byte and the shared `urn:matrix:`
//! prefix before any whole-string comparison. Errors keep their documented precedence because
//! the grammar errors are returned at the byte that causes them, while the first device error
//! is only remembered and reported once the whole string has passed the grammar.
//! [`Scope`] is the owned, canonical form (distinct tokens in byte order) for storage.

use std::fmt;

use crate::device::{Alphabet, DeviceRules};
use crate::error::{DeviceIdError, Error};

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

/// Whether `b` may appear in a scope token (NQCHAR).
pub const fn is_scope_char(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

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

/// Everything [`ScopeRef::parse`] needs from a policy.
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

/// A validated, classified scope string, borrowed from its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeRef<'a> {
    text: &'a str,
    token_count: usize,
    api: Namespaces,
    device: Option<&'a str>,
    device_namespaces: Namespaces,
    synapse_admin: bool,
}

impl<'a> ScopeRef<'a> {
    /// Parses `text` under `rules`, allocating nothing.
    ///
    /// Errors, when several rules break: `scope.empty` (strict grammar), then `scope.too_long`,
    /// then the first offence left to right (invalid character, empty token, the first token
    /// past the count limit), then the first device token whose id breaks the device rules,
    /// then `scope.multiple_devices`.
    pub fn parse(text: &'a str, rules: &ScopeRules) -> Result<Self, Error> {
        Self::parse_each(text, rules, |_| {})
    }

    /// [`Self::parse`], collecting the distinct tokens into a [`TokenSet`] in the same pass.
    ///
    /// Allocates nothing unless the scope has more than [`TOKEN_SET_INLINE`] distinct tokens.
    /// Inlined, so that the set is built where the caller keeps it rather than moved there.
    #[inline]
    pub fn parse_with_set(text: &'a str, rules: &ScopeRules) -> Result<(Self, TokenSet<'a>), Error> {
        let mut set = TokenSet::new();
        let scope = Self::parse_each(text, rules, |token| set.push(token))?;
        set.finish();
        Ok((scope, set))
    }

    /// [`Self::parse`], handing every token as written to `each` (before the string is known to
    /// be valid: the caller keeps what it collects only on success).
    fn parse_each(text: &'a str, rules: &ScopeRules, mut each: impl FnMut(&'a str)) -> Result<Self, Error> {
        let mut scope = Self {
            text,
            token_count: 0,
            api: Namespaces::NONE,
            device: None,
            device_namespaces: Namespaces::NONE,
            synapse_admin: false,
        };
        let mut device_error = None;
        let mut multiple = false;
        scope.token_count = scan(text, rules, |token| {
            each(token);
            match TokenKind::of(token) {
                TokenKind::Api(ns) => scope.api.insert(ns),
                TokenKind::SynapseAdmin => scope.synapse_admin = true,
                TokenKind::Device(ns, id) => {
                    scope.device_namespaces.insert(ns);
                    if device_error.is_none() {
                        device_error = check_device_id(id, &rules.device).err();
                    }
                    match scope.device {
                        None => scope.device = Some(id),
                        Some(first) if first != id => multiple = true,
                        Some(_) => {}
                    }
                }
                _ => {}
            }
        })?;
        if let Some(e) = device_error {
            return Err(e.into());
        }
        if multiple {
            return Err(Error::ScopeMultipleDevices);
        }
        Ok(scope)
    }

    /// The string as given.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The tokens as written, duplicates included, empty pieces skipped.
    pub fn tokens(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.text.split(' ').filter(|t| !t.is_empty())
    }

    /// How many tokens were written, duplicates included.
    pub fn token_count(&self) -> usize {
        self.token_count
    }

    /// Whether the scope holds the full-API token in either namespace.
    pub fn has_api(&self) -> bool {
        !self.api.is_empty()
    }

    /// The namespaces in which the full-API token appears.
    pub fn api_namespaces(&self) -> Namespaces {
        self.api
    }

    /// The one device id, if any.
    pub fn device(&self) -> Option<&'a str> {
        self.device
    }

    /// The namespaces in which a device token appears.
    pub fn device_namespaces(&self) -> Namespaces {
        self.device_namespaces
    }

    /// The namespaces of the API and device tokens together.
    pub fn namespaces(&self) -> Namespaces {
        self.api.union(self.device_namespaces)
    }

    /// Whether `urn:synapse:admin:*` is present.
    pub fn synapse_admin(&self) -> bool {
        self.synapse_admin
    }

    /// Whether the exact token is present.
    pub fn contains(&self, token: &str) -> bool {
        self.tokens().any(|t| t == token)
    }

    /// The distinct tokens as a sorted set, collected from the already validated string.
    pub fn token_set(&self) -> TokenSet<'a> {
        let mut set = TokenSet::new();
        for token in self.tokens() {
            set.push(token);
        }
        set.finish();
        set
    }

    /// The owned, canonical form.
    pub fn to_owned_scope(&self) -> Scope {
        Scope::from_ref(self)
    }
}

/// Checks the grammar and the limits only, in [`ScopeRef::parse`]'s order (`scope.empty`, then
/// `scope.too_long`, then the first offence left to right), without looking at device ids.
///
/// The authorization server (`grant.decide`) uses it: there a device id that breaks the device
/// rules is a policy violation, not a malformed request.
pub fn check_syntax(text: &str, rules: &ScopeRules) -> Result<(), Error> {
    scan(text, rules, |_| {}).map(|_| ())
}

/// Checks `text` against the grammar and the limits in the documented order (`scope.empty`,
/// then `scope.too_long`, then the first offence left to right: invalid character, empty token,
/// the first token past the count limit), handing every token to `on_token` as it ends, left to
/// right. Returns the number of tokens.
///
/// A token is handed over before the rest of the string is checked, so `on_token` must only
/// record what it finds: the caller reports it after a successful scan.
fn scan<'a>(text: &'a str, rules: &ScopeRules, on_token: impl FnMut(&'a str)) -> Result<usize, Error> {
    let strict = rules.grammar == Grammar::Strict;
    if text.is_empty() && strict {
        return Err(Error::ScopeEmpty);
    }
    if text.len() > rules.limits.max_bytes {
        return Err(Error::ScopeTooLong { len: text.len(), max: rules.limits.max_bytes });
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
) -> Result<usize, Error> {
    let bytes = text.as_bytes();
    let mut count = 0usize;
    // `at` is where the current piece (a token, or nothing between two spaces) starts.
    let mut at = 0;
    loop {
        let end = at + token_len(bytes.get(at..).unwrap_or_default());
        if end > at {
            count += 1;
            if count > max_tokens {
                return Err(Error::ScopeTooManyTokens { max: max_tokens, at });
            }
        }
        match bytes.get(end) {
            Some(b' ') | None if end > at => on_token(text.get(at..end).unwrap_or_default()),
            // Leading, doubled or (at the end) trailing space; the empty string was refused.
            Some(b' ') | None if strict => return Err(Error::ScopeEmptyToken { at: end }),
            Some(b' ') | None => {}
            Some(&b) => {
                let ch = text.get(end..).and_then(|rest| rest.chars().next()).unwrap_or(char::from(b));
                return Err(Error::ScopeInvalidChar { ch, at: end });
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

/// [`DeviceRules::validate`] for an id taken from a token that is being scanned.
///
/// Under the `scope_token` alphabet (the default) the character check is the grammar's own: when
/// the scan succeeds, every byte of the id is a token character, and when it fails, the device
/// error is never reported. So only the length rules are left, in `validate`'s order.
fn check_device_id(id: &str, rules: &DeviceRules) -> Result<(), DeviceIdError> {
    if rules.alphabet != Alphabet::ScopeToken {
        return rules.validate(id);
    }
    let len = id.len();
    if len == 0 {
        Err(DeviceIdError::Empty)
    } else if len < rules.min_length {
        Err(DeviceIdError::TooShort { len, min: rules.min_length })
    } else if len > rules.max_length {
        Err(DeviceIdError::TooLong { len, max: rules.max_length })
    } else {
        Ok(())
    }
}

/// How many distinct tokens a [`TokenSet`] holds without allocating.
pub const TOKEN_SET_INLINE: usize = 6;

/// The distinct tokens of a validated scope, in canonical (byte) order, borrowed from the
/// scope string.
///
/// Up to [`TOKEN_SET_INLINE`] distinct tokens are held inline, so a login or introspected scope
/// (MAS's has six: `openid`, `email`, and the API and device tokens in both namespaces)
/// allocates nothing; a larger scope moves its tokens to one heap vector. The whole is 128
/// bytes, which the compiler moves without a `memcpy` call. Membership is a binary
/// search, iteration is in canonical order, and [`fmt::Display`] writes the canonical string
/// without building it. Built by [`ScopeRef::parse_with_set`] (in the parsing pass) or
/// [`ScopeRef::token_set`] (from a parsed scope).
#[derive(Clone)]
pub struct TokenSet<'a> {
    /// The tokens while they fit (the first `len` slots).
    inline: [&'a str; TOKEN_SET_INLINE],
    len: u8,
    /// All the tokens once they do not fit inline (then `len` is 0).
    heap: Vec<&'a str>,
    /// Whether the tokens are in strictly increasing order (while building; always at rest).
    sorted: bool,
}

impl<'a> TokenSet<'a> {
    /// The empty set.
    pub const fn new() -> Self {
        Self { inline: [""; TOKEN_SET_INLINE], len: 0, heap: Vec::new(), sorted: true }
    }

    /// Adds a token while building. Tokens usually arrive in canonical order already (or nearly),
    /// so each costs one comparison with the last; the rest are sorted once, in [`Self::finish`].
    ///
    /// Inlined into the parser's token loop; a full inline array and the heap take the cold path.
    #[inline(always)]
    fn push(&mut self, token: &'a str) {
        let len = usize::from(self.len);
        if self.heap.is_empty() && len < TOKEN_SET_INLINE {
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
            if usize::from(self.len) < TOKEN_SET_INLINE {
                self.push(token);
                return;
            }
            self.heap = Vec::with_capacity(2 * TOKEN_SET_INLINE);
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

    /// Whether every token of `required` is covered (stable and unstable twins of the API and
    /// device tokens cover each other; see [`covers`]).
    pub fn satisfies(&self, required: &TokenSet<'_>) -> bool {
        required.iter().all(|token| covers(self.iter(), token))
    }

    /// The tokens of `required` that this set does not cover, in canonical order, without
    /// allocating; none means the set satisfies `required`.
    pub fn missing<'r, 's>(&'s self, required: &'s TokenSet<'r>) -> impl Iterator<Item = &'r str> + 's {
        required.iter().filter(move |token| !covers(self.iter(), token))
    }

    /// The canonical string (the tokens joined by single spaces).
    pub fn canonical(&self) -> String {
        self.as_slice().join(" ")
    }

    /// The owned scope with the same tokens.
    pub fn to_scope(&self) -> Scope {
        Scope { tokens: self.iter().map(str::to_owned).collect() }
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

impl Default for TokenSet<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for TokenSet<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for TokenSet<'_> {}

impl fmt::Debug for TokenSet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for TokenSet<'_> {
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

impl<'s, 'a> IntoIterator for &'s TokenSet<'a> {
    type Item = &'a str;
    type IntoIter = std::iter::Copied<std::slice::Iter<'s, &'a str>>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter().copied()
    }
}

/// An owned scope: distinct tokens in canonical (byte) order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Scope {
    tokens: Vec<String>,
}

impl Scope {
    /// Parses `text` under `rules` into the owned, canonical form.
    pub fn parse(text: &str, rules: &ScopeRules) -> Result<Self, Error> {
        ScopeRef::parse_with_set(text, rules).map(|(_, set)| set.to_scope())
    }

    fn from_ref(scope: &ScopeRef<'_>) -> Self {
        scope.token_set().to_scope()
    }

    /// Builds the canonical set from tokens that are already valid.
    pub(crate) fn from_tokens<'t>(tokens: impl IntoIterator<Item = &'t str>) -> Self {
        let mut set: Vec<&str> = tokens.into_iter().collect();
        sort_distinct(&mut set);
        Self { tokens: set.into_iter().map(str::to_owned).collect() }
    }

    /// The distinct tokens in canonical order.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(String::as_str)
    }

    /// How many distinct tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Whether the exact token is present.
    pub fn contains(&self, token: &str) -> bool {
        self.tokens.binary_search_by(|t| t.as_str().cmp(token)).is_ok()
    }

    /// Whether the full-API token is present in either namespace.
    pub fn has_api(&self) -> bool {
        self.contains(API_STABLE) || self.contains(API_UNSTABLE)
    }

    /// The namespaces of the API and device tokens.
    pub fn namespaces(&self) -> Namespaces {
        let mut set = Namespaces::NONE;
        for ns in self.tokens().filter_map(|t| TokenKind::of(t).namespace()) {
            set.insert(ns);
        }
        set
    }

    /// The device id, if any (a valid [`Scope`] names at most one).
    pub fn device(&self) -> Option<&str> {
        self.tokens().find_map(|t| match TokenKind::of(t) {
            TokenKind::Device(_, id) => Some(id),
            _ => None,
        })
    }

    /// Whether `urn:synapse:admin:*` is present.
    pub fn synapse_admin(&self) -> bool {
        self.contains(SYNAPSE_ADMIN)
    }

    /// The canonical string: the distinct tokens in byte order, joined by single spaces.
    pub fn canonical(&self) -> String {
        self.tokens.join(" ")
    }

    /// Rewrites the API and device tokens into `form`; every other token is kept as is.
    pub fn normalize(&self, form: Form) -> Self {
        let mut out: Vec<String> = Vec::new();
        for token in self.tokens() {
            match TokenKind::of(token) {
                TokenKind::Api(_) => out.extend(form.namespaces().map(|ns| ns.api_token().to_owned())),
                TokenKind::Device(_, id) => {
                    out.extend(form.namespaces().map(|ns| format!("{}{id}", ns.device_prefix())));
                }
                _ => out.push(token.to_owned()),
            }
        }
        Self::from_tokens(out.iter().map(String::as_str))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Whether `token` is covered by `granted` (twins of the API and device tokens cover each other).
pub fn covers<'a>(granted: impl IntoIterator<Item = &'a str>, token: &str) -> bool {
    let key = CoverKey::of(token);
    granted.into_iter().any(|g| CoverKey::of(g) == key)
}

/// The tokens of `required` that `granted` does not cover, distinct, in canonical order.
///
/// An empty result means `granted` satisfies `required`.
pub fn missing<'r>(granted: &ScopeRef<'_>, required: &ScopeRef<'r>) -> Vec<&'r str> {
    let mut set: Vec<&'r str> = required.tokens().filter(|t| !covers(granted.tokens(), t)).collect();
    sort_distinct(&mut set);
    set
}

/// Sorts `tokens` into canonical (byte) order and drops repeats. One sort for every token list
/// keeps the WebAssembly build small (a `BTreeSet` per call site costs a stable sort each).
pub(crate) fn sort_distinct(tokens: &mut Vec<&str>) {
    tokens.sort_unstable();
    tokens.dedup();
}

/// Parses one side of a comparison (`scope.satisfies`): `rules`, except that the empty string is
/// the empty scope (nothing granted, or nothing required).
pub fn parse_side<'a>(text: &'a str, rules: &ScopeRules) -> Result<ScopeRef<'a>, Error> {
    let rules = if text.is_empty() { ScopeRules { grammar: Grammar::Lenient, ..*rules } } else { *rules };
    ScopeRef::parse(text, &rules)
}

/// Whether `granted` covers every token of `required`.
pub fn satisfies(granted: &ScopeRef<'_>, required: &ScopeRef<'_>) -> bool {
    required.tokens().all(|t| covers(granted.tokens(), t))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGIN: &str = "openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01";

    fn lenient() -> ScopeRules {
        ScopeRules { grammar: Grammar::Lenient, ..ScopeRules::DEFAULT }
    }

    #[test]
    fn login_scope_is_classified() {
        let s = ScopeRef::parse(LOGIN, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(s.has_api());
        assert_eq!(s.device(), Some("AAbbCCdd01"));
        assert_eq!(s.token_count(), 3);
        assert!(!s.synapse_admin());
    }

    #[test]
    fn inclusive_ranges() {
        for t in ["[", "]", "~", "!", "urn:x:~a"] {
            assert!(ScopeRef::parse(t, &ScopeRules::DEFAULT).is_ok(), "{t}");
        }
        for t in ["\"", "\\", "\u{7f}", "a\tb", "\u{a0}"] {
            let e = ScopeRef::parse(t, &ScopeRules::DEFAULT).map(|_| ());
            assert_eq!(e.map_err(|e| e.code()), Err("scope.invalid_char"), "{t:?}");
        }
    }

    #[test]
    fn whitespace_strict_and_lenient() {
        for t in [" a", "a ", "a  b", " "] {
            let strict = ScopeRef::parse(t, &ScopeRules::DEFAULT).map(|_| ());
            assert_eq!(strict.map_err(|e| e.code()), Err("scope.empty_token"), "{t:?}");
            assert!(ScopeRef::parse(t, &lenient()).is_ok(), "{t:?}");
        }
        assert_eq!(ScopeRef::parse("", &ScopeRules::DEFAULT).map(|_| ()), Err(Error::ScopeEmpty));
        assert_eq!(ScopeRef::parse("", &lenient()).map(|s| s.token_count()), Ok(0));
    }

    #[test]
    fn twins_are_one_device_and_cover_each_other() {
        let both = "urn:matrix:client:device:ABC urn:matrix:org.matrix.msc2967.client:device:ABC";
        let s = ScopeRef::parse(both, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(s.device(), Some("ABC"));
        let two = "urn:matrix:client:device:ABC urn:matrix:org.matrix.msc2967.client:device:ABD";
        assert_eq!(ScopeRef::parse(two, &ScopeRules::DEFAULT).map(|_| ()), Err(Error::ScopeMultipleDevices));
        let granted = ScopeRef::parse(API_UNSTABLE, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        let required = ScopeRef::parse("openid urn:matrix:client:api:*", &ScopeRules::DEFAULT)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(missing(&granted, &required), vec!["openid"]);
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
        let cases: [(&str, &ScopeRules, Result<usize, Error>); 10] = [
            ("a b", &ScopeRules::DEFAULT, Ok(2)),
            ("a b c", &two, Err(Error::ScopeTooManyTokens { max: 2, at: 4 })),
            ("a b c\\", &two, Err(Error::ScopeTooManyTokens { max: 2, at: 4 })),
            ("a b \\c", &two, Err(Error::ScopeInvalidChar { ch: '\\', at: 4 })),
            ("a  b", &ScopeRules::DEFAULT, Err(Error::ScopeEmptyToken { at: 2 })),
            ("abcdefghijklmnop ", &ScopeRules::DEFAULT, Err(Error::ScopeEmptyToken { at: 17 })),
            ("abcdefghij\u{e9}k", &ScopeRules::DEFAULT, Err(Error::ScopeInvalidChar { ch: '\u{e9}', at: 10 })),
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
        let (scope, set) = ScopeRef::parse_with_set(text, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(set.as_slice(), ["email", "openid", "urn:b"]);
        assert_eq!(scope.token_set(), set);
        assert!(set.contains("openid") && !set.contains("open"));
        assert_eq!(set.to_string(), "email openid urn:b");
        assert_eq!(set.canonical(), set.to_string());
        assert_eq!(set.to_scope().canonical(), set.canonical());
        assert_eq!(format!("{set:?}"), r#"{"email", "openid", "urn:b"}"#);
        // More distinct tokens than fit inline, in reverse order, with repeats.
        let many: Vec<String> = (0..3 * TOKEN_SET_INLINE).rev().map(|i| format!("t{i:02}")).collect();
        let text = format!("{} {}", many.join(" "), many.join(" "));
        let (_, set) = ScopeRef::parse_with_set(&text, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        let mut expected = many.clone();
        expected.sort();
        assert_eq!(set.iter().collect::<Vec<_>>(), expected);
        // Repeats that fill the inline slots are dropped before anything moves to the heap.
        let repeats = ["b", "a"].repeat(TOKEN_SET_INLINE).join(" ");
        let (_, set) = ScopeRef::parse_with_set(&repeats, &ScopeRules::DEFAULT).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(set.as_slice(), ["a", "b"]);
        assert!(set.heap.is_empty());
        assert_eq!(TokenSet::new().len(), 0);
    }

    #[test]
    fn token_set_comparison_covers_twins() {
        let parse = |t: &'static str| {
            ScopeRef::parse_with_set(t, &ScopeRules::DEFAULT).map(|(_, s)| s).unwrap_or_else(|e| unreachable!("{e}"))
        };
        let granted = parse("urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:client:device:AB");
        let required = parse("openid urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:AB");
        assert_eq!(granted.missing(&required).collect::<Vec<_>>(), ["openid"]);
        assert!(!granted.satisfies(&required));
        assert!(
            parse("openid urn:matrix:client:api:*").satisfies(&parse("urn:matrix:org.matrix.msc2967.client:api:*"))
        );
    }

    #[test]
    fn normalize_and_canonical() {
        let s = Scope::parse("urn:matrix:org.matrix.msc2967.client:api:* openid openid", &ScopeRules::DEFAULT)
            .unwrap_or_default();
        assert_eq!(s.canonical(), "openid urn:matrix:org.matrix.msc2967.client:api:*");
        assert_eq!(s.normalize(Form::Stable).canonical(), "openid urn:matrix:client:api:*");
        assert_eq!(s.normalize(Form::Both).len(), 3);
        assert_eq!(s.to_string(), s.canonical());
    }
}
