#!/usr/bin/env bash
# wasm.sh [WASM_BINDGEN_VERSION]: wasm32 target, wasm-bindgen-cli matching Cargo.lock,
# npm tools (binaryen's wasm-opt, tsc, playwright-core) in $MATRIX_AUTHZ_TOOLS/npm, Debian chromium.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# The CLI must match the wasm-bindgen crate exactly, so Cargo.lock is the source of truth;
# the argument only serves before a lock file exists.
lock_version() {
  [ -f Cargo.lock ] || return 0
  awk '/^\[\[package\]\]/{n=""} /^name = /{n=$3} /^version = / && n=="\"wasm-bindgen\""{gsub(/"/,"",$3); print $3; exit}' Cargo.lock
}
V="$(lock_version)"
V="${V:-${1:-}}"
[ -n "$V" ] || { log "ERROR: no wasm-bindgen in Cargo.lock and no version argument"; exit 1; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$V" ]; then
  log "cargo install wasm-bindgen-cli $V (a few minutes)"
  # No --locked: its lock file names a dependency version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$V" --force
fi

# Pinned so a new machine gets what the last one tested with.
NPM_PKGS=(binaryen@132.0.0 typescript@7.0.2 playwright-core@1.65.1)
NPM_DIR="$MATRIX_AUTHZ_TOOLS/npm"
stamp="$NPM_DIR/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "${NPM_PKGS[*]}" ] || [ ! -x "$NPM_DIR/node_modules/.bin/wasm-opt" ]; then
  log "npm install ${NPM_PKGS[*]} into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  [ -f "$NPM_DIR/package.json" ] || echo '{"private": true}' > "$NPM_DIR/package.json"
  npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error "${NPM_PKGS[@]}"
  echo "${NPM_PKGS[*]}" > "$stamp"
fi

need_setup apt chromium

echo "wasm-bindgen: $(command -v wasm-bindgen) ($V)"
echo "wasm-opt: $NPM_DIR/node_modules/.bin/wasm-opt"
echo "tsc: $NPM_DIR/node_modules/.bin/tsc"
echo "chromium: $(command -v chromium)"
