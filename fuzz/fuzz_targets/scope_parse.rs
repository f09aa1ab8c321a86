//! Raw bytes into the strict and lenient scope parsers.
//!
//! Invariant: no panic; a parsed scope's canonical form re-parses to the same set (and is its
//! own canonical form); strict success implies lenient success with the same set and the same
//! classification; `Scope::parse` agrees with `ScopeRef::parse`; errors carry scope or device
//! codes only.

#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_authz::{Grammar, Scope, ScopeRef, ScopeRules};
use matrix_authz_fuzz::{is_scope_code, lenient, strict_rules};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for strict in strict_rules() {
        let loose = lenient(strict);
        let s = check(&text, &strict);
        let l = check(&text, &loose);
        if let Some(s) = s {
            let l = l.unwrap_or_else(|| panic!("strict accepts {text:?}, lenient refuses it"));
            assert_eq!(s.to_owned_scope(), l.to_owned_scope(), "{text:?}");
            assert_eq!(classification(&s), classification(&l), "{text:?}");
        }
    }
});

/// Parses `text`, checks the per-grammar invariants and returns the parse when it succeeded.
fn check<'a>(text: &'a str, rules: &ScopeRules) -> Option<ScopeRef<'a>> {
    let parsed = ScopeRef::parse(text, rules);
    let owned = Scope::parse(text, rules);
    assert_eq!(parsed.clone().map(|s| s.to_owned_scope()), owned, "{text:?}");
    match parsed {
        Err(e) => {
            assert!(is_scope_code(e.code()), "{text:?}: {}", e.code());
            assert!(!e.to_string().is_empty());
            None
        }
        Ok(scope) => {
            let set = scope.to_owned_scope();
            let canonical = set.canonical();
            // The empty scope (lenient only) is the empty string, which strict reading refuses.
            if !(canonical.is_empty() && rules.grammar == Grammar::Strict) {
                let again = ScopeRef::parse(&canonical, rules)
                    .unwrap_or_else(|e| panic!("{text:?}: canonical {canonical:?} fails with {}", e.code()));
                assert_eq!(again.to_owned_scope(), set, "{text:?}");
                assert_eq!(again.to_owned_scope().canonical(), canonical, "{text:?}");
                assert_eq!(classification(&again), classification(&scope), "{text:?}");
            }
            assert!(scope.token_count() >= set.len(), "{text:?}");
            assert!(scope.token_count() <= rules.limits.max_tokens, "{text:?}");
            assert_eq!(set.has_api(), scope.has_api(), "{text:?}");
            assert_eq!(set.device(), scope.device(), "{text:?}");
            Some(scope)
        }
    }
}

/// What a server reads from a scope, apart from its token list.
fn classification<'a>(scope: &ScopeRef<'a>) -> (bool, Option<&'a str>, bool, Vec<&'static str>) {
    (scope.has_api(), scope.device(), scope.synapse_admin(), scope.namespaces().iter().map(|ns| ns.name()).collect())
}
