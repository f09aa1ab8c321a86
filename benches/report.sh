#!/usr/bin/env bash
# benches/report.sh [--command TEXT] > benches/REPORT.md
# Writes the bench report (Markdown, on stdout) from criterion's own output: the median of every
# benchmark in target/criterion/**/new/estimates.json (named by the benchmark.json beside it),
# the ratios against the peer oauth2-types, the per-call budget and scaling of issue 17, and the
# targets of issues 7 and 17 checked against the numbers, then benches/ANALYSIS.md (the
# hand-written reading of the recorded run) when present.
# --command names the command that produced the numbers (default: the full run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command="cargo bench -p matrix-authz-benches"
if [ "${1:-}" = "--command" ]; then command="${2:?--command needs a value}"; fi
target_dir="${CARGO_TARGET_DIR:-$root/target}"
[ -d "$target_dir/criterion" ] || { echo "benches/report.sh: no $target_dir/criterion; run: $command" >&2; exit 1; }

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
machine="$(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr), $(rustc --version)"

python3 - "$target_dir/criterion" "$machine" "$command" <<'PY'
import json, pathlib, sys

root, machine, command = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
medians = {}
for estimates in sorted(root.glob("**/new/estimates.json")):
    meta = estimates.parent / "benchmark.json"
    name = json.loads(meta.read_text())["full_id"] if meta.exists() else str(estimates.parent.parent.relative_to(root))
    medians[name] = json.loads(estimates.read_text())["median"]["point_estimate"]
if not medians:
    sys.exit("benches/report.sh: no estimates.json under " + str(root))

def fmt(ns):
    return f"{ns:,.1f} ns" if ns < 10_000 else f"{ns / 1000:,.1f} µs"

PEER = "oauth2-types"
print("# Bench report\n")
print(f"Machine: {machine}.  ")
print(f"Command: `{command}`, then `bash benches/report.sh > benches/REPORT.md`.  ")
print("Numbers: criterion's median per iteration (`target/criterion/**/new/estimates.json`).\n")

print("## scope_parse: matrix-authz against oauth2-types 0.11\n")
print("| benchmark | median | oauth2-types ÷ this |")
print("|---|---:|---:|")
for group in sorted({n.rsplit("/", 1)[0] for n in medians if n.startswith("scope_parse/")}):
    peer = medians.get(f"{group}/{PEER}")
    for name in sorted(n for n in medians if n.rsplit("/", 1)[0] == group):
        ratio = f"{peer / medians[name]:.1f}×" if peer else "n/a"
        print(f"| `{name}` | {fmt(medians[name])} | {ratio} |")
print()

def table(title, prefix, note=""):
    rows = sorted(n for n in medians if n.startswith(prefix))
    if not rows:
        return
    print(f"## {title}\n")
    if note:
        print(note + "\n")
    print("| benchmark | median |")
    print("|---|---:|")
    for name in rows:
        print(f"| `{name}` | {fmt(medians[name])} |")
    print()

def by_size(prefix):
    out = {}
    for name, ns in medians.items():
        head, _, n = name.rpartition("/")
        if head == prefix and n.isdigit():
            out[int(n)] = ns
    return dict(sorted(out.items()))

print("## scope_parse_scaling: cost per token\n")
print("| tokens | matrix-authz | per token | oauth2-types | per token | ratio |")
print("|---:|---:|---:|---:|---:|---:|")
ours, peer = by_size("scope_parse_scaling"), by_size("scope_parse_scaling_oauth2-types")
for n, ns in ours.items():
    p = peer.get(n)
    print(f"| {n} | {fmt(ns)} | {fmt(ns / n)} | {fmt(p) if p else 'n/a'} | {fmt(p / n) if p else 'n/a'} | {f'{p / ns:.1f}×' if p else 'n/a'} |")
print()
table("decide", "decide/", "The typed `decide` alone: allow and deny allocate nothing (`core/tests/alloc.rs`).")
table("endpoint_match", "endpoint_match/")
table("render", "render/", "Writing a decision's HTTP answer (status, headers, JSON body), measured apart from `decide`.")

BUDGET_NS = 100_000
budget = sorted(n for n in medians if n.startswith("grant_budget/"))
if budget:
    print("## grant_budget: `grant.decide` per call against the 100 µs budget (issue 17)\n")
    print("Default limits (4,096 bytes, 64 tokens). `ordinary/*` are everyday requests; `adversarial/*` "
          "are the README's worst-case construction (\"What a call costs\"): the largest pattern sets "
          "and the most `exact` entries a policy may hold, tokens that fail at their last byte, the "
          "most tokens and bytes the limits allow.\n")
    print("| benchmark | median | share of the budget |")
    print("|---|---:|---:|")
    for name in budget:
        print(f"| `{name}` | {fmt(medians[name])} | {100 * medians[name] / BUDGET_NS:.1f}% |")
    print()
