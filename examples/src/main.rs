//! `matrix-authz`: the engine on the command line, on the built-in `default` policy unless
//! `--policy` names another preset or a policy document.

use std::io::{self, BufRead, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use matrix_authz::endpoint::{ENDPOINTS, Guest, TokenRequirement};
use matrix_authz::json::{evaluate, policy};
use serde_json::{Value, json};

const HELP: &str = "\
matrix-authz: answers Matrix next-gen auth (OAuth 2.0) policy questions

USAGE:
    matrix-authz [--policy PRESET|JSON|FILE] <COMMAND> [ARGS]

COMMANDS:
    scope \"<scope string>\"     Parse and classify a scope; prints JSON (exit 1 and the error
                               code when the scope is invalid)
    eval <op> ['<input json>'] Run one operation (input from stdin when not given); ops:
                               scope.parse, scope.satisfies, scope.normalize, device.validate,
                               device.generate, client.login_scope, grant.decide,
                               request.decide, client.interpret, account.url,
                               redirect_uri.check, client_metadata.validate,
                               server_metadata.validate
    decide ['<request json>']  Decide one homeserver request (or JSON lines on stdin, one
                               request per line) and print the decision with its HTTP answer
    endpoints                  List the client-server endpoint catalogue
    check-client FILE          Validate client registration metadata (exit 1 on violations)
    check-server FILE          Validate authorization-server metadata (exit 1 on violations)
    conformance [PATH...]      Run conformance vectors (default: core/conformance and
                               $MATRIX_AUTHZ_VECTORS); prints failures and `N passed, N failed`

OPTIONS:
    --policy PRESET|JSON|FILE  `default` (the Matrix spec, the default), `mas`, `synapse`, an inline
                               JSON policy document such as {\"preset\": \"mas\", \"approval\": \"single_use\"},
                               or a file holding one
    -h, --help                 Show this help

EXAMPLES:
    matrix-authz scope \"openid urn:matrix:client:api:* urn:matrix:client:device:AAbbCCdd01\"
    matrix-authz --policy synapse scope \"urn:matrix:client:api:*  openid\"
    matrix-authz --policy '{\"preset\": \"mas\"}' scope openid
    matrix-authz eval device.generate '{\"entropy\": \"00112233445566778899\"}'
    matrix-authz decide '{\"method\": \"GET\", \"path\": \"/_matrix/client/v3/sync\"}'
";

/// A failure of the command itself: printed to stderr, exit 2.
struct Usage(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("matrix-authz: {msg}\nTry `matrix-authz --help`.");
            ExitCode::from(2)
        }
    }
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
        ("scope", [scope]) => Ok(answer("scope.parse", json!({ "scope": scope }), policy.as_ref())),
        ("eval", [op]) => Ok(answer(op, read_json(&stdin()?)?, policy.as_ref())),
        ("eval", [op, input]) => Ok(answer(op, read_json(input)?, policy.as_ref())),
        ("decide", []) => decide_lines(policy.as_ref()),
        ("decide", [input]) => Ok(answer("request.decide", read_json(input)?, policy.as_ref())),
        ("endpoints", []) => {
            print_endpoints();
            Ok(ExitCode::SUCCESS)
        }
        ("check-client", [file]) => Ok(check("client_metadata.validate", file, policy.as_ref())?),
        ("check-server", [file]) => Ok(check("server_metadata.validate", file, policy.as_ref())?),
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
        let text = std::fs::read_to_string(value).map_err(|e| {
            Usage(format!("`{value}` is neither a preset (default, mas, synapse) nor a readable file: {e}"))
        })?;
        read_json(&text)?
    };
    policy::from_input(Some(&policy)).map_err(|e| Usage(format!("{}: {e}", e.code())))?;
    Ok(policy)
}

fn stdin() -> Result<String, Usage> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).map_err(|e| Usage(format!("cannot read stdin: {e}")))?;
    Ok(text)
}

fn read_json(text: &str) -> Result<Value, Usage> {
    serde_json::from_str(text).map_err(|e| Usage(format!("the input is not JSON: {e}")))
}

/// Runs `op`, printing the result (exit 0) or the error code and message (exit 1).
fn answer(op: &str, mut input: Value, policy: Option<&Value>) -> ExitCode {
    if let (Some(policy), Value::Object(fields)) = (policy, &mut input) {
        fields.insert("policy".into(), policy.clone());
    }
    match evaluate(op, &input) {
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

/// One request per line on stdin, one compact decision per line on stdout.
fn decide_lines(policy: Option<&Value>) -> Result<ExitCode, Usage> {
    let mut failed = false;
    for line in io::stdin().lock().lines() {
        let line = line.map_err(|e| Usage(format!("cannot read stdin: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut input = read_json(&line)?;
        if let (Some(policy), Value::Object(fields)) = (policy, &mut input) {
            fields.insert("policy".into(), policy.clone());
        }
        let out = match evaluate("request.decide", &input) {
            Ok(result) => result,
            Err(e) => {
                failed = true;
                json!({ "error": { "code": e.code(), "message": e.to_string() } })
            }
        };
        println!("{out}");
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
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

fn check(op: &str, file: &str, policy: Option<&Value>) -> Result<ExitCode, Usage> {
    let text = std::fs::read_to_string(file).map_err(|e| Usage(format!("cannot read `{file}`: {e}")))?;
    let mut input = json!({ "metadata": read_json(&text)? });
    if let (Some(policy), Value::Object(fields)) = (policy, &mut input) {
        fields.insert("policy".into(), policy.clone());
    }
    match evaluate(op, &input) {
        Ok(result) => {
            let violations: Vec<&str> = result
                .get("violations")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if violations.is_empty() {
                println!("{file}: valid");
                Ok(ExitCode::SUCCESS)
            } else {
                for v in &violations {
                    println!("{file}: {v}");
                }
                println!("{} violations", violations.len());
                Ok(ExitCode::FAILURE)
            }
        }
        Err(e) => {
            println!("{file}: {}: {e}", e.code());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn conformance(paths: &[String]) -> ExitCode {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        matrix_authz_conformance::default_paths(std::path::Path::new("."))
    } else {
        paths.iter().map(PathBuf::from).collect()
    };
    matrix_authz_conformance::run(&paths)
}
