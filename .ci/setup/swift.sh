#!/usr/bin/env bash
# swift.sh: a Debian 13 (trixie) chroot with swiftlang at $MATRIX_AUTHZ_TOOLS/swift-chroot.
# Debian 12's archive has no Swift toolchain; trixie's swiftlang (6.0.x) runs in a chroot.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

SWIFT_CHROOT="${SWIFT_CHROOT:-$MATRIX_AUTHZ_TOOLS/swift-chroot}"
export SWIFT_CHROOT
stamp="$SWIFT_CHROOT/.matrix-authz-ready"  # written last: without it the chroot is rebuilt
run() { bash "$MATRIX_AUTHZ_ROOT/.ci/lib/swift-chroot-run.sh" / "$@"; }

# The Debian archive this machine's apt already uses (its main archive, not the security one),
# read from apt's own sources: deb822 `*.sources` stanzas first, then one-line `sources.list`
# entries. No mirror's name is written into the project.
debian_mirror() {
  local uri
  uri="$(awk 'BEGIN { RS = "" }
    /(^|\n)Types:[^\n]*deb/ && /(^|\n)Suites:/ && !/(^|\n)Suites:[^\n]*-security/ {
      if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { u = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", u); print u; exit }
    }' /etc/apt/sources.list.d/*.sources 2>/dev/null)"
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) !~ /-security/) { print $i; exit } }' /etc/apt/sources.list)"
  fi
  [ -n "$uri" ] || { echo "swift.sh: no Debian archive in apt's sources" >&2; return 1; }
  echo "$uri"
}

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
  mirror="$(debian_mirror)"
  log "debootstrap trixie into $SWIFT_CHROOT (from $mirror, apt's own Debian archive)"
  debootstrap --variant=minbase trixie "$SWIFT_CHROOT" "$mirror" >/dev/null
  log "installing swiftlang in the chroot (about a minute, 3.2 GB)"
  run apt-get update -qq
  run apt-get install -y -qq --no-install-recommends swiftlang libc6-dev >/dev/null
  touch "$stamp"
fi
echo "swift chroot: $SWIFT_CHROOT ($(run swift --version 2>&1 | head -n1))"