raised = {n: ns for n, ns in medians.items() if n.startswith("grant_budget_raised/")}
RAISED_BYTES = 4096 * 256 - 1
if raised:
    print("## grant_budget_raised: the worst case under the ceilings (1 MiB, 4,096 tokens)\n")
    print("The budget scales with the scope: 100 µs per 4,096 bytes, 24.4 ns per byte.\n")
    print("| benchmark | median | per byte | per 4,096 bytes |")
    print("|---|---:|---:|---:|")
    for name, ns in sorted(raised.items()):
        print(f"| `{name}` | {fmt(ns)} | {ns / RAISED_BYTES:.2f} ns | {fmt(ns / RAISED_BYTES * 4096)} |")
    print()
SCALING_SIZES = [64, 256, 1024, 4096]
ops = sorted({n.split("/")[1] for n in medians if n.startswith("scaling/") and n.count("/") == 2})
growths = {}
if ops:
    print("## scaling: cost per token, 64 to 4,096 tokens (issue 17)\n")
    print("Each operation under the ceilings a policy may set (1 MiB, 4,096 tokens), per token "
          "(criterion's `Throughput::Elements`). O(n log n) shows as a per-token cost that grows "
          "by log2(4096) / log2(64) = 2× at most from 64 to 4,096 tokens; a quadratic path, 64×.\n")
    print("| operation | " + " | ".join(f"{n} tokens" for n in SCALING_SIZES) + " | 4,096 ÷ 64, per token |")
    print("|---|" + "---:|" * (len(SCALING_SIZES) + 1))
    for op in ops:
        per = {n: medians[f"scaling/{op}/{n}"] / n for n in SCALING_SIZES if f"scaling/{op}/{n}" in medians}
        cells = [f"{fmt(per[n])}" if n in per else "n/a" for n in SCALING_SIZES]
        growth = per[4096] / per[64] if 64 in per and 4096 in per else None
        if growth is not None:
            growths[op] = growth
        print(f"| `{op}` | " + " | ".join(cells) + f" | {f'{growth:.2f}' if growth is not None else 'n/a'} |")
    print()

print("## Targets (issues 7 and 17)\n")
checks = []
login, login_peer = medians.get("scope_parse/login/matrix-authz"), medians.get(f"scope_parse/login/{PEER}")
if login and login_peer:
    r = login_peer / login
    checks.append((f"`scope_parse/login` at least 8× faster than oauth2-types (parse + classify + token set)",
                   r >= 8, f"{r:.1f}×" + ("" if r >= 8 else f", short by {8 / r:.2f}×")))
borrowed = medians.get("scope_parse/login/matrix-authz-borrowed")
if borrowed and login_peer:
    r = login_peer / borrowed
    checks.append(("`scope_parse/login`, borrowed parse + classify (no token set), against oauth2-types",
                   r >= 8, f"{r:.1f}×"))
decides = {n: ns for n, ns in medians.items() if n.startswith("decide/")}
if decides:
    worst = max(decides, key=decides.get)
    checks.append(("every `decide/*` under 200 ns", decides[worst] < 200, f"slowest `{worst}`: {fmt(decides[worst])}"))
if len(ours) >= 2:
    sizes = list(ours)
    per = [ours[n] / n for n in sizes]
    small, large = sizes[1] if len(sizes) > 2 else sizes[0], sizes[-1]
    growth = (ours[large] / large) / (ours[small] / small)
    checks.append((f"cost linear in the number of tokens (per-token cost at {large} ÷ at {small})",
                   growth <= 1.5, f"{growth:.2f}"))
if budget:
    worst = max(budget, key=medians.get)
    checks.append(("every `grant_budget/*` under 100 µs (issue 17)", medians[worst] < BUDGET_NS,
                   f"slowest `{worst}`: {fmt(medians[worst])}"))
for name, ns in sorted(raised.items()):
    per4k = ns / RAISED_BYTES * 4096
    checks.append((f"`{name}` within 100 µs per 4,096 bytes (issue 17)", per4k < BUDGET_NS, fmt(per4k)))
if growths:
    op = max(growths, key=growths.get)
    checks.append(("per-token cost at 4,096 tokens at most 3× that at 64, every `scaling/*` operation (log n: 2×; issue 17)",
                   growths[op] <= 3, f"largest: `{op}` {growths[op]:.2f}×"))
print("| target | met | measured |")
print("|---|---|---|")
for what, ok, measured in checks:
    print(f"| {what} | {'yes' if ok else '**no**'} | {measured} |")
print("\nZero allocations on parse + classify, on collecting the token set, and on `decide`'s allow and deny paths: "
      "`cargo test -p matrix-authz --test alloc` (a counting global allocator).\n")

print("The per-call cost from JavaScript, Kotlin and Python is measured by each binding's own "
      "harness (criterion does not run there); the table and its commands are in the section "
      "\"Per-call cost from the bindings\" of the analysis below.")
PY

# The hand-written analysis of the recorded run (conditions, misses and their causes), if any.
if [ -f "$root/benches/ANALYSIS.md" ]; then echo; cat "$root/benches/ANALYSIS.md"; fi
