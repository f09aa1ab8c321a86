//! The pattern dialect (`src/pattern.rs`) against its peer, `regex-lite`: patterns drawn from the
//! dialect's grammar compile in both and give the same answer on every token, and any string the
//! dialect accepts, the peer accepts too, with the same answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use matrix_authz::pattern::Pattern;
use proptest::prelude::*;

/// The peer's reading of a whole-token pattern.
fn peer(pattern: &str) -> Option<regex_lite::Regex> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$")).ok()
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[abc:1_ #&~,-]".prop_map(|s: String| s),
        1 => Just(".".to_owned()),
        1 => prop::sample::select(vec!["\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\.", "\\-", "\\\\", "\\]", "\\%"])
            .prop_map(str::to_owned),
        2 => prop::sample::select(vec![
            "[ab]", "[a-c]", "[^a]", "[]a]", "[^]a]", "[-a]", "[a-]", "[\\d:]", "[^\\w]", "[\\W]", "[0-9a-b_]",
            "[]-]", "[!-\\-]", "[ -~]", "[.*]", "[\\]\\[]",
        ])
        .prop_map(str::to_owned),
        1 => prop::sample::select(vec!["^", "$"]).prop_map(str::to_owned),
    ]
}

fn quantifier() -> impl Strategy<Value = String> {
    let base = prop_oneof![
        Just("*".to_owned()),
        Just("+".to_owned()),
        Just("?".to_owned()),
        (0u32..4).prop_map(|n| format!("{{{n}}}")),
        (0u32..3).prop_map(|n| format!("{{{n},}}")),
        (0u32..3, 0u32..3).prop_map(|(n, extra)| format!("{{{n},{}}}", n + extra)),
    ];
    (base, any::<bool>()).prop_map(|(q, lazy)| if lazy { format!("{q}?") } else { q })
}

/// Patterns of the dialect's grammar.
fn pattern() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|parts| parts.concat()),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|parts| parts.join("|")),
            (inner.clone(), any::<bool>()).prop_map(|(p, capture)| if capture {
                format!("({p})")
            } else {
                format!("(?:{p})")
            }),
            (inner, quantifier()).prop_map(|(p, q)| format!("(?:{p}){q}")),
        ]
    })
}

/// Tokens over a small alphabet, so that patterns match often.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[abc:1_ #&~,.\\]-]{0,8}",
        1 => "[ -~]{0,6}",
        1 => "[a\n\t\u{b}é☃]{0,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn grammar_patterns_agree_with_the_peer(p in pattern(), tokens in prop::collection::vec(token(), 8)) {
        let ours = Pattern::new(&p).unwrap_or_else(|e| panic!("`{p}`: {e}"));
        let theirs = peer(&p).unwrap_or_else(|| panic!("the peer refuses `{p}`"));
        for t in &tokens {
            prop_assert_eq!(ours.is_match(t), theirs.is_match(t), "pattern `{}`, token {:?}", p, t);
        }
    }

    #[test]
    fn whatever_we_accept_the_peer_reads_the_same(
        p in "[ab.*+?()|\\[\\]{}^$\\\\dwsDWS0-9,:&~<>!-]{0,10}",
        tokens in prop::collection::vec(token(), 8),
    ) {
        if let Ok(ours) = Pattern::new(&p) {
            let theirs = peer(&p).unwrap_or_else(|| panic!("the peer refuses `{p}`, which we accept"));
            for t in &tokens {
                prop_assert_eq!(ours.is_match(t), theirs.is_match(t), "pattern `{}`, token {:?}", p, t);
            }
        }
    }

    #[test]
    fn tokens_a_grammar_pattern_matches(p in pattern(), seed in any::<u64>()) {
        // Tokens built to match (from the pattern's own letters), to exercise the positive side.
        let ours = Pattern::new(&p).unwrap();
        let theirs = peer(&p).unwrap();
        let letters: Vec<char> = p.chars().filter(|c| c.is_ascii_alphanumeric() || ":_ #&~,-".contains(*c)).collect();
        let mut state = seed;
        for len in 0..6 {
            let token: String = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    letters.get((state >> 33) as usize % letters.len().max(1)).copied().unwrap_or('a')
                })
                .collect();
            prop_assert_eq!(ours.is_match(&token), theirs.is_match(&token), "pattern `{}`, token {:?}", p, token);
        }
    }
}

#[test]
fn the_conformance_patterns_mean_what_the_peer_means() {
    for (p, tokens) in [
        ("urn:example:.*", &["urn:example:", "urn:example:a:b", "xurn:example:a"][..]),
        ("a|b", &["a", "b", "ab", ""][..]),
        ("urn:com\\.example:[a-z]+", &["urn:com.example:rw", "urn:com.example:RW", "urn:comxexample:rw"][..]),
    ] {
        let ours = Pattern::new(p).unwrap();
        let theirs = peer(p).unwrap();
        for t in tokens {
            assert_eq!(ours.is_match(t), theirs.is_match(t), "{p} {t}");
        }
    }
    for p in ["(", "[a-"] {
        assert!(Pattern::new(p).is_err() && peer(p).is_none(), "{p}");
    }
}
