"""Device ids (validation under the presets' rules, generation from bytes and from the system's
random source) and the login scope a client sends.

Expected values: README "Device ids", FORMAT.md "Device ids", PRESETS.md, and the vectors named
beside each case (core/conformance/device-*.json, login-scope.json), copied by hand.
"""

from __future__ import annotations

import random
import string
from typing import TYPE_CHECKING, Optional

import pytest

from matrix_authz import (
    InsufficientEntropy,
    InvalidDeviceId,
    InvalidInput,
    InvalidScope,
    LoginScope,
    Policy,
    Scope,
    generate_device_id,
    login_scope,
    random_device_id,
    validate_device_id,
)

if TYPE_CHECKING:
    from matrix_authz import FormName

ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits
MAS_EXTRA = ".~!$&'()*+,;=:@/-_"
API = "urn:matrix:client:api:*"
API_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:api:*"
DEVICE = "urn:matrix:client:device:"
DEVICE_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:device:"


def reference_id(entropy: bytes, length: int) -> Optional[str]:
    """FORMAT.md's generation, written from its prose: bytes one at a time, a byte of 248 or more
    skipped, otherwise ALPHABET[byte % 62], until `length` characters; None when bytes run out."""
    out: list[str] = []
    for byte in entropy:
        if len(out) == length:
            break
        if byte < 248:
            out.append(ALPHABET[byte % 62])
    return "".join(out) if len(out) == length else None


class TestValidate:
    @pytest.mark.parametrize("device_id", ["A", "a:b", "ABCDEFGHIJ", "#%?[]{}~", "A" * 255])
    def test_valid_under_default(self, device_id: str) -> None:
        assert validate_device_id(device_id) == device_id
        assert validate_device_id(device_id, Policy()) == device_id

    @pytest.mark.parametrize(
        ("device_id", "code"),
        [
            ("", "device_id.empty"),
            ("AB CD", "device_id.invalid_char"),
            ('AB"CD', "device_id.invalid_char"),
            ("AB\\CD", "device_id.invalid_char"),
            ("caf\u00e9", "device_id.invalid_char"),
            ("A" * 256, "device_id.too_long"),
        ],
    )
    def test_invalid_under_default(self, device_id: str, code: str) -> None:
        with pytest.raises(InvalidDeviceId) as caught:
            validate_device_id(device_id)
        assert caught.value.code == code

    def test_mas_rules(self) -> None:
        mas = Policy("mas")
        # Every character of the mas alphabet, ten at a time.
        allowed = ALPHABET + MAS_EXTRA
        for start in range(0, len(allowed), 10):
            chunk = (allowed[start:] + "AAAAAAAAAA")[:10]
            assert validate_device_id(chunk, mas) == chunk
        for bad in "#%?[]{}^`|<>":
            with pytest.raises(InvalidDeviceId) as caught:
                validate_device_id("ABCDEFGHI" + bad, mas)
            assert caught.value.code == "device_id.invalid_char", bad
        with pytest.raises(InvalidDeviceId) as caught:
            validate_device_id("SHORT", mas)
        assert caught.value.code == "device_id.too_short"
        assert validate_device_id("SHORT") == "SHORT"

    @pytest.mark.parametrize(
        ("device_id", "code"),
        [
            ("", "device_id.empty"),
            ("AB#", "device_id.invalid_char"),  # before too_short
            ("#" * 256, "device_id.invalid_char"),  # before too_long
            ("ABC", "device_id.too_short"),
            ("A" * 256, "device_id.too_long"),
        ],
    )
    def test_first_failure_in_order(self, device_id: str, code: str) -> None:
        with pytest.raises(InvalidDeviceId) as caught:
            validate_device_id(device_id, Policy("mas"))
        assert caught.value.code == code


