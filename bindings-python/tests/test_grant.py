"""`decide_grant`: the authorization server's answer to a token request, as a module function
and as a Policy method.

Expected values are copied by hand from core/conformance/grant-*.json (ids beside each case)
and PRESETS.md.
"""

from __future__ import annotations

from typing import Optional

import pytest

from matrix_authz import Grant, InsufficientEntropy, InvalidInput, InvalidScope, Policy, Scope, decide_grant

API = "urn:matrix:client:api:*"
API_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:api:*"
DEVICE = "urn:matrix:client:device:"
DEVICE_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:device:"
ENTROPY = bytes.fromhex("0123456789abcdef0123")


def answer(grant: Grant) -> tuple[bool, tuple[str, ...], Optional[str], Optional[str]]:
    granted = grant.granted
    return grant.allowed, grant.violations, None if granted is None else str(granted), grant.device


class TestAllowed:
    def test_interactive_grant(self) -> None:
        # grant-default-001.
        grant = decide_grant(f"{API} {DEVICE}ABCDEFGHIJ", "authorization_code")
        assert answer(grant) == (True, (), f"{API} {DEVICE}ABCDEFGHIJ", "ABCDEFGHIJ")
        assert isinstance(grant.granted, Scope)
        assert grant.granted == Scope(f"{API} {DEVICE}ABCDEFGHIJ")
        assert isinstance(grant.violations, tuple)

    def test_granted_is_canonical(self) -> None:
        # grant-default-004.
        grant = decide_grant(f"{DEVICE}ABCDEFGHIJ email {API} openid", "authorization_code")
        assert answer(grant) == (True, (), f"email openid {API} {DEVICE}ABCDEFGHIJ", "ABCDEFGHIJ")

    def test_empty_request(self) -> None:
        # grant-default-007: nothing requested, nothing refused.
        grant = decide_grant("", "authorization_code")
        assert answer(grant) == (True, (), "", None)
        assert grant.granted == Scope.empty()

    def test_unknown_tokens_are_dropped_by_default(self) -> None:
        # grant-default-078 and -081.
        grant = decide_grant(f"openid profile {API} {DEVICE}ABCDEFGHIJ", "authorization_code")
        assert answer(grant) == (True, (), f"openid {API} {DEVICE}ABCDEFGHIJ", "ABCDEFGHIJ")
        assert answer(decide_grant("openid profile", "client_credentials")) == (True, (), "openid", None)

    def test_device_code_grant(self) -> None:
        # grant-default-002.
        grant = decide_grant(f"{API} {DEVICE}ABCDEFGHIJ", "urn:ietf:params:oauth:grant-type:device_code")
        assert grant.allowed


class TestRefused:
    @pytest.mark.parametrize(
        ("scope", "grant_type", "violations"),
        [
            (f"{API} {DEVICE}ABCDEFGHIJ", "client_credentials", ("grant.api_not_interactive",)),  # -011
            (
                f"{DEVICE}ABCDEFGHIJ",
                "client_credentials",
                ("grant.api_not_interactive", "grant.device_without_api"),
            ),  # -015
            (f"{DEVICE}ABCDEFGHIJ", "authorization_code", ("grant.device_without_api",)),  # -016
            (f"{API} {DEVICE}AAAAAAAAAA {DEVICE}BBBBBBBBBB", "authorization_code", ("grant.multiple_devices",)),  # -018
            (f"{API} {DEVICE}", "authorization_code", ("device_id.empty",)),  # -020
            (API, "authorization_code", ("grant.device_missing",)),  # -066: no entropy to derive one from
            (
                f"{API} {DEVICE}ABCDEFGHIJ urn:synapse:admin:*",
                "authorization_code",
                ("grant.admin_not_allowed",),
            ),  # -026
        ],
    )
    def test_violations(self, scope: str, grant_type: str, violations: tuple[str, ...]) -> None:
        grant = decide_grant(scope, grant_type)  # type: ignore[arg-type]
        assert answer(grant) == (False, violations, None, None)

    def test_every_violation_sorted(self) -> None:
        # grant-default-036.
        grant = decide_grant(f"{DEVICE} urn:synapse:admin:*", "client_credentials", client_admin=True)
        assert grant.violations == (
            "device_id.empty",
            "grant.admin_not_allowed",
            "grant.api_not_interactive",
            "grant.device_without_api",
        )
        assert not grant.allowed


class TestAdmins:
    def test_user_admin(self) -> None:
        # grant-default-023 and -026.
        scope = f"{API} {DEVICE}ABCDEFGHIJ urn:synapse:admin:*"
        assert decide_grant(scope, "authorization_code", user_admin=True).allowed
        assert decide_grant(scope, "authorization_code", user_admin=False).violations == ("grant.admin_not_allowed",)
        # -027: an admin client does not make the user one.
        assert not decide_grant(scope, "authorization_code", client_admin=True).allowed

    def test_client_admin(self) -> None:
        # grant-default-033, -034, -035.
        assert answer(decide_grant("urn:mas:admin", "client_credentials", client_admin=True)) == (
            True,
            (),
            "urn:mas:admin",
            None,
        )
        assert not decide_grant("urn:mas:admin", "client_credentials").allowed
        assert not decide_grant("urn:mas:admin", "client_credentials", user_admin=True).allowed


