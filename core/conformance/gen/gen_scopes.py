#!/usr/bin/env python3
"""Writes the scope, device, login-scope and policy-document conformance vectors.

Usage: python3 core/conformance/gen/gen_scopes.py

Python 3 standard library only. The expected answers are written by hand from the shared
contract (FORMAT.md, PRESETS.md, the spec notes sections 1 and 2, RFC 6749 section 3.3) and
the team's product choices (CHOICES-scopes.md). Bulk cases (the character sweep, the limits)
are built from explicit rules written out below. The module also holds a small, separate
reference model of the same rules; before anything is written every case is run through that
model and must agree with its hand-written expectation, which catches typos in either. The
engine is never linked, run or consulted.

Output is deterministic: running the script again reproduces the files byte for byte.
"""

import json
import os
import re
import string
import sys

OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# --------------------------------------------------------------------------------------------
# Vocabulary

API_S = "urn:matrix:client:api:*"
API_U = "urn:matrix:org.matrix.msc2967.client:api:*"
DEV_S = "urn:matrix:client:device:"
DEV_U = "urn:matrix:org.matrix.msc2967.client:device:"
ADMIN = "urn:synapse:admin:*"

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
# RFC 6749 appendix A: NQCHAR = %x21 / %x23-5B / %x5D-7E
NQCHAR = frozenset([chr(0x21)] + [chr(c) for c in range(0x23, 0x5C)] + [chr(c) for c in range(0x5D, 0x7F)])
# PRESETS.md mas: A-Z a-z 0-9 . _ ~ ! $ & ' ( ) * + , ; = : @ / -
MAS_PUNCT = "._~!$&'()*+,;=:@/-"
MAS_CHARS = frozenset(UPPER + LOWER + DIGITS + MAS_PUNCT)
# RFC 3986 unreserved
UNRESERVED = frozenset(UPPER + LOWER + DIGITS + "-._~")
# FORMAT.md "Device ids": generation alphabet, in this order
GEN_ALPHABET = UPPER + LOWER + DIGITS
# NQCHAR characters the mas alphabet leaves out, written out by hand
MAS_EXCLUDED = "#%<>?[]^`{|}"

# Sources
RFC_33 = "RFC 6749 section 3.3"
RFC_A4 = "RFC 6749 appendix A.4"
SPEC_11 = "matrix-oauth-spec 1.1"
SPEC_13 = "matrix-oauth-spec 1.3"
SPEC_14 = "matrix-oauth-spec 1.4"
SPEC_15 = "matrix-oauth-spec 1.5"
SPEC_2 = "matrix-oauth-spec 2"
MSC2967 = "MSC2967 Unstable prefix"
F_SCOPES = "FORMAT.md Scopes"
F_ERRORS = "FORMAT.md Scopes (error precedence)"
F_SAT = "FORMAT.md Scopes (scope.satisfies)"
F_NORM = "FORMAT.md Scopes (scope.normalize)"
F_DEV = "FORMAT.md Device ids"
F_OPS = "FORMAT.md Operations"
F_POLICY = "FORMAT.md Policy documents"
P_DEFAULT = "PRESETS.md default"
P_MAS = "PRESETS.md mas"
P_SYN = "PRESETS.md synapse"
POLICY = "policy"

ABSENT = object()


def inp(policy=ABSENT, **fields):
    """An op input; `policy` is left out when ABSENT."""
    d = dict(fields)
    if policy is not ABSENT:
        d["policy"] = policy
    return d


def canon_sorted(tokens):
    return sorted(set(tokens), key=lambda t: t.encode("utf-8"))


def R(tokens, api="none", device=None, admin=False, ns=()):
    """A full scope.parse result. `tokens` must already be written in canonical order."""
    tokens = list(tokens)
    assert tokens == canon_sorted(tokens), ("not canonical", tokens)
    ns = list(ns)
    assert ns == sorted(set(ns)) and set(ns) <= {"stable", "unstable"}
    return {
        "tokens": tokens,
        "canonical": " ".join(tokens),
        "api": api,
        "device": device,
        "synapse_admin": admin,
        "namespaces": ns,
    }


EMPTY_SCOPE = R([])


def dev_id(n):
    """A device id of n characters from the generation alphabet (valid everywhere)."""
    return (GEN_ALPHABET * 5)[:n]


class Suite:
    def __init__(self, name, description):
        self.name = name
        self.description = description
        self.cases = []

    def add(self, op, input_, *, ok=None, error=None, source):
        assert (ok is None) != (error is None), "exactly one of ok / error"
        assert source
        cid = "%s-%03d" % (self.name, len(self.cases) + 1)
        expect = {"ok": ok} if error is None else {"error": error}
        self.cases.append({"id": cid, "op": op, "input": input_, "expect": expect, "source": source})

    def parse(self, scope, policy=ABSENT, *, ok=None, error=None, source):
        self.add("scope.parse", inp(policy, scope=scope), ok=ok, error=error, source=source)

    def document(self):
        return {"suite": self.name, "description": self.description, "cases": self.cases}


# --------------------------------------------------------------------------------------------
# Suites

def suite_scope_chars():
    s = Suite("scope-chars", "Every printable ASCII character, and the excluded characters, as a "
              "one-character scope under the strict (default) and lenient (synapse) grammars")
    for code in range(0x20, 0x7F):
        ch = chr(code)
        if ch == " ":
            s.parse(ch, error="scope.empty_token", source=RFC_A4 + " (a lone space is a leading space)")
        elif ch == '"' or ch == "\\":
            s.parse(ch, error="scope.invalid_char", source=RFC_A4 + " (NQCHAR excludes 0x22 and 0x5C)")
        else:
            s.parse(ch, ok=R([ch]), source=RFC_A4)
    excluded = ["\x7f", "\t", "\n", "\r", "\x00", "\x0c", "\x0b", "\x1b", "\x01", "\x1f",
                "\u00a0", "\u00e9", "\U0001F600", "\uff21", "\u3000", "\u2003", "\u0080"]
    for ch in excluded:
        s.parse(ch, error="scope.invalid_char", source=RFC_A4 + " (outside NQCHAR)")
    # the excluded characters inside an otherwise valid token
    for ch in ["\x7f", "\t", "\u00a0", "\u00e9", '"', "\\"]:
        s.parse("open" + ch + "id", error="scope.invalid_char", source=RFC_A4)
    # the three characters the spec notes call out as allowed
    s.parse("[a]~", ok=R(["[a]~"]), source=SPEC_11)
    s.parse("urn:x:[v]:~me", ok=R(["urn:x:[v]:~me"]), source=SPEC_11)
    s.parse("!#$%&'()*+,-./:;<=>?@[]^_`{|}~", ok=R(["!#$%&'()*+,-./:;<=>?@[]^_`{|}~"]), source=SPEC_11)
    s.parse("http://example.com", ok=R(["http://example.com"]), source=SPEC_11)
    # lenient grammar: the same character classes
    s.parse(" ", "synapse", ok=EMPTY_SCOPE, source=P_SYN)
    s.parse("a", "synapse", ok=R(["a"]), source=P_SYN)
    s.parse("~", "synapse", ok=R(["~"]), source=P_SYN)
    for ch in ['"', "\\", "\t", "\n", "\r", "\x00", "\x7f", "\u00a0", "\u00e9", "\U0001F600"]:
        s.parse(ch, "synapse", error="scope.invalid_char", source=P_SYN + "; " + POLICY + " (choice 5)")
    # the mas preset reads scope strings like default
    s.parse('"', "mas", error="scope.invalid_char", source=P_MAS)
    s.parse("~", "mas", ok=R(["~"]), source=P_MAS)
    return s


def suite_scope_whitespace():
    s = Suite("scope-whitespace", "Spaces, empty tokens, tabs and newlines under the strict (default) "
              "and lenient (synapse) grammars")
    AB = R(["a", "b"])
    strict = RFC_A4 + " (no empty scope-token)"
    # (scope, expectation under default, expectation under synapse)
    rows = [
        ("a b", AB, AB),
        (" a", "scope.empty_token", R(["a"])),
        ("a ", "scope.empty_token", R(["a"])),
        ("a  b", "scope.empty_token", AB),
        ("a   b", "scope.empty_token", AB),
        ("  a  b  ", "scope.empty_token", AB),
        (" a b ", "scope.empty_token", AB),
        ("a b ", "scope.empty_token", AB),
        (" ", "scope.empty_token", EMPTY_SCOPE),
        ("  ", "scope.empty_token", EMPTY_SCOPE),
        ("     ", "scope.empty_token", EMPTY_SCOPE),
        ("", "scope.empty", EMPTY_SCOPE),
        ("a\tb", "scope.invalid_char", "scope.invalid_char"),
        ("a\nb", "scope.invalid_char", "scope.invalid_char"),
        ("a\rb", "scope.invalid_char", "scope.invalid_char"),
        ("a\r\nb", "scope.invalid_char", "scope.invalid_char"),
        ("a\x0bb", "scope.invalid_char", "scope.invalid_char"),
        ("a\x0cb", "scope.invalid_char", "scope.invalid_char"),
        ("a\u00a0b", "scope.invalid_char", "scope.invalid_char"),
        ("a\u3000b", "scope.invalid_char", "scope.invalid_char"),
        ("a\u2003b", "scope.invalid_char", "scope.invalid_char"),
        ("\t", "scope.invalid_char", "scope.invalid_char"),
        ("\n", "scope.invalid_char", "scope.invalid_char"),
        ("openid\n", "scope.invalid_char", "scope.invalid_char"),
        ("\topenid", "scope.invalid_char", "scope.invalid_char"),
        ("a \tb", "scope.invalid_char", "scope.invalid_char"),
        ("a\t b", "scope.invalid_char", "scope.invalid_char"),
        (" \t", "scope.empty_token", "scope.invalid_char"),
        ("a  \t", "scope.empty_token", "scope.invalid_char"),
        ("a b  c\n", "scope.empty_token", "scope.invalid_char"),
        ("a a", R(["a"]), R(["a"])),
        ("b a  a ", "scope.empty_token", AB),
    ]
    for scope, d, syn in rows:
        if isinstance(d, str):
            src = RFC_A4 if d == "scope.invalid_char" else strict
            if d == "scope.empty":
                src = P_DEFAULT + " (the empty string is scope.empty)"
            s.parse(scope, error=d, source=src)
        else:
            s.parse(scope, ok=d, source=RFC_33)
        if isinstance(syn, str):
            s.parse(scope, "synapse", error=syn, source=P_SYN + " (0x20 only splits)")
        else:
            s.parse(scope, "synapse", ok=syn, source=P_SYN + "; " + SPEC_11 + " (Synapse get_scope_set)")
    # the spec's own sample, with surrounding whitespace
    sample = API_S + " " + DEV_S + "AAABBBCCCDDD"
    full = R([API_S, DEV_S + "AAABBBCCCDDD"], api="full", device="AAABBBCCCDDD", ns=["stable"])
    s.parse(" " + sample, error="scope.empty_token", source=strict)
    s.parse(" " + sample, "synapse", ok=full, source=P_SYN)
    s.parse(API_S + "  " + DEV_S + "AAABBBCCCDDD", "synapse", ok=full, source=P_SYN)
    s.parse(API_S + "  " + DEV_S + "AAABBBCCCDDD", "mas", error="scope.empty_token", source=P_MAS)
    s.parse("", "mas", error="scope.empty", source=P_MAS)
    return s


def numbered_tokens(n, width=2, prefix="t"):
    return [prefix + str(i).zfill(width) for i in range(n)]


