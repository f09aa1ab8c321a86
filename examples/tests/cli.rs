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

const API: &str = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ";

/// The step lines of an explanation: (step, state, description).
fn explained_steps(stdout: &str) -> Vec<(u8, String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.trim_start().splitn(2, ' ');
            let step = words.next()?.parse().ok()?;
            let (state, what) = words.next()?.trim_start().split_once("  ")?;
            Some((step, state.trim().to_owned(), what.trim().to_owned()))
        })
        .collect()
}

/// Runs `decide --explain` and checks the pipeline it prints: every step up to `step` passed
/// (or skipped where `skipped` says), `step` answered with `reason`, then nothing.
fn explain(args: &[&str], request: &str, step: u8, reason: &str, skipped: &[u8]) -> String {
    let out = run(&[args, &["decide", "--explain", request]].concat(), b"");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let steps = explained_steps(&stdout);
    assert_eq!(steps.iter().map(|s| s.0).collect::<Vec<_>>(), (0..=step).collect::<Vec<_>>(), "{stdout}");
    for (number, state, _) in &steps {
        let expected = match number {
            n if *n == step => "ANSWERED",
            n if skipped.contains(n) => "skipped",
            _ => "passed",
        };
        assert_eq!(state, expected, "step {number}: {stdout}");
    }
    assert!(stdout.contains(&format!(", reason {reason}\n")), "{stdout}");
    stdout
}

