"""The package as a whole: where it is imported from, its exports, the exception family, no
global state, and use from several threads.
"""

from __future__ import annotations

import ast
import importlib
import sys
import sysconfig
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import matrix_authz
from matrix_authz import (
    AuthzError,
    InsufficientEntropy,
    InvalidDeviceId,
    InvalidInput,
    InvalidPolicy,
    InvalidScope,
    Policy,
    Scope,
    UnknownOperation,
    UnsupportedAction,
)

FULL = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"
SYNC = "/_matrix/client/v3/sync"


class TestInstall:
    def test_imported_from_site_packages(self) -> None:
        # The tests are meant to run against `pip install`'s result in a venv. A package found
        # in the source tree (PYTHONPATH, `maturin develop`'s .pth, the cwd) would test
        # something no user gets, so it fails here, loudly.
        package_dir = Path(matrix_authz.__file__).resolve().parent
        source_dir = Path(__file__).resolve().parents[1] / "python"
        assert not package_dir.is_relative_to(source_dir), f"imported from the source tree: {package_dir}"
        site_dirs = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
        assert package_dir.parent in site_dirs, f"{package_dir} is not in {sorted(map(str, site_dirs))}"
        assert sys.prefix != sys.base_prefix, "not running in a virtual environment"

    def test_native_module_is_abi3(self) -> None:
        native = Path(str(importlib.import_module("matrix_authz._native").__file__))
        assert native.parent == Path(matrix_authz.__file__).parent
        assert native.name.endswith(".abi3.so"), native.name

    def test_typed(self) -> None:
        package_dir = Path(matrix_authz.__file__).parent
        assert (package_dir / "py.typed").is_file()
        assert (package_dir / "__init__.pyi").is_file()

    def test_exports(self) -> None:
        # The runtime's __all__ (what the extension module adds) is the stub's, name for name,
        # and the stub declares every one of them: a name added on one side only fails here.
        stub = ast.parse((Path(matrix_authz.__file__).parent / "__init__.pyi").read_text(encoding="utf-8"))
        declared = {node.name for node in stub.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
        (stub_all,) = [
            ast.literal_eval(node.value)
            for node in stub.body
            if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["__all__"]
        ]
        assert sorted(matrix_authz.__all__) == sorted(stub_all)
        # HeaderItems is a typing Protocol: a name for type checkers only.
        assert set(stub_all) == declared - {"HeaderItems"}
        for name in matrix_authz.__all__:
            assert hasattr(matrix_authz, name), name
        for cls in (Policy, Scope, matrix_authz.Decision, matrix_authz.Grant):
            assert cls.__module__ == "matrix_authz"


# One call per family, each failing with a known code.
FAILURES: list[tuple[type[AuthzError], str, Callable[[], Any]]] = [
    (InvalidScope, "scope.empty", lambda: Scope("")),
    (InvalidDeviceId, "device_id.empty", lambda: matrix_authz.validate_device_id("")),
    (InsufficientEntropy, "entropy.insufficient", lambda: matrix_authz.generate_device_id(b"")),
    (
        UnsupportedAction,
        "account.action_unsupported",
        lambda: matrix_authz.account_url("https://a.example/", "org.matrix.devices_list", supported=["x"]),
    ),
    (InvalidPolicy, "policy.unknown_preset", lambda: Policy("nope")),
    (InvalidPolicy, "policy.invalid", lambda: Policy({"bogus": True})),
    (InvalidInput, "input.invalid", lambda: Policy().decide(path=SYNC)),
    (UnknownOperation, "op.unknown", lambda: matrix_authz.evaluate("nope", {})),
]


class TestErrors:
    @pytest.mark.parametrize(("cls", "code", "call"), FAILURES)
    def test_class_code_message(self, cls: type[AuthzError], code: str, call: Callable[[], Any]) -> None:
        with pytest.raises(AuthzError) as caught:
            call()
        error = caught.value
        assert type(error) is cls
        assert isinstance(error, ValueError)
        assert error.code == code
        assert isinstance(error.message, str) and error.message
        assert str(error).startswith(code + ": ")
        assert str(error) == f"{code}: {error.message}"

    def test_hierarchy(self) -> None:
        families = [
            InvalidScope,
            InvalidDeviceId,
            InsufficientEntropy,
            UnsupportedAction,
            InvalidPolicy,
            InvalidInput,
            UnknownOperation,
        ]
        assert issubclass(AuthzError, ValueError)
        for cls in families:
            assert issubclass(cls, AuthzError)
            assert issubclass(cls, ValueError)
            assert [other for other in families if issubclass(cls, other)] == [cls]

    def test_except_reads_naturally(self) -> None:
        caught = ""
        try:
            Scope("openid  email")
        except InvalidDeviceId:
            caught = "device"
        except InvalidScope as e:
            caught = e.code
        assert caught == "scope.empty_token"
        # A plain ValueError handler catches the engine's errors too.
        with pytest.raises(ValueError, match=r"^scope\.invalid_char: "):
            Scope('a"b')


class TestNoGlobalState:
    def test_policies_used_interleaved(self) -> None:
        # decide-tokens-075 and -077; grant-default-078 and grant-mas-064.
        default, synapse, mas = Policy(), Policy("synapse"), Policy("mas")
        request = {"method": "GET", "path": SYNC, "token": {"scope": "openid"}}
        grant_scope = f"openid profile {FULL}"
        for _ in range(3):
            assert (default.decide(request).status, default.decide(request).errcode) == (403, "M_FORBIDDEN")
            assert (synapse.decide(request).status, synapse.decide(request).errcode) == (401, "M_UNKNOWN_TOKEN")
            assert mas.decide_grant(grant_scope, "authorization_code").violations == ("grant.token_not_allowed",)
            assert default.decide_grant(grant_scope, "authorization_code").allowed
            assert Scope(" a  b ", synapse).tokens == ("a", "b")
            with pytest.raises(InvalidScope):
                Scope(" a  b ", default)

    def test_documents_do_not_leak_into_presets(self) -> None:
        # decide-stepup-005: a step-up document, then the default preset on the same request.
        request: dict[str, Any] = {
            "method": "POST",
            "path": "/_matrix/client/v3/createRoom",
            "token": {"scope": FULL},
            "now": 1750000000,
        }
        stepped = Policy({"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]})
        assert stepped.decide(request).decision == "step_up"
        assert Policy().decide(request).decision == "allow"
        assert stepped.decide(request).decision == "step_up"
        assert matrix_authz.evaluate("request.decide", request)["decision"] == "allow"


class TestThreads:
    def test_shared_policy(self) -> None:
        policy = Policy("mas")
        # (request, expected decision, status, errcode) from decide-tokens-016, -076, -001.
        cases: list[tuple[dict[str, Any], tuple[str, Any, Any]]] = [
            ({"method": "GET", "path": SYNC, "token": {"scope": FULL}}, ("allow", None, None)),
            ({"method": "GET", "path": SYNC, "token": {"scope": "openid"}}, ("deny", 403, "M_FORBIDDEN")),
            ({"method": "GET", "path": SYNC}, ("deny", 401, "M_MISSING_TOKEN")),
        ]
        start = threading.Barrier(8, timeout=60)
        wrong: list[str] = []
        finished: list[int] = []

        def work(offset: int) -> None:
            try:
                answer(offset)
            except Exception as e:  # noqa: BLE001 - a thread's exception is otherwise lost
                wrong.append(repr(e))
            else:
                finished.append(offset)

        def answer(offset: int) -> None:
            start.wait()
            for i in range(300):
                request, expected = cases[(i + offset) % len(cases)]
                d = policy.decide(request)
                if (d.decision, d.status, d.errcode) != expected:
                    wrong.append(f"{request} -> {(d.decision, d.status, d.errcode)}")
                grant = policy.decide_grant("openid profile", "authorization_code")
                if grant.violations != ("grant.token_not_allowed",):
                    wrong.append(f"grant -> {grant.violations}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert wrong == []
        assert sorted(finished) == list(range(8))