def suite_scope_limits():
    s = Suite("scope-limits", "The 4,096-byte and 64-token limits, exactly at and one past, and their "
              "precedence")
    lim = F_SCOPES + " (limits are inclusive)"
    a4096 = "a" * 4096
    s.parse(a4096, ok=R([a4096]), source=lim)
    s.parse("a" * 4097, error="scope.too_long", source=lim)
    # 64 tokens and 4,096 bytes at once: 63 tokens of 63 bytes, one of 64, 63 spaces
    toks = [("k" + str(i).zfill(2)).ljust(63, "x") for i in range(63)] + ["k63".ljust(64, "x")]
    joined = " ".join(toks)
    assert len(joined.encode()) == 4096 and len(toks) == 64
    s.parse(joined, ok=R(toks), source=lim)
    toks2 = toks[:-1] + ["k63".ljust(65, "x")]
    joined2 = " ".join(toks2)
    assert len(joined2.encode()) == 4097
    s.parse(joined2, error="scope.too_long", source=lim)
    # too_long is checked before anything else
    s.parse("\t" * 4097, error="scope.too_long", source=F_ERRORS)
    s.parse(" " * 4097, error="scope.too_long", source=F_ERRORS)
    s.parse(" " * 4097, "synapse", error="scope.too_long", source=F_ERRORS)
    s.parse(" " * 4096, "synapse", ok=EMPTY_SCOPE, source=P_SYN)
    s.parse(" " * 4096, error="scope.empty_token", source=RFC_A4)
    s.parse("a" * 4096 + "\t", error="scope.too_long", source=F_ERRORS)
    s.parse(" ".join(numbered_tokens(65)) + " " + "x" * 4000, error="scope.too_long", source=F_ERRORS)
    syn_pad = "  " + "b" * 4090 + "    "
    assert len(syn_pad) == 4096
    s.parse(syn_pad, "synapse", ok=R(["b" * 4090]), source=P_SYN)
    s.parse(syn_pad + " ", "synapse", error="scope.too_long", source=lim)
    # bytes, not characters
    s.parse("\u00e9" * 2048, error="scope.invalid_char", source=lim + " (4,096 bytes)")
    s.parse("\u00e9" * 2049, error="scope.too_long", source=lim + " (4,098 bytes, 2,049 characters)")
    s.parse("a" * 4095 + "\u00e9", error="scope.too_long", source=lim + " (4,097 bytes, 4,096 characters)")
    s.parse("a" * 4094 + "\u00e9", error="scope.invalid_char", source=lim + " (4,096 bytes)")
    s.parse("\U0001F600" * 1025, error="scope.too_long", source=lim + " (4,100 bytes)")
    s.parse("a" * 4096, "mas", ok=R(["a" * 4096]), source=P_MAS)
    s.parse("a" * 4097, "mas", error="scope.too_long", source=P_MAS)
    # token count
    t64 = numbered_tokens(64)
    t65 = numbered_tokens(65)
    s.parse(" ".join(t64), ok=R(t64), source=lim)
    s.parse(" ".join(t65), error="scope.too_many_tokens", source=lim)
    s.parse(" ".join(["x"] * 64), ok=R(["x"]), source=lim + " (duplicates count as written)")
    s.parse(" ".join(["x"] * 65), error="scope.too_many_tokens", source=lim + " (duplicates count as written)")
    s.parse(" ".join([API_S] * 64), ok=R([API_S], api="full", ns=["stable"]), source=lim)
    s.parse(" ".join([API_S] * 65), error="scope.too_many_tokens", source=lim)
    s.parse(" ".join(t64), "mas", ok=R(t64), source=P_MAS)
    s.parse(" ".join(t65), "mas", error="scope.too_many_tokens", source=P_MAS)
    # lenient: empty pieces do not count
    s.parse("  " + "   ".join(t64) + "  ", "synapse", ok=R(t64), source=lim + "; " + P_SYN)
    s.parse("  ".join(t65), "synapse", error="scope.too_many_tokens", source=lim + "; " + P_SYN)
    s.parse(" ".join(t64) + " ", "synapse", ok=R(t64), source=P_SYN)
    s.parse(" ".join(t64) + " ", error="scope.empty_token", source=RFC_A4)
    s.parse(" ".join(["x"] * 65), "synapse", error="scope.too_many_tokens", source=lim + "; " + P_SYN)
    return s


def suite_scope_precedence():
    s = Suite("scope-precedence", "Which error wins when a scope string breaks several rules")
    t64 = " ".join(numbered_tokens(64))
    s.parse('a"  b', error="scope.invalid_char", source=F_ERRORS)
    s.parse('a  b"', error="scope.empty_token", source=F_ERRORS)
    s.parse(' a"', error="scope.empty_token", source=F_ERRORS)
    s.parse('a "', error="scope.invalid_char", source=F_ERRORS)
    s.parse('a\t ', error="scope.invalid_char", source=F_ERRORS)
    s.parse(t64 + " t64\t", error="scope.too_many_tokens", source=F_ERRORS)
    s.parse(t64 + "\t t64", error="scope.invalid_char", source=F_ERRORS)
    s.parse(t64 + "  t64", error="scope.empty_token", source=F_ERRORS)
    s.parse(t64 + "  t64", "synapse", error="scope.too_many_tokens", source=F_ERRORS + "; " + P_SYN)
    s.parse(t64 + " t64 ", error="scope.too_many_tokens", source=F_ERRORS)
    s.parse(t64 + " t64  ", error="scope.too_many_tokens", source=F_ERRORS)
    s.parse(t64 + " t64" + " t65" * 3 + "\t", error="scope.too_many_tokens", source=F_ERRORS)
    # grammar before device rules, device rules before multiple devices
    s.parse(DEV_S + " " + DEV_S + "A " + DEV_S + "B", error="device_id.empty", source=F_ERRORS)
    s.parse(DEV_S + "A " + DEV_S + "B\t", error="scope.invalid_char", source=F_ERRORS)
    s.parse(DEV_S + "A " + DEV_S + "B  ", error="scope.empty_token", source=F_ERRORS)
    s.parse(DEV_S + "A " + DEV_S + "B " + DEV_S, error="device_id.empty", source=F_ERRORS)
    s.parse(DEV_S + "SHORT " + DEV_S + "ABCDEFGHIJK", "mas", error="device_id.too_short", source=F_ERRORS)
    s.parse(DEV_S + "ABCDEFGHIJ " + DEV_S + "SHORT", "mas", error="device_id.too_short", source=F_ERRORS)
    s.parse(DEV_S + "SHORT " + DEV_S + "AB#", "mas", error="device_id.too_short", source=F_ERRORS)
    s.parse(DEV_S + "AB# " + DEV_S + "SHORT", "mas", error="device_id.invalid_char", source=F_ERRORS)
    s.parse(DEV_U + "SHORT " + DEV_S + "AB#", "mas", error="device_id.too_short", source=F_ERRORS)
    s.parse(DEV_S + "AB#DEFGHIJ " + DEV_U + "SHORT", "mas", error="device_id.invalid_char", source=F_ERRORS)
    s.parse(DEV_S + dev_id(256) + " " + DEV_S + "AB#", "mas", error="device_id.too_long", source=F_ERRORS)
    s.parse(DEV_S + dev_id(256) + " " + DEV_S, error="device_id.too_long", source=F_ERRORS)
    s.parse(DEV_S + "AB " + DEV_S, "mas", error="device_id.too_short", source=F_ERRORS)
    s.parse(DEV_S + "ABCDEFGHIJ " + DEV_S + "KLMNOPQRST " + DEV_S + "SHORT", "mas",
            error="device_id.too_short", source=F_ERRORS)
    s.parse(DEV_S + "SHORT " + DEV_S + "SHORT", "mas", error="device_id.too_short", source=F_ERRORS)
    s.parse(DEV_S + "ABCDEFGHIJ " + DEV_S + "KLMNOPQRST", "mas", error="scope.multiple_devices", source=F_ERRORS)
    s.parse("a\t" + DEV_S, error="scope.invalid_char", source=F_ERRORS)
    s.parse(DEV_S + " a  b", error="scope.empty_token", source=F_ERRORS)
    s.parse(DEV_S + " a  b", "synapse", error="device_id.empty", source=F_ERRORS + "; " + P_SYN)
    s.parse("", "synapse", ok=EMPTY_SCOPE, source=P_SYN)
    return s


