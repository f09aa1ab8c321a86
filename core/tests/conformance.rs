//! Runs the conformance vectors (`core/conformance/*.json` and `$MATRIX_AUTHZ_VECTORS`) exactly as
//! FORMAT.md's "Runners" section says: one line per failing case, `N passed, N failed` last, and a
//! non-zero exit on any failure, on zero cases, or on a repeated id.

use std::path::Path;
use std::process::ExitCode;

use matrix_authz::json::conformance::{default_paths, run_files, vector_files};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = match vector_files(&default_paths(&root)) {
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
