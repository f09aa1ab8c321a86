//! Differential: our strict RFC 6749 grammar against the crates.io peer `oauth2-types` 0.11
//! (MAS's `Scope`).
//!
//! Invariant: on every input without `[` or `~` both accept or both refuse, and when both accept
//! they hold the same token set; on inputs with `[` or `~` the peer's acceptance implies ours with
//! the same set. The one divergence is the peer's: 0.11 tests NQCHAR with exclusive ranges
//! (`'\x23'..'\x5B'`, `'\x5D'..'\x7E'`), so it refuses `[` (0x5B) and `~` (0x7E), which
//! RFC 6749 appendix A.4 allows (fixed upstream after 0.11, MAS issue #5878).
//!
//! Only the grammar is compared (`Scope::parse`, a device error counting as acceptance, since it is
//! reported only once the grammar passed): device-id rules and the multiple-device
//! rule are Matrix rules the peer does not know. The limits are raised to their ceilings so that
//! they never refuse a fuzz input (at most 4,096 bytes, so at most 2,048 tokens).

#![no_main]

use std::collections::BTreeSet;
use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use matrix_authz::{Scope, ScopeError, ScopeLimits, ScopeRules};

const RULES: ScopeRules = ScopeRules {
    limits: ScopeLimits { max_bytes: ScopeLimits::MAX_BYTES_CEILING, max_tokens: ScopeLimits::MAX_TOKENS_CEILING },
    ..ScopeRules::DEFAULT
};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if text.len() > ScopeLimits::MAX_BYTES_CEILING || text.split(' ').count() > ScopeLimits::MAX_TOKENS_CEILING {
        return;
    }
    // Device errors are reported only once the whole string passed the grammar, so they count
    // as the grammar's acceptance here (the peer knows no device tokens).
    let grammar_ok = match Scope::parse(&text, &RULES) {
        Ok(_) | Err(ScopeError::DeviceId(_) | ScopeError::MultipleDevices) => true,
        Err(_) => false,
    };
    let ours: Option<BTreeSet<&str>> = grammar_ok.then(|| text.split(' ').collect());
    let peer: Option<BTreeSet<String>> = oauth2_types::scope::Scope::from_str(&text)
        .ok()
        .map(|scope| scope.iter().map(|token| token.as_str().to_owned()).collect());
    let peer_refs: Option<BTreeSet<&str>> = peer.as_ref().map(|set| set.iter().map(String::as_str).collect());
    let diverges = text.contains(['[', '~']);
    match (&ours, &peer_refs) {
        (Some(a), Some(b)) => assert_eq!(a, b, "{text:?}: same acceptance, different sets"),
        (None, None) => {}
        (Some(_), None) if diverges => {} // the peer's known exclusive-range bug
        (Some(_), None) => panic!("{text:?}: we accept, oauth2-types refuses"),
        (None, Some(_)) => panic!("{text:?}: oauth2-types accepts, we refuse"),
    }
});
