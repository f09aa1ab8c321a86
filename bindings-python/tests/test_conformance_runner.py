"""The conformance runner (conformance.py) honours FORMAT.md's runner contract: it is run here
on small vector folders made for each case, so that every way of failing is seen to fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import conformance
from conformance import matches

PASSING = {"id": "ok-1", "op": "scope.parse", "input": {"scope": "openid"}, "expect": {"ok": {"canonical": "openid"}}}


def case(case_id: str, expect: dict[str, Any], op: Any = "scope.parse", given: Any = None) -> dict[str, Any]:
    return {"id": case_id, "op": op, "input": {"scope": "openid"} if given is None else given, "expect": expect}


def write(folder: Path, name: str, cases: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps({"suite": name, "cases": cases}), encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root whose core/conformance is empty; no extra folder unless a test sets one."""
    monkeypatch.delenv(conformance.VECTORS_ENV, raising=False)
    monkeypatch.delenv(conformance.ROOT_ENV, raising=False)
    (tmp_path / "repo" / "core" / "conformance").mkdir(parents=True)
    return tmp_path / "repo"


def run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = conformance.main([str(root)])
    lines = capsys.readouterr().out.splitlines()
    assert lines, "the runner printed nothing"
    assert re.fullmatch(r"\d+ passed, \d+ failed", lines[-1]), lines[-1]
    return code, lines


def test_passing_run(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING])
    # Codes are compared, never messages; the extra folder is read too.
    write(tmp_path / "extra", "b.json", [case("err-1", {"error": "scope.empty"}, given={"scope": ""})])
    monkeypatch.setenv(conformance.VECTORS_ENV, str(tmp_path / "extra"))
    assert run(root, capsys) == (0, ["2 passed, 0 failed"])


def test_failing_case(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING])
    write(tmp_path / "extra", "b.json", [case("bad-1", {"error": "scope.empty_token"})])
    monkeypatch.setenv(conformance.VECTORS_ENV, str(tmp_path / "extra"))
    code, lines = run(root, capsys)
    assert code != 0
    assert lines[-1] == "1 passed, 1 failed"
    assert len(lines) == 2
    # One line naming the case, what it expected and what came back.
    assert lines[0].startswith("FAIL bad-1: ")
    assert '"scope.empty_token"' in lines[0] and '"canonical": "openid"' in lines[0]


def test_repeated_id(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING])
    write(tmp_path / "extra", "b.json", [PASSING])  # passes on its own, but the id repeats
    monkeypatch.setenv(conformance.VECTORS_ENV, str(tmp_path / "extra"))
    code, lines = run(root, capsys)
    assert code != 0
    assert lines[-1] == "1 passed, 1 failed"
    assert lines[0].startswith("FAIL ok-1: ") and "repeated" in lines[0]


def test_repeated_id_in_one_file(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING, PASSING])
    code, lines = run(root, capsys)
    assert (code != 0, lines[-1]) == (True, "1 passed, 1 failed")


def test_zero_cases(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(root, capsys)
    assert code != 0
    assert lines == ["0 passed, 0 failed"]


def test_zero_cases_in_files(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root / "core" / "conformance", "a.json", [])
    code, lines = run(root, capsys)
    assert (code != 0, lines) == (True, ["0 passed, 0 failed"])


def test_missing_extra_folder(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING])
    monkeypatch.setenv(conformance.VECTORS_ENV, str(tmp_path / "no-such-folder"))
    code, lines = run(root, capsys)
    assert (code != 0, lines[-1]) == (True, "1 passed, 1 failed")


def test_unreadable_file(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING])
    (root / "core" / "conformance" / "b.json").write_text("{not json", encoding="utf-8")
    (root / "core" / "conformance" / "c.json").write_text('{"suite": "no cases"}', encoding="utf-8")
    code, lines = run(root, capsys)
    assert (code != 0, lines[-1]) == (True, "1 passed, 2 failed")


def test_other_files_are_ignored(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING])
    (root / "core" / "conformance" / "CHOICES.md").write_text("# not a vector file", encoding="utf-8")
    assert run(root, capsys) == (0, ["1 passed, 0 failed"])


@pytest.mark.parametrize(
    "expect",
    [
        {"ok": {"canonical": "email"}},  # a wrong value
        {"ok": {"no_such_field": None}},  # a field the result lacks
        {"ok": {"tokens": ["openid", "email"]}},  # an array of another length
        {"ok": {"synapse_admin": 0}},  # JSON's false is not the number 0
        {"error": "scope.empty"},  # an error where the op succeeds
        {"ok": {}, "error": "scope.empty"},  # not exactly one of ok and error
        {},
    ],
)
def test_expectations_that_fail(root: Path, capsys: pytest.CaptureFixture[str], expect: dict[str, Any]) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING, case("x-1", expect)])
    code, lines = run(root, capsys)
    assert (code != 0, lines[-1]) == (True, "1 passed, 1 failed")


def test_error_path_is_compared(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # FORMAT.md: a vector may expect {"error", "path"}; a runner then compares both.
    write(
        root / "core" / "conformance",
        "a.json",
        [case("p-1", {"error": "scope.empty", "path": "/nowhere"}, given={"scope": ""})],
    )
    code, lines = run(root, capsys)
    assert (code != 0, lines[-1]) == (True, "0 passed, 1 failed")


def test_op_that_is_not_a_string(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A malformed case is a failing or passing case like any other, never a crash.
    write(
        root / "core" / "conformance",
        "a.json",
        [case("o-1", {"error": "op.unknown"}, op=5), case("o-2", {"error": "op.unknown"}, op=None)],
    )
    assert run(root, capsys) == (0, ["2 passed, 0 failed"])


def test_root_from_the_environment(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(root / "core" / "conformance", "a.json", [PASSING])
    monkeypatch.setenv(conformance.ROOT_ENV, str(root))
    assert conformance.main([]) == 0
    assert capsys.readouterr().out.splitlines() == ["1 passed, 0 failed"]


class TestMatches:
    def test_objects_are_subsets(self) -> None:
        assert matches({"a": 1}, {"a": 1, "b": 2})
        assert not matches({"a": 1, "c": 3}, {"a": 1, "b": 2})
        assert matches({"a": {"b": [1, {"c": None}]}}, {"a": {"b": [1, {"c": None, "d": 4}]}, "e": 5})
        assert matches({}, {"anything": 1})
        assert not matches({}, [])

    def test_arrays_match_in_order_with_the_same_length(self) -> None:
        assert matches([{"x": 1}], [{"x": 1, "y": 2}])
        assert not matches([1], [1, 2])
        assert not matches([1, 2], [2, 1])
        assert not matches([], {})

    def test_scalars_are_equal_with_their_type(self) -> None:
        assert matches(None, None)
        assert not matches(None, {})
        assert not matches(True, 1)
        assert not matches(1, True)
        assert not matches(False, 0)
        assert not matches(1, 1.0)
        assert not matches("1", 1)
        assert matches("é", "é")
