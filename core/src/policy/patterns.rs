//! Operator token patterns (`extra_tokens.patterns`): regular expressions in the syntax of the
//! [`regex`](https://docs.rs/regex) crate, each matched against the whole token.
//!
//! A policy compiles its patterns once, when it is built ([`crate::Policy::new`]): each pattern
//! alone, to refuse it with its index, then all of them as one `RegexSet` of `^(?:pattern)$`, so
//! a token is tested against every pattern in one pass, in time linear in the token's length.
//! Unicode is off (scope tokens are printable ASCII, RFC 6749 NQCHAR): `\d`, `\w`, `\s`, `\b`
//! and `(?i)` have their ASCII meanings, and `.` or `[^x]` match one byte. The limits below are
//! part of the contract; a pattern past one, or one the regex crate refuses, is `policy.invalid`
//! naming the pattern's index.
//!
//! Behind the cargo feature `patterns`. Without it a policy with any pattern is
//! `policy.invalid`, saying that the build lacks the feature; the limits are checked first either
//! way, so a build answers the same for a policy past them.

use super::PolicyError;

/// The most patterns one policy may list.
pub const MAX_PATTERNS: usize = 64;
/// The longest pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 1024;
/// The deepest nesting of groups, classes and repetitions in one pattern (`RegexBuilder::nest_limit`).
pub const PATTERN_NEST_LIMIT: u32 = 32;
/// The largest compiled program, in bytes, of one pattern and of all of them together
/// (`RegexBuilder::size_limit`; the regex crate's own default is 10 MiB).
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// The most memory, in bytes, the lazy DFA of the compiled set may use while matching
/// (`RegexBuilder::dfa_size_limit`); past it the regex crate falls back to a slower engine,
/// never to a wrong answer. The lazy DFA is only there when regex's `perf-dfa` feature is on:
/// this crate leaves it off (it costs 43 KB of gzipped wasm), a user's manifest may turn it on.
pub const PATTERN_DFA_SIZE_LIMIT: usize = 1 << 20;

/// The compiled patterns of one policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenPatterns {
    #[cfg(feature = "patterns")]
    set: Option<regex::bytes::RegexSet>,
}

impl TokenPatterns {
    /// Compiles `patterns`; `policy.invalid` naming the first one refused.
    pub(crate) fn compile(patterns: &[String]) -> Result<Self, PolicyError> {
        if patterns.len() > MAX_PATTERNS {
            return Err(PolicyError::invalid(format!(
                "`extra_tokens.patterns` lists {} patterns, more than the limit of {MAX_PATTERNS}",
                patterns.len()
            )));
        }
        for (index, pattern) in patterns.iter().enumerate() {
            if pattern.len() > MAX_PATTERN_BYTES {
                return Err(PolicyError::invalid(format!(
                    "`extra_tokens.patterns[{index}]` has {} bytes, more than the limit of {MAX_PATTERN_BYTES}",
                    pattern.len()
                )));
            }
        }
        if patterns.is_empty() {
            return Ok(Self::default());
        }
        Self::build(patterns)
    }

    #[cfg(feature = "patterns")]
    fn build(patterns: &[String]) -> Result<Self, PolicyError> {
        // Alone first: the index of a refused pattern, and no pattern that only parses once
        // wrapped (`a)|(?:b` would read as `^(?:a)|(?:b)$`, which is not anchored).
        for (index, pattern) in patterns.iter().enumerate() {
            let alone = regex::bytes::RegexBuilder::new(pattern)
                .unicode(false)
                .size_limit(PATTERN_SIZE_LIMIT)
                .dfa_size_limit(PATTERN_DFA_SIZE_LIMIT)
                .nest_limit(PATTERN_NEST_LIMIT)
                .build();
            if let Err(e) = alone {
                return Err(refused(&format!("`extra_tokens.patterns[{index}]` (`{pattern}`)"), &e));
            }
        }
        // The wrapper adds two levels of nesting (the concatenation and the group).
        let set = regex::bytes::RegexSetBuilder::new(patterns.iter().map(|p| format!("^(?:{p})$")))
            .unicode(false)
            .size_limit(PATTERN_SIZE_LIMIT)
            .dfa_size_limit(PATTERN_DFA_SIZE_LIMIT)
            .nest_limit(PATTERN_NEST_LIMIT + 2)
            .build()
            .map_err(|e| refused("`extra_tokens.patterns` anchored to the whole token", &e))?;
        Ok(Self { set: Some(set) })
    }

    #[cfg(not(feature = "patterns"))]
    fn build(_patterns: &[String]) -> Result<Self, PolicyError> {
        Err(PolicyError::invalid(
            "`extra_tokens.patterns` needs the `patterns` feature of matrix-authz, which this build lacks",
        ))
    }

    /// Whether some pattern matches all of `token`.
    #[inline]
    pub(crate) fn matches(&self, token: &str) -> bool {
        #[cfg(feature = "patterns")]
        if let Some(set) = &self.set {
            return set.is_match(token.as_bytes());
        }
        let _ = token;
        false
    }
}

/// `policy.invalid` for what the regex crate refused, on one line: its syntax errors draw the
/// pattern and a caret over several lines, then `error: WHAT`.
#[cfg(feature = "patterns")]
fn refused(what: &str, e: &regex::Error) -> PolicyError {
    let text = e.to_string();
    let reason = text
        .lines()
        .find_map(|line| line.strip_prefix("error: "))
        .map_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" "), str::to_owned);
    PolicyError::invalid(format!("{what} does not compile: {reason}"))
}