def suite_scope_classify():
    s = Suite("scope-classify", "Classification of stable, unstable, mixed and unknown scope tokens")
    X = "ABCDEFGHIJ"
    s.parse("openid " + API_S, ok=R(["openid", API_S], api="full", ns=["stable"]), source=SPEC_13)
    s.parse(API_S + " openid", ok=R(["openid", API_S], api="full", ns=["stable"]), source=RFC_33 + " (order does not matter)")
    s.parse(API_U, ok=R([API_U], api="full", ns=["unstable"]), source=MSC2967)
    s.parse(API_S, ok=R([API_S], api="full", ns=["stable"]), source=SPEC_13)
    s.parse(API_S + " " + API_U, ok=R([API_S, API_U], api="full", ns=["stable", "unstable"]), source=P_DEFAULT + " (mixing allowed)")
    s.parse(API_S + " " + DEV_S + "AAABBBCCCDDD",
            ok=R([API_S, DEV_S + "AAABBBCCCDDD"], api="full", device="AAABBBCCCDDD", ns=["stable"]),
            source="matrix-oauth-spec 1.6")
    s.parse("openid " + API_S + " " + DEV_S + "ABCDEFGH",
            ok=R(["openid", API_S, DEV_S + "ABCDEFGH"], api="full", device="ABCDEFGH", ns=["stable"]),
            source="MSC4108 sample request")
    s.parse("openid " + API_S + " " + DEV_S + "ABCDEFGH", "mas", error="device_id.too_short",
            source=P_MAS + "; matrix-oauth-spec 7 item 6")
    s.parse(API_S + " " + DEV_S + "ABCDEGH", "mas", error="device_id.too_short", source=P_MAS + " (MSC4341 sample)")
    s.parse(API_U + " " + DEV_U + X, ok=R([API_U, DEV_U + X], api="full", device=X, ns=["unstable"]), source=MSC2967)
    s.parse(API_S + " " + DEV_U + X, ok=R([API_S, DEV_U + X], api="full", device=X, ns=["stable", "unstable"]),
            source=P_DEFAULT + " (mixing allowed)")
    s.parse(API_U + " " + DEV_S + X, ok=R([DEV_S + X, API_U], api="full", device=X,
                                          ns=["stable", "unstable"]), source=P_DEFAULT)
    s.parse(DEV_S + X + " " + DEV_U + X, ok=R([DEV_S + X, DEV_U + X], device=X, ns=["stable", "unstable"]),
            source=P_DEFAULT + " (same device under both prefixes counts once)")
    s.parse(DEV_U + X + " " + DEV_S + X + " " + DEV_S + X, ok=R([DEV_S + X, DEV_U + X], device=X, ns=["stable", "unstable"]),
            source=P_DEFAULT)
    intro = " ".join([ADMIN, DEV_U + X, API_U, DEV_S + X, API_S])
    s.parse(intro, ok=R([API_S, DEV_S + X, API_U, DEV_U + X, ADMIN], api="full", device=X, admin=True,
                        ns=["stable", "unstable"]), source=SPEC_14 + " (MAS introspection normalize_scope)")
    s.parse(DEV_S + X, ok=R([DEV_S + X], device=X, ns=["stable"]), source=P_DEFAULT)
    s.parse(DEV_U + X, ok=R([DEV_U + X], device=X, ns=["unstable"]), source=P_DEFAULT)
    s.parse(ADMIN, ok=R([ADMIN], admin=True), source=P_DEFAULT)
    s.parse(API_S + " " + ADMIN, ok=R([API_S, ADMIN], api="full", admin=True, ns=["stable"]), source=P_DEFAULT)
    s.parse("urn:synapse:admin", ok=R(["urn:synapse:admin"]), source=P_DEFAULT + " (exact token)")
    s.parse("URN:SYNAPSE:ADMIN:*", ok=R(["URN:SYNAPSE:ADMIN:*"]), source=RFC_33 + " (case-sensitive)")
    s.parse("urn:mas:graphql:* email urn:mas:admin",
            ok=R(["email", "urn:mas:admin", "urn:mas:graphql:*"]), source=SPEC_13)
    s.parse("email openid", ok=R(["email", "openid"]), source=SPEC_13)
    s.parse("openid openid openid", ok=R(["openid"]), source=SPEC_11 + " (duplicates collapse)")
    s.parse("b B a A", ok=R(["A", "B", "a", "b"]), source=F_SCOPES + " (canonical order by bytes)")
    s.parse("urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:client:api:* openid",
            ok=R(["openid", API_S, API_U], api="full", ns=["stable", "unstable"]), source=F_SCOPES)
    # case sensitivity and near misses: unknown tokens, kept
    for tok in ["URN:matrix:client:api:*", "urn:MATRIX:client:api:*", "urn:matrix:client:API:*",
                "urn:matrix:Client:api:*", "urn:matrix:client:api:", "urn:matrix:client:api:**",
                "urn:matrix:client:api", "urn:matrix:client:api:read:*", "urn:matrix:org.matrix.MSC2967.client:api:*",
                "urn:matrix:client:api:guest", "urn:matrix:org.matrix.msc2967.client:api:guest",
                "urn:matrix:api:*", "urn:matrix:client:uia:*", "urn:matrix:device:ABCDEFGHIJ",
                "urn:matrix:client:device", "URN:MATRIX:CLIENT:DEVICE:ABCDEFGHIJ", "urn:matrix:client:Device:ABCDEFGHIJ",
                "urn:matrix:org.matrix.msc2967.client:device", "urn:matrix:*", "*"]:
        src = RFC_33 + " (case-sensitive); " + P_DEFAULT + " (unknown tokens kept)"
        if "guest" in tok or tok in ("urn:matrix:api:*", "urn:matrix:client:uia:*", "urn:matrix:device:ABCDEFGHIJ"):
            src = SPEC_13 + " (withdrawn token); " + P_DEFAULT
        s.parse(tok, ok=R([tok]), source=src)
    s.parse(API_S + " urn:matrix:client:api:guest",
            ok=R([API_S, "urn:matrix:client:api:guest"], api="full", ns=["stable"]), source=SPEC_13)
    s.parse("URN:matrix:client:api:* " + DEV_S + X,
            ok=R(["URN:matrix:client:api:*", DEV_S + X], device=X, ns=["stable"]), source=RFC_33)
    # device ids inside tokens
    s.parse(DEV_S, error="device_id.empty", source=P_DEFAULT + " (a device id is 1 to 255 characters)")
    s.parse(DEV_U, error="device_id.empty", source=P_DEFAULT)
    s.parse(API_S + " " + DEV_S, error="device_id.empty", source=P_DEFAULT)
    s.parse(DEV_S + "A " + DEV_S + "B", error="scope.multiple_devices", source=P_DEFAULT + "; " + SPEC_14)
    s.parse(DEV_S + "A " + DEV_U + "B", error="scope.multiple_devices", source=P_DEFAULT)
    s.parse(DEV_U + "A " + DEV_U + "B", error="scope.multiple_devices", source=P_DEFAULT)
    s.parse(DEV_S + "abcdefghij " + DEV_S + "ABCDEFGHIJ", error="scope.multiple_devices", source=RFC_33 + " (case-sensitive)")
    s.parse(DEV_S + X + " " + DEV_U + X + " " + DEV_S + "OTHER", error="scope.multiple_devices", source=P_DEFAULT)
    s.parse(DEV_S + X + " " + DEV_S + X, ok=R([DEV_S + X], device=X, ns=["stable"]), source=P_DEFAULT)
    s.parse(DEV_S + "a:b", ok=R([DEV_S + "a:b"], device="a:b", ns=["stable"]), source=SPEC_15)
    s.parse(DEV_S + "*", ok=R([DEV_S + "*"], device="*", ns=["stable"]), source=SPEC_15)
    s.parse(DEV_S + "*", "mas", error="device_id.too_short", source=P_MAS)
    s.parse(DEV_S + DEV_S + "X", ok=R([DEV_S + DEV_S + "X"], device=DEV_S + "X", ns=["stable"]), source=SPEC_15)
    s.parse(DEV_S + DEV_S + "X", "mas", ok=R([DEV_S + DEV_S + "X"], device=DEV_S + "X", ns=["stable"]), source=P_MAS)
    s.parse(DEV_S + "[x]", ok=R([DEV_S + "[x]"], device="[x]", ns=["stable"]), source=SPEC_15)
    s.parse(DEV_S + "QBUAZIFURK", "mas", ok=R([DEV_S + "QBUAZIFURK"], device="QBUAZIFURK", ns=["stable"]),
            source=SPEC_2 + " (Synapse legacy id)")
    s.parse(API_S + " " + DEV_S + "42oTpLoieH", "mas",
            ok=R([API_S, DEV_S + "42oTpLoieH"], api="full", device="42oTpLoieH", ns=["stable"]),
            source=SPEC_2 + " (MAS generated id)")
    s.parse(API_S + " " + API_U + " " + DEV_S + X + " " + DEV_U + X, "synapse",
            ok=R([API_S, DEV_S + X, API_U, DEV_U + X], api="full", device=X, ns=["stable", "unstable"]), source=P_SYN)
    s.parse(DEV_S + "A " + DEV_S + "B", "synapse", error="scope.multiple_devices", source=P_SYN + "; " + SPEC_14)
    s.parse(ADMIN + " " + API_U, "mas", ok=R([API_U, ADMIN], api="full", admin=True, ns=["unstable"]), source=P_MAS)
    # malformed input objects
    s.add("scope.parse", {}, error="input.invalid", source=F_OPS)
    s.add("scope.parse", {"scope": 42}, error="input.invalid", source=F_OPS)
    s.add("scope.parse", {"scope": ["openid"]}, error="input.invalid", source=F_OPS)
    return s


def suite_scope_satisfies():
    s = Suite("scope-satisfies", "scope.satisfies across the stable and unstable namespaces")
    X = "ABCDEFGHIJ"

    def sat(granted, required, missing, policy=ABSENT, source=F_SAT):
        missing = list(missing)
        assert missing == canon_sorted(missing)
        s.add("scope.satisfies", inp(policy, granted=granted, required=required),
              ok={"satisfied": not missing, "missing": missing}, source=source)

    def err(granted, required, code, policy=ABSENT, source=F_SAT):
        s.add("scope.satisfies", inp(policy, granted=granted, required=required), error=code, source=source)

    sat(API_S, API_S, [])
    sat(API_S, API_U, [], source=F_SAT + " (twins cover each other)")
    sat(API_U, API_S, [], source=F_SAT + " (twins cover each other)")
    sat(API_S, API_S + " " + API_U, [])
    sat(API_S + " " + DEV_S + X, DEV_U + X, [])
    sat(API_U + " " + DEV_U + X, API_S + " " + DEV_S + X, [])
    sat(DEV_S + X + " " + DEV_U + X, DEV_S + X, [])
    sat(API_S + " " + DEV_S + X, API_S + " " + DEV_S + "OTHERDEVIC", [DEV_S + "OTHERDEVIC"])
    sat(API_S + " " + DEV_S + X, DEV_U + "abcdefghij", [DEV_U + "abcdefghij"], source=F_SAT + " (case-sensitive)")
    sat("openid", API_U, [API_U])
    sat("openid", API_S + " " + API_U, [API_S, API_U])
    sat("openid", "openid email", ["email"])
    sat("openid email", "email", [])
    sat("OpenID", "openid", ["openid"], source=F_SAT + " (case-sensitive)")
    sat("zeta", "zeta " + API_S + " alpha", ["alpha", API_S])
    sat("openid", "zeta " + API_S + " alpha", ["alpha", API_S, "zeta"], source=F_SAT + " (missing in canonical order)")
    sat("", "b a b", ["a", "b"], source=F_SAT + " (missing in canonical order, distinct)")
    sat("openid", "", [], source=F_SAT + " (an empty required is satisfied)")
    sat("", "", [], source=F_SAT)
    sat("", API_S, [API_S], source=F_SAT + " (an empty granted is an empty scope)")
    sat("urn:matrix:client:api:read:*", API_S, [API_S], source=F_SAT + " (other tokens match exactly)")
    sat(API_S, "urn:matrix:client:api:read:*", ["urn:matrix:client:api:read:*"], source=F_SAT + " (no globs)")
    sat(API_S, "urn:matrix:client:api:guest", ["urn:matrix:client:api:guest"], source=SPEC_13 + " (withdrawn guest token)")
    sat("urn:matrix:client:api:guest", "urn:matrix:org.matrix.msc2967.client:api:guest",
        ["urn:matrix:org.matrix.msc2967.client:api:guest"], source=F_SAT + " (only API and device tokens have twins)")
    sat("URN:matrix:client:api:*", API_S, [API_S], source=F_SAT + " (case-sensitive)")
    sat(API_S, "URN:matrix:client:api:*", ["URN:matrix:client:api:*"], source=F_SAT + " (case-sensitive)")
    sat(ADMIN, API_S, [API_S])
    sat(API_S + " " + ADMIN, ADMIN + " " + API_U, [])
    sat(API_S, DEV_S + X, [DEV_S + X], source=F_SAT + " (the API token does not cover a device)")
    sat(DEV_S + X, API_S, [API_S], source=F_SAT + " (a device does not cover the API token)")
    sat("openid " + API_U + " " + DEV_U + X, "openid " + API_S + " " + DEV_S + X + " email", ["email"])
    sat("  openid  ", "openid ", [], policy="synapse", source=F_SAT + "; " + P_SYN)
    sat("   ", API_S, [API_S], policy="synapse", source=F_SAT + "; " + P_SYN)
    sat(API_S + " " + DEV_S + X, DEV_U + X, [], policy="mas", source=F_SAT + "; " + P_MAS)
    # parse errors are op errors; granted is parsed first
    err("a  b", "openid", "scope.empty_token")
    err("openid", "a  b", "scope.empty_token")
    err(" ", "openid", "scope.empty_token", source=F_SAT + " (only the empty string is an empty scope)")
    err("openid", " ", "scope.empty_token", source=F_SAT + " (only the empty string is an empty scope)")
    err("a\tb", "c  d", "scope.invalid_char", source=F_SAT + " (granted is parsed first)")
    err("c  d", "a\tb", "scope.empty_token", source=F_SAT + " (granted is parsed first)")
    err("openid", "a" * 4097, "scope.too_long")
    err(" ".join(numbered_tokens(65)), "openid", "scope.too_many_tokens")
    err(DEV_S + "A " + DEV_S + "B", API_S, "scope.multiple_devices")
    err(API_S, DEV_S + "A " + DEV_U + "B", "scope.multiple_devices", source=F_SAT + " (required has the full parse rules)")
    err(API_S + " " + DEV_S + "SHORT", API_S, "device_id.too_short", policy="mas", source=F_SAT + "; " + P_MAS)
    err(API_S, DEV_S, "device_id.empty")
    err("openid", "openid\n", "scope.invalid_char", policy="synapse", source=F_SAT + "; " + P_SYN)
    s.add("scope.satisfies", {"required": "openid"}, error="input.invalid", source=F_OPS)
    s.add("scope.satisfies", {"granted": "openid", "required": 5}, error="input.invalid", source=F_OPS)
    return s


