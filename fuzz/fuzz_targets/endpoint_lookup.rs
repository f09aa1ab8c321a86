//! Path matching against a naive oracle: a linear scan of every spelling of every catalogue
//! entry (`endpoint::spellings`) that follows DECISIONS.md "Path matching" literally.
//!
//! Input layout: the method, a space, then the raw path.
//!
//! Invariant: `endpoint::lookup` finds exactly the entry the oracle finds (no two entries of one
//! method match one path under any spelling), captures each `{param}` as the raw segment at its
//! place, calls a path admin exactly when it is under `/_synapse/admin/`, and decides `HEAD` as
//! `GET`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

use matrix_authz::endpoint::{Endpoint, Lookup, lookup, spellings};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (method, path) = text.split_once(' ').unwrap_or(("GET", &text));
    let found = lookup(method, path);
    let expected = oracle(method, path);
    assert_eq!(
        found.endpoint().map(|e| (e.method, e.path)),
        expected.as_ref().map(|(e, _)| (e.method, e.path)),
        "{method} {path}"
    );
    match (found, expected) {
        (Lookup::Known(_, params), Some((_, wanted))) => {
            let got: Vec<(&str, &str)> = params.iter().collect();
            assert_eq!(got, wanted, "{method} {path}");
        }
        (Lookup::Admin, None) => assert!(path.starts_with("/_synapse/admin/"), "{path}"),
        (Lookup::Unknown, None) => assert!(!path.starts_with("/_synapse/admin/"), "{path}"),
        (found, expected) => panic!("{method} {path}: {found:?} against {expected:?}"),
    }
});

/// Every spelling of every entry, computed once.
fn all_spellings() -> &'static [(String, &'static Endpoint)] {
    static ALL: OnceLock<Vec<(String, &'static Endpoint)>> = OnceLock::new();
    ALL.get_or_init(spellings)
}

/// The entry that matches, which must be at most one, with its captures.
fn oracle<'p>(method: &str, path: &'p str) -> Option<(&'static Endpoint, Vec<(&'static str, &'p str)>)> {
    if path.starts_with("/_synapse/admin/") {
        return None;
    }
    let method = if method == "HEAD" { "GET" } else { method };
    let given: Vec<&'p str> = path.split('/').collect();
    let mut matches = all_spellings().iter().filter(|(_, e)| e.method.name() == method).filter_map(|(template, e)| {
        let wanted: Vec<&str> = template.split('/').collect();
        let mut raw = given.clone();
        // `.../{eventType}` with the state key left out: the same as an empty last segment.
        if wanted.last() == Some(&"{stateKey}") && raw.len() + 1 == wanted.len() {
            raw.push("");
        }
        if wanted.len() != raw.len() {
            return None;
        }
        let mut captures = Vec::new();
        for (i, (t, p)) in wanted.iter().zip(&raw).enumerate() {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !p.is_empty() || (name == "stateKey" && i + 1 == raw.len()) => {
                    // The names live as long as the catalogue: find the static one.
                    let bare = |s: &'static str| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
                    let name = e
                        .path
                        .split('/')
                        .chain(std::iter::once("{stateKey}"))
                        .find_map(|s| bare(s).filter(|s| *s == name))?;
                    captures.push((name, *p));
                }
                Some(_) => return None,
                None if t == p => {}
                None => return None,
            }
        }
        Some((*e, captures))
    });
    let first = matches.next();
    // The same entry may come twice (two spellings of one entry can match one path only if
    // they are equal); two different entries may not.
    for (other, _) in matches {
        assert!(first.as_ref().is_some_and(|(e, _)| std::ptr::eq(*e, other)), "{method} {path}: two entries match");
    }
    first
}
