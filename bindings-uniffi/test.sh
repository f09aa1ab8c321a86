#!/usr/bin/env bash
# test.sh [kotlin|swift]...: the binding tests, each on its real toolchain (both when no
# language is named). Per language: the typed-API tests, then the conformance runner, whose
# last line is `N passed, N failed`. Exits non-zero if any language fails; a missing toolchain
# is a failure, never a skip.
#   Kotlin: kotlinc from npm's kotlin-compiler and Debian's JNA (.ci/setup/kotlin.sh)
#   Swift:  `swift test` in the Debian 13 chroot (.ci/setup/swift.sh)
# MATRIX_AUTHZ_VECTORS names an extra folder of vectors, as for every runner.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/out"
tools="${MATRIX_AUTHZ_TOOLS:-/opt/matrix-authz-tools}"
export MATRIX_AUTHZ_ROOT="$root"

"$here/build.sh" || { echo "bindings-uniffi/build.sh failed"; exit 1; }

kotlin_run() {
  java -ea -Djna.library.path="$out/kotlin/src/main/resources/linux-x86-64" \
    -cp "$out/kotlin/test.jar:/usr/share/java/jna.jar:$tools/kotlinc/lib/kotlin-test.jar" "$@"
}

test_kotlin() {
  "$here/build.sh" kotlin-jar || return 1
  kotlin_run org.matrix.authz.test.TypedApiTest || return 1
  kotlin_run org.matrix.authz.test.ConformanceKt
}

copy_dir() { rm -rf "$2" && mkdir -p "$2" && cp -a "$1/." "$2/"; }

# The package, the vectors and the library go into the chroot; the build cache (.build) stays
# there between runs.
test_swift() {
  local chroot="${SWIFT_CHROOT:-$tools/swift-chroot}" inside=/work/matrix-authz
  [ -f "$chroot/.matrix-authz-ready" ] || { echo "no Swift chroot at $chroot: run .ci/setup/swift.sh"; return 1; }
  mkdir -p "$chroot$inside/package"
  find "$chroot$inside/package" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
  cp -a "$out/swift/." "$chroot$inside/package/"
  copy_dir "$root/core/conformance" "$chroot$inside/core/conformance"
  local vectors_env=()
  if [ -n "${MATRIX_AUTHZ_VECTORS:-}" ]; then
    copy_dir "$MATRIX_AUTHZ_VECTORS" "$chroot$inside/vectors"
    vectors_env=(MATRIX_AUTHZ_VECTORS="$inside/vectors")
  fi
  local lib="$inside/package/lib"
  local flags=(-Xlinker -L"$lib" -Xlinker -rpath -Xlinker "$lib")
  local run=(bash "$root/.ci/lib/swift-chroot-run.sh" "$inside/package" env MATRIX_AUTHZ_ROOT="$inside" "${vectors_env[@]}")
  "${run[@]}" swift test --disable-swift-testing "${flags[@]}" 2>&1 || return 1
  "${run[@]}" swift run -q "${flags[@]}" matrix-authz-conformance
}

languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(kotlin swift)
failed=()
for lang in "${languages[@]}"; do
  echo "---- $lang"
  case "$lang" in
    kotlin|swift) "test_$lang" || failed+=("$lang") ;;
    *) echo "unknown language $lang (kotlin or swift)"; failed+=("$lang") ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "bindings-uniffi: failed: ${failed[*]}"
  exit 1
fi
echo "bindings-uniffi: ${languages[*]} passed"
