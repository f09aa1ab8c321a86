//! Runs the example on its shipped scenarios and on a scenario whose expectation is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn run(args: &[&str]) -> (Output, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_matrix-authz-example-authorization-server")).args(args).output().unwrap();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    (output, stdout)
}

#[test]
fn shipped_scenarios_all_pass() {
    let (output, stdout) = run(&[]);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(!stdout.contains("UNEXPECTED"), "{stdout}");
    for expected in [
        "register `shady`\n  -> refused\n     grant_types.missing_refresh_token\n     logo_uri.host\n     redirect_uris.not_https\n",
        "  -> openid urn:matrix:client:api:* urn:matrix:client:device:AbCdEfGhIj\n",
        // The spec's rules derive the device from the server's random bytes.
        "  -> urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ\n",
        "     grant.multiple_devices: the scope names more than one device\n",
        "     grant.admin_not_allowed: an admin token needs an admin user or an admin client\n",
        "     redirect_uri.not_registered: `https://chat.example.com/elsewhere` may not receive the code\n",
        "     request.pkce_required: the code flow needs an S256 code challenge\n",
        "     grant.api_not_interactive: the client-server API and device tokens need a grant with a user\n",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    assert!(stdout.ends_with("\n17 of 17 scenarios as expected\n"), "{stdout}");
}

#[test]
fn a_wrong_expectation_fails_the_run() {
    let scenarios = serde_json::json!({
        "registrations": [],
        "requests": [{
            "title": "no client",
            "token_request": "grant_type=client_credentials&client_id=nobody",
            "expect": "urn:matrix:client:api:*"
        }]
    });
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wrong-expectation.json");
    std::fs::write(&path, scenarios.to_string()).unwrap();
    let (output, stdout) = run(&[path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("     request.unknown_client: no registered client has this client_id\n"), "{stdout}");
    assert!(stdout.contains("UNEXPECTED"), "{stdout}");
}
