#!/usr/bin/env bash
# python suite: the PyO3 package `matrix-authz` (bindings-python), only ever through a pip
# install into a fresh venv: typed-API tests under pytest, mypy --strict over the tests (and so
# the stubs), the conformance vectors, and the abi3 wheel installed into a second venv without
# Rust. bindings-python/test.sh installs Debian's python3-venv when venv cannot work.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

log "bindings-python/test.sh"
bash bindings-python/test.sh