def suite_scope_normalize():
    s = Suite("scope-normalize", "scope.normalize to the stable, unstable or both forms")
    X = "ABCDEFGHIJ"

    def norm(scope, form, canonical, policy=ABSENT, source=F_NORM):
        toks = canonical.split(" ") if canonical else []
        assert toks == canon_sorted(toks), canonical
        s.add("scope.normalize", inp(policy, scope=scope, form=form), ok={"canonical": canonical}, source=source)

    def err(scope, form, code, policy=ABSENT, source=F_NORM):
        s.add("scope.normalize", inp(policy, scope=scope, form=form), error=code, source=source)

    both_full = API_S + " " + DEV_S + X + " " + API_U + " " + DEV_U + X
    norm(API_S, "stable", API_S)
    norm(API_S, "unstable", API_U)
    norm(API_S, "both", API_S + " " + API_U)
    norm(API_U, "stable", API_S)
    norm(API_U, "unstable", API_U)
    norm(API_U, "both", API_S + " " + API_U)
    norm(API_S + " " + API_U, "stable", API_S)
    norm(API_S + " " + API_U, "unstable", API_U)
    norm(DEV_S + X, "unstable", DEV_U + X)
    norm(DEV_U + X, "stable", DEV_S + X)
    norm(DEV_S + X, "both", DEV_S + X + " " + DEV_U + X)
    norm(API_S + " " + DEV_S + X, "both", both_full)
    norm(both_full, "stable", API_S + " " + DEV_S + X)
    norm(both_full, "unstable", API_U + " " + DEV_U + X)
    norm(both_full, "both", both_full, source=F_NORM + " (idempotent)")
    norm(API_S + " " + DEV_S + X, "stable", API_S + " " + DEV_S + X, source=F_NORM + " (idempotent)")
    norm(API_U + " " + DEV_U + X, "unstable", API_U + " " + DEV_U + X, source=F_NORM + " (idempotent)")
    norm("openid " + API_U + " " + DEV_S + X, "stable", "openid " + API_S + " " + DEV_S + X)
    norm("zzz " + DEV_U + "ABC openid", "stable", "openid " + DEV_S + "ABC zzz",
         source=F_NORM + "; " + F_SCOPES + " (result canonical)")
    norm("zzz " + DEV_S + "ABC openid", "unstable", "openid " + DEV_U + "ABC zzz")
    norm(ADMIN + " email openid", "unstable", "email openid " + ADMIN, source=F_NORM + " (other tokens kept)")
    norm(ADMIN + " email openid", "both", "email openid " + ADMIN, source=F_NORM + " (other tokens kept)")
    norm("urn:matrix:org.matrix.msc2967.client:api:guest", "stable", "urn:matrix:org.matrix.msc2967.client:api:guest",
         source=F_NORM + " (only the API and device tokens are rewritten)")
    norm("urn:matrix:client:api:guest", "unstable", "urn:matrix:client:api:guest", source=F_NORM)
    norm("URN:matrix:client:api:*", "unstable", "URN:matrix:client:api:*", source=F_NORM + " (case-sensitive)")
    norm("urn:matrix:client:api:read:*", "both", "urn:matrix:client:api:read:*", source=F_NORM)
    norm("openid openid", "stable", "openid")
    norm("b a", "both", "a b")
    norm(API_S + " " + DEV_S + X + " " + DEV_U + X, "stable", API_S + " " + DEV_S + X)
    norm("  openid   " + API_S + " ", "both", "openid " + API_S + " " + API_U, policy="synapse",
         source=F_NORM + "; " + P_SYN)
    norm("", "both", "", policy="synapse", source=F_NORM + "; " + P_SYN)
    norm(API_U + " " + DEV_U + X, "stable", API_S + " " + DEV_S + X, policy="mas", source=F_NORM + "; " + P_MAS)
    err("", "stable", "scope.empty", source=F_NORM + "; " + P_DEFAULT + " (empty string is an empty scope for satisfies only)")
    err("a  b", "stable", "scope.empty_token")
    err("a\tb", "both", "scope.invalid_char")
    err(DEV_S + "A " + DEV_U + "B", "both", "scope.multiple_devices")
    err(DEV_S, "stable", "device_id.empty")
    err(DEV_U + "SHORT", "stable", "device_id.too_short", policy="mas", source=F_NORM + "; " + P_MAS)
    err(" ".join(numbered_tokens(65)), "both", "scope.too_many_tokens")
    err(API_S, "Stable", "input.invalid", source=F_OPS)
    err(API_S, "stable ", "input.invalid", source=F_OPS)
    err(API_S, "", "input.invalid", source=F_OPS)
    s.add("scope.normalize", {"scope": API_S}, error="input.invalid", source=F_OPS + " (form is required)")
    s.add("scope.normalize", {"scope": API_S, "form": 1}, error="input.invalid", source=F_OPS)
    s.add("scope.normalize", {"form": "stable"}, error="input.invalid", source=F_OPS)
    return s


def suite_device_validate():
    s = Suite("device-validate", "device.validate under the default and mas device rules")

    def v(device_id, policy=ABSENT, *, error=None, source):
        s.add("device.validate", inp(policy, device_id=device_id), ok=None if error else {}, error=error, source=source)

    lengths = [
        (0, "device_id.empty", "device_id.empty"),
        (1, None, "device_id.too_short"),
        (9, None, "device_id.too_short"),
        (10, None, None),
        (255, None, None),
        (256, "device_id.too_long", "device_id.too_long"),
    ]
    for n, d, m in lengths:
        v(dev_id(n), error=d, source=P_DEFAULT + " (1 to 255 characters)")
        v(dev_id(n), "mas", error=m, source=P_MAS + " (10 to 255 characters)")
    for n, d, m in lengths:
        v(dev_id(n), "synapse", error=d, source=P_SYN + " (as default)")
    # characters NQCHAR allows and mas does not
    for ch in MAS_EXCLUDED:
        did = "ABCDEFGHI" + ch
        v(did, "mas", error="device_id.invalid_char", source=P_MAS)
        v(did, source=P_DEFAULT + "; " + SPEC_15 + " (MUST only use scope-token characters)")
    # every punctuation character mas allows
    for ch in MAS_PUNCT:
        v("ABCDEFGHI" + ch, "mas", source=P_MAS)
    v("a-b.c_d~e!f$g&h'i(j)k*l+m,n;o=p:q@r/s", "mas", source=P_MAS)
    v(UPPER + LOWER + DIGITS, "mas", source=P_MAS)
    # characters outside NQCHAR
    for ch in [" ", '"', "\\", "\t", "\n", "\x00", "\x7f", "\u00a0", "\u00e9", "\U0001F600"]:
        v("ABCDEFGHI" + ch, error="device_id.invalid_char", source=P_DEFAULT + "; " + SPEC_15)
        v("ABCDEFGHI" + ch, "mas", error="device_id.invalid_char", source=P_MAS)
    v(" ", error="device_id.invalid_char", source=P_DEFAULT)
    # error order: empty, invalid_char, too_short, too_long
    v("#", "mas", error="device_id.invalid_char", source=F_DEV + " (invalid_char before too_short)")
    v("AB CD", "mas", error="device_id.invalid_char", source=F_DEV + " (invalid_char before too_short)")
    v(dev_id(255) + "#", "mas", error="device_id.invalid_char", source=F_DEV + " (invalid_char before too_long)")
    v(dev_id(255) + " ", error="device_id.invalid_char", source=F_DEV + " (invalid_char before too_long)")
    v("\u00e9" * 256, error="device_id.invalid_char", source=F_DEV + " (invalid_char before too_long)")
    v(dev_id(300), "mas", error="device_id.too_long", source=F_DEV)
    v("", "mas", error="device_id.empty", source=F_DEV)
    v("!", source=P_DEFAULT)
    v("~", source=P_DEFAULT)
    v("QBUAZIFURK", "mas", source=SPEC_2)
    v("42oTpLoieH", "mas", source=SPEC_2)
    v("guest_device", "mas", source=SPEC_2)
    s.add("device.validate", {}, error="input.invalid", source=F_OPS)
    s.add("device.validate", {"device_id": 12345}, error="input.invalid", source=F_OPS)
    return s


def suite_device_in_scope():
    s = Suite("device-in-scope", "Device ids of every boundary length and character, inside scope.parse")
    lengths = [
        (1, None, "device_id.too_short"),
        (9, None, "device_id.too_short"),
        (10, None, None),
        (255, None, None),
        (256, "device_id.too_long", "device_id.too_long"),
    ]
    s.parse(API_S + " " + DEV_S, error="device_id.empty", source=P_DEFAULT)
    s.parse(API_S + " " + DEV_S, "mas", error="device_id.empty", source=P_MAS)
    for n, d, m in lengths:
        did = dev_id(n)
        for prefix in (DEV_S, DEV_U):
            api = API_S if prefix == DEV_S else API_U
            ns = ["stable"] if prefix == DEV_S else ["unstable"]
            scope = api + " " + prefix + did
            good = R([api, prefix + did], api="full", device=did, ns=ns)
            if d:
                s.parse(scope, error=d, source=P_DEFAULT)
            else:
                s.parse(scope, ok=good, source=P_DEFAULT)
            if m:
                s.parse(scope, "mas", error=m, source=P_MAS)
            else:
                s.parse(scope, "mas", ok=good, source=P_MAS)
    for ch in MAS_EXCLUDED:
        did = "ABCDEFGHI" + ch
        s.parse(DEV_S + did, "mas", error="device_id.invalid_char", source=P_MAS + " (scope.parse validates device ids)")
        s.parse(DEV_S + did, ok=R([DEV_S + did], device=did, ns=["stable"]), source=P_DEFAULT)
    s.parse(DEV_U + "ABCDEFGHI%", "mas", error="device_id.invalid_char", source=P_MAS)
    s.parse(DEV_S + "ABCDEFGHI!", "mas", ok=R([DEV_S + "ABCDEFGHI!"], device="ABCDEFGHI!", ns=["stable"]), source=P_MAS)
    did = "a-b.c_d~e!f$g&h'i(j)k*l+m,n;o=p:q@r/s"
    s.parse(DEV_S + did, "mas", ok=R([DEV_S + did], device=did, ns=["stable"]), source=P_MAS)
    s.parse(DEV_S + dev_id(255) + " " + DEV_U + dev_id(255), "mas",
            ok=R([DEV_S + dev_id(255), DEV_U + dev_id(255)], device=dev_id(255), ns=["stable", "unstable"]), source=P_MAS)
    s.parse(DEV_S + dev_id(9), "synapse", ok=R([DEV_S + dev_id(9)], device=dev_id(9), ns=["stable"]), source=P_SYN)
    s.parse(DEV_S + dev_id(256), "synapse", error="device_id.too_long", source=P_SYN + "; " + SPEC_15 + " (Synapse 1-255)")
    return s


def reference_generate(entropy_hex, length):
    """FORMAT.md "Device ids", written independently of any engine."""
    out = []
    for b in bytes.fromhex(entropy_hex):
        if len(out) == length:
            break
        if b >= 248:
            continue
        out.append(GEN_ALPHABET[b % 62])
    if len(out) < length:
        return None
    return "".join(out)


def suite_device_generate():
    s = Suite("device-generate", "Deterministic device id generation from entropy")
    G = F_DEV + " (deterministic generation)"

    def gen(entropy, expected, length=ABSENT, policy=ABSENT, source=G):
        fields = {"entropy": entropy}
        if length is not ABSENT:
            fields["length"] = length
        n = 10 if length is ABSENT else length
        assert reference_generate(entropy, n) == expected, (entropy, expected)
        s.add("device.generate", inp(policy, **fields), ok={"device_id": expected}, source=source)

    def bad(fields, code, policy=ABSENT, source=G):
        s.add("device.generate", inp(policy, **fields), error=code, source=source)

    gen("00010203040506070809", "ABCDEFGHIJ")
    gen("00", "A", 1)
    gen("19", "Z", 1)
    gen("1a", "a", 1)
    gen("33", "z", 1)
    gen("34", "0", 1)
    gen("3d", "9", 1)
    gen("3e", "A", 1, source=G + " (62 % 62 = 0)")
    gen("7b", "9", 1, source=G + " (123 % 62 = 61)")
    gen("7c", "A", 1, source=G + " (124 % 62 = 0)")
    gen("ba", "A", 1, source=G + " (186 % 62 = 0)")
    gen("f7", "9", 1, source=G + " (247 is used: 247 % 62 = 61)")
    gen("f8f9fafbfcfdfeff00", "A", 1, source=G + " (bytes 248 to 255 are skipped)")
    gen("f800f901fa02fb03fc04fd05fe06ff07f7f6", "ABCDEFGH98", source=G + " (skip rule)")
    gen("3D3E", "9A", 2, source=G + " (upper-case hex)")
    gen("3d3E7C", "9AA", 3, source=G + " (mixed-case hex)")
    gen("000102030405060708090a0b0c0d0e0f", "ABCDEFGHIJ", source=G + " (extra bytes ignored)")
    gen("000102030405060708090a0b0c0d0e0f", "ABCDEFGHIJKLMNOP", 16)
    gen("4b6c", "Nu", 2, source=G + " (75 % 62 = 13, 108 % 62 = 46)")
    gen("ffffffff3d", "9", 1)
    allbytes = bytes(range(256)).hex()
    gen(allbytes, GEN_ALPHABET * 4, 248, source=G + " (bytes 0 to 247 walk the alphabet four times)")
    gen(allbytes + "00010203040506", GEN_ALPHABET * 4 + "ABCDEFG", 255, source=G + " (length 255)")
    gen("00" * 255, "A" * 255, 255, source=G + " (length 255)")
    gen("00010203040506070809", "ABCDEFGHIJ", policy="mas", source=G)
    gen("0001020304", "ABCDE", 5, policy="mas", source=G + " (a generated id is not checked against the device rules)")
    gen("00", "A", 1, policy="mas", source=G + " (a generated id is not checked against the device rules)")
    gen("3e3f", "AB", 2, policy="synapse", source=G)
    # insufficient entropy
    bad({"entropy": ""}, "entropy.insufficient", source=G + " (empty entropy has no bytes)")
    bad({"entropy": "000102030405060708"}, "entropy.insufficient", source=G + " (9 bytes for 10 characters)")
    bad({"entropy": "00010203040506ff0708"}, "entropy.insufficient",
        source=G + " (10 bytes, one skipped)")
    bad({"entropy": "f8f9fafbfcfdfeff"}, "entropy.insufficient", source=G + " (every byte skipped)")
    bad({"entropy": "f8", "length": 1}, "entropy.insufficient", source=G)
    bad({"entropy": allbytes, "length": 255}, "entropy.insufficient", source=G + " (only 248 usable bytes)")
    bad({"entropy": "00" * 254, "length": 255}, "entropy.insufficient", source=G)
    # malformed entropy
    for e in ["abc", "0", "0g", "zz", "0x00", " 00", "00 ", "00\n", "+1", "-1", "\uff10\uff10", "\u0660\u0660", "é0"]:
        bad({"entropy": e}, "input.invalid", source=G + " (entropy is hex, even length)")
    bad({"entropy": "00010203040506070809a"}, "input.invalid", source=G + " (odd length)")
    bad({"entropy": 10}, "input.invalid", source=F_OPS)
    bad({"entropy": ["00"]}, "input.invalid", source=F_OPS)
    bad({}, "input.invalid", source=F_OPS + " (entropy is required)")
    # length
    for n in [0, 256, -1, 1000]:
        bad({"entropy": "00" * 300, "length": n}, "input.invalid", source=F_OPS + " (length 1 to 255); " + POLICY + " (choice 3)")
    for n in ["10", True]:
        bad({"entropy": "00" * 300, "length": n}, "input.invalid", source=POLICY + " (choice 3)")
    gen("00" * 300, "A" * 255, 255, source=G)
    gen("00" * 300, "A", 1, source=G)
    return s


