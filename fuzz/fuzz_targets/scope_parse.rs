//! Raw bytes into the strict and lenient scope parsers.
//!
//! Invariant: no panic; a parsed scope's canonical form re-parses to the same set (and is its
//! own canonical form); strict success implies lenient success with the same set and the same
//! classification; the owned (`Scope<String>`) and borrowed (`Scope<&str>`) forms agree on the
//! parts and the comparison; errors carry scope or device codes only.

#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_authz::{DeviceId, Grammar, Scope, ScopeRules};
use matrix_authz_fuzz::{is_scope_code, lenient, strict_rules};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for strict in strict_rules() {
        let loose = lenient(strict);
        let s = check(&text, &strict);
        let l = check(&text, &loose);
        if let Some(s) = s {
            let l = l.unwrap_or_else(|| panic!("strict accepts {text:?}, lenient refuses it"));
            assert_eq!(s.to_canonical(), l.to_canonical(), "{text:?}");
            assert!(s.satisfies(&l) && l.satisfies(&s) && s.missing(&l).is_empty(), "{text:?}");
            assert_eq!(classification(&s), classification(&l), "{text:?}");
        }
    }
});

/// Parses `text`, checks the per-grammar invariants and returns the parse when it succeeded.
fn check<'a>(text: &'a str, rules: &ScopeRules) -> Option<Scope<&'a str>> {
    let parsed = Scope::parse(text, rules);
    let with_tokens = Scope::parse_with_tokens(text, rules);
    assert_eq!(parsed.map(|s| s.distinct()), with_tokens.map(|(_, set)| set), "{text:?}");
    match parsed {
        Err(e) => {
            assert!(is_scope_code(e.code()), "{text:?}: {}", e.code());
            assert!(!e.to_string().is_empty());
            None
        }
        Ok(scope) => {
            let set = scope.to_canonical();
            let canonical = set.canonical();
            assert_eq!(canonical, set.as_str(), "{text:?}");
            // The empty scope (lenient only) is the empty string, which strict reading refuses.
            if !(canonical.is_empty() && rules.grammar == Grammar::Strict) {
                let again = Scope::parse(&canonical, rules)
                    .unwrap_or_else(|e| panic!("{text:?}: canonical {canonical:?} fails with {}", e.code()));
                assert_eq!(again.to_canonical(), set, "{text:?}");
                assert_eq!(again.to_canonical().as_str(), canonical, "{text:?}");
                assert_eq!(classification(&again), classification(&scope), "{text:?}");
            }
            assert!(scope.token_count() >= set.len(), "{text:?}");
            assert!(scope.token_count() <= rules.limits.max_tokens, "{text:?}");
            assert_eq!(set.has_api(), scope.has_api(), "{text:?}");
            assert_eq!(set.device().map(DeviceId::into_inner), scope.device().map(DeviceId::into_inner), "{text:?}");
            assert_eq!(set.namespaces(), scope.namespaces(), "{text:?}");
            assert!(set.satisfies(&scope) && scope.satisfies(&set), "{text:?}");
            Some(scope)
        }
    }
}

/// What a server reads from a scope, apart from its token list.
fn classification<'a>(scope: &Scope<&'a str>) -> (bool, Option<&'a str>, bool, Vec<&'static str>) {
    let device = scope.device().map(DeviceId::into_inner);
    (scope.has_api(), device, scope.synapse_admin(), scope.namespaces().iter().map(|ns| ns.name()).collect())
}
