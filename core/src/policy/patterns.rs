//! Operator token patterns (`extra_tokens.patterns`): regular expressions in the syntax of the
//! [`regex`](https://docs.rs/regex) crate, each matched against the whole token.
//!
//! A policy compiles its patterns once, when it is built ([`crate::Policy::new`]): each pattern
//! is parsed alone (by `regex-syntax`, the regex crate's own parser), to refuse it with its index,
//! then all of them become one anchored deterministic automaton (`regex-automata`'s dense DFA,
//! the engine under the regex crate). Matching a token is then one table lookup per byte,
//! whatever the patterns: no input can make it slower, which is what the per-call budget of
//! `grant.decide` rests on (README "What a call costs"). What a set may cost is paid once,
//! when the policy loads, and the size limits below bound it: a set whose automaton would pass
//! them is refused. Unicode is off (scope tokens are printable ASCII, RFC 6749 NQCHAR): `\d`,
//! `\w`, `\s`, `\b` and `(?i)` have their ASCII meanings, and `.` or `[^x]` match one byte. The
//! limits are part of the contract; a pattern past one, or one the parser refuses, is
//! `policy.invalid` naming the pattern's index (or the set, for the automaton of all of them).
//!
//! Behind the cargo feature `patterns`. Without it a policy with any pattern is
//! `policy.invalid`, saying that the build lacks the feature; the count and length limits are
//! checked first either way, so a build answers the same for a policy past them.

use super::PolicyError;

/// The most patterns one policy may list.
pub const MAX_PATTERNS: usize = 64;
/// The longest pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 1024;
/// The deepest nesting of groups, classes and repetitions in one pattern.
pub const PATTERN_NEST_LIMIT: u32 = 32;
/// The most heap, in bytes, of the intermediate automaton (the Thompson NFA) of one pattern and
/// of the whole set. It bounds the work of building the deterministic automaton, not matching.
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// The largest deterministic automaton of the whole set, in bytes: its transition table is what
/// matching reads, one entry per byte of the token, so this keeps it small enough to stay in the
/// processor's caches (the budget's argument, README "What a call costs").
pub const PATTERN_DFA_SIZE_LIMIT: usize = 1 << 20;
/// The most heap, in bytes, building the deterministic automaton may use besides the automaton
/// itself.
pub const PATTERN_DETERMINIZE_LIMIT: usize = 2 << 20;
/// The most `extra_tokens.exact` entries one policy may list (the most tokens a scope may carry,
/// [`crate::scope::ScopeLimits::MAX_TOKENS_CEILING`]). They are held sorted, so a token is looked
/// up in at most 13 comparisons.
pub const MAX_EXACT_TOKENS: usize = 4096;

/// The compiled patterns of one policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenPatterns {
    /// Shared: cloning a policy does not copy the automaton.
    #[cfg(feature = "patterns")]
    dfa: Option<std::sync::Arc<regex_automata::dfa::dense::DFA<Vec<u32>>>>,
}

impl TokenPatterns {
    /// Compiles `patterns`; `policy.invalid` naming the first one refused.
    pub(crate) fn compile(patterns: &[String]) -> Result<Self, PolicyError> {
        if patterns.len() > MAX_PATTERNS {
            return Err(PolicyError::invalid(format!(
                "`extra_tokens.patterns` lists {} patterns, more than the limit of {MAX_PATTERNS}",
                patterns.len()
            ))
            .at(["extra_tokens", "patterns"]));
        }
        for (index, pattern) in patterns.iter().enumerate() {
            if pattern.len() > MAX_PATTERN_BYTES {
                return Err(PolicyError::invalid(format!(
                    "`extra_tokens.patterns[{index}]` has {} bytes, more than the limit of {MAX_PATTERN_BYTES}",
                    pattern.len()
                ))
                .at(pointer(Some(index))));
            }
        }
        if patterns.is_empty() {
            return Ok(Self::default());
        }
        Self::build(patterns)
    }

    #[cfg(feature = "patterns")]
    fn build(patterns: &[String]) -> Result<Self, PolicyError> {
        use regex_syntax::hir::{Hir, Look};

        // Each pattern is parsed alone, so that a refusal names its index and no pattern that
        // only parses once combined (`a)|(?:b`) gets in; then it is anchored at the end of the
        // token (the search is anchored at its start).
        let mut anchored = Vec::with_capacity(patterns.len());
        for (index, pattern) in patterns.iter().enumerate() {
            let hir = regex_syntax::ParserBuilder::new()
                .unicode(false)
                .utf8(false)
                .nest_limit(PATTERN_NEST_LIMIT)
                .build()
                .parse(pattern)
                .map_err(|e| {
                    refused(&format!("`extra_tokens.patterns[{index}]` (`{pattern}`)"), &e.to_string())
                        .at(pointer(Some(index)))
                })?;
            let whole = Hir::concat(vec![hir, Hir::look(Look::End)]);
            nfa(std::slice::from_ref(&whole)).map_err(|e| {
                too_large(&format!("`extra_tokens.patterns[{index}]` (`{pattern}`)"), Automaton::Nfa, &e)
                    .at(pointer(Some(index)))
            })?;
            anchored.push(whole);
        }
        let set = nfa(&anchored)
            .map_err(|e| too_large("`extra_tokens.patterns` together", Automaton::Nfa, &e).at(pointer(None)))?;
        let dfa = dfa(&set).map_err(|e| {
            // Name the first pattern whose own automaton is too large, if one is.
            let alone = anchored.iter().position(|h| nfa(std::slice::from_ref(h)).map_or(true, |n| dfa(&n).is_err()));
            let (what, index) = match alone.and_then(|i| Some((i, patterns.get(i)?))) {
                Some((i, pattern)) => (format!("`extra_tokens.patterns[{i}]` (`{pattern}`)"), Some(i)),
                None => ("`extra_tokens.patterns` together".to_owned(), None),
            };
            too_large(&what, Automaton::Dfa, &e).at(pointer(index))
        })?;
        Ok(Self { dfa: Some(std::sync::Arc::new(dfa)) })
    }

