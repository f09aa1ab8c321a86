"""Scopes: parsing under a policy, the parts, comparison, normalization and the Python protocols.

Expected values come from the README's "Scopes" section, FORMAT.md "Scopes" and the vectors
named beside each case (core/conformance/scope-*.json), copied by hand: the tests run from the
installed package and never read the repository's files.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from matrix_authz import InvalidDeviceId, InvalidInput, InvalidScope, Policy, Scope, ScopeToken, token_kind

if TYPE_CHECKING:
    from matrix_authz import FormName

API = "urn:matrix:client:api:*"
API_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:api:*"
DEVICE = "urn:matrix:client:device:"
DEVICE_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:device:"


class TestParse:
    def test_readme_example(self) -> None:
        scope = Scope(f"openid {API} {DEVICE}AAbbCCdd01")
        assert scope.has_api
        assert scope.device_id == "AAbbCCdd01"
        assert not scope.synapse_admin
        assert scope.namespaces == ["stable"]

    def test_tokens_are_distinct_in_byte_order(self) -> None:
        # scope-classify-026: both API twins and openid, written out of order.
        scope = Scope(f"{API_UNSTABLE} {API} openid")
        assert scope.tokens == ("openid", API, API_UNSTABLE)
        assert str(scope) == f"openid {API} {API_UNSTABLE}"
        # Duplicates collapse (grant-default-005's scope).
        assert Scope(f"openid openid {API} {API}").tokens == ("openid", API)

    def test_uppercase_sorts_before_lowercase(self) -> None:
        assert Scope("b a B A").tokens == ("A", "B", "a", "b")

    def test_namespaces_cover_api_and_device_tokens_only(self) -> None:
        # scope-classify-017: an unstable device token alone.
        scope = Scope(f"{DEVICE_UNSTABLE}ABCDEFGHIJ")
        assert scope.namespaces == ["unstable"]
        assert not scope.has_api
        assert scope.device_id == "ABCDEFGHIJ"
        assert Scope(f"{API} {DEVICE_UNSTABLE}ABCDEFGHIJ").namespaces == ["stable", "unstable"]
        assert Scope("openid email").namespaces == []

    def test_twin_device_tokens_name_one_device(self) -> None:
        # scope-classify-014.
        scope = Scope(f"{DEVICE_UNSTABLE}ABCDEFGHIJ {DEVICE}ABCDEFGHIJ {DEVICE}ABCDEFGHIJ")
        assert scope.device_id == "ABCDEFGHIJ"
        assert scope.tokens == (f"{DEVICE}ABCDEFGHIJ", f"{DEVICE_UNSTABLE}ABCDEFGHIJ")

    def test_lookalikes_are_unknown_tokens(self) -> None:
        # scope-classify-029, -032, -035, -020: case and shape matter.
        for text in (
            "urn:matrix:client:API:*",
            "urn:matrix:client:api:**",
            "urn:matrix:org.matrix.MSC2967.client:api:*",
        ):
            scope = Scope(text)
            assert not scope.has_api, text
            assert scope.namespaces == [], text
        assert not Scope("urn:synapse:admin").synapse_admin

    def test_synapse_admin(self) -> None:
        # scope-classify-068.
        scope = Scope(f"urn:synapse:admin:* {API_UNSTABLE}", Policy("mas"))
        assert scope.synapse_admin
        assert scope.has_api

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("", "scope.empty"),
            ("openid  email", "scope.empty_token"),
            (" openid", "scope.empty_token"),
            ("openid ", "scope.empty_token"),
            ('a"b', "scope.invalid_char"),
            ("open\\id", "scope.invalid_char"),
            ("open\u00a0id", "scope.invalid_char"),
            ("openid\temail", "scope.invalid_char"),
            ("caf\u00e9", "scope.invalid_char"),
            (f"{DEVICE}A {DEVICE_UNSTABLE}B", "scope.multiple_devices"),
            ("x" * 4097, "scope.too_long"),
            (" ".join(f"t{i}" for i in range(65)), "scope.too_many_tokens"),
        ],
    )
    def test_grammar_errors(self, text: str, code: str) -> None:
        with pytest.raises(InvalidScope) as caught:
            Scope(text)
        assert caught.value.code == code

    def test_limits_are_inclusive(self) -> None:
        assert len(Scope("x" * 4096)) == 1
        assert len(Scope(" ".join(f"t{i}" for i in range(64)))) == 64

    def test_first_offence_wins(self) -> None:
        # FORMAT.md: the first offence scanning left to right (grant-default-047 and -048).
        with pytest.raises(InvalidScope) as caught:
            Scope('a"b  c')
        assert caught.value.code == "scope.invalid_char"
        with pytest.raises(InvalidScope) as caught:
            Scope('a  b"')
        assert caught.value.code == "scope.empty_token"

    def test_device_rules_come_from_the_policy(self) -> None:
        # scope-classify-008: mas wants 10 to 255 characters.
        text = f"openid {API} {DEVICE}ABCDEFGH"
        assert Scope(text).device_id == "ABCDEFGH"
        with pytest.raises(InvalidDeviceId) as caught:
            Scope(text, Policy("mas"))
        assert caught.value.code == "device_id.too_short"
        with pytest.raises(InvalidDeviceId) as caught:
            Scope(f"{API} {DEVICE}")
        assert caught.value.code == "device_id.empty"

    def test_lenient_grammar_of_the_synapse_preset(self) -> None:
        synapse = Policy("synapse")
        scope = Scope("  openid  email ", synapse)
        assert scope.tokens == ("email", "openid")
        assert Scope("", synapse) == Scope.empty()
        # Still no tab (PRESETS.md: 0x20 only).
        with pytest.raises(InvalidScope) as caught:
            Scope("openid\temail", synapse)
        assert caught.value.code == "scope.invalid_char"

    def test_policy_is_keyword_or_positional(self) -> None:
        assert Scope("a", policy=Policy("mas")) == Scope("a", Policy("mas"))


class TestParts:
    def test_each_token_and_its_meaning(self) -> None:
        scope = Scope(
            f"openid email urn:synapse:admin:* urn:mas:admin urn:mas:graphql:* {API_UNSTABLE} {DEVICE}ABCDEFGHIJ x:y"
        )
        parts = scope.parts
        assert all(isinstance(p, ScopeToken) for p in parts)
        assert [p.token for p in parts] == list(scope.tokens)
        by_token = {p.token: (p.kind, p.namespace, p.device_id) for p in parts}
        assert by_token == {
            "openid": ("openid", None, None),
            "email": ("email", None, None),
            "urn:synapse:admin:*": ("synapse_admin", None, None),
            "urn:mas:admin": ("mas_admin", None, None),
            "urn:mas:graphql:*": ("mas_graphql", None, None),
            API_UNSTABLE: ("api", "unstable", None),
            f"{DEVICE}ABCDEFGHIJ": ("device", "stable", "ABCDEFGHIJ"),
            "x:y": ("unknown", None, None),
        }

    def test_token_kind_agrees_with_parts(self) -> None:
        for part in Scope(f"openid {API} {DEVICE_UNSTABLE}D1 other").parts:
            assert token_kind(part.token) == part.kind

    def test_parts_are_hashable_values(self) -> None:
        # Frozen and compared by value, so usable in sets, as the stub (object.__hash__) says.
        first, second = Scope("openid email").parts, Scope("email openid").parts
        assert first == second
        assert set(first) == set(second)

    def test_parts_are_read_only(self) -> None:
        part = Scope("openid").parts[0]
        with pytest.raises(AttributeError):
            part.token = "email"  # type: ignore[misc]


class TestCompare:
    @pytest.mark.parametrize(
        ("granted", "required", "missing"),
        [
            (API, API_UNSTABLE, []),  # scope-satisfies-002
            (API_UNSTABLE, API, []),  # scope-satisfies-003
            (f"{API} {DEVICE}ABCDEFGHIJ", f"{DEVICE_UNSTABLE}ABCDEFGHIJ", []),  # scope-satisfies-005
            (f"{API} {DEVICE}ABCDEFGHIJ", f"{API} {DEVICE}OTHERDEVIC", [f"{DEVICE}OTHERDEVIC"]),  # -008
            (f"{API} {DEVICE}ABCDEFGHIJ", f"{DEVICE_UNSTABLE}abcdefghij", [f"{DEVICE_UNSTABLE}abcdefghij"]),  # -009
            ("openid", f"{API} {API_UNSTABLE}", [API, API_UNSTABLE]),  # scope-satisfies-011
            ("zeta", f"zeta {API} alpha", ["alpha", API]),  # scope-satisfies-015
            ("OpenID", "openid", ["openid"]),  # scope-satisfies-014
            ("openid", "", []),  # scope-satisfies-018: an empty `required` is satisfied
            (API, "urn:matrix:client:api:guest", ["urn:matrix:client:api:guest"]),  # -023
        ],
    )
    def test_satisfies_and_missing(self, granted: str, required: str, missing: list[str]) -> None:
        scope = Scope(granted)
        # A string argument and a parsed Scope give the same answer.
        assert scope.missing(required) == missing
        assert scope.satisfies(required) is (not missing)
        if required:
            assert scope.missing(Scope(required)) == missing
            assert scope.satisfies(Scope(required)) is (not missing)

    def test_empty_granted(self) -> None:
        # scope-satisfies-017.
        assert Scope.empty().missing("b a b") == ["a", "b"]
        assert not Scope.empty().satisfies(API)
        assert Scope.empty().satisfies(Scope.empty())

    def test_a_required_string_is_checked(self) -> None:
        with pytest.raises(InvalidScope) as caught:
            Scope("openid").satisfies("openid  email")
        assert caught.value.code == "scope.empty_token"
        with pytest.raises(InvalidScope):
            Scope("openid").missing("a\tb")

    def test_covers_twins_but_contains_is_exact(self) -> None:
        scope = Scope(f"{API} {DEVICE}ABCDEFGHIJ")
        assert scope.covers(API_UNSTABLE)
        assert scope.covers(f"{DEVICE_UNSTABLE}ABCDEFGHIJ")
        assert not scope.covers(f"{DEVICE_UNSTABLE}OTHER")
        assert not scope.covers("openid")
        assert API in scope
        assert API_UNSTABLE not in scope
        assert "urn:matrix:client:api:" not in scope


class TestNormalize:
    @pytest.mark.parametrize(
        ("text", "form", "canonical"),
        [
            (API, "stable", API),  # scope-normalize-001
            (API, "unstable", API_UNSTABLE),  # -002
            (API, "both", f"{API} {API_UNSTABLE}"),  # -003
            (API_UNSTABLE, "stable", API),  # -004
            (f"{API} {API_UNSTABLE}", "unstable", API_UNSTABLE),  # -008
            (f"{DEVICE_UNSTABLE}ABCDEFGHIJ", "stable", f"{DEVICE}ABCDEFGHIJ"),  # -010
            (
                f"{API} {DEVICE}ABCDEFGHIJ",
                "both",
                f"{API} {DEVICE}ABCDEFGHIJ {API_UNSTABLE} {DEVICE_UNSTABLE}ABCDEFGHIJ",
            ),  # -012
            (f"openid x {API}", "unstable", f"openid {API_UNSTABLE} x"),  # other tokens kept
        ],
    )
    def test_forms(self, text: str, form: FormName, canonical: str) -> None:
        normalized = Scope(text).normalize(form)
        assert isinstance(normalized, Scope)
        assert str(normalized) == canonical

    def test_unknown_form(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            Scope(API).normalize("Stable")  # type: ignore[arg-type]
        assert caught.value.code == "input.invalid"


class TestProtocols:
    def test_str_len_iter_bool_contains(self) -> None:
        scope = Scope("openid email openid")
        assert str(scope) == "email openid"
        assert len(scope) == 2
        assert list(scope) == ["email", "openid"]
        assert bool(scope)
        assert "email" in scope
        assert "mail" not in scope
        assert 5 not in scope

    def test_empty(self) -> None:
        empty = Scope.empty()
        assert str(empty) == ""
        assert len(empty) == 0
        assert not empty
        assert list(empty) == []
        assert empty.tokens == ()
        assert empty.device_id is None
        assert not empty.has_api

    def test_equality_and_hash_follow_the_canonical_string(self) -> None:
        a, b = Scope(f"openid {API}"), Scope(f"{API} openid openid")
        assert a == b
        assert hash(a) == hash(b)
        assert len({a, b, Scope("openid")}) == 2
        assert {a: 1}[b] == 1
        assert a != Scope(f"openid {API_UNSTABLE}")
        # A scope is not its string.
        assert a != f"openid {API}"

    def test_repr_round_trips(self) -> None:
        scope = Scope(f"openid {API} it's")
        text = repr(scope)
        assert eval(text, {"Scope": Scope}) == scope  # noqa: S307 - the repr is the constructor call

    def test_immutable(self) -> None:
        scope = Scope("openid")
        with pytest.raises(AttributeError):
            scope.tokens = ()  # type: ignore[misc]


class TestLaws:
    """Laws the README states, checked on seeded random scopes over a small pool of tokens
    (at most one device id per scope, so every draw parses)."""

    POOL = ["openid", "email", API, API_UNSTABLE, "urn:synapse:admin:*", "urn:mas:admin", "x:1", "Y"]
    FORMS: list[FormName] = ["stable", "unstable", "both"]

    def draw(self, rng: random.Random) -> Scope:
        tokens = rng.sample(self.POOL, rng.randrange(0, len(self.POOL)))
        device = rng.choice([None, "ABCDEFGHIJ", "KLMNOPQRST"])
        if device is not None:
            tokens += [rng.choice([DEVICE, DEVICE_UNSTABLE]) + device for _ in range(rng.randrange(1, 3))]
        rng.shuffle(tokens)
        return Scope(" ".join(tokens)) if tokens else Scope.empty()

    def test_laws(self) -> None:
        rng = random.Random(2967)  # fixed seed: a failure reproduces
        for _ in range(300):
            a, b = self.draw(rng), self.draw(rng)
            # Canonical form: re-parsing the string gives the same scope.
            assert (Scope(str(a)) if a else Scope.empty()) == a
            assert list(a) == sorted(set(a), key=lambda t: t.encode())
            # satisfies and missing agree; every scope satisfies itself.
            assert a.satisfies(b) is (a.missing(b) == [])
            assert a.satisfies(a)
            assert set(a.missing(b)) <= set(b)
            for form in self.FORMS:
                n = a.normalize(form)
                # Idempotent, and twins cover each other: a scope and its normal form satisfy
                # one another.
                assert n.normalize(form) == n
                assert n.satisfies(a) and a.satisfies(n)
                assert (n.has_api, n.device_id) == (a.has_api, a.device_id)
            joined = " ".join([*a, *b])
            if not joined:
                continue
            if a.device_id and b.device_id and a.device_id != b.device_id:
                with pytest.raises(InvalidScope) as caught:
                    Scope(joined)
                assert caught.value.code == "scope.multiple_devices"
            else:
                # A union satisfies each part.
                union = Scope(joined)
                assert union.satisfies(a) and union.satisfies(b)
