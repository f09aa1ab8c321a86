#!/usr/bin/env bash
# python suite: the uniffi Python binding (CPython 3.11, unittest, no PyPI): typed-API tests and
# the conformance vectors. The native library and generator come from bindings-uniffi/build.sh,
# one release build shared with the kotlin and swift suites.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

log "bindings-uniffi/test.sh python"
bash bindings-uniffi/test.sh python
