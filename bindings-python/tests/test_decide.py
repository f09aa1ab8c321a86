"""Policies and `Policy.decide`: presets and documents, the request as a dict or as keyword
arguments, and every field of the frozen Decision.

Inputs and expected answers are copied by hand from the vectors named beside each case
(core/conformance/decide-*.json) and from DECISIONS.md; the tests never read the repository.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import matrix_authz
from matrix_authz import Decision, InvalidInput, InvalidPolicy, Policy

FULL = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"
SYNC = "/_matrix/client/v3/sync"
ACCOUNT = "https://account.example.org/account/"
RESET_URL = ACCOUNT + "?action=org.matrix.cross_signing_reset"
UIA_FLOWS = [{"stages": ["m.oauth"]}, {"stages": ["org.matrix.cross_signing_reset"]}]
UIA_PARAMS = {"m.oauth": {"url": RESET_URL}, "org.matrix.cross_signing_reset": {"url": RESET_URL}}
STEP_UP_POLICY = {
    "step_up": [{"endpoints": ["createRoom"], "max_age": 300, "acr_values": ["urn:acr:2fa", "urn:acr:mfa"]}]
}


def fields_of(decision: Decision) -> dict[str, Any]:
    """Every documented field, read through the attributes."""
    return {
        "decision": decision.decision,
        "allowed": decision.allowed,
        "status": decision.status,
        "errcode": decision.errcode,
        "headers": decision.headers,
        "body": decision.body,
        "endpoint": decision.endpoint,
        "device": decision.device,
        "synapse_admin": decision.synapse_admin,
        "account_url": decision.account_url,
        "consumes_approval": decision.consumes_approval,
    }


class TestPolicy:
    def test_presets(self) -> None:
        assert Policy().preset == "default"
        assert Policy(None).preset == "default"
        for name in ("default", "mas", "synapse"):
            assert Policy(name).preset == name
            assert Policy(policy=name).preset == name

    def test_documents(self) -> None:
        assert Policy({}).preset == "default"
        assert Policy({"preset": "mas", "approval": "single_use"}).preset == "mas"
        assert Policy('{"preset": "synapse", "unknown_endpoints": "deny"}').preset == "synapse"
        assert Policy(json.dumps(STEP_UP_POLICY)).preset == "default"

    def test_unknown_preset(self) -> None:
        for policy in ("nope", "Default", "", {"preset": "nope"}, '{"preset": "nope"}'):
            with pytest.raises(InvalidPolicy) as caught:
                Policy(policy)
            assert caught.value.code == "policy.unknown_preset", policy

    @pytest.mark.parametrize(
        "document",
        [
            {"bogus": 1},  # an unknown field
            {"approval": "sometimes"},
            {"step_up": 5},  # a wrong type
            {"step_up": [{"endpoints": ["noSuchOperation"], "max_age": 60}]},  # an unknown operation id
            {"guest_endpoints": ["noSuchOperation"]},
            {"extra_tokens": {"exact": [], "patterns": ["("]}},  # a pattern that does not compile
            {"preset": 5},
        ],
    )
    def test_invalid_documents(self, document: dict[str, Any]) -> None:
        for given in (document, json.dumps(document)):
            with pytest.raises(InvalidPolicy) as caught:
                Policy(given)
            assert caught.value.code == "policy.invalid", given

    def test_text_that_is_not_json(self) -> None:
        with pytest.raises(InvalidPolicy) as caught:
            Policy('{"preset": ')
        assert caught.value.code == "policy.invalid"

    def test_a_document_changes_decisions(self) -> None:
        # decide-stepup-018: the same request is allowed by default and stepped up by the document.
        request = {
            "method": "POST",
            "path": "/_matrix/client/v3/createRoom",
            "token": {"scope": FULL, "acr": "urn:acr:pwd", "auth_time": 1749999990},
            "now": 1750000000,
        }
        assert Policy().decide(request).decision == "allow"
        assert Policy(STEP_UP_POLICY).decide(request).decision == "step_up"
        assert Policy(json.dumps(STEP_UP_POLICY)).decide(request).decision == "step_up"


class TestDecideAllow:
    def test_sync_with_a_full_token(self) -> None:
        # decide-tokens-016.
        decision = Policy().decide({"method": "GET", "path": SYNC, "token": {"scope": FULL, "active": True}})
        assert fields_of(decision) == {
            "decision": "allow",
            "allowed": True,
            "status": None,
            "errcode": None,
            "headers": {},
            "body": None,
            "endpoint": "sync",
            "device": "ABCDEFGHIJ",
            "synapse_admin": False,
            "account_url": None,
            "consumes_approval": None,
        }

    def test_dict_and_keywords_give_the_same_answer(self) -> None:
        policy = Policy()
        requests: list[dict[str, Any]] = [
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}},
            {"method": "GET", "path": SYNC, "token": {"scope": "openid"}},
            {"method": "GET", "path": SYNC},
            {
                "method": "POST",
                "path": "/_matrix/client/v3/keys/device_signing/upload",
                "token": {"scope": FULL},
                "context": {"account_management_uri": ACCOUNT},
                "entropy": "00f801ff3d3e3ffa40417a7bfb7c7dfcfefdf9f7101112131415161718191a1b1c",
            },
        ]
        for request in requests:
            by_dict, by_keywords = policy.decide(request), policy.decide(**request)
            assert fields_of(by_dict) == fields_of(by_keywords)
            assert by_dict.to_dict() == by_keywords.to_dict()

    def test_admin_path_with_the_admin_scope(self) -> None:
        # decide-admin-001.
        decision = Policy().decide(
            method="GET",
            path="/_synapse/admin/v2/users/%40alice%3Aexample.org",
            token={"scope": FULL + " urn:synapse:admin:*"},
        )
        assert (decision.decision, decision.endpoint, decision.device, decision.synapse_admin) == (
            "allow",
            None,
            "ABCDEFGHIJ",
            True,
        )

    def test_explicit_device_id_wins(self) -> None:
        # decide-admin-034: the introspection's device_id, whatever the scope says.
        decision = Policy().decide(
            method="GET",
            path="/_synapse/admin/v2/users/%40alice%3Aexample.org",
            token={
                "scope": "urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:api:* urn:synapse:admin:*",
                "device_id": "COMPAT",
            },
        )
        assert decision.allowed
        assert decision.device == "COMPAT"

    def test_appservice_token(self) -> None:
        # decide-tokens-017.
        decision = Policy().decide(method="GET", path=SYNC, token={"appservice": True})
        assert (decision.decision, decision.endpoint, decision.device) == ("allow", "sync", None)


class TestDecideDeny:
    @pytest.mark.parametrize(
        ("preset", "status", "errcode", "headers"),
        [
            # decide-tokens-075, -076, -077: a token without the API scope.
            (
                "default",
                403,
                "M_FORBIDDEN",
                {"www-authenticate": 'Bearer error="insufficient_scope", scope="urn:matrix:client:api:*"'},
            ),
            (
                "mas",
                403,
                "M_FORBIDDEN",
                {"www-authenticate": 'Bearer error="insufficient_scope", scope="urn:matrix:client:api:*"'},
            ),
            ("synapse", 401, "M_UNKNOWN_TOKEN", {}),
        ],
    )
    def test_missing_api_scope(self, preset: str, status: int, errcode: str, headers: dict[str, str]) -> None:
        decision = Policy(preset).decide(method="GET", path=SYNC, token={"scope": "openid"})
        assert decision.decision == "deny"
        assert not decision.allowed
        assert (decision.status, decision.errcode, decision.headers) == (status, errcode, headers)
        assert decision.endpoint == "sync"
        body = decision.body
        assert body is not None
        # DECISIONS.md "Output": a deny body is {"errcode", "error"}; the text is for people.
        assert set(body) == {"errcode", "error"}
        assert body["errcode"] == errcode
        assert isinstance(body["error"], str) and body["error"]

    def test_missing_token(self) -> None:
        # decide-tokens-001.
        decision = Policy().decide(method="GET", path=SYNC)
        assert (decision.status, decision.errcode, decision.device) == (401, "M_MISSING_TOKEN", None)

    def test_inactive_token(self) -> None:
        # decide-tokens-009.
        decision = Policy().decide(method="GET", path=SYNC, token={"scope": FULL, "active": False})
        assert (decision.status, decision.errcode) == (401, "M_UNKNOWN_TOKEN")

    def test_guest(self) -> None:
        # decide-guests-054.
        decision = Policy().decide(
            method="POST", path="/_matrix/client/v3/createRoom", token={"scope": FULL, "guest": True}
        )
        assert (decision.status, decision.errcode, decision.endpoint) == (403, "M_GUEST_ACCESS_FORBIDDEN", "createRoom")

    def test_account_url(self) -> None:
        # decide-legacy-069 and -070 (the device id percent-decoded, then encoded again).
        policy = Policy()
        decision = policy.decide(
            method="DELETE",
            path="/_matrix/client/v3/devices/AB%20CD",
            token={"scope": FULL},
            context={"account_management_uri": ACCOUNT},
        )
        assert (decision.status, decision.errcode, decision.endpoint) == (404, "M_UNRECOGNIZED", "deleteDevice")
        assert decision.account_url == ACCOUNT + "?action=org.matrix.device_delete&device_id=AB%20CD"
        # decide-uia-026: without an account-management URI there is none.
        decision = policy.decide(method="DELETE", path="/_matrix/client/v3/devices/ABCDEFGHIJ", token={"scope": FULL})
        assert decision.account_url is None


class TestDecideStepUp:
    def test_both_rules_fail(self) -> None:
        # decide-stepup-018.
        decision = Policy(STEP_UP_POLICY).decide(
            method="POST",
            path="/_matrix/client/v3/createRoom",
            token={"scope": FULL, "acr": "urn:acr:pwd", "auth_time": 1749999990},
            now=1750000000,
        )
        assert decision.decision == "step_up"
        assert not decision.allowed
        assert (decision.status, decision.errcode, decision.endpoint) == (
            401,
            "M_INSUFFICIENT_USER_AUTHENTICATION",
            "createRoom",
        )
        assert decision.headers == {
            "www-authenticate": 'Bearer error="insufficient_user_authentication", '
            'acr_values="urn:acr:2fa urn:acr:mfa", max_age="300"'
        }
        body = decision.body
        assert body is not None
        assert {k: v for k, v in body.items() if k != "error"} == {
            "errcode": "M_INSUFFICIENT_USER_AUTHENTICATION",
            "acr_values": "urn:acr:2fa urn:acr:mfa",
            "max_age": 300,
        }
        assert isinstance(body["error"], str)

    def test_recent_enough(self) -> None:
        # decide-stepup-001 (max_age only, 10 seconds old).
        policy = Policy({"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]})
        decision = policy.decide(
            method="POST",
            path="/_matrix/client/v3/createRoom",
            token={"scope": FULL, "auth_time": 1749999990},
            now=1750000000,
        )
        assert decision.allowed

    def test_now_is_required_when_times_are_compared(self) -> None:
        # decide-stepup-007.
        policy = Policy({"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]})
        with pytest.raises(InvalidInput) as caught:
            policy.decide(
                method="POST", path="/_matrix/client/v3/createRoom", token={"scope": FULL, "auth_time": 1749999990}
            )
        assert caught.value.code == "input.invalid"


class TestDecideCrossSigning:
    def test_uia_with_a_given_session(self) -> None:
        # decide-paths-007.
        decision = Policy().decide(
            method="POST",
            path="/_matrix/client/r0/keys/device_signing/upload",
            token={"scope": FULL},
            context={"account_management_uri": ACCOUNT, "uia_session": "sess-1"},
        )
        assert decision.decision == "uia"
        assert not decision.allowed
        assert (decision.status, decision.errcode, decision.headers) == (401, None, {})
        assert decision.endpoint == "uploadCrossSigningKeys"
        assert decision.body == {"flows": UIA_FLOWS, "params": UIA_PARAMS, "session": "sess-1"}
        # Step 15 answered (so the field is there), and a challenge consumes no approval.
        assert decision.consumes_approval is False

    def test_uia_session_from_entropy(self) -> None:
        # decide-uia-087.
        decision = Policy().decide(
            method="POST",
            path="/_matrix/client/v3/keys/device_signing/upload",
            token={"scope": FULL},
            context={"account_management_uri": ACCOUNT},
            entropy="00f801ff3d3e3ffa40417a7bfb7c7dfcfefdf9f7101112131415161718191a1b1c",
        )
        assert decision.body == {"flows": UIA_FLOWS, "params": UIA_PARAMS, "session": "AB9ABCD89AB9QRSTUVWXYZab"}

    @pytest.mark.parametrize(("approval", "consumes"), [("single_use", True), ("window", False)])
    def test_approved_reset(self, approval: str, consumes: bool) -> None:
        # decide-uia-076 and -073.
        decision = Policy({"approval": approval}).decide(
            method="POST",
            path="/_matrix/client/v3/keys/device_signing/upload",
            token={"scope": FULL},
            context={
                "account_management_uri": ACCOUNT,
                "uia_session": "sess-1",
                "cross_signing": {"reset_approved_until": 1750000001},
            },
            now=1750000000,
        )
        assert decision.allowed
        assert decision.consumes_approval is consumes
        assert decision.device == "ABCDEFGHIJ"

    def test_uia_needs_an_account_management_uri(self) -> None:
        # decide-uia-096.
        with pytest.raises(InvalidInput):
            Policy().decide(method="POST", path="/_matrix/client/v3/keys/device_signing/upload", token={"scope": FULL})


class TestDecisionObject:
    def decision(self) -> Decision:
        return Policy().decide(method="GET", path=SYNC, token={"scope": "openid"})

    def test_frozen(self) -> None:
        decision = self.decision()
        for name in fields_of(decision):
            with pytest.raises(AttributeError):
                setattr(decision, name, None)
        with pytest.raises(AttributeError):
            decision.extra = 1  # type: ignore[attr-defined]
        assert decision.status == 403

    def test_headers_and_body_are_fresh_objects(self) -> None:
        decision = self.decision()
        headers, body = decision.headers, decision.body
        assert body is not None
        assert headers is not decision.headers
        assert body is not decision.body
        headers["www-authenticate"] = "changed"
        headers["x-extra"] = "1"
        body["errcode"] = "changed"
        assert decision.headers == {
            "www-authenticate": 'Bearer error="insufficient_scope", scope="urn:matrix:client:api:*"'
        }
        assert decision.body is not None and decision.body["errcode"] == "M_FORBIDDEN"

    def test_to_dict_is_the_op_result(self) -> None:
        requests: list[dict[str, Any]] = [
            {"method": "GET", "path": SYNC, "token": {"scope": "openid"}},
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}},
            {"method": "OPTIONS", "path": SYNC, "token": {"scope": FULL}},
            {
                "method": "POST",
                "path": "/_matrix/client/v3/keys/device_signing/upload",
                "token": {"scope": FULL},
                "context": {"account_management_uri": ACCOUNT, "cross_signing": {"reset_approved_until": 1750000001}},
                "now": 1750000000,
            },
        ]
        for request in requests:
            for preset in ("default", "mas", "synapse"):
                decision = Policy(preset).decide(request)
                result = decision.to_dict()
                assert result == matrix_authz.evaluate("request.decide", {**request, "policy": preset})
                # The op's required fields mirror the attributes.
                for name in ("decision", "status", "errcode", "headers", "body", "endpoint", "device", "synapse_admin"):
                    assert result[name] == getattr(decision, name), name
                assert result.get("consumes_approval") == decision.consumes_approval
                for name in ("step", "reason", "setting"):
                    assert result[name] == getattr(decision, name), name

    def test_to_dict_is_fresh(self) -> None:
        decision = self.decision()
        first = decision.to_dict()
        first["status"] = 200
        assert decision.to_dict()["status"] == 403


class TestExplanation:
    """`step`, `reason` and `setting`: expected values from DECISIONS.md's step table and the
    README's reason table (the cases of decide-explain.json)."""

    @pytest.mark.parametrize(
        ("policy", "request_", "step", "reason", "setting"),
        [
            ("default", {"method": "OPTIONS", "path": SYNC}, 0, "request.preflight", None),
            ("default", {"method": "GET", "path": SYNC}, 4, "token.missing", None),
            ("default", {"method": "GET", "path": "/_matrix/client/versions"}, 5, "token.not_needed", None),
            ("default", {"method": "GET", "path": SYNC, "token": {"scope": FULL, "active": False}}, 6, "token.inactive", None),
            ("synapse", {"method": "GET", "path": SYNC, "token": {"scope": "openid"}}, 10, "scope.api_missing", None),
            (
                {"required_scopes": {"createRoom": ["urn:example:rooms"]}},
                {"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {"scope": FULL}},
                10,
                "scope.required_missing",
                "required_scopes.createRoom",
            ),
            (
                "default",
                {"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {"scope": FULL, "guest": True}},
                12,
                "guest.endpoint_not_allowed",
                None,
            ),
            (
                {"guest_endpoints": ["createRoom"]},
                {"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {"scope": FULL, "guest": True}},
                18,
                "request.allowed",
                "guest_endpoints",
            ),
            (
                {"unknown_endpoints": "deny"},
                {"method": "GET", "path": "/_matrix/client/v3/nonexistent", "token": {"scope": FULL}},
                16,
                "endpoint.unknown",
                "unknown_endpoints",
            ),
            (
                STEP_UP_POLICY,
                {"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {"scope": FULL}, "now": 1},
                17,
                "step_up.auth_time_missing",
                "step_up[0]",
            ),
            ("default", {"method": "GET", "path": SYNC, "token": {"scope": FULL}}, 18, "request.allowed", None),
        ],
    )
    def test_reasons(self, policy: Any, request_: dict[str, Any], step: int, reason: str, setting: Any) -> None:
        decision = Policy(policy).decide(request_)
        assert (decision.step, decision.reason, decision.setting) == (step, reason, setting)
        assert f"step={step} reason={reason}" in repr(decision)

    def test_never_in_the_http_answer(self) -> None:
        # The rendered body and headers hold exactly their DECISIONS.md "Output" keys.
        cases: list[tuple[Any, dict[str, Any], set[str]]] = [
            ("default", {"method": "GET", "path": SYNC, "token": {"scope": "openid"}}, {"errcode", "error"}),
            (
                STEP_UP_POLICY,
                {"method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {"scope": FULL}, "now": 1},
                {"errcode", "error", "acr_values", "max_age"},
            ),
            (
                "default",
                {
                    "method": "POST",
                    "path": "/_matrix/client/v3/keys/device_signing/upload",
                    "token": {"scope": FULL},
                    "context": {"account_management_uri": ACCOUNT, "uia_session": "s"},
                },
                {"flows", "params", "session"},
            ),
        ]
        for policy, request_, body_keys in cases:
            decision = Policy(policy).decide(request_)
            assert decision.body is not None and set(decision.body) == body_keys
            assert set(decision.headers) <= {"www-authenticate"}
            assert {"step", "reason", "setting"} <= set(decision.to_dict())


class TestErrorPaths:
    """`path`: a JSON pointer at the offending place (FORMAT.md v4; error-paths.json)."""

    def test_request_fields(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"method": "GET", "path": SYNC, "token": {"scope": 5}}, "/token/scope"),
            ({"method": "GET", "path": SYNC, "context": {"room": {"guest_access": 5}}}, "/context/room/guest_access"),
            ({"path": SYNC}, "/method"),
        ]
        for request_, path in cases:
            with pytest.raises(InvalidInput) as caught:
                Policy().decide(request_)
            assert caught.value.path == path

    def test_policy_documents(self) -> None:
        documents: list[tuple[dict[str, Any], str]] = [
            ({"step_up": [{"endpoints": ["sync"], "max_age": "x"}]}, "/step_up/0/max_age"),
            ({"approval": "sometimes"}, "/approval"),
            ({"required_scopes": {"a/b~c": 5}}, "/required_scopes/a~1b~0c"),
        ]
        for document, path in documents:
            with pytest.raises(InvalidPolicy) as caught:
                Policy(document)
            assert caught.value.path == path, document

    def test_errors_without_a_place(self) -> None:
        with pytest.raises(matrix_authz.InvalidScope) as caught:
            matrix_authz.Scope("a  b")
        assert caught.value.path is None


class TestRequestErrors:
    def test_dict_and_keywords_together(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            Policy().decide({"method": "GET", "path": SYNC}, token={"scope": FULL})
        assert caught.value.code == "input.invalid"

    def test_policy_key(self) -> None:
        # A request is decided under the Policy it is given to, never under one it names.
        with pytest.raises(InvalidInput) as caught:
            Policy().decide({"method": "GET", "path": SYNC, "policy": "mas"})
        assert caught.value.code == "input.invalid"
        with pytest.raises(InvalidInput) as caught:
            Policy().decide(method="GET", path=SYNC, policy="mas")
        assert caught.value.code == "input.invalid"

    def test_no_request(self) -> None:
        with pytest.raises(InvalidInput):
            Policy().decide()

    def test_not_a_dict(self) -> None:
        with pytest.raises(InvalidInput):
            Policy().decide([("method", "GET"), ("path", SYNC)])  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "request_",
        [
            {"path": SYNC, "token": {"scope": FULL}},  # decide-tokens-104: no method
            {"method": "GET", "token": {"scope": FULL}},  # -105: no path
            {"method": 1, "path": SYNC},  # -106
            {"method": "GET", "path": SYNC, "token": {"device_id": "ABCDEFGHIJ"}},  # -107: no scope
            {"method": "GET", "path": SYNC, "token": {"scope": FULL, "active": "false"}},  # -108
            {"method": "GET", "path": SYNC, "token": {"scope": ["urn:matrix:client:api:*"]}},  # -109
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}, "now": "1750000000"},  # -110
            {"method": "GET", "path": SYNC, "token": FULL},  # -111
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}, "now": True},  # a bool is no integer
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}, "now": 1.5},
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}, "now": 2**70},
            {"method": "GET", "path": SYNC, "token": {"scope": FULL, "auth_time": "1"}},
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}, "query": [1]},
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}, "context": 5},
            {"method": "GET", "path": SYNC, "token": {"scope": FULL}, "entropy": "zz"},
            {"method": "GET", "path": SYNC, "token": {"scope": "\ud800"}},  # a lone surrogate is no string
        ],
    )
    def test_malformed_requests(self, request_: dict[str, Any]) -> None:
        with pytest.raises(InvalidInput) as caught:
            Policy().decide(request_)
        assert caught.value.code == "input.invalid"
        with pytest.raises(InvalidInput):
            Policy().decide(**request_)
