"""Registration and discovery checks: redirect URIs, client metadata, server metadata.

Expected values are copied by hand from core/conformance/redirect-*.json, client-metadata-*.json
and server-metadata-*.json (ids beside each case) and FORMAT.md "Registration checks".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Optional

import pytest

from matrix_authz import (
    InvalidInput,
    MetadataReport,
    RedirectCheck,
    check_redirect_uri,
    validate_client_metadata,
    validate_server_metadata,
)

if TYPE_CHECKING:
    from matrix_authz import ApplicationTypeName

CLIENT = "https://example.com/"
GOOD_CLIENT: dict[str, Any] = {
    "client_uri": CLIENT,
    "redirect_uris": ["https://example.com/cb"],
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "none",
}
GOOD_SERVER: dict[str, Any] = {
    "issuer": "https://account.example.com/",
    "authorization_endpoint": "https://account.example.com/oauth2/auth",
    "token_endpoint": "https://account.example.com/oauth2/token",
    "revocation_endpoint": "https://account.example.com/oauth2/revoke",
    "registration_endpoint": "https://account.example.com/oauth2/registration",
    "response_types_supported": ["code"],
    "grant_types_supported": ["authorization_code", "refresh_token"],
    "response_modes_supported": ["query", "fragment"],
    "code_challenge_methods_supported": ["S256"],
}


def compact_size(document: Any) -> int:
    """FORMAT.md's size: the byte length of the compact serialization, strings as written."""
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())


class TestRedirectUri:
    @pytest.mark.parametrize(
        ("redirect_uri", "application_type", "violation"),
        [
            ("https://example.com/cb", "web", None),  # redirect-web-001
            ("https://APP.Example.com/cb", "web", None),  # -008: hosts compare case-insensitively
            ("https://evil-example.com/cb", "web", "redirect_uri.host"),  # -021
            ("https://example.com.evil.net/cb", "web", "redirect_uri.host"),  # -022
            ("com.example.app:/cb", "native", None),  # redirect-native (reverse domain of client_uri)
            ("com.exampleevil:/cb", "native", "redirect_uri.scheme"),  # redirect-native-011
            ("http://localhost/cb", "native", None),  # -035
            ("http://localhost:8080/cb", "native", "redirect_uri.port"),  # -043: no port at registration
            ("http://127.0.0.2/cb", "native", "redirect_uri.host"),  # -047: only the literal loopbacks
            (" https://example.com/cb", "web", "redirect_uri.syntax"),  # redirect-syntax-010
            ("https://example.com\\cb", "web", "redirect_uri.syntax"),  # -022
        ],
    )
    def test_registration(
        self, redirect_uri: str, application_type: ApplicationTypeName, violation: Optional[str]
    ) -> None:
        check = check_redirect_uri(redirect_uri, CLIENT, application_type)
        assert isinstance(check, RedirectCheck)
        assert (check.valid, check.violation) == (violation is None, violation)

    def test_web_is_the_default(self) -> None:
        # redirect-web-047 against redirect-native: a custom scheme only for native clients.
        assert check_redirect_uri("https://example.com/cb", CLIENT).valid
        assert check_redirect_uri("com.example.app:/cb", CLIENT).violation == "redirect_uri.not_https"
        assert check_redirect_uri("com.example.app:/cb", CLIENT, "native").valid

    def test_authorization(self) -> None:
        # redirect-authorization-001, -005, -021, -025.
        registered = ["https://example.com/cb"]
        assert check_redirect_uri("https://example.com/cb", CLIENT, stage="authorization", registered=registered).valid
        assert check_redirect_uri(
            "https://EXAMPLE.com/cb", CLIENT, stage="authorization", registered=registered
        ).violation == ("redirect_uri.not_registered")
        assert check_redirect_uri(
            "http://[::1]:65535/cb", CLIENT, "native", stage="authorization", registered=["http://[::1]/cb"]
        ).valid
        assert check_redirect_uri(
            "http://127.0.0.1:8080/other", CLIENT, "native", stage="authorization", registered=["http://127.0.0.1/cb"]
        ).violation == ("redirect_uri.not_registered")

    def test_bad_arguments(self) -> None:
        # redirect-input-009, -013, -021.
        with pytest.raises(InvalidInput):
            check_redirect_uri("https://example.com/cb", CLIENT, "Web")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            check_redirect_uri("https://example.com/cb", CLIENT, stage="Authorization")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            check_redirect_uri("https://example.com/cb", "https://user@example.com/")


