#!/usr/bin/env bash
# rust suite: formatting, lints on every target, the workspace tests, the conformance CLI.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
log "cargo test --workspace"
cargo test --workspace
log "conformance suite"
cargo run --release --bin matrix-authz -- conformance core/conformance
