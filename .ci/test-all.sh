#!/usr/bin/env bash
# test-all.sh [SUITE...]: run the CI suites (.ci/suites/NAME.sh) in order, keep going after a
# failure, print a summary table and, as the very last line, "N passed, N failed" (suites).
# A suite that is missing or exits non-zero counts as failed, never as skipped.
set -uo pipefail  # no -e: a failing suite must not stop the others
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

ALL_SUITES=(rust ruma wasm python kotlin swift fuzz bench examples)
if [ $# -gt 0 ]; then suites=("$@"); else suites=("${ALL_SUITES[@]}"); fi

passed=0; failed=0; rows=()
for s in "${suites[@]}"; do
  printf '\n==================== suite %s ====================\n' "$s"
  start=$SECONDS
  if [ ! -f ".ci/suites/$s.sh" ]; then
    echo "suite $s: .ci/suites/$s.sh does not exist"
    status="FAIL (missing)"
  elif bash ".ci/suites/$s.sh" </dev/null; then
    status=PASS
  else
    status="FAIL (exit $?)"
  fi
  secs=$((SECONDS - start))
  if [ "$status" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  rows+=("$(printf '%-10s %6ds  %s' "$s" "$secs" "$status")")
  printf '==================== suite %s: %s in %ds ====================\n' "$s" "$status" "$secs"
done

printf '\n%-10s %7s  %s\n' SUITE TIME RESULT
printf '%s\n' "${rows[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
