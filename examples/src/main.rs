//! `matrix-authz`: the engine on the command line, on the built-in `default` policy unless
//! `--policy` names another preset or a policy document.

mod compare;
mod explain;

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use matrix_authz::endpoint::{ENDPOINTS, Guest, TokenRequirement};
use matrix_authz::json::{self, evaluate, policy};
use matrix_authz::metadata::{self, MAX_DOCUMENT_BYTES};
use serde_json::{Value, json};

use crate::compare::Column;

const HELP: &str = "\
matrix-authz: answers Matrix next-gen auth (OAuth 2.0) policy questions

USAGE:
    matrix-authz [--policy PRESET|JSON|FILE] <COMMAND> [ARGS]

COMMANDS:
    scope [--explain] \"<scope string>\"
                               Parse and classify a scope; prints JSON, or with `--explain` each
                               distinct token (canonical order) with its class, then what the
                               scope grants and its canonical form (exit 1 and the error code
                               when the scope is invalid)
    eval <op> ['<input json>'] Run one operation (input from stdin when not given); ops:
                               scope.parse, scope.satisfies, scope.normalize, device.validate,
                               device.generate, client.login_scope, grant.decide,
                               request.decide, client.interpret, account.url,
                               redirect_uri.check, client_metadata.validate,
                               server_metadata.validate
    decide [--explain | --compare POLICIES] ['<request json>']
                               Decide one homeserver request (or JSON lines on stdin, one
                               request per line) and print the decision with its HTTP answer;
                               a line that cannot be decided is named on stderr (line number
                               and error code), answered with its error on stdout, and the
                               rest still decided (exit 2 when a line is not JSON, else 1)
      --explain                the path through the DECISIONS.md pipeline in words: each step
                               reached, passed (or skipped by legacy_endpoints: true) or the
                               one that answered, with its reason and setting; then the HTTP
                               answer, or that the request goes through
      --compare POLICIES       the decision under each policy side by side, `*` on the rows
                               where they differ. POLICIES: comma-separated preset names
                               (default, mas, synapse) and policy files (an entry with a `/` or
                               `.` is a file); an argument starting with `{` is one inline
                               policy document. Repeatable; at least two policies; not with
                               `--policy`. Exit 0 when all agree, 1 when a row differs, 2 on a
                               usage error or when the engine refuses the request under a
                               policy (like `diff`)
    endpoints                  List the client-server endpoint catalogue
    check-client FILE          Validate client registration metadata (exit 1 on violations;
                               a file over 65,536 bytes is `metadata.too_large`, unread)
    check-server FILE          Validate authorization-server metadata (exit 1 on violations)
    conformance [PATH...]      Run conformance vectors (default: core/conformance and
                               $MATRIX_AUTHZ_VECTORS); prints failures and `N passed, N failed`

OPTIONS:
    --policy PRESET|JSON|FILE  `default` (the Matrix spec, the default), `mas`, `synapse`, an inline
                               JSON policy document such as {\"preset\": \"mas\", \"approval\": \"single_use\"},
                               or a file holding one
    -h, --help                 Show this help

Arguments must be UTF-8 (else exit 2). Standard input, a policy file and each line of `decide`
are read up to 16 MiB (past it: exit 2).

EXAMPLES:
    matrix-authz scope \"openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01\"
    matrix-authz --policy synapse scope \"urn:matrix:client:api:*  openid\"
    matrix-authz --policy '{\"preset\": \"mas\"}' scope openid
    matrix-authz eval device.generate '{\"entropy\": \"00112233445566778899\"}'
    matrix-authz decide '{\"method\": \"GET\", \"path\": \"/_matrix/client/v3/sync\"}'
    matrix-authz decide --explain '{\"method\": \"GET\", \"path\": \"/_matrix/client/v3/sync\"}'
    matrix-authz decide --compare default,mas,synapse \\
        '{\"method\": \"GET\", \"path\": \"/_matrix/client/v3/sync\", \"token\": {\"scope\": \"openid\"}}'
    matrix-authz scope --explain \"openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01\"
";

/// The most bytes read from standard input, from a policy file, or as one line of `decide`.
const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// A failure of the command itself: printed to stderr, exit 2.
struct Usage(String);

fn main() -> ExitCode {
    match utf8_args(std::env::args_os().skip(1)).and_then(|args| run(&args)) {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("matrix-authz: {msg}\nTry `matrix-authz --help`.");
            ExitCode::from(2)
        }
    }
}