class TestGenerate:
    @pytest.mark.parametrize(
        ("entropy_hex", "length", "expected"),
        [
            ("00010203040506070809", 10, "ABCDEFGHIJ"),  # device-generate-001
            ("00", 1, "A"),  # -002
            ("19", 1, "Z"),  # -003
            ("1a", 1, "a"),  # -004
            ("34", 1, "0"),  # -006
            ("3d", 1, "9"),  # -007
            ("f7", 1, "9"),  # -012: 247 is used
            ("f8f9fafbfcfdfeff00", 1, "A"),  # -013: 248 to 255 are skipped
            ("f800f901fa02fb03fc04fd05fe06ff07f7f6", 10, "ABCDEFGH98"),  # -014
            ("0123456789abcdef0123", 10, "BjHpNvT1Bj"),  # grant-default-060's derived device
        ],
    )
    def test_vectors(self, entropy_hex: str, length: int, expected: str) -> None:
        assert generate_device_id(bytes.fromhex(entropy_hex), length) == expected

    def test_default_length_is_ten(self) -> None:
        assert generate_device_id(bytes(range(20))) == "ABCDEFGHIJ"

    def test_matches_the_algorithm_of_the_format(self) -> None:
        rng = random.Random(15)  # fixed seed: a failure reproduces
        for _ in range(500):
            entropy = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
            length = rng.randrange(1, 30)
            expected = reference_id(entropy, length)
            if expected is None:
                with pytest.raises(InsufficientEntropy):
                    generate_device_id(entropy, length)
            else:
                assert generate_device_id(entropy, length) == expected

    def test_insufficient_entropy(self) -> None:
        for entropy in (b"", bytes(9), bytes([248]) * 100):
            with pytest.raises(InsufficientEntropy) as caught:
                generate_device_id(entropy)
            assert caught.value.code == "entropy.insufficient"

    @pytest.mark.parametrize("length", [0, 256])
    def test_length_out_of_range(self, length: int) -> None:
        with pytest.raises(InvalidInput) as caught:
            generate_device_id(bytes(300), length)
        assert caught.value.code == "input.invalid"

    def test_length_bounds(self) -> None:
        assert generate_device_id(bytes(255), 255) == "A" * 255
        assert generate_device_id(b"\x01", 1) == "B"


class TestRandom:
    def test_shape(self) -> None:
        ids = [random_device_id() for _ in range(50)]
        for device_id in ids:
            assert len(device_id) == 10
            assert set(device_id) <= set(ALPHABET)
            # Alphanumeric ten-character ids pass even the strictest preset.
            assert validate_device_id(device_id, Policy("mas")) == device_id
        # 62**10 possibilities: fifty draws that repeat mean the source is not random.
        assert len(set(ids)) == 50

    def test_length(self) -> None:
        assert len(random_device_id(1)) == 1
        long_id = random_device_id(255)
        assert len(long_id) == 255
        assert set(long_id) <= set(ALPHABET)
        # 255 draws over 62 characters: seeing fewer than 20 distinct ones means a broken source.
        assert len(set(long_id)) > 20

    @pytest.mark.parametrize("length", [0, 256])
    def test_length_out_of_range(self, length: int) -> None:
        with pytest.raises(InvalidInput):
            random_device_id(length)


