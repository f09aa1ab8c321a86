//! The fast paths of issue 17 (findings 2 and 3) answer what simple references answer:
//! `satisfies` and `missing` (sorted keys past a few granted tokens) against a `BTreeSet` model,
//! `grant.decide` reading repeated device tokens as a set, `extra_tokens.exact` (held sorted)
//! against a linear scan, and the patterns' automaton against the regex crate's `RegexSet`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;

use matrix_authz::grant::{self, GrantRequest, GrantType};
use matrix_authz::scope::{API_STABLE, API_UNSTABLE, DEVICE_PREFIX_STABLE, DEVICE_PREFIX_UNSTABLE, ScopeLimits};
use matrix_authz::{Policy, PolicySettings, Preset, Scope, ScopeRules};
use proptest::prelude::*;

/// Raised limits, so that scopes of a few hundred tokens parse.
const RULES: ScopeRules = ScopeRules {
    limits: ScopeLimits { max_bytes: ScopeLimits::MAX_BYTES_CEILING, max_tokens: ScopeLimits::MAX_TOKENS_CEILING },
    ..ScopeRules::DEFAULT
};

/// What a granted token covers, read as plainly as possible: the API token in either namespace
/// is one key, a device token in either namespace is its id, anything else is itself.
fn key(token: &str) -> (u8, &str) {
    if token == API_STABLE || token == API_UNSTABLE {
        return (0, "");
    }
    match token.strip_prefix(DEVICE_PREFIX_STABLE).or_else(|| token.strip_prefix(DEVICE_PREFIX_UNSTABLE)) {
        Some(id) => (1, id),
        None => (2, token),
    }
}

/// The tokens of `required` that `granted` does not cover, distinct and sorted.
fn model_missing<'r>(granted: &str, required: &'r str) -> BTreeSet<&'r str> {
    let keys: BTreeSet<(u8, &str)> = granted.split(' ').filter(|t| !t.is_empty()).map(key).collect();
    required.split(' ').filter(|t| !t.is_empty() && !keys.contains(&key(t))).collect()
}

/// Tokens from a small vocabulary, so that two scopes share many; one device id, so that a
/// scope of them parses.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(API_STABLE.to_owned()),
        Just(API_UNSTABLE.to_owned()),
        Just(format!("{DEVICE_PREFIX_STABLE}DEV")),
        Just(format!("{DEVICE_PREFIX_UNSTABLE}DEV")),
        Just("openid".to_owned()),
        "urn:x:[a-z]{1,2}",
        "[a-c]{1,3}",
    ]
}

/// A scope of 0 to `max` tokens, repeats allowed.
fn scope(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..max).prop_map(|tokens| tokens.join(" "))
}

fn decide(scope: &str, policy: &Policy) -> (Vec<&'static str>, Option<String>, Option<String>) {
    let request =
        GrantRequest { entropy: Some(b"0123456789"), ..GrantRequest::new(scope, GrantType::AuthorizationCode) };
    let d = grant::decide(&request, policy).unwrap();
    (d.codes().collect(), d.granted.map(Scope::into_string), d.device.map(String::from))
}

