#!/usr/bin/env bash
# swift suite: the uniffi Swift binding as a SwiftPM package, `swift test` (XCTest) and the
# conformance runner, in the Debian 13 chroot (.ci/setup/swift.sh).
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

need_setup swift
log "bindings-uniffi/test.sh swift"
bash bindings-uniffi/test.sh swift