def suite_login_scope():
    s = Suite("login-scope", "client.login_scope: the scope a client asks for at login")
    X = "ABCDEFGHIJ"
    L = F_DEV + " (client.login_scope)"

    def ok(fields, scope_canonical, device, policy=ABSENT, source=L):
        toks = scope_canonical.split(" ")
        assert toks == canon_sorted(toks), scope_canonical
        s.add("client.login_scope", inp(policy, **fields), ok={"scope": scope_canonical, "device_id": device}, source=source)

    def bad(fields, code, policy=ABSENT, source=L):
        s.add("client.login_scope", inp(policy, **fields), error=code, source=source)

    stable = API_S + " " + DEV_S + X
    unstable = API_U + " " + DEV_U + X
    both = API_S + " " + DEV_S + X + " " + API_U + " " + DEV_U + X
    ok({"device_id": X}, stable, X, source=L + " (default form stable, no openid)")
    ok({"device_id": X, "form": "stable"}, stable, X)
    ok({"device_id": X, "form": "unstable"}, unstable, X)
    ok({"device_id": X, "form": "both"}, both, X, source=L + " (both gives all four)")
    ok({"entropy": "00010203040506070809"}, stable, X, source=L + " (derived id)")
    ok({"entropy": "000102030405060708090a0b0c0d0e0f"}, stable, X, source=L + " (a derived id has 10 characters)")
    ok({"entropy": "f8000102030405060708ff09"}, stable, X, source=L + " (skip rule)")
    ok({"entropy": "0A0B0C0D0E0F10111213", "form": "unstable"}, API_U + " " + DEV_U + "KLMNOPQRST", "KLMNOPQRST",
       source=L + " (upper-case hex)")
    ok({"entropy": "00010203040506070809", "form": "both"}, both, X)
    ok({"device_id": "MYDEVICE01", "entropy": "00010203040506070809"}, API_S + " " + DEV_S + "MYDEVICE01", "MYDEVICE01",
       source=L + " (device_id wins over entropy)")
    ok({"device_id": "MYDEVICE01", "entropy": "00"}, API_S + " " + DEV_S + "MYDEVICE01", "MYDEVICE01",
       source=POLICY + " (choice 2: the entropy's insufficiency is irrelevant)")
    ok({"device_id": "MYDEVICE01", "entropy": ""}, API_S + " " + DEV_S + "MYDEVICE01", "MYDEVICE01",
       source=POLICY + " (choice 2)")
    ok({"device_id": X, "extra": []}, stable, X)
    ok({"device_id": X, "extra": ["openid"]}, "openid " + stable, X, source=L + " (openid only from extra)")
    ok({"device_id": X, "extra": ["openid", "email", ADMIN]}, "email openid " + stable + " " + ADMIN, X)
    ok({"device_id": X, "extra": ["openid email"]}, "email openid " + stable, X, source=L + " (extra joined, then parsed)")
    ok({"device_id": X, "extra": ["openid", "openid"]}, "openid " + stable, X)
    ok({"device_id": X, "extra": [DEV_S + X]}, stable, X, source=L + " (same device)")
    ok({"device_id": X, "extra": [DEV_U + X]}, API_S + " " + DEV_S + X + " " + DEV_U + X, X, source=L + " (same device, other prefix)")
    ok({"device_id": X, "extra": [API_U]}, API_S + " " + DEV_S + X + " " + API_U, X)
    ok({"device_id": "a:b"}, API_S + " " + DEV_S + "a:b", "a:b", source=L + "; " + P_DEFAULT)
    ok({"device_id": "Z"}, API_S + " " + DEV_S + "Z", "Z", source=L + "; " + P_DEFAULT + " (1 character)")
    ok({"device_id": dev_id(255)}, API_S + " " + DEV_S + dev_id(255), dev_id(255), source=L + "; " + P_DEFAULT)
    ok({"device_id": X}, stable, X, policy="mas", source=L + "; " + P_MAS)
    ok({"entropy": "00010203040506070809"}, stable, X, policy="mas", source=L + "; " + P_MAS)
    ok({"device_id": "Z", "extra": ["", "openid", ""]}, "openid " + API_S + " " + DEV_S + "Z", "Z", policy="synapse",
       source=L + "; " + P_SYN + " (the policy's grammar reads the joined string)")
    extra60 = ["x" + str(i).zfill(2) for i in range(60)]
    ok({"device_id": X, "form": "both", "extra": extra60}, " ".join([API_S, DEV_S + X, API_U, DEV_U + X] + extra60), X,
       source=L + "; " + F_SCOPES + " (64 tokens)")
    bad({"device_id": X, "form": "both", "extra": extra60 + ["x60"]}, "scope.too_many_tokens",
        source=L + "; " + F_SCOPES + " (65 tokens)")
    bad({"device_id": X, "extra": ["a" * 4096]}, "scope.too_long", source=L + "; " + F_SCOPES)
    bad({"device_id": X, "extra": [""]}, "scope.empty_token", source=L)
    bad({"device_id": X, "extra": ["openid", ""]}, "scope.empty_token", source=L)
    bad({"device_id": X, "extra": ["openid "]}, "scope.empty_token", source=L)
    bad({"device_id": X, "extra": ["a\tb"]}, "scope.invalid_char", source=L)
    bad({"device_id": X, "extra": [DEV_S + "OTHERDEVIC"]}, "scope.multiple_devices", source=L)
    bad({"device_id": X, "extra": [DEV_U + "OTHERDEVIC"]}, "scope.multiple_devices", source=L)
    bad({"entropy": "00010203040506070809", "extra": [DEV_S + "OTHERDEVIC"]}, "scope.multiple_devices", source=L)
    bad({"device_id": X, "extra": [DEV_S + "SHORT"]}, "device_id.too_short", policy="mas",
        source=L + "; " + F_ERRORS + " (device rules before multiple devices)")
    bad({"device_id": X, "extra": [DEV_S]}, "device_id.empty", source=L + "; " + F_ERRORS)
    # a given device_id is checked against the policy's device rules first
    bad({"device_id": ""}, "device_id.empty", source=POLICY + " (choice 2)")
    bad({"device_id": "", "extra": [""]}, "device_id.empty", source=POLICY + " (choice 2: device rules first)")
    bad({"device_id": "AB CD"}, "device_id.invalid_char", source=POLICY + " (choice 2)")
    bad({"device_id": "AB CD"}, "device_id.invalid_char", policy="synapse", source=POLICY + " (choice 2)")
    bad({"device_id": dev_id(256)}, "device_id.too_long", source=POLICY + " (choice 2)")
    bad({"device_id": "SHORT"}, "device_id.too_short", policy="mas", source=POLICY + " (choice 2); " + P_MAS)
    bad({"device_id": "ABCDEFGHI#"}, "device_id.invalid_char", policy="mas", source=POLICY + " (choice 2); " + P_MAS)
    bad({"device_id": "SHORT", "extra": ["a\tb"]}, "device_id.too_short", policy="mas", source=POLICY + " (choice 2: device rules first)")
    bad({"entropy": "000102030405060708"}, "entropy.insufficient", source=L)
    bad({"entropy": ""}, "entropy.insufficient", source=L)
    bad({"entropy": "f8f9fafbfcfdfeff000102030405060708"}, "entropy.insufficient", source=L + " (skip rule)")
    # malformed inputs
    bad({}, "input.invalid", source=POLICY + " (choice 2: neither device_id nor entropy)")
    bad({"form": "stable"}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"extra": ["openid"]}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "entropy": "xyz"}, "input.invalid", source=POLICY + " (choice 2: entropy is still checked)")
    bad({"device_id": X, "entropy": "000"}, "input.invalid", source=POLICY + " (choice 2: entropy is still checked)")
    bad({"entropy": "0g0102030405060708090a"}, "input.invalid", source=F_DEV)
    bad({"device_id": 12345}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"entropy": 12345}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "form": "Stable"}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "form": ""}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "form": 1}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "extra": "openid"}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "extra": [1]}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "extra": [["openid"]]}, "input.invalid", source=POLICY + " (choice 2)")
    bad({"device_id": X, "extra": {"0": "openid"}}, "input.invalid", source=POLICY + " (choice 2)")
    return s


