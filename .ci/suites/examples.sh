#!/usr/bin/env bash
# examples suite: every example of README "Examples" runs and its checks pass: the homeserver's
# tests (offline, and with a fake authorization server over TLS, load included), the offline
# authorization server on its scenarios, oidc-provider as the real one, the web page and client in
# headless chromium (on the npm package of bindings-wasm/build.sh), the playground page in headless
# chromium (screenshots into $PLAYGROUND_SCREENSHOTS or a temp folder), the device-login CLI, the
# whole flow over https (examples/e2e/run.sh), and the Kotlin and Swift examples (on the uniffi
# build). Runs them all, then fails if any failed.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

results=()
failed=0
example() {
  local name="$1"; shift
  log "example $name: $*"
  if "$@"; then
    results+=("PASS  $name")
  else
    results+=("FAIL  $name (exit $?)")
    failed=$((failed + 1))
  fi
}

# Chained with &&: inside `if`, errexit is off, so a failed build must not fall through to a
# test that could pass against an older package.
web() {
  need_setup wasm >&2 && bash bindings-wasm/build.sh --no-setup >&2 && node --test examples/web/page.test.mjs
}

# The playground: its JSON locator and URL state in node, then the page in Chromium, on a
# package built from this tree.
playground() {
  need_setup wasm >&2 && bash bindings-wasm/build.sh --no-setup >&2 &&
    node --test examples/playground/locate.test.mjs examples/playground/page.test.mjs
}

# oidc-provider as a Matrix authorization server over https (certificates from
# examples/tls/make-certs.sh, openssl), its policy the npm package.
oidc() {
  need_setup wasm >&2 && bash bindings-wasm/build.sh --no-setup >&2 &&
    (cd examples/authorization-server/oidc && npm ci --no-audit --no-fund >&2 && node --test test/*.test.mjs)
}

example homeserver cargo test -p matrix-authz-example-homeserver
example authorization-server cargo test -p matrix-authz-example-authorization-server
example authorization-server-run cargo run -q -p matrix-authz-example-authorization-server
example authorization-server-oidc oidc
example web web
example playground playground
# The web client's OAuth steps, its https server and its page in Chromium; the device-login CLI.
example web-client node --test examples/web/oauth.test.mjs examples/web/serve.test.mjs examples/web/client.test.mjs \
  examples/device-login/approve.test.mjs examples/device-login/cli.test.mjs
# Everything together over https: authorization server, homeserver, web client in Chromium,
# device-login CLI (README "Examples").
example e2e bash examples/e2e/run.sh
example kotlin bash examples/mobile/run.sh kotlin
example swift bash examples/mobile/run.sh swift

printf '%s\n' "${results[@]}"
echo "examples: $((${#results[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
