"""Random Python values at every public callable (issue 17, finding 1): whatever a caller hands
over, the answer is a result, an `AuthzError` with a known code, or Python's own `TypeError` for
an argument of the wrong Python type (README "Python": the binding's documented rule), and the
module still answers afterwards.

What Python lets through that other runtimes' types stop: `None` anywhere, strings of any size,
lone surrogates (refused as `InvalidInput`, since they have no UTF-8 form), NUL (an ordinary
character the engine judges), integers of any size, NaN, bytes, deep or cyclic containers,
mappings whose keys are not strings, and objects whose methods raise.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

import pytest

import matrix_authz
from matrix_authz import AuthzError, Policy, Scope

LOGIN = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"
SYNC = {"method": "GET", "path": "/_matrix/client/v3/sync", "token": {"scope": LOGIN}}

# The codes README "Error codes" lists, by prefix; an error outside them is a failure.
KNOWN_PREFIXES = ("scope.", "device_id.", "entropy.", "account.", "policy.", "input.", "op.", "metadata.")


class Raising:
    """An object whose every special method raises, as a careless caller's object might."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"no {name}")

    def __iter__(self) -> Any:
        raise RuntimeError("no iteration")

    def __len__(self) -> int:
        raise RuntimeError("no length")


def values(rng: random.Random) -> Any:
    """One value of a kind chosen at random."""
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    deep: Any = []
    for _ in range(200):
        deep = [deep]
    kinds: list[Callable[[], Any]] = [
        lambda: None,
        lambda: rng.choice([True, False]),
        lambda: rng.choice([0, -1, 1, 255, 256, 2**63, -(2**63) - 1, 2**200]),
        lambda: rng.choice([0.5, float("nan"), float("inf"), -0.0]),
        lambda: "",
        lambda: rng.choice(["openid", LOGIN, "default", "mas", "stable", "web", "authorization_code"]),
        lambda: "x" * rng.choice([4097, 1 << 20, (1 << 20) + 1, 1 << 24]),
        lambda: "a\ud800b",
        lambda: "a\x00b",
        lambda: b"openid",
        lambda: bytearray(b"\x01" * 40),
        lambda: [rng.choice(["openid", 5, None])],
        lambda: {"scope": rng.choice(["openid", 5, None, "\ud800"])},
        lambda: {1: "x"},
        lambda: dict(SYNC),
        lambda: deep,
        lambda: cyclic,
        lambda: {"metadata": {"client_uri": "https://a.example/", "x": deep}},
        Raising,
        lambda: object(),
    ]
    return rng.choice(kinds)()


def callables() -> list[tuple[str, Callable[..., Any]]]:
    """Every public function, class and bound method of a Scope and a Policy."""
    found: list[tuple[str, Callable[..., Any]]] = []
    for name in matrix_authz.__all__:
        item = getattr(matrix_authz, name)
        if isinstance(item, type) and issubclass(item, BaseException):
            continue
        if callable(item):
            found.append((name, item))
    scope, policy = Scope(LOGIN), Policy("mas")
    for owner, instance in (("Scope", scope), ("Policy", policy)):
        for name in dir(instance):
            attribute = getattr(instance, name)
            if not name.startswith("_") and callable(attribute):
                found.append((f"{owner}.{name}", attribute))
    return found


def acceptable(error: BaseException) -> bool:
    if isinstance(error, AuthzError):
        code = getattr(error, "code", None)
        return isinstance(code, str) and code.startswith(KNOWN_PREFIXES) and str(error).startswith(code)
    # A wrong Python type is Python's own TypeError, as for any extension function.
    return type(error) is TypeError


def test_random_values_at_every_callable() -> None:
    rng = random.Random(int(os.environ.get("HOSTILE_SEED", "17")))
    probes, failures = 0, list[str]()
    targets = callables()
    assert len(targets) > 30, [name for name, _ in targets]
    for name, target in targets:
        for _ in range(int(os.environ.get("HOSTILE_PROBES_PER_CALLABLE", "100"))):
            args = [values(rng) for _ in range(rng.randint(0, 3))]
            probes += 1
            try:
                target(*args)
            except BaseException as error:  # noqa: BLE001 - what comes back is the subject
                if not acceptable(error) and len(failures) < 20:
                    failures.append(f"{name}{tuple(type(a).__name__ for a in args)}: {type(error).__name__}: {error}")
    print(f"hostile: {probes} probes over {len(targets)} callables")
    assert failures == []
    # Still answering, the same answers.
    assert str(Scope("openid email")) == "email openid"
    assert Policy().decide(SYNC).reason == "request.allowed"


def test_what_python_lets_through_is_documented() -> None:
    # Huge strings reach the engine whole and get its own code.
    with pytest.raises(AuthzError) as caught:
        Scope("x" * (1 << 24))
    assert caught.value.code == "scope.too_long"
    # A lone surrogate has no UTF-8 form: InvalidInput, in every argument position.
    calls: list[Callable[[], Any]] = [
        lambda: Scope("a\ud800"),
        lambda: matrix_authz.token_kind("\ud800"),
        lambda: Policy().decide({"method": "GET", "path": "/\ud800"}),
    ]
    for call in calls:
        with pytest.raises(matrix_authz.InvalidInput):
            call()
    # NUL is an ordinary character, which the scope grammar refuses.
    with pytest.raises(AuthzError) as caught:
        Scope("open\x00id")
    assert caught.value.code == "scope.invalid_char"
    # None for an optional argument is the same as leaving it out.
    assert str(Scope(LOGIN, None)) == str(Scope(LOGIN))
