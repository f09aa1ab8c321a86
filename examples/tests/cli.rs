//! The `matrix-authz` binary on hostile input: arguments that are not UTF-8, JSON lines with bad
//! lines among them, metadata files without end (Unix: arguments made of raw bytes, /dev/zero).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const MAX_DOCUMENT_BYTES: usize = 65536;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_matrix-authz"))
}

/// Runs the binary with `args` and `stdin`.
fn run<S: AsRef<OsStr>>(args: &[S], stdin: &[u8]) -> Output {
    let mut child =
        cli().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // Written from a thread: the child may answer (and fill its pipes) before reading it all.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn arguments_that_are_not_utf8_are_a_usage_error() {
    let bad = OsStr::from_bytes(b"open\xffid");
    for args in [
        vec![OsStr::new("scope"), bad],
        vec![bad],
        vec![OsStr::new("--policy"), bad, OsStr::new("scope"), OsStr::new("openid")],
        vec![OsStr::new("check-client"), bad],
        vec![OsStr::new("eval"), OsStr::new("scope.parse"), bad],
        vec![OsStr::new("conformance"), bad],
    ] {
        let out = run(&args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("is not UTF-8") && !stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // The position is named, the bytes shown as far as they are text.
    let out = run(&[OsStr::new("scope"), bad], b"");
    assert!(text(&out.stderr).contains("argument 2 is not UTF-8: `open\u{fffd}id`"), "{out:?}");
}

#[test]
fn decide_reports_each_bad_line_and_goes_on() {
    let good = br#"{"method": "GET", "path": "/_matrix/client/v3/sync"}"#;
    let mut lines = Vec::new();
    lines.extend_from_slice(good); // line 1
    lines.extend_from_slice(b"\n{not json\n"); // line 2
    lines.extend_from_slice(b"\"\xff\"\n"); // line 3: not UTF-8
    lines.extend_from_slice(b"\n"); // line 4: blank, skipped
    lines.extend_from_slice(br#"{"method": "GET"}"#); // line 5: the engine refuses it
    lines.push(b'\n');
    lines.extend_from_slice(good); // line 6, without a final line break
    let out = run(&["decide"], &lines);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stdout = text(&out.stdout);
    let answers: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(answers.len(), 5, "{stdout}");
    assert!(answers[0].get("error").is_none() && answers[4] == answers[0], "{stdout}");
    for (answer, code) in
        [(&answers[1], "input.invalid"), (&answers[2], "input.invalid"), (&answers[3], "input.invalid")]
    {
        assert_eq!(answer["error"]["code"], code, "{stdout}");
    }
    let stderr = text(&out.stderr);
    let reported: Vec<&str> = stderr.lines().collect();
    assert_eq!(reported.len(), 3, "{stderr}");
    assert!(reported[0].starts_with("matrix-authz: line 2: input.invalid: the input is not JSON"), "{stderr}");
    assert!(reported[1].starts_with("matrix-authz: line 3: input.invalid: the input is not JSON"), "{stderr}");
    assert!(reported[2].starts_with("matrix-authz: line 5: input.invalid: "), "{stderr}");

    // Only the engine's refusals: exit 1; none: exit 0.
    let out = run(&["decide"], b"{\"method\": \"GET\"}\n");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = run(&["decide"], &[&good[..], b"\n", &good[..], b"\n"].concat());
    assert_eq!((out.status.code(), text(&out.stdout).lines().count()), (Some(0), 2), "{out:?}");
}

#[test]
fn decide_skips_a_line_over_the_input_limit() {
    let good = br#"{"method": "GET", "path": "/_matrix/client/v3/sync"}"#;
    let mut lines = vec![b'x'; 16 * 1024 * 1024 + 10];
    lines.push(b'\n');
    lines.extend_from_slice(good);
    let out = run(&["decide"], &lines);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.lines().nth(1).unwrap().contains("\"decision\""), "{stdout}");
    assert!(text(&out.stderr).contains("line 1: input.invalid: the line is over 16777216 bytes"));
}

#[test]
fn metadata_files_are_read_up_to_the_size_limit() {
    // One byte over the limit, as a file: too large, not parsed (it is not even JSON).
    let over = temp_file("over.json", &vec![b' '; MAX_DOCUMENT_BYTES + 1]);
    for command in ["check-client", "check-server"] {
        let out = run(&[OsStr::new(command), over.as_os_str()], b"");
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert_eq!(text(&out.stdout), format!("{}: metadata.too_large\n1 violations\n", over.display()));
    }
    // A file without end is read no further.
    for command in ["check-client", "check-server"] {
        let started = Instant::now();
        let out = run(&[command, "/dev/zero"], b"");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert_eq!(text(&out.stdout), "/dev/zero: metadata.too_large\n1 violations\n");
    }
    // At the limit the engine judges the document itself.
    let document = format!("{{\"client_name\": \"{}\"}}", "x".repeat(MAX_DOCUMENT_BYTES - 19));
    assert_eq!(document.len(), MAX_DOCUMENT_BYTES);
    let at_limit = temp_file("at-limit.json", document.as_bytes());
    let out = run(&[OsStr::new("check-client"), at_limit.as_os_str()], b"");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("client_uri.missing") && !stdout.contains("too_large"), "{stdout}");
    let _ = std::fs::remove_file(over);
    let _ = std::fs::remove_file(at_limit);
}

#[test]
fn metadata_files_hold_numbers_of_any_size_and_nest_to_the_limit() {
    // README "JSON input": the document is the input here, so it may nest 128 levels.
    let doc = |x: &str| format!(r#"{{"client_uri": "https://example.com/", "grant_types": [], "x": {x}}}"#);
    let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    for (name, x, expect) in [
        ("large.json", "1e400".to_owned(), "valid\n"),
        ("wide.json", "[18446744073709551616, -1e-400]".to_owned(), "valid\n"),
        ("at-depth.json", nested(127), "valid\n"),
        ("too-deep.json", nested(128), "input.invalid: invalid input: nested deeper than 128"),
    ] {
        let file = temp_file(name, doc(&x).as_bytes());
        let out = run(&[OsStr::new("check-client"), file.as_os_str()], b"");
        let stdout = text(&out.stdout);
        assert!(stdout.starts_with(&format!("{}: {expect}", file.display())), "{name}: {stdout}");
        assert_eq!(out.status.code(), Some(if expect.starts_with("valid") { 0 } else { 1 }), "{name}");
        let _ = std::fs::remove_file(file);
    }
}

#[test]
fn stdin_is_read_up_to_the_input_limit() {
    let out = run(&["eval", "scope.parse"], &vec![b' '; 16 * 1024 * 1024 + 1]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("stdin is over 16777216 bytes"), "{out:?}");
    let out = run(&["eval", "scope.parse"], b"\xff");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("stdin is not UTF-8"), "{out:?}");
    let out = run(&["eval", "scope.parse"], br#"{"scope": "openid"}"#);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // A policy file, likewise.
    let policy = temp_file("policy.json", &vec![b' '; 16 * 1024 * 1024 + 1]);
    let out = run(&[OsStr::new("--policy"), policy.as_os_str(), OsStr::new("scope"), OsStr::new("openid")], b"");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("is over 16777216 bytes"), "{out:?}");
    let _ = std::fs::remove_file(policy);
}
