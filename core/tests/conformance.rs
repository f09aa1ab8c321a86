//! Runs the conformance vectors (`core/conformance/*.json` and `$MATRIX_AUTHZ_VECTORS`) exactly as
//! FORMAT.md's "Runners" section says: one line per failing case, `N passed, N failed` last, and a
//! non-zero exit on any failure, on zero cases, or on a repeated id. The runner is the
//! `matrix-authz-conformance` crate, shared with the CLI.

use std::path::Path;
use std::process::ExitCode;

use matrix_authz_conformance::{default_paths, run};

fn main() -> ExitCode {
    run(&default_paths(&Path::new(env!("CARGO_MANIFEST_DIR")).join("..")))
}
