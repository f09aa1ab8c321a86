"""The conformance vectors through `matrix_authz.evaluate` (FORMAT.md "Runners").

Reads `core/conformance/*.json` and, when MATRIX_AUTHZ_VECTORS names a folder, every `*.json`
in it; prints one line per failing case and `N passed, N failed` alone on the last line; exits
non-zero on any failure, on zero cases, or on a repeated id. Codes are compared, never messages.

Run: python3 bindings-uniffi/python/conformance.py (after bindings-uniffi/build.sh).
"""

import json
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# The generated module and the native library, assembled by build.sh.
sys.path.insert(0, os.environ.get("MATRIX_AUTHZ_PYTHON", str(ROOT / "bindings-uniffi" / "out" / "python")))

import matrix_authz  # noqa: E402


def vector_files():
    """Every vector file, in the order the Rust runner reads them."""
    folders = [ROOT / "core" / "conformance"]
    extra = os.environ.get("MATRIX_AUTHZ_VECTORS", "")
    if extra:
        folders.append(pathlib.Path(extra))
    return [f for folder in folders for f in sorted(folder.glob("*.json"))]


def matches(pattern, actual):
    """FORMAT.md's subset pattern: objects by named keys, arrays element by element, else equal."""
    if isinstance(pattern, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in pattern.items())
    if isinstance(pattern, list):
        return isinstance(actual, list) and len(pattern) == len(actual) and all(map(matches, pattern, actual))
    # bool is an int in Python: compare types too, so `true` never matches `1`.
    return type(pattern) is type(actual) and pattern == actual


def run_case(case):
    """(passed, answer): the answer in the vector's shape, `{"ok": ...}` or `{"error": CODE}`."""
    try:
        answer = {"ok": json.loads(matrix_authz.evaluate(case.get("op", ""), json.dumps(case.get("input"))))}
    except matrix_authz.AuthzError as e:
        answer = {"error": e.code}
    expect = case.get("expect")
    if not isinstance(expect, dict):
        return False, answer
    if "ok" in expect and "error" not in expect:
        return "ok" in answer and matches(expect["ok"], answer["ok"]), answer
    if "error" in expect and "ok" not in expect:
        return answer.get("error") == expect["error"], answer
    return False, answer


def run():
    """(passed, failure lines)."""
    passed, failures, seen = 0, [], set()
    for path in vector_files():
        try:
            cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            failures.append(f"FAIL {path}: expected a vector file got {e!r}")
            continue
        for case in cases:
            case_id = case.get("id") if isinstance(case, dict) else None
            expected = json.dumps(case.get("expect") if isinstance(case, dict) else None)
            if not isinstance(case_id, str) or not case_id or case_id in seen:
                failures.append(f"FAIL {case_id}: expected {expected} got a missing or repeated id")
                continue
            seen.add(case_id)
            ok, answer = run_case(case)
            if ok:
                passed += 1
            else:
                failures.append(f"FAIL {case_id}: expected {expected} got {json.dumps(answer)}")
    return passed, failures


def main():
    passed, failures = run()
    for line in failures:
        print(line)
    print(f"{passed} passed, {len(failures)} failed")
    return 0 if passed > 0 and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
