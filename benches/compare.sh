#!/usr/bin/env bash
# benches/compare.sh OLD_REV [FILTER] [ROUNDS]: the `decide` bench of OLD_REV and of the work tree
# side by side in one run, on the same machine, so that a change's cost is measured against the
# code it replaces rather than against a report from another day.
#
# OLD_REV is checked out in a temporary git worktree and built into its own target dir (another
# configuration of the same crate); the work tree builds into the shared one. The two bench
# binaries then run one after the other, ROUNDS times (default 2), each with FILTER (default
# `decide/|endpoint_match/`), and the table gives, per benchmark both have, the lowest median of
# the rounds for old and new and their ratio. It exits 1 when a ratio is over the budget in
# MAX_RATIO (default 1.20, the field-interop issue's 20%). Not part of CI: timings need a quiet
# machine (run it under `nice -n -19`). Code layout alone can move a benchmark by tens of
# percent on this machine kind; to compare without it, build both sides with the same pinned
# alignment in a target dir of their own:
#   CARGO_TARGET_DIR=/tmp/aligned RUSTFLAGS="-C llvm-args=-align-all-functions=6 \
#     -C llvm-args=-align-all-nofallthru-blocks=5" bash benches/compare.sh OLD_REV
# (benches/COMPARE.md has the field-interop change's figures both ways).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
old_rev="${1:?usage: benches/compare.sh OLD_REV [FILTER] [ROUNDS]}"
filter="${2:-decide/|endpoint_match/}"
rounds="${3:-2}"
max_ratio="${MAX_RATIO:-1.20}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/old" "$old_rev" >/dev/null
bench_binary() { # DIR TARGET_DIR: builds the decide bench and prints its executable
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench -p matrix-authz-benches --bench decide --no-run \
    --message-format=json 2>/dev/null) |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "decide" and m.get("executable"):
        print(m["executable"])'
}
old_bin="$(bench_binary "$work/old" "$target_dir/compare-old")"
new_bin="$(bench_binary "$root" "$target_dir")"
[ -x "$old_bin" ] && [ -x "$new_bin" ] || { echo "benches/compare.sh: a bench binary did not build" >&2; exit 1; }

for round in $(seq "$rounds"); do
  for side in old new; do
    bin="$old_bin"; [ "$side" = new ] && bin="$new_bin"
    echo "round $round: $side" >&2
    # The data files are read at build time (include_str!), so either side runs from anywhere.
    CRITERION_HOME="$work/criterion-$side-$round" "$bin" --bench "$filter" \
      --warm-up-time 1 --measurement-time 3 --noplot >/dev/null
  done
done

python3 - "$work" "$rounds" "$old_rev" "$max_ratio" <<'PY'
import json, pathlib, sys
work, rounds, old_rev, max_ratio = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
def medians(side):
    best = {}
    for r in range(1, rounds + 1):
        for est in (work / f"criterion-{side}-{r}").glob("**/new/estimates.json"):
            name = json.loads((est.parent / "benchmark.json").read_text())["full_id"]
            m = json.loads(est.read_text())["median"]["point_estimate"]
            best[name] = min(m, best.get(name, m))
    return best
old, new = medians("old"), medians("new")
print(f"| benchmark | old ({old_rev}) | new (work tree) | new/old |")
print("|---|---:|---:|---:|")
over = []
for name in sorted(set(old) | set(new)):
    o, n = old.get(name), new.get(name)
    cell = lambda v: f"{v:.1f} ns" if v is not None else "-"
    ratio = f"{n / o:.2f}" if o and n else "-"
    if o and n and n / o > max_ratio:
        over.append(name)
    print(f"| {name} | {cell(o)} | {cell(n)} | {ratio} |")
print(f"\nlowest median of {rounds} rounds per side; budget: new/old <= {max_ratio}")
if over:
    print("over budget: " + ", ".join(over))
    sys.exit(1)
PY
