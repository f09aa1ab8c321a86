#!/usr/bin/env bash
# benches/report.sh [--command TEXT] > benches/REPORT.md
# Writes the bench report (Markdown, on stdout) from criterion's own output: the median of every
# benchmark in target/criterion/**/new/estimates.json (named by the benchmark.json beside it),
# the ratios against the peer oauth2-types, and the targets of issue 7 checked against the
# numbers, then benches/ANALYSIS.md (the hand-written reading of the recorded run) when present.
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

print("## Targets (issue 7)\n")
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
