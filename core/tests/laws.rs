//! Laws of scopes and device ids, checked on generated inputs, with a naive model of RFC 6749's
//! grammar to compare the fast scanner against.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;

use matrix_authz::scope::{API_STABLE, API_UNSTABLE, DEVICE_PREFIX_STABLE, DEVICE_PREFIX_UNSTABLE};
use matrix_authz::{DeviceId, Form, Grammar, Policy, Preset, Scope, ScopeRules, device};
use proptest::prelude::*;

/// Tokens drawn mostly from the Matrix vocabulary, sometimes arbitrary scope characters.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(API_STABLE.to_owned()),
        Just(API_UNSTABLE.to_owned()),
        Just("openid".to_owned()),
        Just("urn:synapse:admin:*".to_owned()),
        "[A-Za-z0-9]{1,3}".prop_map(|id| format!("{DEVICE_PREFIX_STABLE}DEV{id}")),
        "[A-Za-z0-9]{1,3}".prop_map(|id| format!("{DEVICE_PREFIX_UNSTABLE}DEV{id}")),
        "[!#-\\[\\]-~]{1,12}",
    ]
}

fn scope_text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 1..8).prop_map(|tokens| tokens.join(" "))
}

/// Scope strings with at most one device id, so that they parse.
fn valid_scope() -> impl Strategy<Value = String> {
    scope_text().prop_filter("one device at most", |s| Scope::parse(s, &ScopeRules::DEFAULT).is_ok())
}

fn lenient() -> ScopeRules {
    ScopeRules { grammar: Grammar::Lenient, ..ScopeRules::DEFAULT }
}

/// RFC 6749 appendix A.4, read as plainly as possible.
fn model_strict(s: &str) -> Option<BTreeSet<&str>> {
    let nqchar = |c: char| c == '!' || ('#'..='[').contains(&c) || (']'..='~').contains(&c);
    let tokens: Vec<&str> = s.split(' ').collect();
    if tokens.iter().all(|t| !t.is_empty() && t.chars().all(nqchar)) {
        Some(tokens.into_iter().collect())
    } else {
        None
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn strict_grammar_agrees_with_the_model(s in "[ -~\t\u{a0}é]{0,40}") {
        // No device tokens can arise from this alphabet's short strings in practice; guard anyway.
        prop_assume!(!s.contains("urn:matrix:"));
        let ours = Scope::parse(&s, &ScopeRules::DEFAULT).ok().map(|p| p.tokens().collect::<BTreeSet<_>>());
        prop_assert_eq!(ours, model_strict(&s));
    }

    #[test]
    fn token_set_is_the_model_set(tokens in prop::collection::vec(prop_oneof![token(), "[a-c]{1,2}"], 0..20)) {
        // Many short repeats (`a`, `ab`, ...) so that sets both dedup inline and spill to the heap.
        let text = tokens.join(" ");
        let model: BTreeSet<&str> = tokens.iter().map(String::as_str).collect();
        if let Ok((_, set)) = Scope::parse_with_tokens(&text, &lenient()) {
            prop_assert!(set.iter().eq(model.iter().copied()), "{text:?}");
            prop_assert_eq!(set.len(), model.len());
            prop_assert!(model.iter().all(|t| set.contains(t)));
            prop_assert!(!set.contains("not-a-token-of-the-set"));
        } else {
            // Only the multiple-devices rule refuses these tokens.
            let ids: BTreeSet<&str> = tokens
                .iter()
                .filter_map(|t| t.strip_prefix(DEVICE_PREFIX_STABLE).or_else(|| t.strip_prefix(DEVICE_PREFIX_UNSTABLE)))
                .collect();
            prop_assert!(ids.len() > 1, "{text:?}");
        }
    }

    #[test]
    fn canonical_form_reparses_to_the_same_set(s in valid_scope()) {
        let owned = Scope::parse(&s, &ScopeRules::DEFAULT).unwrap().to_canonical();
        let again = Scope::parse(owned.as_str(), &ScopeRules::DEFAULT).unwrap().to_canonical();
        prop_assert_eq!(&owned, &again);
        prop_assert_eq!(owned.canonical(), again.as_str());
    }

    #[test]
    fn strict_success_implies_lenient_success_with_the_same_set(s in "[ -~]{0,60}") {
        if let Ok(strict) = Scope::parse(&s, &ScopeRules::DEFAULT) {
            prop_assert_eq!(Scope::parse(&s, &lenient()).map(|s| s.to_canonical()), Ok(strict.to_canonical()));
        }
    }

    #[test]
    fn normalize_is_idempotent(s in valid_scope(), form in prop_oneof![Just(Form::Stable), Just(Form::Unstable), Just(Form::Both)]) {
        let once = Scope::parse(&s, &ScopeRules::DEFAULT).unwrap().normalize(form);
        prop_assert_eq!(once.normalize(form), once.clone());
        // Normalizing never changes what the scope grants.
        let before = Scope::parse(&s, &ScopeRules::DEFAULT).unwrap();
        prop_assert!(before.satisfies(&once) && once.satisfies(&before));
        prop_assert_eq!(once.device(), before.device());
    }

    #[test]
    fn satisfies_is_reflexive_and_transitive(a in valid_scope(), b in valid_scope(), c in valid_scope()) {
        let rules = ScopeRules::DEFAULT;
        let (a, b, c) = (Scope::parse(&a, &rules).unwrap(), Scope::parse(&b, &rules).unwrap(), Scope::parse(&c, &rules).unwrap());
        prop_assert!(a.satisfies(&a));
        if a.satisfies(&b) && b.satisfies(&c) {
            prop_assert!(a.satisfies(&c));
        }
        // `missing` is empty exactly when `satisfies` holds, in either storage.
        prop_assert_eq!(a.missing(&b).is_empty(), a.satisfies(&b));
        let b_owned = b.to_canonical();
        prop_assert_eq!(a.to_canonical().missing(&b_owned), a.missing(&b));
        prop_assert_eq!(a.to_canonical().satisfies(&b), a.satisfies(&b));
    }

    #[test]
    fn generation_is_deterministic_and_well_formed(entropy in prop::collection::vec(any::<u8>(), 0..64), length in 1usize..40) {
        let first = device::generate(&entropy, length);
        prop_assert_eq!(&first, &device::generate(&entropy, length));
        let usable = entropy.iter().filter(|&&b| b < 248).count();
        match first {
            Ok(id) => {
                let id = id.as_str();
                prop_assert_eq!(id.len(), length);
                prop_assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
                prop_assert!(usable >= length);
            }
            Err(e) => {
                prop_assert_eq!(e.code(), "entropy.insufficient");
                prop_assert!(usable < length);
            }
        }
    }

    #[test]
    fn no_input_panics_under_any_preset(s in any::<String>()) {
        for preset in Preset::ALL {
            let _ = Scope::parse(&s, &Policy::preset(preset).settings().scope);
            let _ = DeviceId::parse(&s, &Policy::preset(preset).settings().scope.device);
        }
    }
}
