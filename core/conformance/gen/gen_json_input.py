#!/usr/bin/env python3
"""Conformance vectors for how every op reads its JSON input (python3 standard library only).

Writes `core/conformance/json-input.json`, and `error-paths.json` (errors that carry `path`). The rules are FORMAT.md v4 ("Registration checks"):
numbers of any size are read; unlisted fields are ignored at any depth up to the nesting limit
of 128, the outermost value counting as 1, and deeper is `input.invalid` in every op; a metadata
document's size is its compact serialization with numbers spelled as in the input.

Two forms of case:

- `input`: a JSON value, as every runner hands its host's values over. Numbers here are small
  integers only, which every host spells the same.
- `input_json`: the input as JSON text, for what a host's JSON values cannot hold (`1e400`,
  2^64 in JavaScript, a size that depends on a number's spelling). Runners hand the text to the
  binding's text entry point (`evaluate_json`, `evaluateJson`, or `evaluate` with a `str`).

Every expectation is written by hand from those rules. A small model below (depth of the parsed
value, compact size with numbers kept as written) restates the two limits independently of the
engine and cross-checks each case; the engine is never linked, run or consulted.

    python3 core/conformance/gen/gen_json_input.py
"""

import json
import os
import sys

OUT = os.path.join(os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")),
                   "json-input.json")
FMT = "FORMAT.md v4 Registration checks (numbers of any size, nesting limit 128, compact size)"
LIMIT_DEPTH = 128
LIMIT_BYTES = 65536

# The valid web client of the registration vectors (gen_registration.py), the one document both
# generators start from.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_registration import WEB  # noqa: E402


class Number(str):
    """A JSON number kept as its text."""


def read(text):
    return json.loads(text, parse_float=Number, parse_int=Number, parse_constant=Number)


def depth(value):
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
    if children is None:
        return 0
    return 1 + max((depth(c) for c in children), default=0)


