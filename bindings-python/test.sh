#!/usr/bin/env bash
# test.sh: the Python package's tests, always through an installed package, never the build
# folder (CI's `python` suite runs this; so can anyone, as root or not):
#   1. a fresh venv; `pip install ./bindings-python[test]` (PEP 517, maturin backend; pytest and
#      mypy from the package's `test` extra);
#   2. from a folder outside the repository: pytest on tests/, `mypy --strict` on tests/ (which
#      checks the stubs through their use), and the conformance runner over core/conformance
#      (plus $MATRIX_AUTHZ_VECTORS);
#   3. the abi3 wheel (`maturin build --release`), installed into a second fresh venv with no
#      cargo on PATH, imported and run through the conformance runner again.
# Installs Debian's python3-venv when `python3 -m venv` cannot make a venv. Cargo builds in
# $CARGO_TARGET_DIR (default: the workspace's target/), so the second build reuses the first.
# PYTHON picks the interpreter (default python3). Exits non-zero if any step fails.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-python3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export MATRIX_AUTHZ_ROOT="$root"
# No prompts, no version nag, no __pycache__ written into the repository's tests/.
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/matrix-authz-python.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failed=()
log() { printf '[python] %s\n' "$*" >&2; }

# step NAME CMD...: runs one check, timed; a failure is recorded and the script goes on.
step() {
  local name="$1" start=$SECONDS; shift
  log "$name"
  if "$@"; then
    log "$name: ok ($((SECONDS - start))s)"
  else
    log "$name: FAILED ($((SECONDS - start))s)"
    failed+=("$name")
    return 1
  fi
}

# make_venv DIR: a fresh venv; Debian ships `venv` without ensurepip unless python3-venv is in.
make_venv() {
  "$python" -m venv "$1" </dev/null && return 0
  rm -rf "$1"
  log "\`$python -m venv\` failed: installing Debian's python3-venv"
  bash "$root/.ci/setup/apt.sh" python3-venv </dev/null && "$python" -m venv "$1" </dev/null
}

# The PATH without any folder that holds cargo or rustc: the wheel must install without Rust.
path_without_rust() {
  local dir dirs out=()
  IFS=: read -r -a dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do
    if [ -z "$dir" ] || [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ]; then continue; fi
    out+=("$dir")
  done
  (IFS=:; printf '%s' "${out[*]}")
}

install_package() {
  make_venv "$work/venv" || return 1
  "$work/venv/bin/pip" install --quiet "$here[test]" </dev/null
}

# Run from $work: neither the repository root nor bindings-python/ is then on sys.path, so only
# the installed package can be imported (tests/test_api.py checks where it came from).
run_pytest() {
  (cd "$work" && "$work/venv/bin/python" -m pytest -p no:cacheprovider -q -ra --strict-markers "$here/tests")
}

run_mypy() {
  (cd "$work" && "$work/venv/bin/python" -m mypy --strict --cache-dir "$work/mypy-cache" "$here/tests")
}

run_conformance() {
  (cd "$work" && "$1/bin/python" "$here/tests/conformance.py" "$root") | tee "$work/conformance.out"
}

build_wheel() {
  "$work/venv/bin/pip" install --quiet "maturin>=1.16,<2" </dev/null || return 1
  "$work/venv/bin/maturin" build --release --quiet --manifest-path "$here/Cargo.toml" --out "$work/wheels" </dev/null || return 1
  # One wheel for every CPython from 3.9 on: the abi3 tag, not this interpreter's.
  compgen -G "$work/wheels/matrix_authz-*-cp39-abi3-*.whl" >/dev/null || { ls "$work/wheels"; return 1; }
}

install_wheel_without_rust() {
  local bare
  bare="$(path_without_rust)"
  make_venv "$work/wheel-venv" || return 1
  if PATH="$bare" command -v cargo >/dev/null || PATH="$bare" command -v rustc >/dev/null; then
    log "cargo or rustc is still on the PATH given to the wheel install"
    return 1
  fi
  PATH="$bare" "$work/wheel-venv/bin/pip" install --quiet --no-index "$work"/wheels/matrix_authz-*-cp39-abi3-*.whl </dev/null || return 1
  (cd "$work" && PATH="$bare" "$work/wheel-venv/bin/python" - "$work/wheel-venv" <<'EOF'
import sys
from pathlib import Path

import matrix_authz

venv = Path(sys.argv[1]).resolve()
assert Path(matrix_authz.__file__).resolve().is_relative_to(venv), matrix_authz.__file__
decision = matrix_authz.Policy().decide(method="GET", path="/_matrix/client/v3/sync", token={"scope": "openid"})
assert (decision.status, decision.errcode) == (403, "M_FORBIDDEN"), decision
assert str(matrix_authz.Scope("urn:matrix:client:api:* openid")) == "openid urn:matrix:client:api:*"
print("wheel smoke check: ok,", Path(matrix_authz.__file__).parent)
EOF
  )
}

step "pip install ./bindings-python[test] into a fresh venv" install_package
if [ ${#failed[@]} -eq 0 ]; then
  step "pytest (installed package)" run_pytest
  step "mypy --strict tests/" run_mypy
  step "conformance runner (installed package)" run_conformance "$work/venv"
  if step "maturin build --release (abi3 wheel)" build_wheel; then
    step "wheel in a fresh venv without cargo: import and smoke check" install_wheel_without_rust &&
      step "conformance runner (wheel, no Rust)" run_conformance "$work/wheel-venv"
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  log "failed: $(printf '%s; ' "${failed[@]}")"
  exit 1
fi
log "all Python checks passed; conformance: $(tail -n 1 "$work/conformance.out")"
