#!/usr/bin/env bash
# bindings-wasm/tests/bench-compare.sh OLD_REV [MS] [ROUNDS]: the npm package's per-call cost
# (tests/bench.mjs) of OLD_REV and of the work tree side by side in one run, on one machine.
#
# OLD_REV is checked out in a temporary git worktree and its package is built there (its own
# target dir under the shared one); the work tree's package is built into bindings-wasm/pkg.
# The same bench.mjs (the work tree's) then runs ROUNDS times (default 3), alternating old and
# new, MS milliseconds per case (default 1500), and the table gives each case's median of the
# rounds, old and new. Not part of CI: timings need a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
old_rev="${1:?usage: bindings-wasm/tests/bench-compare.sh OLD_REV [MS] [ROUNDS]}"
ms="${2:-1500}"
rounds="${3:-3}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/old" "$old_rev" >/dev/null
(cd "$work/old" && CARGO_TARGET_DIR="$target_dir/compare-old" bash bindings-wasm/build.sh --out "$work/old-pkg" >&2)
bash "$root/bindings-wasm/build.sh" >&2
bash "$root/bindings-wasm/tests/link.sh"

for round in $(seq "$rounds"); do
  for side in old new; do
    pkg="$work/old-pkg"; [ "$side" = new ] && pkg="$root/bindings-wasm/pkg"
    echo "round $round: $side" >&2
    MATRIX_AUTHZ_PKG="$pkg" node "$root/bindings-wasm/tests/bench.mjs" "$ms" > "$work/$side-$round.txt"
  done
done

python3 - "$work" "$rounds" "$old_rev" <<'PY'
import pathlib, re, statistics, sys
work, rounds, old_rev = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def table(side):
    cases = {}
    for r in range(1, rounds + 1):
        for line in (work / f"{side}-{r}.txt").read_text().splitlines():
            m = re.match(r"(.*?)\s+(\d+) ns/call", line)
            if m:
                cases.setdefault(m.group(1).strip(), []).append(int(m.group(2)))
    return {name: statistics.median(v) for name, v in cases.items()}
old, new = table("old"), table("new")
print(f"{'case (median of ' + str(rounds) + ' rounds, ns/call)':<54} {old_rev[:10]:>10} {'work tree':>10}")
for name in list(dict.fromkeys([*old, *new])):
    o = f"{old[name]:.0f}" if name in old else "-"
    n = f"{new[name]:.0f}" if name in new else "-"
    print(f"{name:<54} {o:>10} {n:>10}")
PY
