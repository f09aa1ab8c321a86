#!/usr/bin/env bash
# run.sh kotlin|swift: builds and runs one mobile example on the uniffi bindings. The bindings
# come from the one release build of bindings-uniffi (its cdylib and generated sources); the
# Kotlin compiler from .ci/setup/kotlin.sh, the Swift toolchain from the Debian 13 chroot of
# .ci/setup/swift.sh. Exits non-zero when the build fails or a check of the example fails.
# shellcheck source=SCRIPTDIR/../../.ci/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/lib/common.sh"

lang="${1:-}"
case "$lang" in kotlin | swift) ;; *) echo "usage: $0 kotlin|swift" >&2; exit 2 ;; esac

HERE="$MATRIX_AUTHZ_ROOT/examples/mobile"
OUT="$MATRIX_AUTHZ_ROOT/bindings-uniffi/out"
TARGET_DIR="${CARGO_TARGET_DIR:-$MATRIX_AUTHZ_ROOT/target}"
LIBNAME=libmatrix_authz_ffi.so

# The bindings: the one release build and generation of bindings-uniffi (a fast no-op when up
# to date).
bash "$MATRIX_AUTHZ_ROOT/bindings-uniffi/build.sh" >&2
# Found by name, so the example does not depend on how build.sh lays out its output.
find_one() { find "$@" -print -quit 2>/dev/null; }
LIB="$(find_one "$OUT" "$TARGET_DIR/release" -maxdepth 3 -name "$LIBNAME")"
[ -n "$LIB" ] || { log "ERROR: no $LIBNAME in $OUT or $TARGET_DIR/release"; exit 1; }
BUILD="$TARGET_DIR/examples-mobile/$lang"
mkdir -p "$BUILD"

if [ "$lang" = kotlin ]; then
  need_setup kotlin >&2
  # Two generated files: the binding's and the core crate's enums (bindings-uniffi/bindgen.toml).
  BINDING="$(find_one "$OUT" -name matrix_authz.kt)"
  CORE="$(find_one "$OUT" -name matrix_authz_core.kt)"
  [ -n "$BINDING" ] && [ -n "$CORE" ] || { log "ERROR: no generated matrix_authz.kt and matrix_authz_core.kt under $OUT"; exit 1; }
  JNA=/usr/share/java/jna.jar
  SOURCES=("$HERE/kotlin/Example.kt" "$MATRIX_AUTHZ_ROOT/bindings-uniffi/kotlin/test/Json.kt" "$BINDING" "$CORE")
  JAR="$BUILD/example.jar"
  # kotlinc takes a while: compile only when a source is newer than the jar.
  if [ ! -f "$JAR" ] || [ -n "$(find "${SOURCES[@]}" -newer "$JAR")" ]; then
    log "kotlinc ${SOURCES[*]##*/}"
    "$MATRIX_AUTHZ_TOOLS/kotlinc/bin/kotlinc" -nowarn -include-runtime -cp "$JNA" -d "$JAR" "${SOURCES[@]}"
  fi
  exec java -Djna.library.path="$(dirname "$LIB")" -cp "$JAR:$JNA" ExampleKt
fi

need_setup swift >&2
SWIFT_CHROOT="${SWIFT_CHROOT:-$MATRIX_AUTHZ_TOOLS/swift-chroot}"
# The generated Swift sources sit beside their module map.
MODULEMAP="$(find_one "$OUT" -name MatrixAuthzFFI.modulemap)"
[ -n "$MODULEMAP" ] || { log "ERROR: no generated MatrixAuthzFFI.modulemap under $OUT"; exit 1; }
GENERATED="$(dirname "$MODULEMAP")"
# The toolchain lives in the chroot: copy the example, the generated sources and the library in.
DIR=/work/matrix-authz-example-swift
rm -rf "${SWIFT_CHROOT:?}$DIR"
mkdir -p "$SWIFT_CHROOT$DIR"
# Two generated Swift files and headers: the binding's and the core crate's enums, one C module.
cp "$HERE/swift/main.swift" "$GENERATED"/MatrixAuthz{,Core}.swift "$GENERATED"/MatrixAuthz{,Core}FFI.h "$LIB" \
  "$SWIFT_CHROOT$DIR/"
printf 'module MatrixAuthzFFI {\n    header "MatrixAuthzFFI.h"\n    header "MatrixAuthzCoreFFI.h"\n    export *\n}\n' \
  >"$SWIFT_CHROOT$DIR/MatrixAuthzFFI.modulemap"
run() { bash "$MATRIX_AUTHZ_ROOT/.ci/lib/swift-chroot-run.sh" "$DIR" "$@"; }
FFI=(-I "$DIR" -L "$DIR" -Xcc -fmodule-map-file="$DIR/MatrixAuthzFFI.modulemap" -module-cache-path "$DIR/cache")
log "swiftc: the MatrixAuthz module, then the example"
run swiftc -emit-library -emit-module -parse-as-library -module-name MatrixAuthz "${FFI[@]}" \
  MatrixAuthz.swift MatrixAuthzCore.swift -lmatrix_authz_ffi -o libMatrixAuthz.so >&2
run swiftc "${FFI[@]}" main.swift -lMatrixAuthz -lmatrix_authz_ffi -Xlinker -rpath -Xlinker "$DIR" -o example >&2
run ./example
