//! What `extra_tokens.patterns` promises (`src/policy/patterns.rs`, README "Operator token
//! patterns"): regular expressions in the regex crate's syntax, each matched against the whole
//! token with Unicode off, compiled once when the policy is built, refused with their index when
//! the regex crate refuses them or they pass a limit.

#![cfg(feature = "patterns")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use matrix_authz::policy::patterns::{
    MAX_PATTERN_BYTES, MAX_PATTERNS, PATTERN_DFA_SIZE_LIMIT, PATTERN_NEST_LIMIT, PATTERN_SIZE_LIMIT,
};
use matrix_authz::{Policy, PolicySettings};
use proptest::prelude::*;

fn policy(patterns: &[&str]) -> Result<Policy, String> {
    let mut settings = PolicySettings::default();
    settings.extra_tokens.patterns = patterns.iter().map(|p| (*p).to_owned()).collect();
    Policy::new(settings).map_err(|e| format!("{}: {e}", e.code()))
}

fn allowed(patterns: &[&str], tokens: &[&str]) -> Vec<bool> {
    let p = policy(patterns).unwrap();
    tokens.iter().map(|t| p.allows_extra_token(t)).collect()
}

#[test]
fn a_pattern_matches_the_whole_token() {
    assert_eq!(allowed(&["urn:example:.*"], &["urn:example:", "urn:example:a", "xurn:example:a"]), [true, true, false]);
    assert_eq!(allowed(&["a"], &["a", "ab", "ba", ""]), [true, false, false, false]);
    // Alternation at the top: `^(?:a|b)$`, not `^a|b$`.
    assert_eq!(allowed(&["a|b"], &["a", "b", "ab", "ba", "xb", "ax"]), [true, true, false, false, false, false]);
    // Anchors written in the pattern change nothing; `(?m)` does not open a line inside a token.
    assert_eq!(allowed(&["^a$", "(?m)b$"], &["a", "b", "ab", "bb"]), [true, true, false, false]);
}

#[test]
fn every_pattern_of_the_set_counts() {
    let patterns = ["urn:a:[0-9]+", "urn:b:(read|write)", "c{2,3}"];
    let tokens = ["urn:a:12", "urn:b:write", "ccc", "urn:a:", "urn:b:readwrite", "cccc"];
    assert_eq!(allowed(&patterns, &tokens), [true, true, true, false, false, false]);
}

#[test]
fn unicode_is_off() {
    // ASCII meanings of the Perl classes, word boundaries and case folding.
    assert_eq!(allowed(&[r"\w+"], &["a_Z9", "a-b"]), [true, false]);
    assert_eq!(allowed(&[r"\d{3}"], &["123", "12a"]), [true, false]);
    assert_eq!(allowed(&[r"\b.+\b"], &["ab", ":ab", "ab:"]), [true, false, false]);
    assert_eq!(allowed(&["(?i)urn:example:read"], &["URN:Example:READ", "urn:example:reads"]), [true, false]);
    assert_eq!(allowed(&["[[:alpha:]]+"], &["abcXYZ", "abc1"]), [true, false]);
}

