//! Path matching against a naive oracle: a linear scan of the catalogue that follows
//! DECISIONS.md "Path matching" literally.
//!
//! Input layout: the method, a space, then the raw path.
//!
//! Invariant: `endpoint::lookup` finds exactly the template the oracle finds (the catalogue has
//! no two templates of one method that can match one path), captures each `{param}` as the raw
//! segment at its place, and calls a path admin exactly when it is unmatched and under
//! `/_synapse/admin/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_authz::endpoint::{ENDPOINTS, Endpoint, Lookup, lookup};

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

/// Every template that matches, which must be at most one, with its captures.
fn oracle<'p>(method: &str, path: &'p str) -> Option<(&'static Endpoint, Vec<(&'static str, &'p str)>)> {
    let (path_for_templates, r0) = match path.strip_prefix("/_matrix/client/r0/") {
        Some(rest) => (format!("/_matrix/client/v3/{rest}"), true),
        None => (path.to_owned(), false),
    };
    // The captures come from the caller's path: `r0` and `v3` sit at the same place, so the
    // segment positions agree.
    let given: Vec<&'p str> = path.split('/').collect();
    let rewritten: Vec<&str> = path_for_templates.split('/').collect();
    let mut matches = ENDPOINTS.iter().filter(|e| e.method.name() == method && (!r0 || e.since_r0)).filter_map(|e| {
        let mut wanted: Vec<&'static str> = e.path.split('/').collect();
        let mut segments = rewritten.clone();
        let mut raw = given.clone();
        // `.../{eventType}` with the state key left out: the same as an empty last segment.
        if wanted.last() == Some(&"{stateKey}") && segments.len() + 1 == wanted.len() {
            segments.push("");
            raw.push("");
        }
        if wanted.len() != segments.len() {
            return None;
        }
        let mut captures = Vec::new();
        for (i, (t, p)) in wanted.drain(..).zip(&segments).enumerate() {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some("stateKey") if p.is_empty() && i + 1 == segments.len() => captures.push(("stateKey", raw[i])),
                Some(name) if !p.is_empty() => captures.push((name, raw[i])),
                Some(_) => return None,
                None if t == *p => {}
                None => return None,
            }
        }
        Some((e, captures))
    });
    let first = matches.next();
    assert!(matches.next().is_none(), "{method} {path}: two templates match");
    first
}
