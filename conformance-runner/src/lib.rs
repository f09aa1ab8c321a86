//! The JSON conformance runner (`../shared/conformance/FORMAT.md`, "Runners") that every Rust
//! runner uses: core's `tests/conformance.rs` and the CLI's `conformance` command. A test helper,
//! not the engine's API (`publish = false`); the engine's part is the dispatcher
//! [`matrix_authz::json::evaluate`].
//!
//! It reads vector files (`FORMAT.md`), runs each case through [`evaluate`],
//! and compares the answer with the expectation by subset pattern: an object matches when every
//! key it names matches, arrays match element by element with the same length, anything else
//! must be equal. Messages are never compared, only codes.

#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use matrix_authz::json::{evaluate, evaluate_json};
use serde_json::Value;

/// The environment variable naming an extra folder of vectors.
pub const VECTORS_ENV: &str = "MATRIX_AUTHZ_VECTORS";

/// One failing case.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The case id (or the file, for a file that could not be read).
    pub id: String,
    /// What the case expected.
    pub expected: Value,
    /// What the engine answered (`{"ok": ...}` or `{"error": CODE}`).
    pub actual: Value,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FAIL {}: expected {} got {}", self.id, self.expected, self.actual)
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Cases that passed.
    pub passed: usize,
    /// Cases (and files) that failed.
    pub failures: Vec<Failure>,
}

impl Report {
    /// Whether the run counts as green: at least one case, none failed.
    pub fn ok(&self) -> bool {
        self.passed > 0 && self.failures.is_empty()
    }

    /// The closing line: `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failures.len())
    }
}

/// Whether `actual` matches the subset `pattern`.
pub fn matches(pattern: &Value, actual: &Value) -> bool {
    match (pattern, actual) {
        (Value::Object(p), Value::Object(a)) => p.iter().all(|(k, pv)| a.get(k).is_some_and(|av| matches(pv, av))),
        (Value::Array(p), Value::Array(a)) => p.len() == a.len() && p.iter().zip(a).all(|(pv, av)| matches(pv, av)),
        _ => pattern == actual,
    }
}

/// Runs one case and says whether it passed, with the engine's answer in the vector's shape.
pub fn run_case(case: &Value) -> (bool, Value) {
    let op = case.get("op").and_then(Value::as_str).unwrap_or("");
    let answer = match case.get("input_json") {
        // The input as JSON text, for what a host's JSON values cannot hold (numbers past a
        // double, nesting at the limit): through the text entry point every binding exports.
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&evaluate_json(op, text)) {
            Ok(mut envelope) => match envelope.get_mut("error") {
                Some(error) => {
                    let mut answer = serde_json::json!({ "error": error.get_mut("code").map(Value::take) });
                    if let (Some(path), Value::Object(fields)) = (error.get_mut("path"), &mut answer) {
                        fields.insert("path".to_owned(), path.take());
                    }
                    answer
                }
                None => envelope,
            },
            Err(e) => serde_json::json!({ "error": format!("the answer is not JSON: {e}") }),
        },
        _ => match evaluate(op, &case.get("input").cloned().unwrap_or(Value::Null)) {
            Ok(result) => serde_json::json!({ "ok": result }),
            Err(e) => match e.path() {
                Some(path) => serde_json::json!({ "error": e.code(), "path": path }),
                None => serde_json::json!({ "error": e.code() }),
            },
        },
    };
    let expect = case.get("expect").unwrap_or(&Value::Null);
    let passed = match (expect.get("ok"), expect.get("error")) {
        (Some(pattern), None) => answer.get("ok").is_some_and(|ok| matches(pattern, ok)),
        // FORMAT.md v4: a vector may pin the error's `path` too; then both are compared.
        (None, Some(code)) => {
            answer.get("error") == Some(code) && expect.get("path").is_none_or(|path| answer.get("path") == Some(path))
        }
        _ => false,
    };
    (passed, answer)
}

/// The vector files to read: `*.json` in each folder (sorted), files as given.
pub fn vector_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// The default set of folders: `core/conformance` under `root` and `$MATRIX_AUTHZ_VECTORS`.
pub fn default_paths(root: &Path) -> Vec<PathBuf> {
    let mut paths = vec![root.join("core").join("conformance")];
    if let Some(extra) = std::env::var_os(VECTORS_ENV).filter(|v| !v.is_empty()) {
        paths.push(PathBuf::from(extra));
    }
    paths
}

