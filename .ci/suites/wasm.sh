#!/usr/bin/env bash
# wasm suite: the npm package `matrix-authz` (bindings-wasm). Builds it, checks the TypeScript
# declarations with tsc --noEmit (strict), runs the typed-API, conformance and hostile-argument
# tests under node --test, the whole conformance suite in headless chromium, and an npm pack
# install test.
# Any failure fails the suite.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

need_setup wasm
NPM_BIN="$MATRIX_AUTHZ_TOOLS/npm/node_modules/.bin"
TESTS="$MATRIX_AUTHZ_ROOT/bindings-wasm/tests"

log "build the package"
bash bindings-wasm/build.sh --no-setup
bash "$TESTS/link.sh"

log "tsc --noEmit (strict) over the declarations and a typed-usage file"
"$NPM_BIN/tsc" --noEmit -p "$TESTS/tsconfig.json"

log "node --test: typed API, conformance through evaluate, JSON input, hostile arguments"
(cd "$TESTS" && node --test api.test.mjs conformance.test.mjs json-input.test.mjs hostile.test.mjs explain.test.mjs)

log "headless chromium: the whole conformance suite in the browser build"
(cd "$TESTS" && node --test browser.test.mjs)

log "npm pack: install into an empty project, ESM import and CommonJS require"
(cd "$TESTS" && node --test pack.test.mjs)

log "conformance summary (node)"
node "$TESTS/conformance.mjs" | tail -n 1