class TestEntropy:
    def test_derived_device(self) -> None:
        # grant-default-060, -061 (unstable API token: the device follows its namespace), -062.
        assert answer(decide_grant(API, "authorization_code", entropy=ENTROPY)) == (
            True,
            (),
            f"{API} {DEVICE}BjHpNvT1Bj",
            "BjHpNvT1Bj",
        )
        assert answer(
            decide_grant(f"openid {API_UNSTABLE}", "urn:ietf:params:oauth:grant-type:device_code", entropy=ENTROPY)
        ) == (
            True,
            (),
            f"openid {API_UNSTABLE} {DEVICE_UNSTABLE}BjHpNvT1Bj",
            "BjHpNvT1Bj",
        )
        assert str(decide_grant(f"{API} {API_UNSTABLE}", "authorization_code", entropy=ENTROPY).granted) == (
            f"{API} {DEVICE}BjHpNvT1Bj {API_UNSTABLE} {DEVICE_UNSTABLE}BjHpNvT1Bj"
        )

    def test_refused_grant_derives_nothing(self) -> None:
        # grant-default-014.
        assert answer(decide_grant(API, "client_credentials", entropy=ENTROPY)) == (
            False,
            ("grant.api_not_interactive",),
            None,
            None,
        )

    def test_insufficient(self) -> None:
        # grant-default-068.
        with pytest.raises(InsufficientEntropy) as caught:
            decide_grant(API, "authorization_code", entropy=ENTROPY[:9])
        assert caught.value.code == "entropy.insufficient"


class TestErrors:
    @pytest.mark.parametrize(
        ("scope", "code"),
        [
            (f"openid  {API}", "scope.empty_token"),  # grant-default-040
            (" ", "scope.empty_token"),  # -043
            (f'openid "x" {API}', "scope.invalid_char"),  # -044
        ],
    )
    def test_grammar_errors_raise(self, scope: str, code: str) -> None:
        with pytest.raises(InvalidScope) as caught:
            decide_grant(scope, "authorization_code")
        assert caught.value.code == code

    @pytest.mark.parametrize("grant_type", ["refresh_token", "password", "", "AUTHORIZATION_CODE"])
    def test_unknown_grant_type(self, grant_type: str) -> None:
        # grant-default-052 to -056.
        with pytest.raises(InvalidInput) as caught:
            decide_grant(f"{API} {DEVICE}ABCDEFGHIJ", grant_type)  # type: ignore[arg-type]
        assert caught.value.code == "input.invalid"


class TestPolicies:
    def test_mas_refuses_unknown_tokens(self) -> None:
        # grant-mas-064 against grant-default-078: the same request, two presets.
        scope = f"openid profile {API} {DEVICE}ABCDEFGHIJ"
        mas = Policy("mas")
        refused = (False, ("grant.token_not_allowed",), None, None)
        assert answer(mas.decide_grant(scope, "authorization_code")) == refused
        assert answer(decide_grant(scope, "authorization_code", policy=mas)) == refused
        assert decide_grant(scope, "authorization_code").allowed
        assert Policy().decide_grant(scope, "authorization_code").allowed

    def test_policy_extra_tokens(self) -> None:
        # grant-mas-099.
        policy = Policy({"preset": "mas", "extra_tokens": {"exact": ["profile"], "patterns": []}})
        assert answer(policy.decide_grant("profile", "authorization_code")) == (True, (), "profile", None)

    def test_method_and_function_agree(self) -> None:
        policy = Policy("mas")
        for scope, grant_type in [
            (f"{API} {DEVICE}ABCDEFGHIJ", "authorization_code"),
            (f"{API} {DEVICE}SHORT", "authorization_code"),
            ("urn:mas:admin", "client_credentials"),
        ]:
            by_method = policy.decide_grant(scope, grant_type, client_admin=True)  # type: ignore[arg-type]
            by_function = decide_grant(scope, grant_type, client_admin=True, policy=policy)  # type: ignore[arg-type]
            assert answer(by_method) == answer(by_function)

    def test_mas_device_rules(self) -> None:
        # PRESETS.md: mas checks device ids in grant.decide too.
        grant = Policy("mas").decide_grant(f"{API} {DEVICE}SHORT", "authorization_code")
        assert grant.violations == ("device_id.too_short",)
        assert decide_grant(f"{API} {DEVICE}SHORT", "authorization_code").allowed

    def test_frozen(self) -> None:
        grant = decide_grant("openid", "authorization_code")
        with pytest.raises(AttributeError):
            grant.allowed = False  # type: ignore[misc]


def test_violation_tokens() -> None:
    # FORMAT.md v4: each violation code to the sorted tokens it concerns (README Grants table).
    device = "urn:matrix:client:device:ABCDEFGHIJ"
    refused = Policy("mas").decide_grant(f"{device} urn:matrix:client:api:* urn:x", "client_credentials")
    assert refused.violations == ("grant.api_not_interactive", "grant.token_not_allowed")
    assert refused.violation_tokens == {
        "grant.api_not_interactive": ["urn:matrix:client:api:*", device],
        "grant.token_not_allowed": ["urn:x"],
    }
    allowed = Policy("mas").decide_grant(f"urn:matrix:client:api:* {device}", "authorization_code")
    assert allowed.violation_tokens == {}
    refused.violation_tokens.clear()
    assert refused.violation_tokens != {}
