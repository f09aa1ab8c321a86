#!/usr/bin/env bash
# run.sh [--verbose]: the whole flow in one command (examples/e2e/run.mjs): builds the engine's
# npm package, installs oidc-provider (package-lock.json), builds the homeserver example, installs
# Chromium and playwright-core (.ci/setup/wasm.sh, as root on Debian), then runs every flow.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=../../.ci/lib/common.sh
source .ci/lib/common.sh
need_setup wasm >&2
bash bindings-wasm/build.sh --no-setup >&2
(cd examples/authorization-server/oidc && npm ci --no-audit --no-fund --loglevel=error >&2)
cargo build -q -p matrix-authz-example-homeserver >&2
exec node examples/e2e/run.mjs "$@"
