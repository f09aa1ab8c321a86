"""`evaluate` and `evaluate_json`: the conformance ops with a dict or JSON text as input.

Expected values from FORMAT.md "Operations" and the vectors named beside each case.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import matrix_authz
from matrix_authz import InvalidDeviceId, InvalidInput, UnknownOperation, evaluate, evaluate_json, operations

# FORMAT.md's table, in its order.
OPS = [
    "scope.parse",
    "scope.satisfies",
    "scope.normalize",
    "device.validate",
    "device.generate",
    "client.login_scope",
    "grant.decide",
    "request.decide",
    "client.interpret",
    "account.url",
    "redirect_uri.check",
    "client_metadata.validate",
    "server_metadata.validate",
]


def nested(depth: int) -> Any:
    """A JSON value `depth` levels deep: lists inside lists."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_operations() -> None:
    assert operations() == OPS


class TestEvaluate:
    def test_scope_parse(self) -> None:
        # scope-classify-002.
        expected = {
            "tokens": ["openid", "urn:matrix:client:api:*"],
            "canonical": "openid urn:matrix:client:api:*",
            "api": "full",
            "device": None,
            "synapse_admin": False,
            "namespaces": ["stable"],
        }
        for given in ({"scope": "urn:matrix:client:api:* openid"}, '{"scope": "urn:matrix:client:api:* openid"}'):
            result = evaluate("scope.parse", given)
            assert {k: result[k] for k in expected} == expected

    def test_dict_and_text_agree_on_every_op(self) -> None:
        inputs: list[tuple[str, dict[str, Any]]] = [
            ("scope.satisfies", {"granted": "zeta", "required": "zeta urn:matrix:client:api:* alpha"}),
            ("scope.normalize", {"scope": "urn:matrix:client:api:*", "form": "both"}),
            ("device.validate", {"device_id": "ABCDEFGHIJ", "policy": "mas"}),
            ("device.generate", {"entropy": "00010203040506070809"}),
            ("client.login_scope", {"device_id": "ABCDEFGHIJ", "extra": ["openid"]}),
            (
                "grant.decide",
                {
                    "scope": "urn:matrix:client:api:*",
                    "grant_type": "authorization_code",
                    "entropy": "0123456789abcdef0123",
                },
            ),
            ("request.decide", {"method": "GET", "path": "/_matrix/client/v3/sync", "token": {"scope": "openid"}}),
            ("client.interpret", {"status": 429, "headers": {"retry-after": "3"}}),
            (
                "account.url",
                {"account_management_uri": "https://a.example/account#top", "action": "org.matrix.profile"},
            ),
            (
                "redirect_uri.check",
                {
                    "redirect_uri": "https://example.com/cb",
                    "client_uri": "https://example.com/",
                    "application_type": "web",
                },
            ),
            ("client_metadata.validate", {"metadata": {}}),
            ("server_metadata.validate", {"metadata": {"issuer": "http://bad/"}}),
        ]
        assert sorted(op for op, _ in inputs) == sorted(set(OPS) - {"scope.parse"})
        for op, given in inputs:
            assert evaluate(op, given) == evaluate(op, json.dumps(given)), op

    def test_vector_results(self) -> None:
        # scope-satisfies-015, device-generate-001, account-url-014, client-interpret-042.
        assert evaluate("scope.satisfies", {"granted": "zeta", "required": "zeta urn:matrix:client:api:* alpha"}) == {
            "satisfied": False,
            "missing": ["alpha", "urn:matrix:client:api:*"],
        }
        assert evaluate("device.generate", {"entropy": "00010203040506070809"})["device_id"] == "ABCDEFGHIJ"
        assert (
            evaluate(
                "account.url",
                {"account_management_uri": "https://a.example/account#top", "action": "org.matrix.profile"},
            )["url"]
            == "https://a.example/account?action=org.matrix.profile#top"
        )
        assert evaluate("client.interpret", {"status": 429, "headers": {"retry-after": "3"}}) == {
            "action": "retry",
            "retry_after_ms": 3000,
        }

    def test_the_policy_travels_in_the_input(self) -> None:
        # scope-classify-008.
        given = {"scope": "openid urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGH", "policy": "mas"}
        with pytest.raises(InvalidDeviceId) as caught:
            evaluate("scope.parse", given)
        assert caught.value.code == "device_id.too_short"
        assert evaluate("scope.parse", {**given, "policy": "default"})["device"] == "ABCDEFGH"

    def test_unknown_op(self) -> None:
        with pytest.raises(UnknownOperation) as caught:
            evaluate("scope.nope", {})
        assert caught.value.code == "op.unknown"

    @pytest.mark.parametrize("given", ["not json", '{"scope": ', "[1]", "5"])
    def test_input_that_is_not_an_object(self, given: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            evaluate("scope.parse", given)
        assert caught.value.code == "input.invalid"

    def test_wrong_types(self) -> None:
        # scope-classify-071, login-scope-056, device-generate with a bool length.
        for op, given in [
            ("scope.parse", {"scope": ["openid"]}),
            ("client.login_scope", {"device_id": 12345}),
            ("device.generate", {"entropy": "00010203040506070809", "length": True}),
            ("device.generate", {"entropy": "00010203040506070809", "length": 10.5}),
            ("device.generate", {"entropy": "00010203040506070809", "length": 2**70}),
        ]:
            with pytest.raises(InvalidInput):
                evaluate(op, given)  # type: ignore[arg-type]

    def test_python_values_that_are_not_json(self) -> None:
        for given in ({"scope": b"openid"}, {"scope": {"openid"}}, {1: "x", "scope": "openid"}):
            with pytest.raises(InvalidInput):
                evaluate("scope.parse", given)  # type: ignore[arg-type]

    @pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
    def test_non_finite_numbers(self, number: float) -> None:
        # JSON has no NaN or infinity (RFC 8259 section 6): such a value is no op input, and
        # reading it as null would make it absent (here: the default length of 10).
        with pytest.raises(InvalidInput):
            evaluate("device.generate", {"entropy": "00010203040506070809", "length": number})

    def test_nesting_limit_applies_to_dict_input(self) -> None:
        # FORMAT.md "Registration checks": deeper than the nesting limit of 128 is input.invalid
        # in every runtime and every op; the same document as JSON text is refused already.
        given = {"metadata": {"client_uri": "https://example.com/", "x": nested(200)}}
        with pytest.raises(InvalidInput):
            evaluate("client_metadata.validate", json.dumps(given))
        with pytest.raises(InvalidInput):
            evaluate("client_metadata.validate", given)

    def test_nesting_limit_applies_to_metadata_dicts(self) -> None:
        with pytest.raises(InvalidInput):
            matrix_authz.validate_client_metadata({"client_uri": "https://example.com/", "x": nested(200)})

    def test_nesting_limit_is_128_levels_in_every_form(self) -> None:
        # README "JSON input": the outermost value is level 1, and the limit applies to what an
        # entry point receives: the op's input (so `metadata` is level 2), or the document.
        doc = {"client_uri": "https://example.com/", "grant_types": []}
        at_limit = {"metadata": {**doc, "x": nested(126)}}
        past_limit = {"metadata": {**doc, "x": nested(127)}}
        for given in (at_limit, json.dumps(at_limit)):
            assert evaluate("client_metadata.validate", given) == {"valid": True, "violations": []}
        for given in (past_limit, json.dumps(past_limit)):
            with pytest.raises(InvalidInput):
                evaluate("client_metadata.validate", given)
        assert matrix_authz.validate_client_metadata({**doc, "x": nested(127)}).valid
        with pytest.raises(InvalidInput):
            matrix_authz.validate_client_metadata({**doc, "x": nested(128)})

    def test_numbers_of_any_size(self) -> None:
        # A Python int of any size is a JSON number; text keeps what a float cannot hold.
        doc = {"client_uri": "https://example.com/", "grant_types": [], "x": 2**200, "y": [-(2**64), 10**40]}
        assert evaluate("client_metadata.validate", {"metadata": doc}) == {"valid": True, "violations": []}
        for number in ("1e400", "-1e400", "1e-400", "18446744073709551616"):
            text = '{"metadata": {"client_uri": "https://example.com/", "grant_types": [], "x": %s}}' % number
            assert evaluate("client_metadata.validate", text) == {"valid": True, "violations": []}, number
            assert matrix_authz.validate_client_metadata(text[len('{"metadata": ') : -1]).valid, number
        # Where a string belongs: that field's wrong type, a report rather than an exception.
        report = matrix_authz.validate_client_metadata({"client_uri": 2**64, "grant_types": []})
        assert report.violations == ("client_uri.invalid_type",)

    def test_deep_input_does_not_crash_the_interpreter(self) -> None:
        # A server may pass a document it parsed from a request; however deep, the answer is an
        # exception, never a dead process. Run in a child so a crash fails this test only.
        code = textwrap.dedent(
            """
            import matrix_authz
            value = []
            for _ in range(200_000):
                value = [value]
            try:
                matrix_authz.evaluate("client_metadata.validate", {"metadata": {"x": value}})
            except matrix_authz.InvalidInput:
                print("InvalidInput")
            """
        )
        child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert (child.returncode, child.stdout.strip()) == (0, "InvalidInput"), child.stderr[-2000:]


class TestEvaluateJson:
    def test_ok(self) -> None:
        answer = json.loads(evaluate_json("scope.parse", '{"scope": "email openid"}'))
        assert list(answer) == ["ok"]
        assert answer["ok"] == evaluate("scope.parse", {"scope": "email openid"})

    @pytest.mark.parametrize(
        ("op", "text", "code"),
        [
            ("scope.parse", '{"scope": ""}', "scope.empty"),
            ("scope.nope", "{}", "op.unknown"),
            ("scope.parse", "{", "input.invalid"),
            ("scope.parse", "", "input.invalid"),
            ("scope.parse", "[]", "input.invalid"),
            ("device.generate", '{"entropy": "00"}', "entropy.insufficient"),
            ("scope.parse", '{"scope": "a", "policy": "nope"}', "policy.unknown_preset"),
            (
                "account.url",
                '{"account_management_uri": "https://a/", "action": "org.matrix.devices_list", "supported": ["x"]}',
                "account.action_unsupported",
            ),
        ],
    )
    def test_errors_never_raise(self, op: str, text: str, code: str) -> None:
        answer = json.loads(evaluate_json(op, text))
        assert list(answer) == ["error"]
        assert answer["error"]["code"] == code
        assert isinstance(answer["error"]["message"], str) and answer["error"]["message"]

    def test_lone_surrogate_text(self) -> None:
        # Python text that has no UTF-8 form still gets an answer, as the docstring promises.
        answer = json.loads(evaluate_json("scope.parse", '{"scope": "\ud800"}'))
        assert answer["error"]["code"] == "input.invalid"


LONE_SURROGATE = "a\ud800"


@pytest.mark.parametrize(
    "call",
    ["Scope", "validate_device_id", "decide_grant", "login_scope"],
)
def test_lone_surrogate_is_an_authz_error(call: str) -> None:
    # Policy.decide already answers input.invalid for such a string (test_decide); the other
    # entry points must not leak a UnicodeEncodeError past `except AuthzError`.
    with pytest.raises(matrix_authz.AuthzError):
        if call == "Scope":
            matrix_authz.Scope(LONE_SURROGATE)
        elif call == "validate_device_id":
            matrix_authz.validate_device_id(LONE_SURROGATE)
        elif call == "decide_grant":
            matrix_authz.decide_grant(LONE_SURROGATE, "authorization_code")
        else:
            matrix_authz.login_scope(device_id=LONE_SURROGATE)


@pytest.mark.parametrize("call", ["interpret_response", "generate_device_id", "random_device_id"])
def test_out_of_range_integers_are_invalid_input(call: str) -> None:
    # The docstrings promise InvalidInput for a status that is not an error status and a length
    # outside 1 to 255; -1 and 70000 are both, yet escape `except AuthzError` as OverflowError.
    with pytest.raises(InvalidInput):
        if call == "interpret_response":
            matrix_authz.interpret_response(70000)
        elif call == "generate_device_id":
            matrix_authz.generate_device_id(bytes(10), -1)
        else:
            matrix_authz.random_device_id(-1)