/// The arguments as text: one that is not UTF-8 is a usage error naming its position.
fn utf8_args(args: impl Iterator<Item = OsString>) -> Result<Vec<String>, Usage> {
    args.enumerate()
        .map(|(i, arg)| {
            arg.into_string()
                .map_err(|arg| Usage(format!("argument {} is not UTF-8: `{}`", i + 1, arg.to_string_lossy())))
        })
        .collect()
}

/// At most `limit` bytes of `reader`: `Ok(None)` when there are more.
fn read_capped(reader: impl Read, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

/// Text of at most [`MAX_INPUT_BYTES`] UTF-8 bytes from `reader`, called `what` in errors.
fn read_text(reader: impl Read, what: &str) -> Result<String, Usage> {
    let bytes = read_capped(reader, MAX_INPUT_BYTES)
        .map_err(|e| Usage(format!("cannot read {what}: {e}")))?
        .ok_or_else(|| Usage(format!("{what} is over {MAX_INPUT_BYTES} bytes")))?;
    String::from_utf8(bytes).map_err(|_| Usage(format!("{what} is not UTF-8")))
}

fn run(args: &[String]) -> Result<ExitCode, Usage> {
    let mut policy: Option<Value> = None;
    let mut rest = args;
    loop {
        match rest {
            [flag, ..] if flag == "-h" || flag == "--help" => {
                print!("{HELP}");
                return Ok(ExitCode::SUCCESS);
            }
            [flag, value, tail @ ..] if flag == "--policy" => {
                policy = Some(load_policy(value)?);
                rest = tail;
            }
            [flag] if flag == "--policy" => {
                return Err(Usage("`--policy` needs a preset name, a JSON policy document or a file".into()));
            }
            _ => break,
        }
    }
    let Some((command, args)) = rest.split_first() else {
        print!("{HELP}");
        return Ok(ExitCode::from(2));
    };
    match (command.as_str(), args) {
        ("scope", args) => scope(args, policy.as_ref()),
        ("eval", [op]) => Ok(answer(op, read_json(&stdin()?)?, policy.as_ref())),
        ("eval", [op, input]) => Ok(answer(op, read_json(input)?, policy.as_ref())),
        ("decide", args) => decide(args, policy.as_ref()),
        ("endpoints", []) => {
            print_endpoints();
            Ok(ExitCode::SUCCESS)
        }
        ("check-client", [file]) => Ok(check("client_metadata.validate", file)?),
        ("check-server", [file]) => Ok(check("server_metadata.validate", file)?),
        ("conformance", paths) => Ok(conformance(paths)),
        _ => Err(Usage(format!("unknown command or wrong arguments: `{}`", rest.join(" ")))),
    }
}

/// A preset name, an inline policy document (text starting with `{`), or a file holding one;
/// checked now so mistakes show early.
fn load_policy(value: &str) -> Result<Value, Usage> {
    let policy = if matrix_authz::Preset::from_name(value).is_ok() {
        Value::from(value)
    } else if value.trim_start().starts_with('{') {
        read_json(value).map_err(|Usage(e)| Usage(format!("`--policy`: {e}")))?
    } else {
        let file = File::open(value).map_err(|e| {
            Usage(format!("`{value}` is neither a preset (default, mas, synapse) nor a readable file: {e}"))
        })?;
        read_json(&read_text(file, &format!("`{value}`"))?)?
    };
    policy::from_input(Some(&policy)).map_err(|e| Usage(format!("{}: {e}", e.code())))?;
    Ok(policy)
}

fn stdin() -> Result<String, Usage> {
    read_text(io::stdin().lock(), "stdin")
}

/// JSON input as the engine reads it everywhere: numbers of any size, at most
/// `json::MAX_DEPTH` levels of nesting.
fn read_json(text: &str) -> Result<Value, Usage> {
    json::parse(text).map_err(|problem| Usage(format!("the input is {problem}")))
}

/// Runs `op`, printing the result (exit 0) or the error code and message (exit 1).
fn answer(op: &str, input: Value, policy: Option<&Value>) -> ExitCode {
    match evaluate(op, &with_policy(input, policy)) {
        Ok(result) => {
            println!("{}", pretty(&result));
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}", pretty(&json!({ "error": { "code": e.code(), "message": e.to_string() } })));
            ExitCode::FAILURE
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// `scope [--explain] "<scope>"`.
fn scope(args: &[String], policy: Option<&Value>) -> Result<ExitCode, Usage> {
    let explain = args.iter().any(|a| a == "--explain");
    let rest: Vec<&String> = args.iter().filter(|a| *a != "--explain").collect();
    let [scope] = rest[..] else {
        return Err(Usage("`scope` takes one scope string (and optionally `--explain`)".into()));
    };
    let input = json!({ "scope": scope });
    if !explain {
        return Ok(answer("scope.parse", input, policy));
    }
    Ok(match evaluate("scope.parse", &with_policy(input, policy)) {
        Ok(result) => {
            print!("{}", explain::scope(&result));
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("invalid scope: {}: {e}", e.code());
            ExitCode::FAILURE
        }
    })
}

/// How `decide` shows each decision.
enum Show {
    Json,
    Explain,
    Compare(Vec<Column>),
}

/// What became of one request, for the exit code; a later variant outranks an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Decided (for `--compare`: the same way under every policy).
    Decided,
    /// `--compare`: some row differs between the policies.
    Differ,
    /// The engine refused the request (for `--compare`: under some policy).
    Refused,
}

/// `decide [--explain | --compare POLICIES] ['<request json>']`.
fn decide(args: &[String], policy: Option<&Value>) -> Result<ExitCode, Usage> {
    let (mut explain, mut lists, mut request) = (false, Vec::new(), None);
    let mut rest = args;
    while let Some((arg, tail)) = rest.split_first() {
        rest = tail;
        match arg.as_str() {
            "--explain" => explain = true,
            "--compare" => {
                let Some((list, tail)) = rest.split_first() else {
                    return Err(Usage("`--compare` needs policies, such as default,mas,synapse".into()));
                };
                lists.push(list.as_str());
                rest = tail;
            }
            flag if flag.starts_with("--") => return Err(Usage(format!("`decide` has no option `{flag}`"))),
            _ if request.is_some() => return Err(Usage("`decide` takes one request (or JSON lines on stdin)".into())),
            input => request = Some(input),
        }
    }
    let show = match (explain, lists.is_empty(), policy.is_some()) {
        (true, false, _) => return Err(Usage("`--explain` and `--compare` do not combine".into())),
        (_, false, true) => return Err(Usage("`--compare` names its policies itself: drop `--policy`".into())),
        (_, false, false) => Show::Compare(compare_columns(&lists)?),
        (true, true, _) => Show::Explain,
        (false, true, _) => Show::Json,
    };
    let Some(request) = request else {
        return decide_stream(io::stdin().lock(), policy, &show);
    };
    let (text, outcome) = decide_one(read_json(request)?, policy, &show, None);
    print!("{text}");
    Ok(exit_code(&show, outcome, false))
}

/// The policies `--compare` names, each list split at its commas unless it is one inline
/// document: a name without `/` or `.` is a preset, anything else a file.
fn compare_columns(lists: &[&str]) -> Result<Vec<Column>, Usage> {
    let mut columns = Vec::new();
    for list in lists {
        let entries: Vec<&str> =
            if list.trim_start().starts_with('{') { vec![list] } else { list.split(',').map(str::trim).collect() };
        for entry in entries {
            let column = if entry.trim_start().starts_with('{') {
                Column { label: format!("inline-{}", columns.len() + 1), policy: load_policy(entry)? }
            } else if entry.contains(['/', '.']) {
                Column { label: entry.to_owned(), policy: load_policy(entry)? }
            } else {
                let policy = Value::from(entry);
                policy::from_input(Some(&policy)).map_err(|e| Usage(format!("{}: {e}", e.code())))?;
                Column { label: entry.to_owned(), policy }
            };
            columns.push(column);
        }
    }
    if columns.len() < 2 {
        return Err(Usage("`--compare` needs at least two policies, such as default,mas,synapse".into()));
    }
    Ok(columns)
}

/// `input` with `policy` (from `--policy`) as its policy.
fn with_policy(mut input: Value, policy: Option<&Value>) -> Value {
    if let (Some(policy), Value::Object(fields)) = (policy, &mut input) {
        fields.insert("policy".into(), policy.clone());
    }
    input
}

/// Decides one request and shows it as `show` says; JSON is compact when the request is a JSON
/// line (`line`, its number), else pretty. Refusals among lines and under `--compare` are also
/// named on stderr.
fn decide_one(input: Value, policy: Option<&Value>, show: &Show, line: Option<usize>) -> (String, Outcome) {
    let input = with_policy(input, policy);
    let report = |problem: &str| match line {
        Some(number) => eprintln!("matrix-authz: line {number}: {problem}"),
        None => eprintln!("matrix-authz: {problem}"),
    };
    if let Show::Compare(columns) = show {
        let (text, outcome, refusals) = compare::compare(&input, columns);
        refusals.iter().for_each(|problem| report(problem));
        return (text, outcome);
    }
    match evaluate("request.decide", &input) {
        Ok(result) => {
            let text = match (show, line) {
                (Show::Explain, _) => explain::decision(&input, &result),
                (_, Some(_)) => format!("{result}\n"),
                (_, None) => format!("{}\n", pretty(&result)),
            };
            (text, Outcome::Decided)
        }
        Err(e) => {
            // A single request's refusal is its whole output; among lines, stderr says which.
            if line.is_some() {
                report(&format!("{}: {e}", e.code()));
            }
            (error_text(show, line.is_some(), e.code(), &e.to_string()), Outcome::Refused)
        }
    }
}

/// An error as `decide` shows it: JSON (compact on a JSON line), or a line of words.
fn error_text(show: &Show, compact: bool, code: &str, message: &str) -> String {
    let error = json!({ "error": { "code": code, "message": message } });
    match show {
        Show::Json if compact => format!("{error}\n"),
        Show::Json => format!("{}\n", pretty(&error)),
        Show::Explain | Show::Compare(_) => format!("error: {code}: {message}\n"),
    }
}

/// `decide`'s exit code. Decisions: 2 when a line was not JSON, 1 when the engine refused one.
/// `--compare`, as `diff`: 0 when the policies agree on everything, 1 when a row differs, 2 on
/// trouble (a line not JSON, a request the engine refused under a policy).
fn exit_code(show: &Show, worst: Outcome, unreadable: bool) -> ExitCode {
    match (show, worst) {
        _ if unreadable => ExitCode::from(2),
        (Show::Compare(_), Outcome::Refused) => ExitCode::from(2),
        (_, Outcome::Refused | Outcome::Differ) => ExitCode::FAILURE,
        (_, Outcome::Decided) => ExitCode::SUCCESS,
    }
}

/// JSON lines from `reader`, each decided and shown as `show` says: one compact decision per
/// line, or one explanation or table per line, headed by its line number. A line that is over
/// [`MAX_INPUT_BYTES`], not UTF-8 or not JSON (`input.invalid`, exit 2 at the end), or that the
/// engine refuses, gets its error on stdout and its number and code on stderr; the next lines
/// are still decided. Only a failing read stops it.
fn decide_stream(mut reader: impl BufRead, policy: Option<&Value>, show: &Show) -> Result<ExitCode, Usage> {
    let (mut unreadable, mut worst) = (false, Outcome::Decided);
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_INPUT_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Usage(format!("cannot read stdin: {e}")))?;
        if read == 0 {
            break;
        }
        let too_long = line.len() > MAX_INPUT_BYTES && !line.ends_with(b"\n");
        if too_long {
            // Skip the rest of the line, a bounded piece at a time.
            loop {
                let buf = reader.fill_buf().map_err(|e| Usage(format!("cannot read stdin: {e}")))?;
                if buf.is_empty() {
                    break;
                }
                let (used, end) = match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                reader.consume(used);
                if end {
                    break;
                }
            }
        }
        let parsed = if too_long {
            Err(format!("the line is over {MAX_INPUT_BYTES} bytes"))
        } else if line.trim_ascii().is_empty() {
            continue;
        } else {
            std::str::from_utf8(&line)
                .map_err(|e| format!("not JSON: not UTF-8 ({e})"))
                .and_then(json::parse)
                .map_err(|problem| format!("the input is {problem}"))
        };
        if !matches!(show, Show::Json) {
            println!("line {number}:");
        }
        let text = match parsed {
            Ok(input) => {
                let (text, outcome) = decide_one(input, policy, show, Some(number));
                worst = worst.max(outcome);
                text
            }
            Err(message) => {
                unreadable = true;
                eprintln!("matrix-authz: line {number}: input.invalid: {message}");
                error_text(show, true, "input.invalid", &message)
            }
        };
        print!("{text}");
        if !matches!(show, Show::Json) {
            println!();
        }
    }
    Ok(exit_code(show, worst, unreadable))
}