/// Runs every case of every file, checking that ids are unique across the run.
pub fn run_files(files: &[PathBuf]) -> Report {
    let mut report = Report::default();
    let mut seen = BTreeSet::new();
    for file in files {
        let cases = match read_cases(file) {
            Ok(cases) => cases,
            Err(why) => {
                report.failures.push(Failure {
                    id: file.display().to_string(),
                    expected: Value::from("a vector file"),
                    actual: Value::from(why),
                });
                continue;
            }
        };
        for case in &cases {
            let id = case.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
            let expected = case.get("expect").cloned().unwrap_or(Value::Null);
            if id.is_empty() || !seen.insert(id.clone()) {
                report.failures.push(Failure { id, expected, actual: Value::from("a missing or repeated id") });
                continue;
            }
            match run_case(case) {
                (true, _) => report.passed += 1,
                (false, actual) => report.failures.push(Failure { id, expected, actual }),
            }
        }
    }
    report
}

/// A whole run as FORMAT.md's "Runners" says: the vector files of `paths` (folders and files),
/// one line per failing case, the number of files read, `N passed, N failed` last; the exit code
/// fails on any failure, on zero cases and on a repeated id.
pub fn run(paths: &[PathBuf]) -> ExitCode {
    let files = match vector_files(paths) {
        Ok(files) => files,
        Err(e) => {
            println!("cannot list the vector folders: {e}");
            println!("0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    let report = run_files(&files);
    for failure in &report.failures {
        println!("{failure}");
    }
    println!("{} vector files read", files.len());
    println!("{}", report.summary());
    if report.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn read_cases(file: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    // A vector file wraps each input in a few levels (the file, `cases`, the case), so an input
    // at the engine's nesting limit lies deeper than serde_json's own limit of 127: vector files
    // are ours, read without that limit (core turns on serde_json's `unbounded_depth`); the
    // engine applies its own limit to each input.
    let mut reader = serde_json::Deserializer::from_str(&text);
    reader.disable_recursion_limit();
    let doc = <Value as serde::Deserialize>::deserialize(&mut reader).map_err(|e| format!("not JSON: {e}"))?;
    reader.end().map_err(|e| format!("not JSON: {e}"))?;
    match doc.get("cases") {
        Some(Value::Array(cases)) => Ok(cases.clone()),
        _ => Err("no `cases` array".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subset_patterns() {
        assert!(matches(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!matches(&json!({"a": 1, "c": 3}), &json!({"a": 1, "b": 2})));
        assert!(!matches(&json!([1]), &json!([1, 2])));
        assert!(matches(&json!([{"x": 1}]), &json!([{"x": 1, "y": 2}])));
        assert!(!matches(&json!(null), &json!({})));
        assert!(matches(&json!({"d": null}), &json!({"d": null})));
    }

    #[test]
    fn cases_compare_codes_only() {
        let case = json!({"id": "t", "op": "scope.parse", "input": {"scope": ""}, "expect": {"error": "scope.empty"}});
        assert!(run_case(&case).0);
        let wrong =
            json!({"id": "t", "op": "scope.parse", "input": {"scope": "a"}, "expect": {"error": "scope.empty"}});
        assert!(!run_case(&wrong).0);
    }

    #[test]
    fn zero_cases_and_repeated_ids_fail() {
        let dir = std::env::temp_dir().join(format!("matrix-authz-conformance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let case = json!({"id": "t", "op": "scope.parse", "input": {"scope": ""}, "expect": {"error": "scope.empty"}});
        let empty = dir.join("empty.json");
        std::fs::write(&empty, json!({"cases": []}).to_string()).unwrap();
        let twice = dir.join("twice.json");
        std::fs::write(&twice, json!({"cases": [case.clone(), case.clone()]}).to_string()).unwrap();
        let once = dir.join("once.json");
        std::fs::write(&once, json!({"cases": [case]}).to_string()).unwrap();

        let report = run_files(&[empty]);
        assert_eq!((report.passed, report.failures.len(), report.ok()), (0, 0, false));
        let report = run_files(&[twice]);
        assert_eq!((report.passed, report.failures.len(), report.ok()), (1, 1, false));
        assert_eq!(report.summary(), "1 passed, 1 failed");
        let report = run_files(&[once, dir.join("missing.json")]);
        assert_eq!((report.passed, report.failures.len()), (1, 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