class TestClientMetadata:
    def test_valid(self) -> None:
        report = validate_client_metadata(GOOD_CLIENT)
        assert isinstance(report, MetadataReport)
        assert (report.valid, report.violations) == (True, ())

    @pytest.mark.parametrize(
        ("document", "violations"),
        [
            (
                {k: v for k, v in GOOD_CLIENT.items() if k != "grant_types"},
                ("grant_types.missing_refresh_token",),
            ),  # grants-001
            ({}, ("client_uri.missing", "grant_types.missing_refresh_token", "redirect_uris.missing")),  # shape-007
            ({"client_uri": CLIENT, "grant_types": []}, ()),  # shape-008
            (
                {"client_uri": {}, "redirect_uris": {}, "grant_types": {}},
                ("client_uri.invalid_type", "grant_types.invalid_type", "redirect_uris.invalid_type"),
            ),  # shape-010
        ],
    )
    def test_violations(self, document: dict[str, Any], violations: tuple[str, ...]) -> None:
        for given in (document, json.dumps(document)):
            report = validate_client_metadata(given)
            assert (report.valid, report.violations) == (not violations, violations)

    @pytest.mark.parametrize("text", ["null", "[]", "5", "true", '"{}"'])
    def test_not_an_object(self, text: str) -> None:
        # client-metadata-shape-001, -002, -005, -006, -004.
        assert validate_client_metadata(text).violations == ("metadata.invalid_type",)

    def test_text_that_is_not_json(self) -> None:
        with pytest.raises(InvalidInput):
            validate_client_metadata('{"client_uri": ')

    def test_size_limit(self) -> None:
        # 65,536 bytes as compact JSON pass, one more is the single violation metadata.too_large.
        document = dict(GOOD_CLIENT, client_name="")
        document["client_name"] = "a" * (65536 - compact_size(document))
        assert compact_size(document) == 65536
        assert validate_client_metadata(document).valid
        # Insignificant whitespace in the text does not count.
        assert validate_client_metadata(json.dumps(document, indent=4)).valid
        document["client_name"] += "a"
        assert validate_client_metadata(document).violations == ("metadata.too_large",)
        assert validate_client_metadata(json.dumps(document)).violations == ("metadata.too_large",)

    def test_size_counts_utf8_bytes(self) -> None:
        # Non-ASCII counts in UTF-8 bytes, as the same document's JSON text (written as is)
        # and JavaScript's serializer count it.
        document = dict(GOOD_CLIENT, client_name="")
        room = 65536 - compact_size(document)
        document["client_name"] = "\u00e9" * (room // 2) + "a" * (room % 2)
        assert compact_size(document) == 65536
        assert validate_client_metadata(document).valid
        assert validate_client_metadata(json.dumps(document, ensure_ascii=False)).valid
        document["client_name"] += "\u00e9"
        assert validate_client_metadata(document).violations == ("metadata.too_large",)

    def test_frozen(self) -> None:
        report = validate_client_metadata(GOOD_CLIENT)
        with pytest.raises(AttributeError):
            report.valid = False  # type: ignore[misc]


class TestServerMetadata:
    def test_valid(self) -> None:
        # server-metadata-required-001.
        for given in (GOOD_SERVER, json.dumps(GOOD_SERVER)):
            report = validate_server_metadata(given)
            assert (report.valid, report.violations) == (True, ())

    def test_violations(self) -> None:
        # server-metadata-required-003 and -060.
        missing_issuer = {k: v for k, v in GOOD_SERVER.items() if k != "issuer"}
        assert validate_server_metadata(missing_issuer).violations == ("issuer.missing",)
        plain_only = dict(GOOD_SERVER, code_challenge_methods_supported=["plain"])
        report = validate_server_metadata(json.dumps(plain_only))
        assert (report.valid, report.violations) == (False, ("code_challenge_methods_supported.missing_s256",))