fn print_endpoints() {
    println!("{:<7} {:<72} {:<11} {:<4} {:<16} OPERATION", "METHOD", "PATH", "TOKEN", "UIA", "GUEST");
    for e in ENDPOINTS {
        let token = match e.token {
            TokenRequirement::None => "none",
            TokenRequirement::Optional => "optional",
            TokenRequirement::Required => "required",
            TokenRequirement::Appservice => "appservice",
        };
        let guest = match e.guest {
            Guest::No => "no",
            Guest::Yes => "yes",
            Guest::DisplaynameOnly => "displayname-only",
        };
        let uia = if e.uia { "yes" } else { "no" };
        println!(
            "{:<7} {:<72} {token:<11} {uia:<4} {guest:<16} {}",
            e.method.name(),
            e.path,
            e.operation_ids.join("+")
        );
    }
    println!("{} endpoints", ENDPOINTS.len());
}

/// Validates the metadata document in `file`, reading at most one byte past
/// [`MAX_DOCUMENT_BYTES`]: a longer file is `metadata.too_large` without being parsed, even when
/// its compact JSON would fit (whitespace counts here: compact it first); a file within the limit
/// goes to the engine, which counts its compact JSON.
fn check(op: &str, file: &str) -> Result<ExitCode, Usage> {
    let cannot_read = |e: io::Error| Usage(format!("cannot read `{file}`: {e}"));
    let Some(bytes) = read_capped(File::open(file).map_err(cannot_read)?, MAX_DOCUMENT_BYTES).map_err(cannot_read)?
    else {
        println!("{file}: metadata.too_large");
        println!("1 violations");
        return Ok(ExitCode::FAILURE);
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| Usage(format!("`{file}` is not UTF-8: {e}")))?;
    // The document is the input here (nesting counted from it, as in the bindings' typed calls).
    let report = match json::from_text(text) {
        Ok(document) if op == "client_metadata.validate" => metadata::validate_client_metadata(&document),
        Ok(document) => metadata::validate_server_metadata(&document),
        Err(e) => {
            println!("{file}: {}: {e}", e.code());
            return Ok(ExitCode::FAILURE);
        }
    };
    if report.is_valid() {
        println!("{file}: valid");
        return Ok(ExitCode::SUCCESS);
    }
    let codes = report.codes();
    for code in &codes {
        println!("{file}: {code}");
    }
    println!("{} violations", codes.len());
    Ok(ExitCode::FAILURE)
}

fn conformance(paths: &[String]) -> ExitCode {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        matrix_authz_conformance::default_paths(std::path::Path::new("."))
    } else {
        paths.iter().map(PathBuf::from).collect()
    };
    matrix_authz_conformance::run(&paths)
}
