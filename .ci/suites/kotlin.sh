#!/usr/bin/env bash
# kotlin suite: the uniffi Kotlin binding on the JVM (kotlinc from npm, JNA from Debian):
# typed-API tests and the conformance vectors.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

need_setup kotlin
log "bindings-uniffi/test.sh kotlin"
bash bindings-uniffi/test.sh kotlin