fn raised(preset: Preset) -> PolicySettings {
    let mut settings = PolicySettings::preset(preset);
    settings.scope.limits = RULES.limits;
    settings
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn satisfies_and_missing_agree_with_the_model(granted in scope(120), required in scope(120)) {
        let g = Scope::parse_or_empty(&granted, &RULES).unwrap();
        let r = Scope::parse_or_empty(&required, &RULES).unwrap();
        let expected = model_missing(&granted, &required);
        let missing = g.missing(&r);
        prop_assert_eq!(missing.iter().collect::<BTreeSet<_>>(), expected.clone());
        prop_assert_eq!(missing.iter().collect::<Vec<_>>(), expected.iter().copied().collect::<Vec<_>>());
        prop_assert_eq!(g.satisfies(&r), expected.is_empty());
        // The owned, canonical forms answer the same.
        prop_assert_eq!(g.to_canonical().satisfies(&r.to_canonical()), expected.is_empty());
        prop_assert_eq!(g.to_canonical().missing(&r).iter().collect::<BTreeSet<_>>(), expected);
    }

    #[test]
    fn repeated_device_tokens_change_no_grant(
        ids in prop::collection::vec("[A-Za-z0-9]{1,12}", 1..40),
        repeats in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        unstable in any::<bool>(),
    ) {
        let prefix = if unstable { DEVICE_PREFIX_UNSTABLE } else { DEVICE_PREFIX_STABLE };
        let mut tokens: Vec<String> = vec![API_STABLE.to_owned()];
        tokens.extend(ids.iter().map(|id| format!("{prefix}{id}")));
        let once = tokens.join(" ");
        let mut again = tokens.clone();
        again.extend(repeats.iter().map(|i| i.get(&tokens).clone()));
        let again = again.join(" ");
        for preset in [Preset::Default, Preset::Mas] {
            let policy = raised(preset).build().unwrap();
            prop_assert_eq!(decide(&once, &policy), decide(&again, &policy));
        }
    }

    #[test]
    fn exact_tokens_are_looked_up_as_a_linear_scan_finds_them(
        exact in prop::collection::vec("[a-d]{1,3}", 0..60),
        tokens in prop::collection::vec("[a-d]{1,3}", 1..60),
    ) {
        let mut settings = raised(Preset::Default);
        settings.extra_tokens.exact.clone_from(&exact);
        let policy = settings.build().unwrap();
        for t in &tokens {
            prop_assert_eq!(policy.allows_extra_token(t), exact.iter().any(|e| e == t), "{}", t);
        }
        // What the grant keeps is what the scan allows.
        let text = tokens.join(" ");
        let (_, granted, _) = decide(&text, &policy);
        let expected: BTreeSet<&str> = tokens.iter().map(String::as_str).filter(|t| exact.iter().any(|e| e == t)).collect();
        prop_assert_eq!(granted, Some(expected.into_iter().collect::<Vec<_>>().join(" ")));
    }
}

/// Patterns from a small grammar that exercises classes, repetitions, alternation, anchors and
/// assertions (ASCII word boundaries), the constructs an automaton compiles differently.
fn pattern() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        "[a-c]",
        Just(".".to_owned()),
        Just("[^b]".to_owned()),
        Just(r"\w".to_owned()),
        Just(r"\d".to_owned()),
        Just(r"\b".to_owned()),
        Just(":".to_owned()),
        Just("(?i)A".to_owned()),
    ];
    let piece = (atom, prop_oneof![Just(""), Just("*"), Just("+"), Just("?"), Just("{1,2}")])
        .prop_map(|(a, q)| if a == r"\b" { a } else { format!("{a}{q}") });
    let branch = prop::collection::vec(piece, 1..5).prop_map(|p| p.concat());
    (prop::collection::vec(branch, 1..3), any::<bool>(), any::<bool>()).prop_map(|(branches, start, end)| {
        format!("{}(?:{}){}", if start { "^" } else { "" }, branches.join("|"), if end { "$" } else { "" })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_automaton_matches_what_the_regex_crate_matches(
        patterns in prop::collection::vec(pattern(), 1..4),
        tokens in prop::collection::vec("[a-cA1:_!]{1,6}", 1..20),
    ) {
        let mut settings = PolicySettings::default();
        settings.extra_tokens.patterns.clone_from(&patterns);
        let policy = settings.build().unwrap();
        let reference = regex::bytes::RegexSetBuilder::new(patterns.iter().map(|p| format!("^(?:{p})$")))
            .unicode(false)
            .build()
            .unwrap();
        for t in &tokens {
            prop_assert_eq!(policy.allows_extra_token(t), reference.is_match(t.as_bytes()), "{:?} {}", patterns, t);
        }
    }
}
