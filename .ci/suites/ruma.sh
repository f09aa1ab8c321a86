#!/usr/bin/env bash
# ruma suite: the ruma-client-api differential (core/conformance/CHOICES-ruma.md). Fetches the
# crate's source (never compiled), checks that interop/ruma/ruma-endpoints.tsv is what gen.py
# makes of it, then runs the test that compares the table with the engine's catalogue.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

need_setup apt python3
log "cargo fetch ruma-client-api (interop/ruma/fetch, locked)"
cargo fetch --locked --manifest-path interop/ruma/fetch/Cargo.toml
log "interop/ruma/gen.py --check (the table is up to date)"
python3 interop/ruma/gen.py --check
log "cargo test -p matrix-authz-ruma-diff"
cargo test -p matrix-authz-ruma-diff -- --nocapture
