//! Bench inputs, read from the files beside the benches (`benches/data/*.tsv`) at compile time.
//!
//! The benches themselves are in `benches/`; this library only hands them their inputs.

const SCOPES: &str = include_str!("../benches/data/scopes.tsv");
const PATHS: &str = include_str!("../benches/data/paths.tsv");

/// The rows of a tab-separated file, comments and blank lines skipped.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines().filter(|line| !line.is_empty() && !line.starts_with('#')).map(|line| line.split('\t').collect())
}

/// The scope named `name` in `scopes.tsv`.
///
/// # Panics
/// When there is no such row: the bench data and the benches are out of step.
pub fn scope(name: &str) -> &'static str {
    rows(SCOPES)
        .find_map(|row| match row.as_slice() {
            [n, scope] if *n == name => Some(*scope),
            _ => None,
        })
        .unwrap_or_else(|| panic!("benches/data/scopes.tsv has no scope `{name}`"))
}

/// Every `(name, method, path)` row of `paths.tsv`.
pub fn paths() -> Vec<(&'static str, &'static str, &'static str)> {
    rows(PATHS)
        .filter_map(|row| match row.as_slice() {
            [name, method, path] => Some((*name, *method, *path)),
            _ => None,
        })
        .collect()
}

/// The method and path named `name` in `paths.tsv`.
///
/// # Panics
/// When there is no such row.
pub fn path(name: &str) -> (&'static str, &'static str) {
    paths()
        .into_iter()
        .find_map(|(n, method, path)| (n == name).then_some((method, path)))
        .unwrap_or_else(|| panic!("benches/data/paths.tsv has no path `{name}`"))
}

/// A scope of `n` distinct tokens: the login scope's three, then `urn:example:token:<i>`.
pub fn scope_of(n: usize) -> String {
    let login = scope("login").split(' ');
    let extra = (0..).map(|i| format!("urn:example:token:{i:04}"));
    login.map(str::to_owned).chain(extra).take(n).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_parse() {
        assert_eq!(scope("login").split(' ').count(), 3);
        assert_eq!(scope("introspected").split(' ').count(), 5);
        assert!(paths().len() >= 8);
        assert_eq!(scope_of(64).split(' ').count(), 64);
        assert_eq!(scope_of(1), "openid");
    }
}
