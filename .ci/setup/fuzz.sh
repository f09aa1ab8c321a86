#!/usr/bin/env bash
# fuzz.sh: cargo-fuzz, plus a check for the nightly toolchain that libFuzzer's sanitizers need.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# Nightly ships with the machine image and cannot be fetched here: no quiet fallback to stable.
if ! rustup toolchain list | grep -q nightly; then
  log "ERROR: no nightly Rust toolchain on this machine (rustup toolchain list); cargo +nightly fuzz cannot run"
  exit 1
fi

CARGO_FUZZ_VERSION=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  log "cargo install cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi
echo "cargo-fuzz: $(command -v cargo-fuzz) ($(cargo fuzz --version))"
