#!/usr/bin/env bash
# swift-chroot-run.sh DIR_IN_CHROOT CMD...: run CMD inside the Debian 13 Swift chroot, in DIR.
# Debian 12 has no Swift, so the toolchain lives in a trixie chroot (.ci/setup/swift.sh).
# Copy a package into "$SWIFT_CHROOT/<dir>" first, then e.g.:
#   swift-chroot-run.sh /work/pkg swift test --disable-swift-testing
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SWIFT_CHROOT="${SWIFT_CHROOT:-$MATRIX_AUTHZ_TOOLS/swift-chroot}"
[ $# -ge 2 ] || { echo "usage: $0 DIR_IN_CHROOT CMD..." >&2; exit 2; }
[ -x "$SWIFT_CHROOT/bin/sh" ] || { echo "no chroot at $SWIFT_CHROOT: run .ci/setup/swift.sh" >&2; exit 1; }
dir="$1"; shift

# swift needs /proc; unmount on any exit so no mount outlives the run. If it is already
# mounted (another run), leave it to its owner.
if ! mountpoint -q "$SWIFT_CHROOT/proc"; then
  mount -t proc proc "$SWIFT_CHROOT/proc"
  trap 'umount "$SWIFT_CHROOT/proc"' EXIT
fi

# A clean environment: the host's PATH and tool variables mean nothing inside.
# shellcheck disable=SC2016  # $1/$@ are expanded by the inner sh, on purpose
chroot "$SWIFT_CHROOT" /usr/bin/env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive \
  /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "$@"