#[test]
fn refusals_name_the_pattern() {
    assert_eq!(
        policy(&["a", "("]).err().as_deref(),
        Some("policy.invalid: invalid policy: `extra_tokens.patterns[1]` (`(`) does not compile: unclosed group")
    );
    for bad in ["[a-", "*a", r"\p{Greek}", "a{2,1}", r"\1"] {
        let e = policy(&["ok", bad]).err().unwrap_or_else(|| panic!("`{bad}` compiled"));
        assert!(e.starts_with("policy.invalid: invalid policy: `extra_tokens.patterns[1]`"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }
}

#[test]
fn a_pattern_cannot_escape_its_anchors() {
    // Wrapped it would read `^(?:a)|(?:b)$`; alone it does not parse, so it is refused.
    let e = policy(&["a)|(?:b"]).err().unwrap();
    assert!(e.contains("`extra_tokens.patterns[0]`"), "{e}");
}

#[test]
fn limits() {
    let many = vec!["a"; MAX_PATTERNS + 1];
    assert!(policy(&many[1..]).is_ok());
    assert!(policy(&many).unwrap_err().contains("more than the limit of 64"));
    let long = "a".repeat(MAX_PATTERN_BYTES + 1);
    assert!(policy(&[&long[1..]]).is_ok());
    assert!(policy(&[&long]).unwrap_err().contains("`extra_tokens.patterns[0]` has 1025 bytes"));
    let depth = PATTERN_NEST_LIMIT as usize;
    let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
    assert!(policy(&[&nested(depth / 2)]).is_ok());
    assert!(policy(&[&nested(depth + 1)]).unwrap_err().contains("`extra_tokens.patterns[0]`"));
    // Counted repetitions are fine until the intermediate automaton passes its size limit.
    assert!(policy(&["a{1000}"]).is_ok());
    let e = policy(&["(?:a{1000}){1000}"]).unwrap_err();
    assert!(e.starts_with("policy.invalid: invalid policy: `extra_tokens.patterns[0]` (`(?:a{1000}){1000}`)"), "{e}");
    assert!(e.contains(&format!("size limit of {PATTERN_SIZE_LIMIT} bytes for its NFA")), "{e}");
}

/// `[a-z]*X[a-z]{k}`: a deterministic automaton must remember the last k + 1 letters' X-or-not,
/// 2^(k+1) states.
fn memory(letter: char, k: usize) -> String {
    format!("[a-z]*{letter}[a-z]{{{k}}}")
}

#[test]
fn the_deterministic_automaton_has_a_size_limit() {
    // 2^21 states of at least one 4-byte transition each: 8 MiB, past the limit, named by index.
    let e = policy(&["ok", &memory('a', 20)]).unwrap_err();
    assert!(e.starts_with("policy.invalid: invalid policy: `extra_tokens.patterns[1]` (`[a-z]*a[a-z]{20}`)"), "{e}");
    assert!(e.contains(&format!("size limit of {PATTERN_DFA_SIZE_LIMIT} bytes for its DFA")), "{e}");
    assert!(!e.contains('\n'), "{e}");
    // Each of the 26 loads alone; together they need the last five letters, 26^5 states.
    let letters: Vec<String> = ('a'..='z').map(|l| memory(l, 4)).collect();
    let all: Vec<&str> = letters.iter().map(String::as_str).collect();
    for one in &all {
        assert!(policy(&[one]).is_ok(), "{one}");
    }
    let e = policy(&all).unwrap_err();
    assert!(e.starts_with("policy.invalid: invalid policy: `extra_tokens.patterns` together"), "{e}");
    assert!(e.contains("for its DFA"), "{e}");
    // What loads answers as it should.
    let two = policy(&all[..2]).unwrap();
    assert!(two.allows_extra_token("xxaxxxx") && two.allows_extra_token("bcccc") && !two.allows_extra_token("ccccc"));
}

#[test]
fn no_patterns_match_nothing() {
    let p = policy(&[]).unwrap();
    assert!(!p.allows_extra_token("a") && !p.allows_extra_token(""));
}

/// A pattern matching exactly `token`: every character but letters and digits escaped (`<` and
/// `>` are literals unescaped, since `\<` and `\>` are word-boundary assertions).
fn escaped(token: &str) -> String {
    let mut out = String::new();
    for c in token.chars() {
        if !c.is_ascii_alphanumeric() && c != '<' && c != '>' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Scope tokens: RFC 6749 NQCHAR.
fn token() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![Just(0x21u8), 0x23u8..=0x5b, 0x5du8..=0x7e], 1..12)
        .prop_map(|bytes| bytes.into_iter().map(char::from).collect())
}

proptest! {
    #[test]
    fn an_escaped_token_matches_itself_only(t in token(), other in token()) {
        let p = policy(&[&escaped(&t)]).unwrap();
        prop_assert!(p.allows_extra_token(&t));
        prop_assert_eq!(p.allows_extra_token(&other), other == t);
        let longer = format!("{t}{other}");
        prop_assert!(!p.allows_extra_token(&longer));
    }

    #[test]
    fn the_set_matches_when_one_member_does(a in token(), b in token(), t in token()) {
        let both = policy(&[&escaped(&a), &escaped(&b)]).unwrap();
        prop_assert_eq!(both.allows_extra_token(&t), t == a || t == b);
    }
}
