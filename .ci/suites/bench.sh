#!/usr/bin/env bash
# bench suite: the benches compile and run (`cargo test --benches`), a short smoke run writes
# criterion's estimates (including the adversarial and scaling groups of benches/hostile.rs), and
# benches/report.sh turns them into a report. No timing is asserted: CI machines are shared, so
# the numbers here prove the pipeline, not the speed.
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# `--release` makes cargo build the bench targets with the `bench` profile, the one `cargo bench`
# uses below, so the peer's large dependency tree is compiled once, not twice.
log "cargo test --release --benches (benches and their inputs stay compiling)"
cargo test --release -p matrix-authz-benches --benches --lib
# Short warm-up and measurement: the hostile groups run for milliseconds per iteration, and at
# criterion's defaults `--quick` spent 51 s on them alone (under 9 s like this).
quick=(--quick --warm-up-time 0.1 --measurement-time 0.2)
log "smoke run: cargo bench -p matrix-authz-benches -- ${quick[*]}"
cargo bench -p matrix-authz-benches -- "${quick[@]}" --noplot
log "benches/report.sh (parses target/criterion/**/new/estimates.json)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
bash benches/report.sh --command "cargo bench -p matrix-authz-benches -- ${quick[*]}" > "$out"
grep -q 'scope_parse/login' "$out" || { log "ERROR: the report has no scope_parse/login row"; exit 1; }
# The adversarial group of issue 17 runs beside the ordinary cases (benches/benches/hostile.rs).
for row in '`grant_budget/ordinary/login_mas`' '`grant_budget/adversarial/most_exact_and_largest_automaton`' \
           '`grant_budget_raised/' '| `scope.satisfies` |'; do
  grep -qF "$row" "$out" || { log "ERROR: the report has no $row row"; exit 1; }
done
cat "$out"
