"""Client helpers: what to do about an error response, and the account-management URL.

Expected values are copied by hand from core/conformance/client-interpret.json and
account-url.json (ids beside each case) and FORMAT.md "Client helpers".
"""

from __future__ import annotations

import http.client
import json
from typing import Any, Optional

import pytest

from matrix_authz import ClientAction, InvalidInput, UnsupportedAction, account_url, interpret_response

ACCOUNT = "https://account.example.org/account/"
STEP_UP_HEADER = 'Bearer error="insufficient_user_authentication", acr_values="urn:x urn:y", max_age="60"'


def fields(action: ClientAction) -> dict[str, Any]:
    """The action and the fields that are set; every other field must be None."""
    values = {
        "url": action.url,
        "session": action.session,
        "acr_values": action.acr_values,
        "max_age": action.max_age,
        "scope": action.scope,
        "retry_after_ms": action.retry_after_ms,
    }
    return {"action": action.action, **{k: v for k, v in values.items() if v is not None}}


class TestInterpret:
    def test_open_url(self) -> None:
        # client-interpret-015 and -014.
        body = {
            "flows": [{"stages": ["org.matrix.cross_signing_reset"]}],
            "params": {"org.matrix.cross_signing_reset": {"url": "https://a.example/u"}},
            "session": "s1",
        }
        assert fields(interpret_response(401, body=body)) == {
            "action": "open_url",
            "url": "https://a.example/u",
            "session": "s1",
        }
        body = {"flows": [{"stages": ["m.oauth"]}], "params": {"m.oauth": {"url": "https://a.example/m"}}}
        action = interpret_response(401, None, body)
        assert (action.action, action.url, action.session) == ("open_url", "https://a.example/m", None)

    def test_reauthenticate_from_the_body(self) -> None:
        # client-interpret-021.
        body = {
            "errcode": "M_INSUFFICIENT_USER_AUTHENTICATION",
            "error": "step up",
            "acr_values": "urn:okta:loa:2fa:any urn:okta:loa:1fa:pwd",
            "max_age": 300,
        }
        assert fields(interpret_response(401, body=body)) == {
            "action": "reauthenticate",
            "acr_values": "urn:okta:loa:2fa:any urn:okta:loa:1fa:pwd",
            "max_age": 300,
        }

    def test_reauthenticate_from_the_header(self) -> None:
        # client-interpret-029, with the headers as a dict, as pairs and as a repeated header.
        expected = {"action": "reauthenticate", "acr_values": "urn:x urn:y", "max_age": 60}
        assert fields(interpret_response(401, {"www-authenticate": STEP_UP_HEADER})) == expected
        assert fields(interpret_response(401, [("www-authenticate", STEP_UP_HEADER)])) == expected
        # Another challenge first: RFC 9110 lets a response carry several WWW-Authenticate
        # fields, and the step-up one still counts.
        repeated = {"www-authenticate": ['Basic realm="x"', STEP_UP_HEADER]}
        assert fields(interpret_response(401, repeated)) == expected
        pairs = [("www-authenticate", 'Basic realm="x"'), ("www-authenticate", STEP_UP_HEADER)]
        assert fields(interpret_response(401, pairs)) == expected

    def test_headers_as_http_libraries_hold_them(self) -> None:
        # The standard library's parsed headers (http.client, urllib) are no Mapping, but have
        # items(), which also gives a repeated field once per value.
        message = http.client.HTTPMessage()
        message["WWW-Authenticate"] = 'Basic realm="x"'
        message["WWW-Authenticate"] = STEP_UP_HEADER
        expected = {"action": "reauthenticate", "acr_values": "urn:x urn:y", "max_age": 60}
        assert fields(interpret_response(401, message)) == expected

    def test_header_names_are_case_insensitive(self) -> None:
        # HTTP field names are case-insensitive (RFC 9110 section 5.1).
        expected = {"action": "reauthenticate", "acr_values": "urn:x urn:y", "max_age": 60}
        assert fields(interpret_response(401, {"WWW-Authenticate": STEP_UP_HEADER})) == expected
        assert fields(interpret_response(429, [("Retry-After", "3")])) == {"action": "retry", "retry_after_ms": 3000}

    def test_refresh_and_logout(self) -> None:
        # client-interpret-036, -037, -038.
        assert interpret_response(401, body={"errcode": "M_UNKNOWN_TOKEN", "soft_logout": True}).action == "refresh"
        assert interpret_response(401, body={"errcode": "M_UNKNOWN_TOKEN", "soft_logout": False}).action == "logout"
        assert fields(interpret_response(401, body={"errcode": "M_UNKNOWN_TOKEN"})) == {"action": "logout"}

    @pytest.mark.parametrize(
        ("status", "headers", "body", "retry_after_ms"),
        [
            (429, None, {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 2000}, 2000),  # -041
            (429, {"retry-after": "3"}, None, 3000),  # -042
            (429, {"retry-after": "30"}, {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 1500}, 1500),  # -043
            (503, None, None, None),  # -047
            (502, {"retry-after": "120"}, None, 120000),  # -046
        ],
    )
    def test_retry(
        self,
        status: int,
        headers: Optional[dict[str, str]],
        body: Optional[dict[str, Any]],
        retry_after_ms: Optional[int],
    ) -> None:
        action = interpret_response(status, headers, body)
        assert action.action == "retry"
        assert action.retry_after_ms == retry_after_ms

    def test_fail(self) -> None:
        # client-interpret-035, -056, -057.
        assert fields(interpret_response(401)) == {"action": "fail"}
        assert fields(interpret_response(418, {"retry-after": "5"})) == {"action": "fail"}
        insufficient_scope = 'Bearer error="insufficient_scope", scope="urn:matrix:client:api:*"'
        assert (
            interpret_response(403, {"www-authenticate": insufficient_scope}, {"errcode": "M_FORBIDDEN"}).action
            == "fail"
        )

    def test_body_as_text_or_bytes(self) -> None:
        body = {"errcode": "M_UNKNOWN_TOKEN", "soft_logout": True}
        text = json.dumps(body)
        assert interpret_response(401, body=text).action == "refresh"
        assert interpret_response(401, body=text.encode()).action == "refresh"

    @pytest.mark.parametrize("status", [200, 204, 302, 399, 600])
    def test_not_an_error_status(self, status: int) -> None:
        # client-interpret-001 to -008.
        with pytest.raises(InvalidInput) as caught:
            interpret_response(status)
        assert caught.value.code == "input.invalid"

    def test_malformed_response(self) -> None:
        for body in ("[1]", "not json", b"\xff", [1]):
            with pytest.raises(InvalidInput):
                interpret_response(401, body=body)  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            interpret_response(401, {"www-authenticate": 5})

    def test_frozen(self) -> None:
        action = interpret_response(503)
        with pytest.raises(AttributeError):
            action.action = "fail"  # type: ignore[misc]


