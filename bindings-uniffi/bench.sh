#!/usr/bin/env bash
# bench.sh: per-call cost of `evaluate("request.decide", ...)` (the input in bench-input.json)
# and of the typed `Policy.decide` from Kotlin on the JVM. Not part of the tests; numbers go in
# the README. Optional: CALLS=N. (Python's speed script is bindings-python/bench.sh.)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${MATRIX_AUTHZ_TOOLS:-/opt/matrix-authz-tools}"
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(kotlin)
for lang in "${languages[@]}"; do
  case "$lang" in
    kotlin)
      "$here/build.sh" kotlin-jar
      java -Djna.library.path="$here/out/kotlin/src/main/resources/linux-x86-64" \
        -cp "$here/out/kotlin/test.jar:/usr/share/java/jna.jar" org.matrix.authz.bench.Bench \
        "$here/bench-input.json" "${CALLS:-200000}" ;;
    *) echo "unknown language $lang (kotlin)" >&2; exit 2 ;;
  esac
done
