#!/usr/bin/env bash
# swift.sh: a Debian 13 (trixie) chroot with swiftlang at $MATRIX_AUTHZ_TOOLS/swift-chroot.
# Debian 12's archive has no Swift toolchain; trixie's swiftlang (6.0.x) runs in a chroot.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

SWIFT_CHROOT="${SWIFT_CHROOT:-$MATRIX_AUTHZ_TOOLS/swift-chroot}"
export SWIFT_CHROOT
stamp="$SWIFT_CHROOT/.matrix-authz-ready"  # written last: without it the chroot is rebuilt
run() { bash "$MATRIX_AUTHZ_ROOT/.ci/lib/swift-chroot-run.sh" / "$@"; }

if [ ! -f "$stamp" ]; then
  need_setup apt debootstrap
  if [ -e "$SWIFT_CHROOT" ]; then
    log "removing unfinished chroot $SWIFT_CHROOT"
    # An interrupted run may have left /proc mounted inside: unmount before deleting,
    # and never let rm cross into another file system.
    findmnt -rno TARGET | grep -F "$SWIFT_CHROOT/" | sort -r | xargs -r -n1 umount -l || true
    rm -rf --one-file-system "$SWIFT_CHROOT"
  fi
  mkdir -p "$MATRIX_AUTHZ_TOOLS"
  log "debootstrap trixie into $SWIFT_CHROOT"
  debootstrap --variant=minbase trixie "$SWIFT_CHROOT" http://deb.debian.org/debian >/dev/null
  log "installing swiftlang in the chroot (about a minute, 3.2 GB)"
  run apt-get update -qq
  run apt-get install -y -qq --no-install-recommends swiftlang libc6-dev >/dev/null
  touch "$stamp"
fi
echo "swift chroot: $SWIFT_CHROOT ($(run swift --version 2>&1 | head -n1))"
