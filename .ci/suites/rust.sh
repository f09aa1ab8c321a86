#!/usr/bin/env bash
# rust suite: generated files up to date, formatting, lints on every target, rustdoc without
# warnings, the workspace tests, the conformance CLI.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

log "generated files are up to date (catalogue, conformance vectors)"
python3 core/gen/catalogue.py --check
for gen in core/conformance/gen/gen_*.py; do python3 "$gen" >/dev/null; done
git diff --exit-code --stat -- core/conformance core/src/endpoint/catalogue.rs
python3 core/conformance/gen/check_vectors.py
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
log "cargo doc (core, every feature; warnings such as broken intra-doc links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc -p matrix-authz --no-deps --all-features
log "cargo test --workspace"
cargo test --workspace
log "conformance suite"
cargo run --release --bin matrix-authz -- conformance core/conformance