def suite_policy_documents():
    s = Suite("policy-documents", "input.policy: absent, a preset name, or a policy document")
    PD = F_POLICY
    X9 = dev_id(9)
    d9 = DEV_S + X9
    r9 = R([d9], device=X9, ns=["stable"])
    # absent / string / object: which preset is used shows in a 9-character device id (mas
    # refuses it) and in a doubled space (synapse accepts it)
    s.parse(d9, ok=r9, source=F_OPS + " (absent policy = default)")
    s.parse("a  b", error="scope.empty_token", source=F_OPS + " (absent policy = default)")
    s.parse(d9, "default", ok=r9, source=F_OPS)
    s.parse(d9, "mas", error="device_id.too_short", source=F_OPS + "; " + P_MAS)
    s.parse(d9, "synapse", ok=r9, source=F_OPS)
    s.parse("a  b", "synapse", ok=R(["a", "b"]), source=F_OPS + "; " + P_SYN)
    s.parse(d9, {}, ok=r9, source=POLICY + " (choice 1: no preset means default)")
    s.parse("a  b", {}, error="scope.empty_token", source=POLICY + " (choice 1)")
    s.parse(d9, {"preset": "default"}, ok=r9, source=PD)
    s.parse(d9, {"preset": "mas"}, error="device_id.too_short", source=PD)
    s.parse(DEV_S + dev_id(10), {"preset": "mas"}, ok=R([DEV_S + dev_id(10)], device=dev_id(10), ns=["stable"]), source=PD)
    s.parse("a  b", {"preset": "synapse"}, ok=R(["a", "b"]), source=PD)
    s.parse("", {"preset": "synapse"}, ok=EMPTY_SCOPE, source=PD)
    # unknown presets
    for name in ["MAS", "Default", "", "strict", "lenient", "element", "default "]:
        s.parse("openid", name, error="policy.unknown_preset", source=PD)
    for name in ["MAS", "nonexistent", ""]:
        s.parse("openid", {"preset": name}, error="policy.unknown_preset", source=PD)
    # not a string and not an object
    for value in [42, 0, True, False, [], ["mas"], None]:
        s.parse("openid", value, error="policy.invalid", source=POLICY + " (choice 1)")
    # wrong preset type, unknown fields
    for doc in [{"preset": 3}, {"preset": ["mas"]}, {"preset": {"name": "mas"}}, {"preset": True},
                {"presets": "mas"}, {"Preset": "mas"}, {"preset": "mas", "unknown_setting": 1},
                {"scope": "openid"}]:
        s.parse("openid", doc, error="policy.invalid", source=PD + " (unknown field or wrong type)")
    # FORMAT.md settings accepted
    accepted = [
        {"preset": "mas", "approval": "single_use"},
        {"approval": "window"},
        {"approval": "single_use"},
        {"legacy_endpoints": True},
        {"legacy_endpoints": False},
        {"unknown_endpoints": "deny"},
        {"unknown_endpoints": "allow"},
        {"guest_endpoints": []},
        {"guest_endpoints": ["getJoinedRooms"]},
        {"step_up": []},
        {"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]},
        {"step_up": [{"endpoints": ["createRoom", "sendMessage"], "acr_values": ["urn:example:mfa"]}]},
        {"step_up": [{"endpoints": ["createRoom"], "max_age": 0, "acr_values": ["a", "b"]}]},
        {"extra_tokens": {"exact": [], "patterns": []}},
        {"extra_tokens": {"exact": ["com.example.read"], "patterns": ["com\\.example\\.[a-z]+"]}},
        {"preset": "default", "step_up": [{"endpoints": ["createRoom"], "max_age": 300}],
         "guest_endpoints": ["getJoinedRooms"], "approval": "single_use"},
        {"preset": "synapse", "approval": "single_use", "legacy_endpoints": True, "unknown_endpoints": "deny",
         "guest_endpoints": ["getJoinedRooms", "sync"], "step_up": [], "extra_tokens": {"exact": ["x"], "patterns": ["y.*"]}},
    ]
    for doc in accepted:
        preset = doc.get("preset", "default")
        if preset == "mas":
            s.parse(d9, doc, error="device_id.too_short", source=PD + " (settings accepted, preset mas)")
        elif preset == "synapse":
            s.parse("a  b", doc, ok=R(["a", "b"]), source=PD + " (settings accepted, preset synapse)")
        else:
            s.parse(d9, doc, ok=r9, source=PD + " (settings accepted)")
    # settings do not change scope.parse classification
    s.parse("openid com.example.read", {"extra_tokens": {"exact": ["com.example.read"], "patterns": []}},
            ok=R(["com.example.read", "openid"]), source=PD)
    # FORMAT.md settings rejected
    rejected = [
        {"approval": 3},
        {"approval": "sometimes"},
        {"approval": "Window"},
        {"approval": None},
        {"legacy_endpoints": "true"},
        {"legacy_endpoints": 1},
        {"unknown_endpoints": "block"},
        {"unknown_endpoints": False},
        {"guest_endpoints": "getJoinedRooms"},
        {"guest_endpoints": [1]},
        {"guest_endpoints": ["noSuchOperation"]},
        {"guest_endpoints": ["getjoinedrooms"]},
        {"step_up": {}},
        {"step_up": [{"endpoints": ["notAnOperation"], "max_age": 300}]},
        {"step_up": [{"endpoints": ["createRoom"], "max_age": "300"}]},
        {"step_up": [{"endpoints": "createRoom", "max_age": 300}]},
        {"step_up": [{"endpoints": ["createRoom"], "acr_values": "urn:example:mfa"}]},
        {"step_up": [{"endpoints": ["createRoom"], "max_age": 300, "colour": "red"}]},
        {"step_up": [{"endpoints": ["createRoom"]}]},
        {"extra_tokens": []},
        {"extra_tokens": {"exact": "x", "patterns": []}},
        {"extra_tokens": {"exact": [], "patterns": ["("]}},
        {"extra_tokens": {"exact": [], "patterns": ["["]}},
        {"extra_tokens": {"exact": [], "patterns": [1]}},
        {"extra_tokens": {"exact": [], "patterns": [], "prefixes": []}},
        {"preset": "mas", "approval": "sometimes"},
    ]
    for doc in rejected:
        s.parse("openid", doc, error="policy.invalid", source=PD + " (wrong type, unknown value or field)")
    # every op resolves input.policy
    s.add("scope.satisfies", inp("nope", granted="openid", required="openid"), error="policy.unknown_preset", source=PD)
    s.add("scope.normalize", inp("nope", scope="openid", form="stable"), error="policy.unknown_preset", source=PD)
    s.add("device.validate", inp("nope", device_id="ABCDEFGHIJ"), error="policy.unknown_preset", source=PD)
    s.add("device.generate", inp("nope", entropy="00010203040506070809"), error="policy.unknown_preset", source=PD)
    s.add("client.login_scope", inp("nope", device_id="ABCDEFGHIJ"), error="policy.unknown_preset", source=PD)
    s.add("scope.satisfies", inp({"approval": 3}, granted="openid", required="openid"), error="policy.invalid", source=PD)
    s.add("device.validate", inp(7, device_id="ABCDEFGHIJ"), error="policy.invalid", source=POLICY + " (choice 1)")
    s.add("device.generate", inp([], entropy="00010203040506070809"), error="policy.invalid", source=POLICY + " (choice 1)")
    s.add("client.login_scope", inp({"presets": "mas"}, device_id="ABCDEFGHIJ"), error="policy.invalid", source=PD)
    s.add("device.validate", inp({"preset": "mas"}, device_id=X9), error="device_id.too_short", source=PD + "; " + P_MAS)
    s.add("device.validate", inp("mas", device_id=X9), error="device_id.too_short", source=PD + "; " + P_MAS)
    s.add("client.login_scope", inp({"preset": "mas", "approval": "single_use"}, device_id=X9),
          error="device_id.too_short", source=PD + "; " + POLICY + " (choice 2)")
    # v4 settings: every op reads them (their effect on request.decide is in decide-declared,
    # decide-msc4484 and decide-stepup)
    PD4 = PD + " (v4 settings)"
    decl = {"method": "GET", "path": "/_synapse/client/x", "operation_id": "getX", "token": "required"}
    for doc in [{"server_administration_scope": "msc4484"}, {"server_administration_scope": "off"},
                {"required_scopes": {}}, {"required_scopes": {"createRoom": ["urn:example:rooms", "b"]}},
                {"endpoints": []}, {"endpoints": [decl]},
                {"endpoints": [decl], "guest_endpoints": ["getX"], "required_scopes": {"getX": ["a"]},
                 "step_up": [{"endpoints": ["getX"], "max_age": 5}]},
                {"step_up": [{"endpoints": ["createRoom"], "acr_values": ["!#$%&'()*+,-./:;<=>?@[]^_`{|}~"]}]}]:
        s.parse(d9, doc, ok=r9, source=PD4 + " accepted")
    for doc in [{"server_administration_scope": "on"}, {"server_administration_scope": True},
                {"required_scopes": []}, {"required_scopes": {"createRoom": []}},
                {"required_scopes": {"noSuchOperation": ["a"]}}, {"required_scopes": {"createRoom": ["a b"]}},
                {"endpoints": {}}, {"endpoints": [dict(decl, method="HEAD")]},
                {"endpoints": [dict(decl, token="bearer")]}, {"endpoints": [dict(decl, colour="red")]},
                {"guest_endpoints": ["getX"]},
                {"step_up": [{"endpoints": ["createRoom"], "acr_values": ["a b"]}]},
                {"step_up": [{"endpoints": ["createRoom"], "acr_values": [""]}]}]:
        s.parse("openid", doc, error="policy.invalid", source=PD4 + " rejected")
    s.add("device.validate", inp({"endpoints": [dict(decl, method="OPTIONS")]}, device_id="ABCDEFGHIJ"),
          error="policy.invalid", source=PD4 + " rejected")
    s.add("client.login_scope", inp({"server_administration_scope": "msc4484"}, device_id="ABCDEFGHIJ"),
          ok={"scope": "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ", "device_id": "ABCDEFGHIJ"},
          source=PD4 + " accepted")
    # issue 17 item 4: step-up acr_values that would break the challenge header (a quote, a raw
    # line break) are refused when the policy is loaded, whatever the op
    inject = {"step_up": [{"endpoints": ["createRoom"], "acr_values": ["a\"b", "c\r\nX-Injected: 1"]}]}
    NQ = PD4 + " rejected: step_up acr_values outside NQCHAR (RFC 6749 appendix A)"
    s.parse("openid", inject, error="policy.invalid", source=NQ)
    s.add("device.validate", inp(inject, device_id="ABCDEFGHIJ"), error="policy.invalid", source=NQ)
    s.add("client.login_scope", inp(inject, device_id="ABCDEFGHIJ"), error="policy.invalid", source=NQ)
    s.add("grant.decide", inp(inject, scope="openid", grant_type="authorization_code"),
          error="policy.invalid", source=NQ)
    s.add("scope.satisfies", inp({"preset": "mas", **inject}, granted="a", required="a"),
          error="policy.invalid", source=NQ)
    # issue 17 items 2 and 3: the limits that keep grant.decide within its per-call budget
    # (README Limits, Operator token patterns). At most 4,096 `exact` entries. A pattern set's
    # deterministic automaton is at most 1 MiB: `[a-z]*a[a-z]{k}` must remember the last k + 1
    # letters' a-or-not (2^(k+1) states), and the 26 such patterns, one per letter, together the
    # last k + 1 letters themselves (26^(k+1) states); every state takes at least one 4-byte
    # transition, so k = 20 alone (8 MiB) and the 26 with k = 4 together (47 MB) are over it,
    # while each k = 4 pattern alone (32 states) is far under.
    LIM = "README Limits (issue 17: the per-call budget of grant.decide)"
    exact = [f"t{i}" for i in range(4096)]
    s.parse(d9, {"extra_tokens": {"exact": exact, "patterns": []}}, ok=r9, source=LIM + ": 4,096 exact tokens")
    s.add("grant.decide", inp({"extra_tokens": {"exact": exact + ["t4096"], "patterns": []}}, scope="t1",
                              grant_type="authorization_code"), error="policy.invalid", source=LIM + ": 4,097 exact tokens")
    letters = "abcdefghijklmnopqrstuvwxyz"
    s.parse(d9, {"extra_tokens": {"exact": [], "patterns": ["[a-z]*a[a-z]{4}"]}}, ok=r9,
            source=LIM + ": an automaton of 32 states")
    s.parse(d9, {"extra_tokens": {"exact": [], "patterns": [f"[a-z]*{c}[a-z]{{4}}" for c in letters[:2]]}}, ok=r9,
            source=LIM + ": two such patterns, 3^5 states at most")
    s.parse("openid", {"extra_tokens": {"exact": [], "patterns": ["[a-z]*a[a-z]{20}"]}}, error="policy.invalid",
            source=LIM + ": one pattern whose automaton has 2^21 states")
    s.parse("openid", {"extra_tokens": {"exact": [], "patterns": [f"[a-z]*{c}[a-z]{{4}}" for c in letters]}},
            error="policy.invalid", source=LIM + ": 26 patterns that load alone, 26^5 states together")
    return s


def suite_policy_overrides():
    s = Suite("policy-overrides", "The engine-added settings scope_grammar, scope_limits and device_rules")
    C4 = POLICY + " (choice 4)"

    def v(device_id, policy, *, error=None, source=C4):
        s.add("device.validate", inp(policy, device_id=device_id), ok=None if error else {}, error=error, source=source)

    # scope_limits
    s.parse("a b", {"scope_limits": {"max_tokens": 2}}, ok=R(["a", "b"]), source=C4)
    s.parse("a b c", {"scope_limits": {"max_tokens": 2}}, error="scope.too_many_tokens", source=C4)
    s.parse("a a a", {"scope_limits": {"max_tokens": 2}}, error="scope.too_many_tokens", source=C4 + "; " + F_SCOPES)
    s.parse("a b c\t", {"scope_limits": {"max_tokens": 2}}, error="scope.too_many_tokens", source=C4 + "; " + F_ERRORS)
    s.parse("a b\t c", {"scope_limits": {"max_tokens": 2}}, error="scope.invalid_char", source=C4 + "; " + F_ERRORS)
    s.parse(" a  b ", {"preset": "synapse", "scope_limits": {"max_tokens": 2}}, ok=R(["a", "b"]), source=C4 + "; " + P_SYN)
    s.parse("abcdefghij", {"scope_limits": {"max_bytes": 10}}, ok=R(["abcdefghij"]), source=C4)
    s.parse("abcdefghijk", {"scope_limits": {"max_bytes": 10}}, error="scope.too_long", source=C4)
    s.parse("a\tbcdefghij", {"scope_limits": {"max_bytes": 10}}, error="scope.too_long", source=C4 + "; " + F_ERRORS)
    s.parse("a\tb", {"scope_limits": {"max_bytes": 10}}, error="scope.invalid_char", source=C4)
    s.parse("abcd\u00e9fghij", {"scope_limits": {"max_bytes": 10}}, error="scope.too_long", source=C4 + " (bytes)")
    s.parse("a", {"scope_limits": {"max_bytes": 1, "max_tokens": 1}}, ok=R(["a"]), source=C4)
    s.parse("a" * 5000, {"scope_limits": {"max_bytes": 1048576}}, ok=R(["a" * 5000]), source=C4)
    s.parse("a" * 5000, {"scope_limits": {"max_bytes": 8192}}, ok=R(["a" * 5000]), source=C4)
    t65 = numbered_tokens(65)
    s.parse(" ".join(t65), {"scope_limits": {"max_tokens": 4096}}, ok=R(t65), source=C4)
    s.parse(" ".join(t65), {"scope_limits": {"max_bytes": 8192}}, error="scope.too_many_tokens",
            source=C4 + " (objects merge over the preset)")
    s.parse("a" * 4097, {"scope_limits": {"max_tokens": 100}}, error="scope.too_long", source=C4 + " (objects merge over the preset)")
    s.parse(DEV_S + "SHORT", {"preset": "mas", "scope_limits": {"max_tokens": 2}}, error="device_id.too_short", source=C4)
    # scope_grammar
    s.parse("a  b", {"scope_grammar": "lenient"}, ok=R(["a", "b"]), source=C4)
    s.parse("", {"scope_grammar": "lenient"}, ok=EMPTY_SCOPE, source=C4)
    s.parse(" a\tb", {"scope_grammar": "lenient"}, error="scope.invalid_char", source=POLICY + " (choice 5)")
    s.parse("a\nb", {"scope_grammar": "lenient"}, error="scope.invalid_char", source=POLICY + " (choice 5)")
    s.parse("a  b", {"scope_grammar": "strict"}, error="scope.empty_token", source=C4)
    s.parse("", {"preset": "synapse", "scope_grammar": "strict"}, error="scope.empty", source=C4)
    s.parse("a  b", {"preset": "synapse", "scope_grammar": "strict"}, error="scope.empty_token", source=C4)
    s.parse(" " + DEV_S + dev_id(9), {"preset": "mas", "scope_grammar": "lenient"}, error="device_id.too_short", source=C4)
    s.parse(" " + DEV_S + dev_id(10), {"preset": "mas", "scope_grammar": "lenient"},
            ok=R([DEV_S + dev_id(10)], device=dev_id(10), ns=["stable"]), source=C4)
    # device_rules
    v("ab!cdefghij", {"device_rules": {"alphabet": "unreserved"}}, error="device_id.invalid_char")
    v("aZ09-._~", {"device_rules": {"alphabet": "unreserved"}})
    s.parse(DEV_S + "ab!c", {"device_rules": {"alphabet": "unreserved"}}, error="device_id.invalid_char", source=C4)
    s.parse(DEV_S + "ab~c", {"device_rules": {"alphabet": "unreserved"}}, ok=R([DEV_S + "ab~c"], device="ab~c", ns=["stable"]),
            source=C4)
    for ch in "!$&'()*+,;=:@/#":
        v("ABC" + ch, {"device_rules": {"alphabet": "unreserved"}}, error="device_id.invalid_char")
    v("ABC#", {"device_rules": {"alphabet": "mas"}}, error="device_id.invalid_char")
    v("ABC!", {"device_rules": {"alphabet": "mas"}}, source=C4 + " (min_length stays 1 from default)")
    v("ABC#", {"preset": "mas", "device_rules": {"alphabet": "scope_token"}}, error="device_id.too_short")
    v("ABCDEFGHI#", {"preset": "mas", "device_rules": {"alphabet": "scope_token"}})
    v("A", {"preset": "mas", "device_rules": {"min_length": 1}})
    v("A#", {"preset": "mas", "device_rules": {"min_length": 1}}, error="device_id.invalid_char",
      source=C4 + " (alphabet stays mas)")
    v("ABCDE", {"device_rules": {"max_length": 5}})
    v("ABCDEF", {"device_rules": {"max_length": 5}}, error="device_id.too_long")
    v("AB", {"device_rules": {"min_length": 3, "max_length": 3}}, error="device_id.too_short")
    v("ABC", {"device_rules": {"min_length": 3, "max_length": 3}})
    v("ABCD", {"device_rules": {"min_length": 3, "max_length": 3}}, error="device_id.too_long")
    v("", {"device_rules": {"min_length": 3}}, error="device_id.empty", source=C4 + "; " + F_DEV)
    v(dev_id(256), {"device_rules": {"max_length": 4096}})
    v("A" * 4096, {"device_rules": {"max_length": 4096}})
    v("A" * 4097, {"device_rules": {"max_length": 4096}}, error="device_id.too_long")
    v(dev_id(10), {"preset": "synapse", "device_rules": {"min_length": 12}}, error="device_id.too_short")
    s.parse(DEV_S + "ABCDEF", {"device_rules": {"max_length": 5}}, error="device_id.too_long", source=C4)
    s.add("client.login_scope", inp({"device_rules": {"alphabet": "unreserved"}}, device_id="ab!cdefghij"),
          error="device_id.invalid_char", source=C4 + "; " + POLICY + " (choice 2)")
    s.add("client.login_scope", inp({"device_rules": {"min_length": 3}}, device_id="ABC"),
          ok={"scope": API_S + " " + DEV_S + "ABC", "device_id": "ABC"}, source=C4 + "; " + POLICY + " (choice 2)")
    s.add("scope.satisfies", inp({"scope_limits": {"max_tokens": 1}}, granted="a", required="a b"),
          error="scope.too_many_tokens", source=C4 + "; " + F_SAT)
    s.add("scope.normalize", inp({"scope_grammar": "lenient"}, scope=" " + API_U + " ", form="stable"),
          ok={"canonical": API_S}, source=C4 + "; " + F_NORM)
    # invalid settings
    rejected = [
        {"scope_grammar": "loose"},
        {"scope_grammar": "Lenient"},
        {"scope_grammar": True},
        {"scope_grammar": {"mode": "strict"}},
        {"scope_limits": "big"},
        {"scope_limits": []},
        {"scope_limits": {"max_bytes": 0}},
        {"scope_limits": {"max_bytes": 1048577}},
        {"scope_limits": {"max_bytes": -1}},
        {"scope_limits": {"max_bytes": "4096"}},
        {"scope_limits": {"max_tokens": 0}},
        {"scope_limits": {"max_tokens": 4097}},
        {"scope_limits": {"max_tokens": True}},
        {"scope_limits": {"max_token": 10}},
        {"device_rules": []},
        {"device_rules": "mas"},
        {"device_rules": {"min_length": 0}},
        {"device_rules": {"min_length": -5}},
        {"device_rules": {"min_length": "1"}},
        {"device_rules": {"max_length": 4097}},
        {"device_rules": {"max_length": 0}},
        {"device_rules": {"min_length": 20, "max_length": 10}},
        {"device_rules": {"min_length": 300}},
        {"preset": "mas", "device_rules": {"max_length": 9}},
        {"device_rules": {"alphabet": "ascii"}},
        {"device_rules": {"alphabet": "MAS"}},
        {"device_rules": {"alphabet": ["A", "B"]}},
        {"device_rules": {"charset": "mas"}},
    ]
    for doc in rejected:
        s.parse("openid", doc, error="policy.invalid", source=C4)
    accepted = [
        {"scope_limits": {}},
        {"device_rules": {}},
        {"scope_limits": {"max_bytes": 1048576, "max_tokens": 4096}},
        {"device_rules": {"min_length": 255, "max_length": 255}},
        {"device_rules": {"min_length": 1, "max_length": 4096, "alphabet": "scope_token"}},
    ]
    for doc in accepted:
        s.parse("openid", doc, ok=R(["openid"]), source=C4)
    return s


SUITES = [
    ("scope-chars.json", suite_scope_chars),
    ("scope-whitespace.json", suite_scope_whitespace),
    ("scope-limits.json", suite_scope_limits),
    ("scope-precedence.json", suite_scope_precedence),
    ("scope-classify.json", suite_scope_classify),
    ("scope-satisfies.json", suite_scope_satisfies),
    ("scope-normalize.json", suite_scope_normalize),
    ("device-validate.json", suite_device_validate),
    ("device-in-scope.json", suite_device_in_scope),
    ("device-generate.json", suite_device_generate),
    ("login-scope.json", suite_login_scope),
    ("policy-documents.json", suite_policy_documents),
    ("policy-overrides.json", suite_policy_overrides),
]


# --------------------------------------------------------------------------------------------
# Reference model, used only to cross-check the hand-written expectations above.

class Err(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


PRESET_SETTINGS = {
    "default": {"scope_grammar": "strict", "max_bytes": 4096, "max_tokens": 64,
                "min_length": 1, "max_length": 255, "alphabet": "scope_token"},
    "mas": {"scope_grammar": "strict", "max_bytes": 4096, "max_tokens": 64,
            "min_length": 10, "max_length": 255, "alphabet": "mas"},
    "synapse": {"scope_grammar": "lenient", "max_bytes": 4096, "max_tokens": 64,
                "min_length": 1, "max_length": 255, "alphabet": "scope_token"},
}
# README Limits: `extra_tokens.exact` entries, and the deterministic automaton of the patterns.
MAX_EXACT_TOKENS = 4096
PATTERN_DFA_BYTES = 1 << 20
MEMORY_PATTERN = re.compile(r"\[a-z\]\*([a-z])\[a-z\]\{(\d+)\}")


def automaton_states_at_least(patterns):
    """A lower bound on the states of the patterns' deterministic automaton, for the one family
    the vectors use past the limit: `[a-z]*X[a-z]{k}` needs the last k + 1 letters' X-or-not
    (2^(k+1) states); n such patterns with distinct letters X, the same k, need n + 1 outcomes
    per letter ((n + 1)^(k+1) states), 26^(k+1) for all 26 letters. Any other pattern: 1."""
    found = [MEMORY_PATTERN.fullmatch(p) for p in patterns]
    if not patterns or not all(found):
        return 1
    ks = {int(m.group(2)) for m in found}
    letters = {m.group(1) for m in found}
    if len(ks) != 1 or len(letters) != len(patterns):
        return 1
    outcomes = min(len(letters) + 1, 26)
    return outcomes ** (ks.pop() + 1)


# operation ids used in the vectors, checked by hand against spec/endpoints.tsv
KNOWN_OPERATIONS = {"createRoom", "getJoinedRooms", "sendMessage", "sync"}


DECLARED_KEYS = {"method", "path", "operation_id", "token", "guest"}


def check_declared(value):
    """The shape of the v4 `endpoints` setting only; its full rules (starts, overlaps,
    redeclarations) are written out by hand in gen_decisions.py's decide-declared."""
    if not isinstance(value, list):
        raise Err("policy.invalid")
    ids = set()
    for e in value:
        if not isinstance(e, dict) or set(e) - DECLARED_KEYS or not {"method", "path", "token"} <= set(e):
            raise Err("policy.invalid")
        if not (isinstance(e["method"], str) and re.fullmatch(r"[A-Z]{1,32}", e["method"])
                and e["method"] not in ("HEAD", "OPTIONS")):
            raise Err("policy.invalid")
        if e["token"] not in ("none", "optional", "required", "appservice") or not isinstance(e["token"], str):
            raise Err("policy.invalid")
        if not isinstance(e["path"], str) or not e["path"].startswith("/"):
            raise Err("policy.invalid")
        if "guest" in e and not isinstance(e["guest"], bool):
            raise Err("policy.invalid")
        op = e.get("operation_id")
        if not (isinstance(op, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,128}", op)) or op in KNOWN_OPERATIONS:
            raise Err("policy.invalid")  # the vectors here declare new endpoints only
        ids.add(op)
    return ids


def resolve_policy(input_):
    if "policy" not in input_:
        return dict(PRESET_SETTINGS["default"])
    p = input_["policy"]
    if isinstance(p, str):
        if p not in PRESET_SETTINGS:
            raise Err("policy.unknown_preset")
        return dict(PRESET_SETTINGS[p])
    if not isinstance(p, dict):
        raise Err("policy.invalid")
    name = p.get("preset", "default")
    if not isinstance(name, str):
        raise Err("policy.invalid")
    if name not in PRESET_SETTINGS:
        raise Err("policy.unknown_preset")
    st = dict(PRESET_SETTINGS[name])
    known = set(KNOWN_OPERATIONS)
    if "endpoints" in p:
        known |= check_declared(p["endpoints"])

    def check_op_ids(value):
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise Err("policy.invalid")
        if any(x not in known for x in value):
            raise Err("policy.invalid")

    for key, value in p.items():
        if key in ("preset", "endpoints"):
            continue
        if key == "server_administration_scope":
            if not isinstance(value, str) or value not in ("off", "msc4484"):
                raise Err("policy.invalid")
            continue
        if key == "required_scopes":
            # none of KNOWN_OPERATIONS is token none or one of MSC4484's five
            if not isinstance(value, dict):
                raise Err("policy.invalid")
            for op, tokens in value.items():
                check_op_ids([op])
                if not isinstance(tokens, list) or not tokens:
                    raise Err("policy.invalid")
                if not all(isinstance(t, str) and t and set(t) <= NQCHAR for t in tokens):
                    raise Err("policy.invalid")
            continue
        if key == "approval":
            if value not in ("window", "single_use") or not isinstance(value, str):
                raise Err("policy.invalid")
        elif key == "legacy_endpoints":
            if not isinstance(value, bool):
                raise Err("policy.invalid")
        elif key == "unknown_endpoints":
            if not isinstance(value, str) or value not in ("allow", "deny"):
                raise Err("policy.invalid")
        elif key == "guest_endpoints":
            check_op_ids(value)
        elif key == "step_up":
            if not isinstance(value, list):
                raise Err("policy.invalid")
            for rule in value:
                if not isinstance(rule, dict) or set(rule) - {"endpoints", "max_age", "acr_values"}:
                    raise Err("policy.invalid")
                if "endpoints" not in rule:
                    raise Err("policy.invalid")
                check_op_ids(rule["endpoints"])
                if "max_age" not in rule and "acr_values" not in rule:
                    raise Err("policy.invalid")
                if "max_age" in rule and not (is_int(rule["max_age"]) and rule["max_age"] >= 0):
                    raise Err("policy.invalid")
                if "acr_values" in rule and not (isinstance(rule["acr_values"], list)
                                                 and all(isinstance(a, str) and a and set(a) <= NQCHAR
                                                         for a in rule["acr_values"])):
                    raise Err("policy.invalid")
        elif key == "extra_tokens":
            if not isinstance(value, dict) or set(value) - {"exact", "patterns"}:
                raise Err("policy.invalid")
            for sub in ("exact", "patterns"):
                items = value.get(sub, [])
                if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                    raise Err("policy.invalid")
            if len(value.get("exact", [])) > MAX_EXACT_TOKENS:
                raise Err("policy.invalid")
            for pat in value.get("patterns", []):
                try:
                    re.compile(pat)
                except re.error:
                    raise Err("policy.invalid")
            if automaton_states_at_least(value.get("patterns", [])) * 4 > PATTERN_DFA_BYTES:
                raise Err("policy.invalid")
        elif key == "scope_grammar":
            if not isinstance(value, str) or value not in ("strict", "lenient"):
                raise Err("policy.invalid")
            st["scope_grammar"] = value
        elif key == "scope_limits":
            if not isinstance(value, dict) or set(value) - {"max_bytes", "max_tokens"}:
                raise Err("policy.invalid")
            if "max_bytes" in value:
                if not (is_int(value["max_bytes"]) and 1 <= value["max_bytes"] <= 1048576):
                    raise Err("policy.invalid")
                st["max_bytes"] = value["max_bytes"]
            if "max_tokens" in value:
                if not (is_int(value["max_tokens"]) and 1 <= value["max_tokens"] <= 4096):
                    raise Err("policy.invalid")
                st["max_tokens"] = value["max_tokens"]
        elif key == "device_rules":
            if not isinstance(value, dict) or set(value) - {"min_length", "max_length", "alphabet"}:
                raise Err("policy.invalid")
            if "min_length" in value:
                if not (is_int(value["min_length"]) and value["min_length"] >= 1):
                    raise Err("policy.invalid")
                st["min_length"] = value["min_length"]
            if "max_length" in value:
                if not (is_int(value["max_length"]) and 1 <= value["max_length"] <= 4096):
                    raise Err("policy.invalid")
                st["max_length"] = value["max_length"]
            if "alphabet" in value:
                if not isinstance(value["alphabet"], str) or value["alphabet"] not in ("scope_token", "unreserved", "mas"):
                    raise Err("policy.invalid")
                st["alphabet"] = value["alphabet"]
            if st["min_length"] > st["max_length"]:
                raise Err("policy.invalid")
        else:
            raise Err("policy.invalid")
    return st


def m_check_device(did, st):
    alphabet = {"scope_token": NQCHAR, "mas": MAS_CHARS, "unreserved": UNRESERVED}[st["alphabet"]]
    if did == "":
        return "device_id.empty"
    if any(c not in alphabet for c in did):
        return "device_id.invalid_char"
    if len(did) < st["min_length"]:
        return "device_id.too_short"
    if len(did) > st["max_length"]:
        return "device_id.too_long"
    return None


def m_device_of(token):
    for prefix in (DEV_S, DEV_U):
        if token.startswith(prefix):
            return token[len(prefix):]
    return None


def m_parse(scope, st, empty_ok=False):
    if len(scope.encode("utf-8")) > st["max_bytes"]:
        raise Err("scope.too_long")
    strict = st["scope_grammar"] == "strict"
    if scope == "":
        if strict and not empty_ok:
            raise Err("scope.empty")
        return []
    count = 0
    n = len(scope)
    for i, c in enumerate(scope):
        if c == " ":
            if strict and (i == 0 or scope[i - 1] == " " or i == n - 1):
                raise Err("scope.empty_token")
            continue
        if c not in NQCHAR:
            raise Err("scope.invalid_char")
        if i == 0 or scope[i - 1] == " ":
            count += 1
            if count > st["max_tokens"]:
                raise Err("scope.too_many_tokens")
    tokens = [t for t in scope.split(" ") if t]
    ids = set()
    for t in tokens:
        did = m_device_of(t)
        if did is not None:
            code = m_check_device(did, st)
            if code:
                raise Err(code)
            ids.add(did)
    if len(ids) > 1:
        raise Err("scope.multiple_devices")
    return tokens


def m_classify(tokens):
    toks = canon_sorted(tokens)
    ns = set()
    device = None
    for t in toks:
        did = m_device_of(t)
        if did is not None:
            device = did
        if t in (API_S,) or t.startswith(DEV_S):
            ns.add("stable")
        if t in (API_U,) or t.startswith(DEV_U):
            ns.add("unstable")
    return {
        "tokens": toks,
        "canonical": " ".join(toks),
        "api": "full" if (API_S in toks or API_U in toks) else "none",
        "device": device,
        "synapse_admin": ADMIN in toks,
        "namespaces": sorted(ns),
    }


def m_need_str(input_, key):
    if key not in input_ or not isinstance(input_[key], str):
        raise Err("input.invalid")
    return input_[key]


def m_cover_key(token):
    if token in (API_S, API_U):
        return ("api",)
    did = m_device_of(token)
    if did is not None:
        return ("device", did)
    return ("token", token)


def m_rewrite(tokens, form):
    out = []
    for t in tokens:
        did = m_device_of(t)
        if t in (API_S, API_U):
            forms = {"stable": [API_S], "unstable": [API_U], "both": [API_S, API_U]}[form]
        elif did is not None:
            forms = {"stable": [DEV_S + did], "unstable": [DEV_U + did], "both": [DEV_S + did, DEV_U + did]}[form]
        else:
            forms = [t]
        out.extend(forms)
    return " ".join(canon_sorted(out))


HEX = frozenset("0123456789abcdefABCDEF")


def m_entropy(value):
    if not isinstance(value, str) or len(value) % 2 != 0 or any(c not in HEX for c in value):
        raise Err("input.invalid")
    return value


def model(op, input_):
    st = resolve_policy(input_)
    if op == "scope.parse":
        return m_classify(m_parse(m_need_str(input_, "scope"), st))
    if op == "scope.satisfies":
        granted = m_need_str(input_, "granted")
        required = m_need_str(input_, "required")
        g = m_parse(granted, st, empty_ok=True)
        r = m_parse(required, st, empty_ok=True)
        have = {m_cover_key(t) for t in g}
        missing = canon_sorted([t for t in r if m_cover_key(t) not in have])
        return {"satisfied": not missing, "missing": missing}
    if op == "scope.normalize":
        scope = m_need_str(input_, "scope")
        form = m_need_str(input_, "form")
        if form not in ("stable", "unstable", "both"):
            raise Err("input.invalid")
        return {"canonical": m_rewrite(m_parse(scope, st), form)}
    if op == "device.validate":
        code = m_check_device(m_need_str(input_, "device_id"), st)
        if code:
            raise Err(code)
        return {}
    if op == "device.generate":
        entropy = m_entropy(input_.get("entropy"))
        length = input_.get("length", 10)
        if not is_int(length) or not 1 <= length <= 255:
            raise Err("input.invalid")
        did = reference_generate(entropy, length)
        if did is None:
            raise Err("entropy.insufficient")
        return {"device_id": did}
    if op == "client.login_scope":
        has_dev, has_ent = "device_id" in input_, "entropy" in input_
        if has_dev and not isinstance(input_["device_id"], str):
            raise Err("input.invalid")
        form = input_.get("form", "stable")
        if not isinstance(form, str) or form not in ("stable", "unstable", "both"):
            raise Err("input.invalid")
        extra = input_.get("extra", [])
        if not isinstance(extra, list) or not all(isinstance(x, str) for x in extra):
            raise Err("input.invalid")
        if not has_dev and not has_ent:
            raise Err("input.invalid")
        if has_ent:
            entropy = m_entropy(input_["entropy"])
        if has_dev:
            did = input_["device_id"]
            code = m_check_device(did, st)
            if code:
                raise Err(code)
        else:
            did = reference_generate(entropy, 10)
            if did is None:
                raise Err("entropy.insufficient")
        base = {"stable": [API_S, DEV_S + did], "unstable": [API_U, DEV_U + did],
                "both": [API_S, DEV_S + did, API_U, DEV_U + did]}[form]
        tokens = m_parse(" ".join(base + extra), st)
        return {"scope": " ".join(canon_sorted(tokens)), "device_id": did}
    raise Err("op.unknown")


def subset_match(pattern, value):
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and subset_match(v, value[k]) for k, v in pattern.items())
    if isinstance(pattern, list):
        return isinstance(value, list) and len(pattern) == len(value) and all(
            subset_match(p, v) for p, v in zip(pattern, value))
    return type(pattern) is type(value) and pattern == value


def cross_check(case):
    try:
        actual = {"ok": model(case["op"], case["input"])}
    except Err as e:
        actual = {"error": e.code}
    exp = case["expect"]
    if "error" in exp:
        good = actual.get("error") == exp["error"]
    else:
        good = "ok" in actual and subset_match(exp["ok"], actual["ok"])
    if not good:
        raise SystemExit("hand-written expectation and reference model disagree on %s:\n  expected %r\n  model    %r"
                         % (case["id"], exp, actual))


# --------------------------------------------------------------------------------------------

INVISIBLE = re.compile("[\u0080-\u00a0\u2000-\u200f\u2028\u2029\u3000\ufeff]")


def to_json(document):
    """UTF-8 JSON; control characters are escaped by json.dumps, and invisible or blank
    non-ASCII characters are escaped here so that the files show them."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return INVISIBLE.sub(lambda m: "\\u%04x" % ord(m.group(0)), text)


def main():
    total = 0
    for filename, build in SUITES:
        suite = build()
        for case in suite.cases:
            cross_check(case)
        text = to_json(suite.document())
        with open(os.path.join(OUT_DIR, filename), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        total += len(suite.cases)
        print("%-24s %4d cases" % (filename, len(suite.cases)))
    print("total %d cases" % total)


if __name__ == "__main__":
    sys.exit(main())
