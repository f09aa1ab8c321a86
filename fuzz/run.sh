#!/usr/bin/env bash
# fuzz/run.sh SECONDS [TARGET...]: seed the corpora from the conformance vectors, then run every
# fuzz target (or the ones named) for SECONDS each, one after the other, under libFuzzer with
# the address sanitizer and debug assertions, on the nightly toolchain of the machine image.
#
# FUZZ_RUNS=N also stops each target after N executions (whichever comes first).
# FUZZ_MAX_LEN=N caps the input size (libFuzzer's -max_len; by default it grows to fit the
# largest corpus file, and the metadata seeds include documents over the 64 KiB limit).
# FUZZ_SANITIZER=none builds without the address sanitizer (debug assertions, so overflow checks,
# stay on) into fuzz/target/sanitizer-none: two to four times the executions per second. Core
# forbids unsafe code, so the sanitizer only watches the dependencies; CI keeps it on, the long
# campaign in fuzz/README.md ran without it.
# Prints one summary row per target (executions, executions per second) and exits non-zero
# when any target crashes, fails to build, or when nightly or cargo-fuzz is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

fail() { echo "fuzz/run.sh: ERROR: $*" >&2; exit 1; }

seconds="${1:-}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || fail "usage: fuzz/run.sh SECONDS [TARGET...]"
shift

# libFuzzer's sanitizer flags need nightly; it ships with the machine image and cannot be
# fetched here, so there is no quiet fallback to stable (`-s none`).
rustup toolchain list | grep -q '^nightly' || fail "no nightly Rust toolchain (rustup toolchain list); cargo +nightly fuzz cannot run"
cargo +nightly fuzz --version >/dev/null 2>&1 || fail "cargo-fuzz is not installed (bash .ci/setup/fuzz.sh installs it)"

python3 seed.py

if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi
[ "${#targets[@]}" -gt 0 ] || fail "no fuzz targets"

# One build for every target; `run` below reuses it (same flags).
flags=(--debug-assertions)
case "${FUZZ_SANITIZER:-address}" in
  address) ;;
  none) flags+=(--sanitizer none --target-dir target/sanitizer-none) ;;
  *) fail "FUZZ_SANITIZER must be \`address\` (the default) or \`none\`" ;;
esac
cargo +nightly fuzz build "${flags[@]}" || fail "cargo fuzz build failed"

logs=target/run-logs
# A target the vectors do not seed (decide builds its own structured input) starts empty.
for target in "${targets[@]}"; do mkdir -p "corpus/$target"; done
mkdir -p "$logs"
libfuzzer_args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048)
[ -n "${FUZZ_RUNS:-}" ] && libfuzzer_args+=(-runs="$FUZZ_RUNS")
[ -n "${FUZZ_MAX_LEN:-}" ] && libfuzzer_args+=(-max_len="$FUZZ_MAX_LEN")

failed=0; rows=()
for target in "${targets[@]}"; do
  echo "==> $target: ${seconds}s${FUZZ_RUNS:+ or $FUZZ_RUNS runs} ($(nproc) cores, one target at a time)"
  start=$SECONDS
  if cargo +nightly fuzz run "${flags[@]}" "$target" "corpus/$target" -- "${libfuzzer_args[@]}" \
       >"$logs/$target.log" 2>&1; then
    status=ok
  else
    status=FAILED; failed=$((failed + 1))
    tail -n 60 "$logs/$target.log" >&2
    echo "fuzz/run.sh: $target FAILED; the input is in fuzz/artifacts/$target/, the log in fuzz/$logs/$target.log" >&2
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -n 1)
  secs=$((SECONDS - start)); [ "$secs" -gt 0 ] || secs=1
  rows+=("$(printf '%-16s %8s %14s %10s  %s' "$target" "${secs}s" "${execs:-?}" "$(( ${execs:-0} / secs ))/s" "$status")")
done

printf '\n%-16s %8s %14s %10s  %s\n' TARGET TIME EXECUTIONS RATE RESULT
printf '%s\n' "${rows[@]}"
[ "$failed" -eq 0 ] || fail "$failed of ${#targets[@]} targets failed"