    #[cfg(not(feature = "patterns"))]
    fn build(_patterns: &[String]) -> Result<Self, PolicyError> {
        Err(PolicyError::invalid(
            "`extra_tokens.patterns` needs the `patterns` feature of matrix-authz, which this build lacks",
        ))
    }

    /// Whether some pattern matches all of `token`: a walk of the automaton, one transition per
    /// byte, stopping early where no pattern can match any more.
    #[inline]
    pub(crate) fn matches(&self, token: &str) -> bool {
        #[cfg(feature = "patterns")]
        if let Some(dfa) = &self.dfa {
            use regex_automata::dfa::Automaton;
            let input = regex_automata::Input::new(token).anchored(regex_automata::Anchored::Yes).earliest(true);
            // No quit bytes and no Unicode word boundary: the search cannot fail.
            return matches!(dfa.try_search_fwd(&input), Ok(Some(_)));
        }
        let _ = token;
        false
    }
}

/// The Thompson NFA of anchored pattern syntax trees, within [`PATTERN_SIZE_LIMIT`]. The
/// builder's error is kept as its text (it is only ever shown).
#[cfg(feature = "patterns")]
fn nfa(hirs: &[regex_syntax::hir::Hir]) -> Result<regex_automata::nfa::thompson::NFA, String> {
    use regex_automata::nfa::thompson;
    thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .utf8(false)
                .nfa_size_limit(Some(PATTERN_SIZE_LIMIT))
                .which_captures(thompson::WhichCaptures::None),
        )
        .build_many_from_hir(hirs)
        .map_err(|e| e.to_string())
}

/// The anchored DFA of `nfa` that tells whether any of its patterns matches, within
/// [`PATTERN_DFA_SIZE_LIMIT`] and [`PATTERN_DETERMINIZE_LIMIT`]; its error kept as text too.
#[cfg(feature = "patterns")]
fn dfa(nfa: &regex_automata::nfa::thompson::NFA) -> Result<regex_automata::dfa::dense::DFA<Vec<u32>>, String> {
    use regex_automata::dfa::{StartKind, dense};
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .match_kind(regex_automata::MatchKind::All)
                .dfa_size_limit(Some(PATTERN_DFA_SIZE_LIMIT))
                .determinize_size_limit(Some(PATTERN_DETERMINIZE_LIMIT)),
        )
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

/// The JSON pointer tokens of `extra_tokens.patterns`, or of one entry of it.
fn pointer(index: Option<usize>) -> Vec<String> {
    let mut tokens = vec!["extra_tokens".to_owned(), "patterns".to_owned()];
    tokens.extend(index.map(|i| i.to_string()));
    tokens
}

/// `policy.invalid` for a pattern the parser refused, on one line: its errors draw the pattern
/// and a caret over several lines, then `error: WHAT`.
#[cfg(feature = "patterns")]
fn refused(what: &str, text: &str) -> PolicyError {
    let reason = text
        .lines()
        .find_map(|line| line.strip_prefix("error: "))
        .map_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" "), str::to_owned);
    PolicyError::invalid(format!("{what} does not compile: {reason}"))
}

/// Which automaton [`too_large`] names.
#[cfg(feature = "patterns")]
#[derive(Clone, Copy)]
enum Automaton {
    Nfa,
    Dfa,
}

/// `policy.invalid` for an automaton that could not be built: past a size limit (Unicode is
/// off, so nothing the parser accepts is unsupported), named with the builder's reason.
#[cfg(feature = "patterns")]
fn too_large(what: &str, automaton: Automaton, reason: &str) -> PolicyError {
    let limits = match automaton {
        Automaton::Nfa => format!("the size limit of {PATTERN_SIZE_LIMIT} bytes for its NFA"),
        Automaton::Dfa => format!(
            "the size limit of {PATTERN_DFA_SIZE_LIMIT} bytes for its DFA (and of {PATTERN_DETERMINIZE_LIMIT} bytes of work space to build it)"
        ),
    };
    PolicyError::invalid(format!("{what} does not compile within {limits}: {reason}"))
}
