#!/usr/bin/env bash
# bench.sh [kotlin|python]...: per-call cost of `evaluate("request.decide", ...)` (the input in
# bench-input.json) from Kotlin on the JVM and from Python. Not part of the tests; numbers go in
# the README. Optional: CALLS=N.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${MATRIX_AUTHZ_TOOLS:-/opt/matrix-authz-tools}"
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(kotlin python)
for lang in "${languages[@]}"; do
  case "$lang" in
    kotlin)
      "$here/build.sh" kotlin-jar
      java -Djna.library.path="$here/out/kotlin/src/main/resources/linux-x86-64" \
        -cp "$here/out/kotlin/test.jar:/usr/share/java/jna.jar" org.matrix.authz.bench.Bench \
        "$here/bench-input.json" "${CALLS:-200000}" ;;
    python)
      "$here/build.sh"
      python3 "$here/python/bench.py" "$here/bench-input.json" "${CALLS:-50000}" ;;
    *) echo "unknown language $lang (kotlin or python)" >&2; exit 2 ;;
  esac
done
