"""The conformance vectors through the installed package's `matrix_authz.evaluate`.

FORMAT.md "Runners": reads `core/conformance/*.json` under the repository root and, when
MATRIX_AUTHZ_VECTORS names a folder, every `*.json` in it; prints one line per failing case
(id, expected, actual) and `N passed, N failed` alone on the last line; exits non-zero when
anything failed, when it ran zero cases, or when an id repeats. Codes are compared, never
messages.

Usage: python conformance.py [ROOT]   (ROOT: the argument, else $MATRIX_AUTHZ_ROOT, else the
repository this file sits in).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import matrix_authz

VECTORS_ENV = "MATRIX_AUTHZ_VECTORS"
ROOT_ENV = "MATRIX_AUTHZ_ROOT"


@dataclass
class Report:
    """The outcome of a run: cases that passed, and one line per failure."""

    passed: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """FORMAT.md: green only with at least one case and no failure."""
        return self.passed > 0 and not self.failures

    def summary(self) -> str:
        return f"{self.passed} passed, {len(self.failures)} failed"


def matches(pattern: Any, actual: Any) -> bool:
    """FORMAT.md's subset pattern: an object matches when every key it names is present with a
    matching value, arrays element by element with the same length, other values must be equal.
    Python's `True == 1` must not leak in: JSON's true is not the number 1, so scalar types are
    compared too (and so 1 is not 1.0, as in the Rust runner's serde_json values)."""
    if isinstance(pattern, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in pattern.items())
    if isinstance(pattern, list):
        return (
            isinstance(actual, list)
            and len(pattern) == len(actual)
            and all(matches(p, a) for p, a in zip(pattern, actual))
        )
    return type(pattern) is type(actual) and bool(pattern == actual)


def answer_of(case: dict[str, Any]) -> dict[str, Any]:
    """The engine's answer in the vector's shape: `{"ok": RESULT}` or `{"error": CODE}` (plus
    `path` when the error carries one). The input goes in as the parsed dict, as a Python host
    would pass it, not as JSON text (but `input_json`, below)."""
    op: Any = case.get("op")
    # `input_json`: the input as JSON text, for what Python values cannot hold (a number past a
    # double, which `json` reads as an infinity); `evaluate` takes text as it is.
    given: Any = case["input_json"] if isinstance(case.get("input_json"), str) else case.get("input")
    try:
        # A missing or non-string op is no op the engine knows: `op.unknown`, as in Rust.
        name = op if isinstance(op, str) else ""
        return {"ok": matrix_authz.evaluate(name, given)}
    except matrix_authz.AuthzError as e:
        answer: dict[str, Any] = {"error": e.code}
        path = getattr(e, "path", None)
        if path is not None:
            answer["path"] = path
        return answer
    except Exception as e:  # noqa: BLE001 - any other exception is a failing case, not a crash
        return {"raised": f"{type(e).__name__}: {e}"}


def passes(expect: Any, answer: dict[str, Any]) -> bool:
    """Whether the answer meets `expect`, which is exactly one of `{"ok": PATTERN}` and
    `{"error": CODE}` (the latter optionally with `path`, then compared too)."""
    if not isinstance(expect, dict):
        return False
    if "ok" in expect and "error" not in expect:
        return "ok" in answer and matches(expect["ok"], answer["ok"])
    if "error" in expect and "ok" not in expect:
        if "error" not in answer or answer["error"] != expect["error"]:
            return False
        return "path" not in expect or answer.get("path") == expect["path"]
    return False


def read_cases(path: Path) -> list[Any]:
    """The `cases` array of a vector file; raises ValueError when the file is not one."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    cases = doc.get("cases") if isinstance(doc, dict) else None
    if not isinstance(cases, list):
        raise ValueError("no `cases` array")
    return cases


def vector_folders(root: Path, environ: Optional[Mapping[str, str]] = None) -> list[Path]:
    """`core/conformance` under `root`, then the folder MATRIX_AUTHZ_VECTORS names (if any)."""
    env = os.environ if environ is None else environ
    folders = [root / "core" / "conformance"]
    extra = env.get(VECTORS_ENV, "")
    if extra:
        folders.append(Path(extra))
    return folders


def run(folders: Sequence[Path]) -> Report:
    """Every case of every `*.json` in `folders` (each folder's files in name order), with ids
    unique across the whole run. A folder that cannot be listed and a file that cannot be read
    are failures: a typo in MATRIX_AUTHZ_VECTORS must not pass as "no extra vectors"."""
    report = Report()
    seen: set[str] = set()
    for folder in folders:
        if not folder.is_dir():
            report.failures.append(f"FAIL {folder}: expected a folder of vector files got nothing there")
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                cases = read_cases(path)
            except (OSError, ValueError) as e:
                report.failures.append(f"FAIL {path}: expected a vector file got {e}")
                continue
            for case in cases:
                run_one(case if isinstance(case, dict) else {}, seen, report)
    return report


def run_one(case: dict[str, Any], seen: set[str], report: Report) -> None:
    case_id = case.get("id")
    expected = json.dumps(case.get("expect"), ensure_ascii=False)
    if not isinstance(case_id, str) or not case_id or case_id in seen:
        report.failures.append(f"FAIL {case_id}: expected {expected} got a missing or repeated id")
        return
    seen.add(case_id)
    answer = answer_of(case)
    if passes(case.get("expect"), answer):
        report.passed += 1
    else:
        report.failures.append(f"FAIL {case_id}: expected {expected} got {json.dumps(answer, ensure_ascii=False)}")


def default_root() -> Path:
    return Path(os.environ.get(ROOT_ENV) or Path(__file__).resolve().parents[2])


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) > 1:
        print("usage: conformance.py [ROOT]", file=sys.stderr)
        return 2
    root = Path(args[0]) if args else default_root()
    report = run(vector_folders(root))
    for line in report.failures:
        print(line)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
