#!/usr/bin/env bash
# apt.sh PKG...: install the Debian packages not yet installed; apt-get update only if needed.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

missing=()
for p in "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# Update at most once per hour across calls: the image's lists are stale on a new machine,
# but several setup scripts call this in one CI run. Extra third-party sources in the image
# may be unreachable, so a failed update is only a warning; the install below decides.
stamp="$MATRIX_AUTHZ_TOOLS/.apt-updated"
mkdir -p "$MATRIX_AUTHZ_TOOLS"
if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
  log "apt-get update (for: ${missing[*]})"
  if apt-get update -qq; then touch "$stamp"; else log "warning: apt-get update reported errors"; fi
fi
log "installing: ${missing[*]}"
# Wait for the dpkg lock rather than fail if another install is running.
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
