#!/usr/bin/env bash
# bench.sh [ARGS...]: per-call cost of the PyO3 package beside the old uniffi module and plain
# Python, in one run (bench/bench.py; its docstring says what is measured and how). Not a test:
# CI never runs it. Makes a venv (reused by later runs: MATRIX_AUTHZ_BENCH_VENV, default
# ${TMPDIR:-/tmp}/matrix-authz-bench-venv), pip installs ./bindings-python into it (a release
# build through maturin, into CARGO_TARGET_DIR when set), then runs the driver with that venv's
# python. ARGS go to the driver: --markdown FILE, --old-target DIR (keep the uniffi build's
# target directory for the next run), --old-rev REV, --rounds N, --seconds S.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${MATRIX_AUTHZ_BENCH_VENV:-${TMPDIR:-/tmp}/matrix-authz-bench-venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# --force-reinstall: the version number does not change between commits, the code does.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$here"
exec "$venv/bin/python" "$here/bench/bench.py" "$@"
