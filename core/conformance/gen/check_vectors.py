#!/usr/bin/env python3
"""Sanity checks over every vector file in core/conformance (FORMAT.md "A file", "Runners").

- each file is {"suite", "description", "cases"}; each case has exactly id, op, expect, source and
  one of input (an object) or input_json (the input as JSON text, for what host values cannot
  hold; json-input.json)
- ids are unique across all files
- expect is exactly one of {"ok": ...} or {"error": CODE}, the latter optionally with "path"
- every "violations" array in an expected pattern is sorted by bytes and has no duplicates
- numbers are integers only
- at least 300 cases in all

Exit status 1 on any problem.
"""

import glob
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
OPS = {"scope.parse", "scope.satisfies", "scope.normalize", "device.validate", "device.generate",
       "client.login_scope", "grant.decide", "request.decide", "client.interpret", "account.url",
       "redirect_uri.check", "client_metadata.validate", "server_metadata.validate"}


def walk(value, path, problems):
    if isinstance(value, float):
        problems.append(f"{path}: a non-integer number")
    elif isinstance(value, dict):
        for k, v in value.items():
            if k == "violations" and isinstance(v, list):
                keys = [x.encode("utf-8") for x in v]
                if keys != sorted(set(keys)):
                    problems.append(f"{path}.violations: not sorted or has duplicates: {v}")
            walk(v, f"{path}.{k}", problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            walk(v, f"{path}[{i}]", problems)


def main():
    problems = []
    ids = Counter()
    per_op = Counter()
    per_file = {}
    for name in sorted(glob.glob(os.path.join(OUT, "*.json"))):
        base = os.path.basename(name)
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        if set(doc) != {"suite", "description", "cases"}:
            problems.append(f"{base}: top-level keys {sorted(doc)}")
            continue
        per_file[base] = len(doc["cases"])
        for case in doc["cases"]:
            cid = case.get("id")
            ids[cid] += 1
            given = "input_json" if "input_json" in case else "input"
            if set(case) != {"id", "op", given, "expect", "source"}:
                problems.append(f"{base} {cid}: keys {sorted(case)}")
            if case.get("op") not in OPS:
                problems.append(f"{base} {cid}: unknown op {case.get('op')}")
            per_op[case.get("op")] += 1
            expect = case.get("expect")
            if not isinstance(expect, dict) or set(expect) not in ({"ok"}, {"error"}, {"error", "path"}):
                problems.append(f"{base} {cid}: expect must be exactly one of ok/error")
            elif "error" in expect and not isinstance(expect["error"], str):
                problems.append(f"{base} {cid}: error code is not a string")
            if given == "input" and not isinstance(case.get("input"), dict):
                problems.append(f"{base} {cid}: input is not an object")
            if given == "input_json" and not isinstance(case.get("input_json"), str):
                problems.append(f"{base} {cid}: input_json is not a string")
            if not isinstance(case.get("source"), str) or not case["source"]:
                problems.append(f"{base} {cid}: empty source")
            prefix = base[:-len(".json")] + "-"
            if not isinstance(cid, str) or not cid.startswith(prefix):
                problems.append(f"{base} {cid}: id does not start with {prefix}")
            walk(case, f"{base} {cid}", problems)
    for cid, n in ids.items():
        if n > 1:
            problems.append(f"id {cid} appears {n} times")
    total = sum(per_file.values())
    if total < 300:
        problems.append(f"only {total} cases")
    for base, n in per_file.items():
        print(f"{base}: {n}")
    for op, n in sorted(per_op.items()):
        print(f"op {op}: {n}")
    print(f"total: {total}")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