class TestAccountUrl:
    @pytest.mark.parametrize(
        ("base", "action", "device_id", "url"),
        [
            (ACCOUNT, "org.matrix.profile", None, ACCOUNT + "?action=org.matrix.profile"),  # account-url-001
            (
                ACCOUNT,
                "org.matrix.device_view",
                "ABCDEFGHIJ",
                ACCOUNT + "?action=org.matrix.device_view&device_id=ABCDEFGHIJ",
            ),  # -003
            (
                "https://a.example/account?lang=en",
                "org.matrix.profile",
                None,
                "https://a.example/account?lang=en&action=org.matrix.profile",
            ),  # -011
            (
                "https://a.example/account?lang=en#top",
                "org.matrix.device_view",
                "D1",
                "https://a.example/account?lang=en&action=org.matrix.device_view&device_id=D1#top",
            ),  # -013
            (
                ACCOUNT,
                "org.matrix.device_view",
                "AB CD",
                ACCOUNT + "?action=org.matrix.device_view&device_id=AB%20CD",
            ),  # -022
            (
                ACCOUNT,
                "org.matrix.device_view",
                "caf\u00e9",
                ACCOUNT + "?action=org.matrix.device_view&device_id=caf%C3%A9",
            ),  # -029
        ],
    )
    def test_urls(self, base: str, action: str, device_id: Optional[str], url: str) -> None:
        assert account_url(base, action, device_id) == url

    def test_supported_fallback(self) -> None:
        # account-url-038 and -040.
        assert account_url(ACCOUNT, "org.matrix.devices_list", supported=["org.matrix.sessions_list"]) == (
            ACCOUNT + "?action=org.matrix.sessions_list"
        )
        assert account_url(ACCOUNT, "org.matrix.device_delete", "D1", ("org.matrix.session_end",)) == (
            ACCOUNT + "?action=org.matrix.session_end&device_id=D1"
        )
        # The stable name wins when the server lists it.
        assert account_url(
            ACCOUNT, "org.matrix.devices_list", supported=["org.matrix.devices_list", "org.matrix.sessions_list"]
        ) == (ACCOUNT + "?action=org.matrix.devices_list")
        # FORMAT.md: without `supported`, or with [], the stable name is used.
        assert (
            account_url(ACCOUNT, "org.matrix.devices_list", supported=[]) == ACCOUNT + "?action=org.matrix.devices_list"
        )

    def test_unsupported_action(self) -> None:
        with pytest.raises(UnsupportedAction) as caught:
            account_url(ACCOUNT, "org.matrix.devices_list", supported=["org.matrix.profile"])
        assert caught.value.code == "account.action_unsupported"

    def test_empty_action_or_device(self) -> None:
        with pytest.raises(InvalidInput):
            account_url(ACCOUNT, "")
        with pytest.raises(InvalidInput):
            account_url(ACCOUNT, "org.matrix.device_view", "")
