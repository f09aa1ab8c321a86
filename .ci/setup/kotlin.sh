#!/usr/bin/env bash
# kotlin.sh: the Kotlin compiler from npm's kotlin-compiler package, and JNA from Debian.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

KOTLIN_VERSION=2.4.20
DEST="$MATRIX_AUTHZ_TOOLS/kotlinc"
stamp="$DEST/.version"
if [ "$(cat "$stamp" 2>/dev/null)" != "$KOTLIN_VERSION" ]; then
  log "npm pack kotlin-compiler@$KOTLIN_VERSION into $DEST"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null && tar xzf ./*.tgz)
  chmod +x "$tmp"/package/bin/*
  echo "$KOTLIN_VERSION" > "$tmp/package/.version"  # written last: a half-done unpack is redone
  mkdir -p "$MATRIX_AUTHZ_TOOLS"
  rm -rf "$DEST"
  mv "$tmp/package" "$DEST"
fi

need_setup apt libjna-java

echo "kotlinc: $DEST/bin/kotlinc"
echo "jna: /usr/share/java/jna.jar"