def compact(value):
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(compact(k) + ":" + compact(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(compact(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def size(value):
    return len(compact(value).encode("utf-8"))


def nest(levels, inner=None, kind="array"):
    """`levels` nested arrays (or objects under the key `n`) around `inner`."""
    value = inner
    for _ in range(levels):
        if kind == "array":
            value = [] if value is None else [value]
        else:
            value = {} if value is None else {"n": value}
    return value


def verdict(codes):
    return {"ok": {"valid": not codes, "violations": sorted(codes)}}


def error(code):
    return {"error": code}


cases = []


def add(op, expect, *, value=None, text=None, note=""):
    case = {"id": "json-input-%03d" % (len(cases) + 1), "op": op}
    if text is None:
        case["input"] = value
        parsed = value
    else:
        case["input_json"] = text
        parsed = read(text)
    case["expect"] = expect
    case["source"] = FMT + (": " + note if note else "")
    # The model's cross-check of the two limits.
    too_deep = depth(parsed) > LIMIT_DEPTH
    assert too_deep == (expect == error("input.invalid") and "deep" in note), case["id"]
    if not too_deep and op == "client_metadata.validate" and "ok" in expect:
        too_large = size(parsed["metadata"]) > LIMIT_BYTES
        assert too_large == (expect["ok"]["violations"] == ["metadata.too_large"]), case["id"]
    cases.append(case)


def metadata_with(field, value):
    doc = dict(WEB)
    doc[field] = value
    return {"metadata": doc}


def padded_text(extra, target):
    """WEB plus `extra` (raw JSON text of more fields) and a filler string, as text whose
    compact form is `target` bytes."""
    head = compact(read(json.dumps(WEB)))[:-1] + "," + extra + ',"x_pad":"'
    gap = target - len(head.encode()) - 2
    assert gap > 0
    return head + "a" * gap + '"}'


def main():
    cv = "client_metadata.validate"
    # Nesting, as host values: the input object is level 1, `metadata` level 2.
    add(cv, verdict([]), value=metadata_with("x_unlisted", nest(LIMIT_DEPTH - 2)),
        note="unlisted arrays, the input 128 deep")
    add(cv, error("input.invalid"), value=metadata_with("x_unlisted", nest(LIMIT_DEPTH - 1)),
        note="unlisted arrays, the input 129 deep")
    add(cv, verdict([]), value=metadata_with("x_unlisted", nest(LIMIT_DEPTH - 2, kind="object")),
        note="unlisted objects, the input 128 deep")
    add(cv, error("input.invalid"), value=metadata_with("x_unlisted", nest(LIMIT_DEPTH - 1, kind="object")),
        note="unlisted objects, the input 129 deep")
    add(cv, error("input.invalid"), value=metadata_with("x_unlisted", nest(200)),
        note="unlisted arrays, the input 202 deep")
    add(cv, error("input.invalid"), value={"metadata": nest(LIMIT_DEPTH)},
        note="a metadata value 129 deep in the input (deep before not-an-object)")
    add(cv, verdict(["metadata.invalid_type"]), value={"metadata": nest(LIMIT_DEPTH - 1)},
        note="a metadata array at the depth limit is read, and is not an object")
    # Every op reads its input alike: an unlisted field in scope.parse and in device.validate.
    add("scope.parse", {"ok": {"tokens": ["openid"], "canonical": "openid"}},
        value={"scope": "openid", "x_unlisted": nest(LIMIT_DEPTH - 1)}, note="scope.parse, 128 deep")
    add("scope.parse", error("input.invalid"),
        value={"scope": "openid", "x_unlisted": nest(LIMIT_DEPTH)}, note="scope.parse, 129 deep")
    add("device.validate", {"ok": {}}, value={"device_id": "ABCDEFGHIJ", "x_unlisted": nest(LIMIT_DEPTH - 1)},
        note="device.validate, 128 deep")
    add("device.validate", error("input.invalid"),
        value={"device_id": "ABCDEFGHIJ", "x_unlisted": nest(LIMIT_DEPTH)}, note="device.validate, 129 deep")
    add(cv, error("input.invalid"), value={"metadata": WEB, "policy": {"x_unlisted": nest(LIMIT_DEPTH - 1)}},
        note="a policy document 129 deep in the input: deep, read before the policy")

    # Nesting, as text.
    web = compact(read(json.dumps(WEB)))[:-1]
    for levels, expect, note in [(LIMIT_DEPTH - 2, verdict([]), "text, the input 128 deep"),
                                 (LIMIT_DEPTH - 1, error("input.invalid"), "text, the input 129 deep")]:
        add(cv, expect, text='{"metadata":' + web + ',"x_unlisted":' + "[" * levels + "]" * levels + "}}", note=note)
    # Brackets inside strings are not nesting.
    add(cv, verdict([]), text='{"metadata":' + web + ',"x_unlisted":"' + "[" * 300 + '"}}',
        note="brackets in a string do not nest")

    # Numbers of any size, as text: read, ignored where unlisted.
    for number in ["1e400", "-1e400", "1e-400", "18446744073709551616", "-18446744073709551617",
                   "123456789012345678901234567890.5", "0.1e999999999"]:
        add(cv, verdict([]), text='{"metadata":' + web + ',"x_unlisted":' + number + "}}",
            note="an unlisted number " + number)
    add(cv, verdict([]), text='{"metadata":' + web + ',"x_unlisted":{"n":[1e400,{"m":-2e-999}]}}}',
        note="large numbers nested in an unlisted field")
    # A listed field holding one: the field's wrong type, not unreadable input.
    add(cv, verdict(["client_uri.invalid_type"]),
        text='{"metadata":' + web.replace('"client_uri":"https://example.com/"', '"client_uri":1e400') + "}}",
        note="a large number where a string belongs is that field's wrong type")
    # Integer fields: a number past the field's range is input.invalid, as any out-of-range one.
    for number in ["1e400", "18446744073709551616", "256"]:
        add("device.generate", error("input.invalid"),
            text='{"entropy":"00010203040506070809","length":' + number + "}",
            note="device.generate length " + number + " is not an integer from 1 to 255")
    add("device.generate", {"ok": {"device_id": "ABCDEFGHIJ"}},
        text='{"entropy":"00010203040506070809","length":10,"x_unlisted":1e400}',
        note="device.generate ignores an unlisted large number")

    # Size: the compact form with numbers spelled as in the input; insignificant whitespace in
    # the text does not count.
    big = '"x_big":18446744073709551616'
    text = padded_text(big, LIMIT_BYTES)
    add(cv, verdict([]), text='{"metadata":' + text + "}", note="65,536 bytes holding 2^64 as written")
    text = padded_text(big, LIMIT_BYTES + 1)
    add(cv, verdict(["metadata.too_large"]), text='{"metadata":' + text + "}",
        note="65,537 bytes holding 2^64 as written")
    text = padded_text('"x_big":1e400', LIMIT_BYTES + 1)
    add(cv, verdict(["metadata.too_large"]), text='{"metadata":' + text + "}",
        note="65,537 bytes holding 1e400: too large, not unreadable")
    # A number whose spelling the engine's serializer keeps byte for byte (serde_json writes a
    # positive exponent with its sign, `1e400` as `1e+400`: README "JSON input").
    fields = [json.dumps(k) + ": " + json.dumps(v) for k, v in WEB.items()] + ['"x_big": -1.5E-400']
    head = "{\n  " + ",\n  ".join(fields) + ',\n  "x_pad": "'
    gap = LIMIT_BYTES - size(read(head + '"}'))
    add(cv, verdict([]), text='{"metadata": ' + head + "a" * gap + '"\n}\n}',
        note="65,536 compact bytes, with whitespace between tokens")

    write_error_paths()
    doc = {
        "suite": "json-input",
        "description": "How every op reads JSON input: numbers of any size, the nesting limit "
                       "of 128, and a document's compact size with numbers as written",
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=True) + "\n")
    print("%s %d cases" % (os.path.basename(OUT), len(cases)))
    return 0


def write_error_paths():
    """`error-paths.json`: errors that pin `path` (FORMAT.md v4 Explanations), a JSON pointer
    (RFC 6901) into the op's input, or into the policy document for `policy.invalid`. Each
    pointer is written by hand from the input below it."""
    src = "FORMAT.md v4 Explanations (error path, RFC 6901 JSON pointer)"
    out = []

    def case(op, inp, code, path, note):
        out.append({"id": "error-paths-%03d" % (len(out) + 1), "op": op, "input": inp,
                    "expect": {"error": code, "path": path}, "source": src + ": " + note})

    sync = {"method": "GET", "path": "/_matrix/client/v3/sync"}
    case("request.decide", {"path": "/_matrix/client/v3/sync"}, "input.invalid", "/method", "a missing field")
    case("request.decide", dict(sync, token={"scope": 5}), "input.invalid", "/token/scope", "a nested wrong type")
    case("request.decide", dict(sync, token={"scope": "openid", "guest": "yes"}), "input.invalid", "/token/guest",
         "a nested wrong type")
    case("request.decide", dict(sync, context={"room": {"guest_access": 5}}), "input.invalid",
         "/context/room/guest_access", "two levels down")
    case("request.decide", dict(sync, now="soon"), "input.invalid", "/now", "a top-level wrong type")
    case("grant.decide", {"scope": "openid", "grant_type": "authorization_code", "user": {"admin": "yes"}},
         "input.invalid", "/user/admin", "grant.decide")
    case("scope.parse", {"scope": 5}, "input.invalid", "/scope", "scope.parse")
    # Policy documents: the pointer is into the document.
    def policy(doc, path, note):
        case("scope.parse", {"scope": "openid", "policy": doc}, "policy.invalid", path, note)

    policy({"approval": "sometimes"}, "/approval", "a value outside its set")
    policy({"no_such_setting": 1}, "/no_such_setting", "an unknown setting")
    policy({"preset": 5}, "/preset", "a preset that is not a string")
    policy({"scope_limits": {"max_bytes": -1}}, "/scope_limits/max_bytes", "a nested wrong type")
    policy({"scope_limits": {"max_words": 1}}, "/scope_limits/max_words", "a nested unknown setting")
    policy({"step_up": [{"endpoints": ["createRoom"], "max_age": 300}, {"endpoints": ["sync"], "max_age": "x"}]},
           "/step_up/1/max_age", "the second rule's max_age")
    policy({"step_up": [{"max_age": 300}]}, "/step_up/0", "a rule without endpoints")
    policy({"step_up": [{"endpoints": ["createRoom"], "acr_values": ["a", 2]}]}, "/step_up/0/acr_values/1",
           "an array entry of the wrong type")
    policy({"required_scopes": {"createRoom": ["urn:example:rooms", 5]}}, "/required_scopes/createRoom/1",
           "a required scope of the wrong type")
    policy({"required_scopes": {"a/b~c": 5}}, "/required_scopes/a~1b~0c", "RFC 6901 escapes ~ and /")
    policy({"extra_tokens": {"exact": "urn:example:a"}}, "/extra_tokens/exact", "not an array")
    policy({"endpoints": [{"method": "GET", "path": "/_synapse/client/x", "token": "sometimes"}]},
           "/endpoints/0/token", "a declared endpoint's token outside its set")
    policy({"endpoints": [{"method": "GET", "token": "required"}]}, "/endpoints/0", "a declared endpoint without path")
    policy({"guest_endpoints": "createRoom"}, "/guest_endpoints", "not an array")
    # Checks past the document's shape: the pointer still names the entry.
    policy({"step_up": [{"endpoints": ["createRoom"], "acr_values": ["urn:acr:2fa", "two words"]}]},
           "/step_up/0/acr_values/1", "an acr_values entry that is not NQCHAR")
    policy({"step_up": [{"endpoints": ["createRoom", "noSuchOperation"], "max_age": 300}]},
           "/step_up/0/endpoints/1", "a step-up rule naming an unknown operation")
    policy({"step_up": [{"endpoints": ["getVersions"], "max_age": 300}, {"endpoints": ["getWellknown"], "max_age": 1}]},
           "/step_up/1/endpoints/0", "a step-up rule naming an endpoint that takes no token")
    policy({"step_up": [{"endpoints": ["createRoom"]}]}, "/step_up/0", "a rule with neither max_age nor acr_values")
    policy({"guest_endpoints": ["getJoinedRooms", "noSuchOperation"]}, "/guest_endpoints/1", "an unknown guest endpoint")
    policy({"required_scopes": {"createRoom": ["urn:example:a b"]}}, "/required_scopes/createRoom/0",
           "a required scope that is not one token")
    policy({"required_scopes": {"createRoom": []}}, "/required_scopes/createRoom", "an empty required_scopes entry")
    policy({"scope_limits": {"max_bytes": 0}}, "/scope_limits/max_bytes", "a limit out of its range")
    policy({"device_rules": {"min_length": 12, "max_length": 10}}, "/device_rules", "device rules that contradict")
    policy({"extra_tokens": {"patterns": ["urn:example:[a-z]+", "urn:example:("]}}, "/extra_tokens/patterns/1",
           "a pattern that does not compile")
    policy({"endpoints": [{"method": "get", "path": "/_synapse/client/x", "operation_id": "getX", "token": "required"}]},
           "/endpoints/0", "a declared endpoint with a lower-case method")
    doc = {
        "suite": "error-paths",
        "description": "Errors that carry path: a JSON pointer into the op's input, or into the policy "
                       "document for policy.invalid",
        "cases": out,
    }
    path = os.path.join(os.path.dirname(OUT), "error-paths.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=True) + "\n")
    print("%s %d cases" % (os.path.basename(path), len(out)))


if __name__ == "__main__":
    sys.exit(main())
