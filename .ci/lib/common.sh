# shellcheck shell=bash
# Sourced by every .ci script: strict mode, repo root, shared tool cache, helpers.
set -euo pipefail

# Repo root from this file's location, so scripts work from any cwd and in any clone.
MATRIX_AUTHZ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Tools live outside the clone so a later run on the same machine reuses them.
export MATRIX_AUTHZ_TOOLS="${MATRIX_AUTHZ_TOOLS:-/opt/matrix-authz-tools}"
# CI has no terminal: never let apt or debconf ask anything.
export DEBIAN_FRONTEND=noninteractive
# cargo-installed tools (wasm-bindgen, cargo-fuzz) land here; make sure it is on PATH.
case ":$PATH:" in *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;; *) export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;; esac
cd "$MATRIX_AUTHZ_ROOT"

# log MSG...: prefixed with the calling script's name, on stderr so stdout stays parseable.
log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }

# need_setup NAME [ARGS...]: run .ci/setup/NAME.sh (idempotent, cheap when already done).
need_setup() {
  local name="$1"; shift
  bash "$MATRIX_AUTHZ_ROOT/.ci/setup/$name.sh" "$@"
}
