//! The ruma differential (core/conformance/CHOICES-ruma.md): every endpoint of ruma-client-api
//! (`interop/ruma/ruma-endpoints.tsv`) against `matrix_authz::endpoint::lookup`.
//!
//! For each ruma endpoint, every `{param}` of every spelling is filled with `x` and looked up.
//! If any spelling is known, every spelling must be known and name the same catalogue endpoint,
//! and its token must be the one ruma's authentication maps to (DECISIONS.md "Path matching").
//! An endpoint no spelling of which is known is a difference too. Each difference must be listed
//! in `core/conformance/ruma-differences.tsv`, and each row there must still be a difference.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use matrix_authz::endpoint::{TokenRequirement, lookup};

/// A difference: method, path (one spelling, as in the table) and kind.
type Difference = (String, String, &'static str);

/// The tokens ruma's authentication maps to, or `None` for an endpoint that is not a client one.
fn mapped_tokens(authentication: &str) -> Option<&'static [TokenRequirement]> {
    use TokenRequirement::{Appservice, None as NoToken, Optional, Required};
    match authentication {
        "AccessToken" => Some(&[Required]),
        "AccessTokenOptional" => Some(&[Optional]),
        "AppserviceToken" => Some(&[Appservice]),
        // "appservice token optional or none: none or optional as the spec's file says".
        "AppserviceTokenOptional" => Some(&[NoToken, Optional]),
        "NoAccessToken" | "NoAuthentication" => Some(&[NoToken]),
        "ServerSignatures" => None,
        other => panic!("ruma-endpoints.tsv: unknown authentication {other}: map it in tests/ruma.rs"),
    }
}

/// A path with every `{param}` segment replaced by `x`.
fn sample(template: &str) -> String {
    template
        .split('/')
        .map(|s| if s.starts_with('{') && s.ends_with('}') { "x" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// The data rows of a tab-separated file: `#` comments and the header line left out.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn ruma_endpoints_match_the_catalogue() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let endpoints = rows(&here.join("ruma-endpoints.tsv"));
    let allowed = rows(&here.join("../../core/conformance/ruma-differences.tsv"));

    let mut found: BTreeSet<Difference> = BTreeSet::new();
    let (mut clients, mut spellings, mut known) = (0, 0, 0);
    for row in &endpoints {
        let [method, authentication, paths, ..] = row.as_slice() else { panic!("short row: {row:?}") };
        let Some(tokens) = mapped_tokens(authentication) else { continue };
        clients += 1;
        let paths: Vec<&str> = paths.split(' ').collect();
        let hits: Vec<_> = paths.iter().map(|p| lookup(method, &sample(p)).endpoint()).collect();
        spellings += paths.len();
        known += hits.iter().flatten().count();
        let newest = paths.last().copied().unwrap_or_default();
        // The endpoint the newest known spelling names: the one the others must name too.
        let Some(endpoint) = hits.iter().rev().flatten().next() else {
            found.insert((method.clone(), newest.to_owned(), "not-in-catalogue"));
            continue;
        };
        for (path, hit) in paths.iter().zip(&hits) {
            match hit {
                None => found.insert((method.clone(), (*path).to_owned(), "spelling-unknown")),
                Some(e) if e.operation_id() != endpoint.operation_id() => {
                    found.insert((method.clone(), (*path).to_owned(), "spelling-other-endpoint"))
                }
                Some(_) => false,
            };
        }
        if !tokens.contains(&endpoint.token) {
            found.insert((method.clone(), newest.to_owned(), "token"));
        }
    }

    let listed: BTreeSet<Difference> = allowed
        .iter()
        .map(|row| match row.as_slice() {
            [method, path, kind, ..] => {
                let kind = ["not-in-catalogue", "spelling-unknown", "spelling-other-endpoint", "token"]
                    .into_iter()
                    .find(|k| k == kind)
                    .unwrap_or_else(|| panic!("ruma-differences.tsv: unknown kind {kind}"));
                (method.clone(), path.clone(), kind)
            }
            _ => panic!("ruma-differences.tsv: short row {row:?}"),
        })
        .collect();
    assert_eq!(listed.len(), allowed.len(), "ruma-differences.tsv lists a difference twice");

    let unlisted: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    for (method, path, kind) in &unlisted {
        println!("unlisted difference:\t{method}\t{path}\t{kind}");
    }
    for (method, path, kind) in &stale {
        println!("stale allow-list row (no longer a difference):\t{method}\t{path}\t{kind}");
    }
    println!(
        "ruma: {} endpoints, {spellings} spellings, {known} known, {} listed, {} unlisted, {} stale",
        clients,
        found.intersection(&listed).count(),
        unlisted.len(),
        stale.len()
    );
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "{} unlisted differences, {} stale rows",
        unlisted.len(),
        stale.len()
    );
}
