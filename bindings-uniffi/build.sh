#!/usr/bin/env bash
# build.sh: the one release build of the native library and the generator, and the two
# generated bindings assembled into packages under bindings-uniffi/out (git-ignored). The library
# holds two uniffi components (bindgen.toml): the binding's own and the core crate's closed enums.
# (Python has its own PyO3 package, bindings-python/.)
#   out/kotlin/src/main/kotlin/  the Kotlin source set (packages org.matrix.authz and
#                                org.matrix.authz.core)
#   out/kotlin/src/main/resources/linux-x86-64/libmatrix_authz_ffi.so   (JNA finds it there)
#   out/swift/                   the SwiftPM package: swift/ with the generated sources, lib/*.so
# `build.sh kotlin-jar` also compiles the Kotlin source set with the tests and the bench into
# out/kotlin/test.jar (kotlinc from .ci/setup/kotlin.sh, JNA from Debian's libjna-java).
# A fast no-op when everything is up to date (cargo checks the build; generation is skipped
# when the library and the Swift template are older than the last run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/out"
target="${CARGO_TARGET_DIR:-$root/target}"
lib="$target/release/libmatrix_authz_ffi.so"
bindgen="$target/release/uniffi-bindgen"

# Both packages in one cargo call: one feature resolution, so uniffi is compiled once.
(cd "$root" && cargo build --release --quiet -p matrix-authz-ffi -p uniffi-bindgen)

tools="${MATRIX_AUTHZ_TOOLS:-/opt/matrix-authz-tools}"

# Compiles the generated source set with the tests and the bench into one jar (when changed).
kotlin_jar() {
  local kotlinc="$tools/kotlinc/bin/kotlinc" jar="$out/kotlin/test.jar" kotlin_test="$tools/kotlinc/lib/kotlin-test.jar"
  [ -x "$kotlinc" ] || { echo "no kotlinc at $kotlinc: run .ci/setup/kotlin.sh" >&2; return 1; }
  [ -f /usr/share/java/jna.jar ] || { echo "no /usr/share/java/jna.jar: apt-get install libjna-java" >&2; return 1; }
  local sources=("$out"/kotlin/src/main/kotlin/org/matrix/authz/*.kt "$out"/kotlin/src/main/kotlin/org/matrix/authz/core/*.kt
    "$here"/kotlin/test/*.kt "$here"/kotlin/bench/*.kt)
  if [ ! -f "$jar" ] || [ -n "$(find "${sources[@]}" -newer "$jar" -print -quit)" ]; then
    echo "kotlinc: compiling ${#sources[@]} files" >&2
    "$kotlinc" -nowarn -include-runtime -d "${jar%.jar}.tmp.jar" -cp "/usr/share/java/jna.jar:$kotlin_test" "${sources[@]}"
    mv -f "${jar%.jar}.tmp.jar" "$jar"
  fi
}

stamp="$out/.generated"
if [ -f "$stamp" ] && [ -z "$(find "$lib" "$bindgen" "$here/swift" "$here/kotlin/src" "$here/bindgen.toml" -newer "$stamp" -print -quit)" ]; then
  if [ "${1:-}" = kotlin-jar ]; then kotlin_jar; fi
  exit 0
fi

rm -rf "$out"
generate() { "$bindgen" generate "$lib" --language "$1" --out-dir "$2" --config "$here/bindgen.toml" --no-format >/dev/null; }

generate kotlin "$out/kotlin/src/main/kotlin"
cp -R "$here/kotlin/src" "$out/kotlin/"
mkdir -p "$out/kotlin/src/main/resources/linux-x86-64"
cp "$lib" "$out/kotlin/src/main/resources/linux-x86-64/"

generate swift "$out/gen/swift"
cp -R "$here/swift" "$out/swift"
cp "$out/gen/swift/MatrixAuthz.swift" "$out/gen/swift/MatrixAuthzCore.swift" "$out/swift/Sources/MatrixAuthz/"
cp "$out/gen/swift/MatrixAuthzFFI.h" "$out/gen/swift/MatrixAuthzCoreFFI.h" "$out/swift/Sources/MatrixAuthzFFI/"
mkdir -p "$out/swift/lib"
cp "$lib" "$out/swift/lib/"

touch "$stamp"
if [ "${1:-}" = kotlin-jar ]; then kotlin_jar; fi