class TestLoginScope:
    def test_device_id(self) -> None:
        # login-scope-001: stable form by default, no openid.
        login = login_scope(device_id="ABCDEFGHIJ")
        assert isinstance(login, LoginScope)
        assert isinstance(login.scope, Scope)
        assert login.scope == Scope(f"{API} {DEVICE}ABCDEFGHIJ")
        assert login.device_id == "ABCDEFGHIJ"

    @pytest.mark.parametrize(
        ("form", "canonical"),
        [
            ("stable", f"{API} {DEVICE}ABCDEFGHIJ"),  # login-scope-002
            ("unstable", f"{API_UNSTABLE} {DEVICE_UNSTABLE}ABCDEFGHIJ"),  # -003
            ("both", f"{API} {DEVICE}ABCDEFGHIJ {API_UNSTABLE} {DEVICE_UNSTABLE}ABCDEFGHIJ"),  # -004
        ],
    )
    def test_forms(self, form: FormName, canonical: str) -> None:
        assert str(login_scope(device_id="ABCDEFGHIJ", form=form).scope) == canonical

    def test_entropy(self) -> None:
        # login-scope-005 and -008 (upper-case hex there, bytes here).
        login = login_scope(entropy=bytes(range(10)))
        assert (str(login.scope), login.device_id) == (f"{API} {DEVICE}ABCDEFGHIJ", "ABCDEFGHIJ")
        login = login_scope(entropy=bytes.fromhex("0A0B0C0D0E0F10111213"), form="unstable")
        assert login.device_id == "KLMNOPQRST"
        assert str(login.scope) == f"{API_UNSTABLE} {DEVICE_UNSTABLE}KLMNOPQRST"
        # login-scope-006: a derived id has 10 characters, whatever is left over.
        assert login_scope(entropy=bytes(range(16))).device_id == "ABCDEFGHIJ"

    def test_device_id_wins_over_entropy(self) -> None:
        # login-scope-010 and -011.
        assert login_scope(device_id="MYDEVICE01", entropy=bytes(range(10))).device_id == "MYDEVICE01"
        assert login_scope(device_id="MYDEVICE01", entropy=b"\x00").device_id == "MYDEVICE01"

    def test_random_device(self) -> None:
        first, second = login_scope(), login_scope()
        for login in (first, second):
            assert len(login.device_id) == 10
            assert set(login.device_id) <= set(ALPHABET)
            assert login.scope.device_id == login.device_id
            assert login.scope.has_api
        assert first.device_id != second.device_id

    def test_extra(self) -> None:
        # login-scope-014, -015, -016.
        assert str(login_scope(device_id="ABCDEFGHIJ", extra=["openid"]).scope) == (f"openid {API} {DEVICE}ABCDEFGHIJ")
        assert str(login_scope(device_id="ABCDEFGHIJ", extra=("openid", "email", "urn:synapse:admin:*")).scope) == (
            f"email openid {API} {DEVICE}ABCDEFGHIJ urn:synapse:admin:*"
        )
        assert str(login_scope(device_id="ABCDEFGHIJ", extra=["openid email"]).scope) == (
            f"email openid {API} {DEVICE}ABCDEFGHIJ"
        )

    @pytest.mark.parametrize(
        ("extra", "code"),
        [
            ([""], "scope.empty_token"),  # login-scope-030
            (["openid "], "scope.empty_token"),  # -032
            (["a\tb"], "scope.invalid_char"),  # -033
            ([f"{DEVICE}OTHERDEVIC"], "scope.multiple_devices"),  # -034
        ],
    )
    def test_extra_is_parsed(self, extra: list[str], code: str) -> None:
        with pytest.raises(InvalidScope) as caught:
            login_scope(device_id="ABCDEFGHIJ", extra=extra)
        assert caught.value.code == code

    def test_policy(self) -> None:
        # login-scope-044, -045, -026.
        mas = Policy("mas")
        with pytest.raises(InvalidDeviceId) as caught:
            login_scope(device_id="SHORT", policy=mas)
        assert caught.value.code == "device_id.too_short"
        with pytest.raises(InvalidDeviceId) as caught:
            login_scope(device_id="ABCDEFGHI#", policy=mas)
        assert caught.value.code == "device_id.invalid_char"
        assert login_scope(device_id="SHORT").device_id == "SHORT"
        lenient = login_scope(device_id="Z", extra=["", "openid", ""], policy=Policy("synapse"))
        assert str(lenient.scope) == f"openid {API} {DEVICE}Z"

    def test_errors(self) -> None:
        # login-scope-039, -041, -047.
        with pytest.raises(InvalidDeviceId) as caught:
            login_scope(device_id="")
        assert caught.value.code == "device_id.empty"
        with pytest.raises(InvalidDeviceId) as caught:
            login_scope(device_id="AB CD")
        assert caught.value.code == "device_id.invalid_char"
        with pytest.raises(InsufficientEntropy) as caught_entropy:
            login_scope(entropy=bytes(9))
        assert caught_entropy.value.code == "entropy.insufficient"
        with pytest.raises(InvalidInput):
            login_scope(device_id="ABCDEFGHIJ", form="Stable")  # type: ignore[arg-type]

    def test_frozen(self) -> None:
        login = login_scope(device_id="ABCDEFGHIJ")
        with pytest.raises(AttributeError):
            login.device_id = "OTHER"  # type: ignore[misc]