#[test]
fn explain_names_the_answering_step_and_reason() {
    // README reason table: a guest on an endpoint guests may not call, step 12.
    let guest = format!(
        r#"{{"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {{"scope": "{API}", "guest": true}}}}"#
    );
    let stdout = explain(&[], &guest, 12, "guest.endpoint_not_allowed", &[]);
    assert!(stdout.contains("decision deny, reason guest.endpoint_not_allowed\n"), "{stdout}");
    assert!(stdout.contains("setting: none"), "{stdout}");
    assert!(stdout.contains("steps 13 to 18 not reached\n"), "{stdout}");
    assert!(stdout.contains("HTTP/1.1 403 Forbidden\n"), "{stdout}");
    assert!(stdout.contains(r#""errcode": "M_GUEST_ACCESS_FORBIDDEN""#), "{stdout}");
    // Never part of the answer: the explanation's fields stay out of the body.
    assert!(!stdout.contains("\"reason\"") && !stdout.contains("\"step\""), "{stdout}");

    // A CORS preflight: step 0 allows, nothing else is reached.
    let preflight = r#"{"method": "OPTIONS", "path": "/_matrix/client/v3/sync"}"#;
    let stdout = explain(&[], preflight, 0, "request.preflight", &[]);
    assert!(stdout.contains("allowed: the request goes through\n") && !stdout.contains("HTTP/1.1"), "{stdout}");
    assert!(stdout.contains("steps 1 to 18 not reached\n"), "{stdout}");

    // A step-up rule whose max_age meets a token without auth_time: step 17, the rule named.
    let policy = r#"{"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]}"#;
    let request =
        format!(r#"{{"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {{"scope": "{API}"}}}}"#);
    let stdout = explain(&["--policy", policy], &request, 17, "step_up.auth_time_missing", &[]);
    assert!(stdout.contains("setting: step_up[0] (the policy's setting decided)\n"), "{stdout}");
    assert!(stdout.contains("step 18 not reached\n"), "{stdout}");
    assert!(stdout.contains("HTTP/1.1 401 Unauthorized\n"), "{stdout}");
    assert!(
        stdout.contains("  www-authenticate: Bearer error=\"insufficient_user_authentication\", max_age=\"300\"\n"),
        "{stdout}"
    );

    // An unknown path under unknown_endpoints: "deny": step 16, that setting.
    let unknown =
        format!(r#"{{"method": "GET", "path": "/_matrix/client/v3/nothing_here", "token": {{"scope": "{API}"}}}}"#);
    let stdout = explain(&["--policy", r#"{"unknown_endpoints": "deny"}"#], &unknown, 16, "endpoint.unknown", &[]);
    assert!(stdout.contains("setting: unknown_endpoints") && stdout.contains("HTTP/1.1 404 Not Found\n"), "{stdout}");
}

#[test]
fn explain_marks_the_steps_legacy_endpoints_skips() {
    let delete = format!(
        r#"{{"method": "DELETE", "path": "/_matrix/client/v3/devices/ABCDEFGHIJ", "token": {{"scope": "{API}"}}}}"#
    );
    // Device deletion belongs to the account-management page: step 14 ...
    let stdout = explain(&[], &delete, 14, "oauth.device_deletion_unusable", &[]);
    assert!(stdout.contains("HTTP/1.1 404 Not Found\n"), "{stdout}");
    // ... unless the server also offers the legacy API, which skips steps 1, 2, 3 and 14.
    let policy = r#"{"legacy_endpoints": true}"#;
    let stdout = explain(&["--policy", policy], &delete, 18, "request.allowed", &[1, 2, 3, 14]);
    assert!(stdout.contains("legacy_endpoints: true skips it"), "{stdout}");
    assert!(stdout.contains("allowed: the request goes through\n"), "{stdout}");
}

#[test]
fn explain_shows_an_allow_that_spends_an_approval() {
    // README reason table: a cross-signing reset within the approval, step 15, setting approval;
    // under "single_use" the host spends the approval.
    let upload = format!(
        r#"{{"method": "POST", "path": "/_matrix/client/v3/keys/device_signing/upload", "token": {{"scope": "{API}"}},
            "context": {{"cross_signing": {{"reset_approved_until": 2000}}, "account_management_uri": "https://account.example/", "uia_session": "s"}},
            "now": 1000}}"#
    );
    let policy = r#"{"approval": "single_use"}"#;
    let stdout = explain(&["--policy", policy], &upload, 15, "cross_signing.approved", &[]);
    assert!(stdout.contains("decision allow, reason cross_signing.approved\n"), "{stdout}");
    assert!(stdout.contains("setting: approval (the policy's setting decided)\n"), "{stdout}");
    assert!(
        stdout.ends_with(
            "allowed: the request goes through\nthe host spends the cross-signing approval (consumes_approval)\n"
        ),
        "{stdout}"
    );
    // The approval has run out: step 15 asks for it through UIA.
    let expired = upload.replace("\"now\": 1000", "\"now\": 3000");
    let stdout = explain(&["--policy", policy], &expired, 15, "cross_signing.needs_approval", &[]);
    assert!(stdout.contains("decision uia, ") && stdout.contains("HTTP/1.1 401 Unauthorized\n"), "{stdout}");
    assert!(stdout.contains(r#""m.oauth""#) && stdout.contains(r#""session": "s""#), "{stdout}");
}

#[test]
fn compare_reads_json_lines() {
    let lines = [
        r#"{"method": "GET", "path": "/_matrix/client/v3/sync", "token": {"scope": "urn:matrix:client:api:*"}}"#,
        r#"{"method": "GET", "path": "/_matrix/client/v3/sync", "token": {"scope": "openid"}}"#,
    ];
    let out = run(&["decide", "--compare", "default,synapse"], lines.join("\n").as_bytes());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let blocks: Vec<&str> = stdout.split("\n\nline ").collect();
    assert_eq!(blocks.len(), 2, "{stdout}");
    assert!(blocks[0].starts_with("line 1:\n") && blocks[0].ends_with("the policies agree"), "{stdout}");
    assert!(blocks[1].starts_with("2:\n") && blocks[1].contains("\n* status "), "{stdout}");
    // Only agreement: 0; a line that is not JSON: 2, whatever else.
    let out = run(&["decide", "--compare", "default,synapse"], lines[0].as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = run(&["decide", "--compare", "default,synapse"], format!("{}\n[", lines[1]).as_bytes());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stdout).contains("line 2:\nerror: input.invalid: "), "{out:?}");
}

#[test]
fn explain_reads_json_lines_and_reports_refusals() {
    let lines = [
        r#"{"method": "OPTIONS", "path": "/_matrix/client/v3/sync"}"#,
        "{not json",
        r#"{"method": "GET", "path": "/_matrix/client/v3/sync"}"#,
    ]
    .join("\n");
    let out = run(&["decide", "--explain"], lines.as_bytes());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    let blocks: Vec<&str> = stdout.split("\n\nline ").collect();
    assert_eq!(blocks.len(), 3, "{stdout}");
    assert!(blocks[0].starts_with("line 1:\n") && blocks[0].contains("reason request.preflight"), "{stdout}");
    assert!(blocks[1].starts_with("2:\nerror: input.invalid: the input is not JSON"), "{stdout}");
    // README reason table: no token where one is needed, step 4.
    assert!(blocks[2].starts_with("3:\n") && blocks[2].contains("reason token.missing"), "{stdout}");
    assert!(text(&out.stderr).starts_with("matrix-authz: line 2: input.invalid: "), "{out:?}");

    // The engine's refusal: its code in words, exit 1.
    let out = run(&["decide", "--explain", r#"{"method": "GET"}"#], b"");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text(&out.stdout).starts_with("error: input.invalid: "), "{out:?}");
}

/// The rows of a `--compare` table: label to (marked, cells).
fn table(stdout: &str) -> Vec<(String, bool, Vec<String>)> {
    stdout
        .lines()
        .skip(1)
        .take(8)
        .map(|line| {
            let (mark, rest) = line.split_at(1);
            let mut cells = rest.trim_start().split("  ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
            let label = cells.next().unwrap();
            (label, mark == "*", cells.collect())
        })
        .collect()
}

fn row<'a>(rows: &'a [(String, bool, Vec<String>)], label: &str) -> (bool, Vec<&'a str>) {
    let (_, marked, cells) = rows.iter().find(|r| r.0 == label).unwrap();
    (*marked, cells.iter().map(String::as_str).collect())
}

#[test]
fn compare_marks_where_presets_differ() {
    // DECISIONS.md step 10: no API scope is 403 under default and mas, 401 under synapse.
    let sync = r#"{"method": "GET", "path": "/_matrix/client/v3/sync", "token": {"scope": "openid"}}"#;
    let out = run(&["decide", "--compare", "default,mas,synapse", sync], b"");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.lines().next().unwrap().split_whitespace().collect::<Vec<_>>(), ["default", "mas", "synapse"]);
    let rows = table(&stdout);
    let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        labels,
        ["decision", "status", "errcode", "www-authenticate", "body errcode", "step", "reason", "setting"]
    );
    assert_eq!(row(&rows, "decision"), (false, vec!["deny", "deny", "deny"]));
    assert_eq!(row(&rows, "status"), (true, vec!["403", "403", "401"]));
    assert_eq!(row(&rows, "errcode"), (true, vec!["M_FORBIDDEN", "M_FORBIDDEN", "M_UNKNOWN_TOKEN"]));
    let challenge = r#"Bearer error="insufficient_scope", scope="urn:matrix:client:api:*""#;
    assert_eq!(row(&rows, "www-authenticate"), (true, vec![challenge, challenge, "-"]));
    assert_eq!(row(&rows, "step"), (false, vec!["10", "10", "10"]));
    assert_eq!(row(&rows, "reason"), (false, vec!["scope.api_missing"; 3]));
    assert_eq!(row(&rows, "setting"), (false, vec!["-"; 3]));
    assert!(stdout.ends_with("* marks the rows where the policies answer differently\n"), "{stdout}");

    // A guest creating a room is refused alike everywhere (step 12): exit 0, nothing marked.
    let guest = format!(
        r#"{{"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {{"scope": "{API}", "guest": true}}}}"#
    );
    let out = run(&["decide", "--compare", "default,mas,synapse", &guest], b"");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let rows = table(&stdout);
    assert!(rows.iter().all(|(_, marked, _)| !marked), "{stdout}");
    assert_eq!(row(&rows, "reason"), (false, vec!["guest.endpoint_not_allowed"; 3]));
    assert!(stdout.ends_with("the policies agree\n"), "{stdout}");
}

#[test]
fn compare_takes_policy_files_and_inline_documents() {
    let deny = r#"{"preset": "default", "unknown_endpoints": "deny"}"#;
    let file = temp_file("deny-unknown.json", deny.as_bytes());
    let unknown =
        format!(r#"{{"method": "GET", "path": "/_matrix/client/v3/nothing_here", "token": {{"scope": "{API}"}}}}"#);
    let list = format!("default,{}", file.display());
    let out = run(&["decide", "--compare", &list, "--compare", deny, &unknown], b"");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let heading: Vec<String> = stdout.lines().next().unwrap().split_whitespace().map(str::to_owned).collect();
    assert_eq!(heading, ["default".to_owned(), file.display().to_string(), "inline-3".to_owned()]);
    let rows = table(&stdout);
    // README reason table: step 18 allows it by default, step 16 denies it under "deny".
    assert_eq!(row(&rows, "decision"), (true, vec!["allow", "deny", "deny"]));
    assert_eq!(row(&rows, "step"), (true, vec!["18", "16", "16"]));
    assert_eq!(row(&rows, "reason"), (true, vec!["endpoint.unknown_allowed", "endpoint.unknown", "endpoint.unknown"]));
    assert_eq!(row(&rows, "setting"), (false, vec!["unknown_endpoints"; 3]));
    assert!(stdout.contains(&format!("inline-3: {}\n", serde_json::from_str::<serde_json::Value>(deny).unwrap())));
    let _ = std::fs::remove_file(file);
}

#[test]
fn compare_refuses_bad_arguments() {
    let sync = r#"{"method": "GET", "path": "/_matrix/client/v3/sync"}"#;
    for (args, message) in [
        (vec!["--policy", "mas", "decide", "--compare", "default,synapse", sync], "drop `--policy`"),
        (vec!["decide", "--compare", "default", sync], "at least two policies"),
        (vec!["decide", "--compare"], "`--compare` needs policies"),
        (vec!["decide", "--compare", "default,mas", "--explain", sync], "do not combine"),
        (vec!["decide", "--compare", "default,mass", sync], "policy.unknown_preset: "),
        (vec!["decide", "--compare", "default,./no-such-policy.json", sync], "no-such-policy.json"),
        (vec!["decide", "--verbose", sync], "no option `--verbose`"),
    ] {
        let out = run(&args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(message) && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // The engine refusing the request under the policies: trouble, exit 2, named on stderr.
    let out = run(&["decide", "--compare", "default,mas", r#"{"method": "GET"}"#], b"");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stdout).starts_with("  "), "{out:?}");
    assert!(text(&out.stdout).contains("error input.invalid"), "{out:?}");
    assert!(text(&out.stderr).contains("matrix-authz: under mas: input.invalid: "), "{out:?}");
}

#[test]
fn scope_explain_shows_each_token_and_its_class() {
    let scope = "openid urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:AAbbCCdd01 com.example.x";
    let out = run(&["scope", "--explain", scope], b"");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<Vec<&str>> = stdout.lines().map(|l| l.split_whitespace().collect()).collect();
    // README "Scopes": canonical order, each token's class.
    let classes: Vec<(&str, &str)> = lines.iter().take(4).map(|words| (words[0], words[1])).collect();
    assert_eq!(
        classes,
        [
            ("com.example.x", "unknown"),
            ("openid", "openid"),
            ("urn:matrix:client:api:*", "api"),
            ("urn:matrix:org.matrix.msc2967.client:device:AAbbCCdd01", "device"),
        ]
    );
    assert!(stdout.contains("the device AAbbCCdd01 (unstable, MSC2967)\n"), "{stdout}");
    assert!(stdout.contains("\napi: full\ndevice: AAbbCCdd01\nsynapse_admin: false\n"), "{stdout}");
    assert!(stdout.contains("\nnamespaces: stable, unstable\n"), "{stdout}");
    let canonical =
        "com.example.x openid urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:AAbbCCdd01";
    assert!(stdout.ends_with(&format!("canonical: {canonical}\n")), "{stdout}");

    // An invalid scope: its error code, exit 1; the policy's grammar decides what is invalid.
    let out = run(&["scope", "--explain", "openid  email"], b"");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text(&out.stdout).starts_with("invalid scope: scope.empty_token: "), "{out:?}");
    let out = run(&["--policy", "synapse", "scope", "openid  email", "--explain"], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(text(&out.stdout).starts_with("email "), "{out:?}");
    let out = run(&["scope", "--explain"], b"");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// The words of a shell command line as the README writes them: plain words and '...' quotes.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
    for c in line.chars() {
        match c {
            '\'' => (quoted, started) = (!quoted, true),
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            c => (word, started) = (word + &c.to_string(), true),
        }
    }
    assert!(!quoted, "an unclosed quote: {line}");
    if started {
        words.push(word);
    }
    words
}

#[test]
fn the_readme_shows_what_the_cli_prints() {
    // Every `console` block of README.md that runs `matrix-authz` shows its real output.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let (command, shown) = block.split_once('\n').unwrap();
        let Some(command) = command.strip_prefix("$ matrix-authz ") else { continue };
        let out = run(&shell_words(command), b"");
        assert_eq!(text(&out.stdout), shown, "README: {command}");
        checked += 1;
    }
    assert!(checked >= 3, "{checked} README examples");
}
