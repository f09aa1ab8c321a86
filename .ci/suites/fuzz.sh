#!/usr/bin/env bash
# fuzz suite: every cargo-fuzz target for 30 seconds (fuzz/run.sh), on the image's nightly.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

need_setup fuzz
log "fuzz/run.sh 30 (every target, 30 s each, one at a time)"
bash fuzz/run.sh 30
