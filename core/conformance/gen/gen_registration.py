#!/usr/bin/env python3
"""Conformance vectors for the registration checks (python3 standard library only).

Writes `core/conformance/redirect-*.json`, `client-metadata-*.json` and
`server-metadata-*.json` for the ops `redirect_uri.check`, `client_metadata.validate` and
`server_metadata.validate`.

Every expectation below is written by hand from the spec notes (section 5.1 to 5.5 of
`shared/spec/matrix-oauth-spec.md`), the RFCs and the choices pinned in
`core/conformance/CHOICES-registration.md`. The small model at the top of this file restates
those rules independently of the engine and is used only as a cross-check: the generator
refuses to write anything when a hand-written expectation and the model disagree. The engine
is never linked, run or consulted.

Re-running reproduces the files byte for byte:

    python3 core/conformance/gen/gen_registration.py
"""

import ipaddress
import unicodedata
import json
import os
import re
import sys
import unicodedata

OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# ---------------------------------------------------------------------------------------------
# Reference model of the pinned rules (cross-check only)
# ---------------------------------------------------------------------------------------------

_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|" + _PCT + r")"
_QUERY_OR_FRAGMENT = r"(?:" + _PCHAR + r"|[/?])*"
_SEGMENT = _PCHAR + r"*"
_USERINFO = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|" + _PCT + r")*"
_REG_NAME = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|" + _PCT + r")*"
_IPVFUTURE = r"[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+"
_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4 = _DEC_OCTET + r"(?:\." + _DEC_OCTET + r"){3}"

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
MAX_METADATA_BYTES = 65536


def _full(pattern, text):
    return re.fullmatch(pattern, text) is not None


def parse_uri(s):
    """RFC 3986 `URI` (absolute, optional fragment), port at most 65535. None when invalid."""
    if not isinstance(s, str) or not s.isascii():
        return None
    original = s
    fragment = None
    if "#" in s:
        s, fragment = s.split("#", 1)
        if not _full(_QUERY_OR_FRAGMENT, fragment):
            return None
    query = None
    if "?" in s:
        s, query = s.split("?", 1)
        if not _full(_QUERY_OR_FRAGMENT, query):
            return None
    m = re.match(_SCHEME + ":", s)
    if m is None:
        return None
    scheme = s[: m.end() - 1]
    rest = s[m.end():]
    uri = {"text": original, "scheme": scheme, "authority": None, "userinfo": None,
           "host": None, "port": None, "hostport_start": None, "hostport": None,
           "query": query, "fragment": fragment}
    if rest.startswith("//"):
        after = rest[2:]
        slash = after.find("/")
        authority = after if slash < 0 else after[:slash]
        path = "" if slash < 0 else after[slash:]
        if not all(_full(_SEGMENT, seg) for seg in path.split("/")[1:]):
            return None
        hostport = authority
        if "@" in authority:
            userinfo, hostport = authority.split("@", 1)
            if not _full(_USERINFO, userinfo):
                return None
            uri["userinfo"] = userinfo
        if hostport.startswith("["):
            close = hostport.find("]")
            if close < 0:
                return None
            host, tail = hostport[: close + 1], hostport[close + 1:]
            inside = host[1:-1]
            if inside[:1] in ("v", "V"):
                if not _full(_IPVFUTURE, inside):
                    return None
            else:
                if "%" in inside:
                    return None
                try:
                    ipaddress.IPv6Address(inside)
                except ValueError:
                    return None
            if tail == "":
                port = None
            elif tail.startswith(":"):
                port = tail[1:]
            else:
                return None
        else:
            host, sep, port = hostport.partition(":")
            if not sep:
                port = None
            if not _full(_REG_NAME, host):
                return None
        if port is not None:
            if not _full(r"[0-9]*", port) or (port != "" and int(port) > 65535):
                return None
        uri["authority"] = authority
        uri["host"] = host
        uri["port"] = port
        uri["hostport"] = hostport
        uri["hostport_start"] = len(scheme) + 3 + (len(authority) - len(hostport))
    else:
        if not all(_full(_SEGMENT, seg) for seg in rest.split("/")):
            return None
    return uri


def is_ip_host(host):
    return host.startswith("[") or _full(_IPV4, host)


def idna_label_ok(label):
    """UTS 46 section 4.1 on an xn-- label, as the WHATWG host parser applies it: the label must
    decode (RFC 3492), contain a non-ASCII character, be in NFC, and hold only valid code points.
    A small model: a code point counts as valid when NFKC and case folding leave it unchanged
    (UTS 46's mapping is NFKC_Casefold-based), which holds for the labels the vectors use."""
    if not label.lower().startswith("xn--"):
        return True
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return False
    if decoded.isascii() or unicodedata.normalize("NFC", decoded) != decoded:
        return False
    return all(unicodedata.normalize("NFKC", c).casefold() == c for c in decoded)


def host_idna_ok(host):
    return is_ip_host(host) or all(idna_label_ok(label) for label in host.split("."))


def host_under_base(host, base):
    """Same host or a subdomain by whole labels; an IP host or base matches only itself."""
    host = host.lower()
    if is_ip_host(host) or is_ip_host(base):
        return host == base
    h = host.split(".")[::-1]
    b = base.split(".")[::-1]
    return len(h) >= len(b) and h[: len(b)] == b


def scheme_matches_base(scheme, base):
    """The scheme's labels start with all labels of the reversed base host."""
    if is_ip_host(base):
        return False
    s = scheme.lower().split(".")
    b = base.split(".")[::-1]
    return len(s) >= len(b) and s[: len(b)] == b


def https_field_rule(value, order, base=None):
    """First failing rule of an https URI field, or None. `order` lists the rules checked."""
    uri = parse_uri(value)
    if uri is None:
        return "syntax"
    for rule in order:
        if rule == "fragment" and uri["fragment"] is not None:
            return rule
        if rule == "query" and uri["query"] is not None:
            return rule
        if rule == "userinfo" and uri["userinfo"] is not None:
            return rule
        if rule == "not_https" and uri["scheme"].lower() != "https":
            return rule
        if rule == "host":
            if not uri["host"] or not host_idna_ok(uri["host"]):
                return rule
            if base is not None and not host_under_base(uri["host"], base):
                return rule
    return None


CLIENT_URI_ORDER = ("userinfo", "not_https", "host")


def client_base(client_uri):
    """The lower-cased host of a valid client_uri, else None."""
    if not isinstance(client_uri, str) or https_field_rule(client_uri, CLIENT_URI_ORDER):
        return None
    return parse_uri(client_uri)["host"].lower()


def redirect_rule(value, base, app_type, stage="registration", registered=()):
    """First failing redirect rule, or None. base/app_type None: dependent checks skipped."""
    uri = parse_uri(value)
    if uri is None:
        return "syntax"
    if uri["fragment"] is not None:
        return "fragment"
    if uri["userinfo"] is not None:
        return "userinfo"
    if app_type is None:
        return None
    scheme = uri["scheme"].lower()
    if app_type == "web":
        if scheme != "https":
            return "not_https"
        kind = "https"
    elif scheme == "https":
        kind = "https"
    elif scheme == "http":
        kind = "loopback"
    else:
        kind = "private"
        if base is not None and not scheme_matches_base(scheme, base):
            return "scheme"
    if kind == "https":
        if not uri["host"] or not host_idna_ok(uri["host"]) or (
                base is not None and not host_under_base(uri["host"], base)):
            return "host"
    elif kind == "loopback":
        if uri["host"] is None or uri["host"].lower() not in LOOPBACK_HOSTS:
            return "host"
    elif uri["authority"] is not None:
        return "host"
    if kind == "loopback" and stage == "registration" and uri["port"] is not None:
        return "port"
    if stage == "authorization":
        if value in registered:
            return None
        if kind == "loopback" and uri["port"] is not None:
            start = uri["hostport_start"]
            stripped = value[:start] + uri["host"] + value[start + len(uri["hostport"]):]
            if stripped in registered:
                return None
        return "not_registered"
    return None


def model_policy_error(inp):
    policy = inp.get("policy")
    if policy is None:
        return None
    if isinstance(policy, str):
        return None if policy in ("default", "mas", "synapse") else "policy.unknown_preset"
    raise AssertionError("the registration vectors use preset names only")


def model_redirect_check(inp):
    err = model_policy_error(inp)
    if err:
        return {"error": err}
    uri = inp.get("redirect_uri")
    client = inp.get("client_uri")
    app = inp.get("application_type")
    stage = inp.get("stage", "registration")
    registered = inp.get("registered", [])
    if not isinstance(uri, str) or not isinstance(client, str):
        return {"error": "input.invalid"}
    if app not in ("web", "native") or stage not in ("registration", "authorization"):
        return {"error": "input.invalid"}
    if not isinstance(registered, list) or not all(isinstance(r, str) for r in registered):
        return {"error": "input.invalid"}
    base = client_base(client)
    if base is None:
        return {"error": "input.invalid"}
    rule = redirect_rule(uri, base, app, stage, registered)
    return {"ok": {"valid": rule is None,
                   "violation": None if rule is None else "redirect_uri." + rule}}


def compact_size(value):
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def is_str_array(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def model_client_metadata(md):
    if compact_size(md) > MAX_METADATA_BYTES:
        return ["metadata.too_large"]
    if not isinstance(md, dict):
        return ["metadata.invalid_type"]
    out = set()

    cu = md.get("client_uri")
    if "client_uri" not in md:
        out.add("client_uri.missing")
    elif not isinstance(cu, str):
        out.add("client_uri.invalid_type")
    else:
        rule = https_field_rule(cu, CLIENT_URI_ORDER)
        if rule:
            out.add("client_uri." + rule)
    base = client_base(cu)

    for key, value in md.items():
        field = key.split("#", 1)[0] if "#" in key else key
        if field == "client_name" and (key == field or "#" in key):
            if not isinstance(value, str):
                out.add("client_name.invalid_type")
        if field in ("logo_uri", "tos_uri", "policy_uri"):
            if not isinstance(value, str):
                out.add(field + ".invalid_type")
                continue
            rule = https_field_rule(value, ("userinfo", "not_https", "host"), base)
            if rule:
                out.add(field + "." + rule)

    app = md.get("application_type", "web")
    if not isinstance(app, str):
        out.add("application_type.invalid_type")
        app = None
    elif app not in ("web", "native"):
        out.add("application_type.unknown")
        app = None

    grants = md.get("grant_types", ["authorization_code"])
    if not is_str_array(grants):
        out.add("grant_types.invalid_type")
        grants = None
    code_grant = grants is not None and "authorization_code" in grants
    if code_grant and "refresh_token" not in grants:
        out.add("grant_types.missing_refresh_token")

    rtypes = md.get("response_types", ["code"])
    if not is_str_array(rtypes):
        out.add("response_types.invalid_type")
    elif code_grant and "code" not in rtypes:
        out.add("response_types.missing_code")

    if "redirect_uris" in md:
        uris = md["redirect_uris"]
        if not isinstance(uris, list):
            out.add("redirect_uris.invalid_type")
        else:
            if code_grant and not uris:
                out.add("redirect_uris.empty")
            for uri in uris:
                if not isinstance(uri, str):
                    out.add("redirect_uris.invalid_type")
                    continue
                rule = redirect_rule(uri, base, app)
                if rule:
                    out.add("redirect_uris." + rule)
    elif code_grant:
        out.add("redirect_uris.missing")

    method = md.get("token_endpoint_auth_method", "client_secret_basic")
    if not isinstance(method, str):
        out.add("token_endpoint_auth_method.invalid_type")
    elif grants is not None and "client_credentials" in grants and method == "none":
        out.add("token_endpoint_auth_method.none_not_allowed")
    # v4: RFC 7591 section 2, "MUST NOT both be present"; presence only, whatever the types
    if "jwks" in md and "jwks_uri" in md:
        out.add("jwks.with_jwks_uri")
    return sorted(out)


ENDPOINT_ORDER = ("fragment", "userinfo", "not_https", "host")
SERVER_URI_FIELDS = {
    "issuer": (True, ("fragment", "query", "userinfo", "not_https", "host")),
    "authorization_endpoint": (True, ENDPOINT_ORDER),
    "token_endpoint": (True, ENDPOINT_ORDER),
    "revocation_endpoint": (True, ENDPOINT_ORDER),
    "registration_endpoint": (True, ENDPOINT_ORDER),
    "device_authorization_endpoint": (False, ENDPOINT_ORDER),
    "account_management_uri": (False, ("userinfo", "not_https", "host")),
}
SERVER_ARRAY_FIELDS = {
    "response_types_supported": (True, ("code",)),
    "grant_types_supported": (True, ("authorization_code", "refresh_token")),
    "response_modes_supported": (True, ("query", "fragment")),
    "code_challenge_methods_supported": (True, ("S256",)),
    "account_management_actions_supported": (False, ()),
    "prompt_values_supported": (False, ()),
}


def model_server_metadata(md):
    if compact_size(md) > MAX_METADATA_BYTES:
        return ["metadata.too_large"]
    if not isinstance(md, dict):
        return ["metadata.invalid_type"]
    out = set()
    for field, (required, order) in SERVER_URI_FIELDS.items():
        if field not in md:
            if required:
                out.add(field + ".missing")
        elif not isinstance(md[field], str):
            out.add(field + ".invalid_type")
        else:
            rule = https_field_rule(md[field], order)
            if rule:
                out.add(field + "." + rule)
    for field, (required, needed) in SERVER_ARRAY_FIELDS.items():
        if field not in md:
            if required:
                out.add(field + ".missing")
        elif not is_str_array(md[field]):
            out.add(field + ".invalid_type")
        else:
            for value in needed:
                if value not in md[field]:
                    out.add(field + ".missing_" + value.lower())
    return sorted(out)


def model_metadata_op(inp, validate):
    err = model_policy_error(inp)
    if err:
        return {"error": err}
    if "metadata" not in inp:
        return {"error": "input.invalid"}
    found = validate(inp["metadata"])
    return {"ok": {"valid": not found, "violations": found}}


MODELS = {
    "redirect_uri.check": model_redirect_check,
    "client_metadata.validate": lambda i: model_metadata_op(i, model_client_metadata),
    "server_metadata.validate": lambda i: model_metadata_op(i, model_server_metadata),
}

# ---------------------------------------------------------------------------------------------
# Helpers for writing cases
# ---------------------------------------------------------------------------------------------

EX = "https://example.com/"
REDIRECT = "redirect_uri.check"
CLIENT = "client_metadata.validate"
SERVER = "server_metadata.validate"

# Source labels
S55 = "spec 5.5 (MSC2966 redirect URI validation)"
S54 = "spec 5.4 (MSC2966 client metadata)"
S51 = "spec 5.1 (MSC2965 auth_metadata)"
R8252_71 = "RFC 8252 section 7.1"
R8252_73 = "RFC 8252 section 7.3"
R3986 = "RFC 3986 section 3"
R7591 = "RFC 7591 section 2"
R8414 = "RFC 8414 section 2"
FMT = "FORMAT.md registration checks"
UTS46 = ("WHATWG URL host parsing, domain to ASCII: UTS 46 section 4.1 validity criteria apply to "
         "the decoded label of an xn-- label (NFC, every code point valid: U+00DC is mapped, not "
         "valid); a host that fails them is a failure, as in browsers")
POLICY = "policy"


def ok_redirect():
    return {"ok": {"valid": True, "violation": None}}


def bad_redirect(rule):
    return {"ok": {"valid": False, "violation": "redirect_uri." + rule}}


def error(code):
    return {"error": code}


def verdict(codes):
    return {"ok": {"valid": not codes, "violations": list(codes)}}


class Suite:
    def __init__(self, name, description):
        self.name = name
        self.description = description
        self.cases = []

    def add(self, op, inp, expect, source):
        self.cases.append({"id": "%s-%03d" % (self.name, len(self.cases) + 1), "op": op,
                           "input": inp, "expect": expect, "source": source})

    def redirect(self, uri, expect, source, app="web", client=EX, stage=None, registered=None):
        """expect: "ok", a rule name, or ("error", code)."""
        inp = {"redirect_uri": uri, "client_uri": client, "application_type": app}
        if stage is not None:
            inp["stage"] = stage
        if registered is not None:
            inp["registered"] = registered
        self.redirect_raw(inp, expect, source)

    def redirect_raw(self, inp, expect, source):
        if expect == "ok":
            e = ok_redirect()
        elif isinstance(expect, tuple):
            e = error(expect[1])
        else:
            e = bad_redirect(expect)
        self.add(REDIRECT, inp, e, source)

    def client(self, md, codes, source, raw=False):
        inp = md if raw else {"metadata": md}
        self.add(CLIENT, inp, codes if isinstance(codes, dict) else verdict(codes), source)

    def server(self, md, codes, source, raw=False):
        inp = md if raw else {"metadata": md}
        self.add(SERVER, inp, codes if isinstance(codes, dict) else verdict(codes), source)


def with_(base, **changes):
    """A copy of `base` with fields set; a value of DROP removes the field."""
    out = dict(base)
    for key, value in changes.items():
        key = key.replace("__", "#")
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


DROP = object()
AC_RT = ["authorization_code", "refresh_token"]

# ---------------------------------------------------------------------------------------------
# redirect_uri.check
# ---------------------------------------------------------------------------------------------


def redirect_web():
    s = Suite("redirect-web", "redirect_uri.check at registration: web clients and claimed "
              "https redirect URIs of native clients (spec 5.5)")
    r = s.redirect
    r("https://example.com/cb", "ok", S55)
    r("https://example.com", "ok", R3986)
    r("https://example.com/", "ok", S55)
    r("https://app.example.com/cb", "ok", S55)
    r("https://a.b.example.com/oauth/cb", "ok", S55)
    r("https://example.com:8443/cb", "ok", S55)
    r("https://example.com/cb?state=x&mode=1", "ok", S55)
    # Case-insensitive host and scheme (MAS's regex accepted lower case only).
    r("https://APP.Example.com/cb", "ok", FMT)
    r("https://EXAMPLE.COM/cb", "ok", FMT)
    r("HTTPS://example.com/cb", "ok", "RFC 3986 section 3.1")
    r("https://app.example.com/cb", "ok", FMT, client="https://Example.COM/")
    # Valid RFC 3986 characters that a restrictive regex parser rejects.
    r("https://example.com/cb;v=1", "ok", R3986)
    r("https://example.com/~user/cb", "ok", R3986)
    r("https://example.com/a:b@c/cb", "ok", R3986)
    r("https://example.com/cb@evil.com", "ok", R3986)
    r("https://example.com/cb?next=https://example.com/x?y=1", "ok", R3986)
    r("https://example.com/cb?q=a%2Bb&r=%20&s=!$'()*+,;", "ok", R3986)
    r("https://example.com/%7Euser/cb", "ok", R3986)
    r("https://example.com:65535/cb", "ok", R3986)
    r("https://example.com:/cb", "ok", POLICY)
    # Common base by whole labels.
    r("https://evil-example.com/cb", "host", S55)
    r("https://example.com.evil.net/cb", "host", S55)
    r("https://notexample.com/cb", "host", S55)
    r("https://myexample.com/cb", "host", S55)
    r("https://example.org/cb", "host", S55)
    r("https://com/cb", "host", S55)
    r("https://example.com./cb", "host", POLICY)
    r("https://example.com/cb", "host", S55, client="https://app.example.com/")
    r("https://other.example.com/cb", "host", S55, client="https://app.example.com/")
    r("https://xapp.example.com/cb", "host", S55, client="https://app.example.com/")
    r("https://login.app.example.com/cb", "ok", S55, client="https://app.example.com/")
    r("https://localhost/cb", "host", S55)
    r("https://127.0.0.1/cb", "host", S55)
    r("https:///cb", "host", POLICY)
    r("https:/cb", "host", POLICY)
    # client_uri port, path and query are irrelevant.
    r("https://example.com/cb", "ok", S54, client="https://example.com:8443/app/?x=1")
    r("https://example.com/cb", "ok", POLICY, client="https://example.com/#about")
    # Hosts of other shapes.
    r("https://localhost:8443/cb", "ok", POLICY, client="https://localhost/")
    r("https://192.0.2.10/cb", "ok", POLICY, client="https://192.0.2.10/")
    r("https://a.192.0.2.10/cb", "host", POLICY, client="https://192.0.2.10/")
    r("https://[2001:db8::1]:8443/cb", "ok", POLICY, client="https://[2001:db8::1]/")
    r("https://app.xn--bcher-kva.example/cb", "ok", FMT,
      client="https://xn--bcher-kva.example/")
    r("https://b\u00fccher.example/cb", "syntax", FMT, client="https://xn--bcher-kva.example/")
    # Scheme: web clients use https only.
    r("http://example.com/cb", "not_https", S55)
    r("http://localhost/cb", "not_https", S55)
    r("http://127.0.0.1:8080/cb", "not_https", S55)
    r("com.example.app:/cb", "not_https", S55)
    r("ftp://example.com/cb", "not_https", S55)
    r("wss://example.com/cb", "not_https", S55)
    # Userinfo and fragment.
    r("https://user@example.com/cb", "userinfo", S55)
    r("https://user:secret@example.com/cb", "userinfo", S55)
    r("https://@example.com/cb", "userinfo", POLICY)
    r("https://example.com@evil.com/cb", "userinfo", S55)
    r("https://example.com/cb#state", "fragment", S55)
    r("https://example.com/cb#", "fragment", S55)
    # Claimed https redirect URIs of native clients: the web rules.
    r("https://example.com/cb", "ok", S55, app="native")
    r("https://app.example.com:8443/oauth/cb?x=1", "ok", S55, app="native")
    r("https://APP.EXAMPLE.COM/cb", "ok", FMT, app="native")
    r("https://evil-example.com/cb", "host", S55, app="native")
    r("https://example.com.evil.net/cb", "host", S55, app="native")
    r("https://localhost/cb", "host", S55, app="native")
    r("https://127.0.0.1:8080/cb", "host", S55, app="native")
    r("https://user@example.com/cb", "userinfo", S55, app="native")
    r("https://example.com/cb#x", "fragment", S55, app="native")
    # xn-- labels are read as browsers read them (UTS 46 through the WHATWG host parser).
    r("https://xn--bcher-kva.example.com/cb", "ok", UTS46)  # "bücher": valid, NFC
    r("https://xn--wca.example.com/cb", "host", UTS46)  # "Ü": mapped, not valid
    r("https://xn--a-ccb.example.com/cb", "host", UTS46)  # "a" + U+0308: not NFC
    return s


def redirect_native():
    s = Suite("redirect-native", "redirect_uri.check at registration: private-use scheme and "
              "loopback redirect URIs of native clients (spec 5.5, RFC 8252 section 7)")
    r = s.redirect
    n = "native"
    # Private-use schemes: the reversed client_uri host, compared label by label.
    r("com.example.app:/cb", "ok", S55, app=n)
    r("com.example:/cb", "ok", S55, app=n)
    r("com.example.app:cb", "ok", R8252_71, app=n)
    r("com.example.app:/", "ok", R8252_71, app=n)
    r("com.example.app:/oauth2redirect/example-provider?x=1", "ok", R8252_71, app=n)
    r("com.example.app.dev:/cb", "ok", S55, app=n)
    r("Com.Example.App:/cb", "ok", POLICY, app=n)
    r("com.example.my-app+v2:/cb", "ok", S55, app=n)
    r("com.example.app:/cb", "ok", S55, app=n, client="https://EXAMPLE.com/")
    r("com.example.app:/cb", "ok", S55, app=n, client="https://example.com:8443/app?x=1")
    # continuwuity's string-prefix check accepts these: they are not under example.com.
    r("com.exampleevil:/cb", "scheme", S55, app=n)
    r("com.exampleevil.app:/cb", "scheme", S55, app=n)
    r("com.example-evil:/cb", "scheme", S55, app=n)
    r("com.example+evil:/cb", "scheme", S55, app=n)
    r("com:/cb", "scheme", S55, app=n)
    r("example.com:/cb", "scheme", S55, app=n)
    r("com.evil.example:/cb", "scheme", S55, app=n)
    r("org.example.app:/cb", "scheme", S55, app=n)
    r("app:/cb", "scheme", S55, app=n)
    r("javascript:alert(1)", "scheme", S55, app=n)
    r("file:///etc/passwd", "scheme", S55, app=n)
    r("data:text/html,hi", "scheme", S55, app=n)
    # A subdomain client_uri: every label of its reversed host is needed.
    r("com.example.app:/cb", "ok", S55, app=n, client="https://app.example.com/")
    r("com.example.app.ios:/cb", "ok", S55, app=n, client="https://app.example.com/")
    r("com.example:/cb", "scheme", POLICY, app=n, client="https://app.example.com/")
    r("com.example.application:/cb", "scheme", S55, app=n, client="https://app.example.com/")
    r("example.xn--bcher-kva.app:/cb", "ok", S55, app=n,
      client="https://xn--bcher-kva.example/")
    r("com.example:/cb", "scheme", POLICY, app=n, client="https://192.0.2.10/")
    # No authority after a private-use scheme.
    r("com.example.app://host/cb", "host", S55, app=n)
    r("com.example.app:///cb", "host", POLICY, app=n)
    r("com.example.app://cb", "host", S55, app=n)
    r("com.example.app://:8080/cb", "host", S55, app=n)
    r("com.example.app://user@host/cb", "userinfo", S55, app=n)
    r("com.example.app:/cb#x", "fragment", S55, app=n)
    # Loopback http: literal hosts only, no port at registration.
    r("http://localhost/cb", "ok", S55, app=n)
    r("http://127.0.0.1/cb", "ok", S55, app=n)
    r("http://[::1]/cb", "ok", S55, app=n)
    r("http://127.0.0.1", "ok", S55, app=n)
    r("http://127.0.0.1/cb?x=1", "ok", S55, app=n)
    r("http://LOCALHOST/cb", "ok", FMT, app=n)
    r("HTTP://127.0.0.1/cb", "ok", "RFC 3986 section 3.1", app=n)
    r("http://localhost/cb", "ok", S55, app=n, client="https://example.org/")
    r("http://localhost:8080/cb", "port", S55, app=n)
    r("http://127.0.0.1:0/cb", "port", S55, app=n)
    r("http://[::1]:51000/cb", "port", S55, app=n)
    r("http://127.0.0.1:/cb", "port", POLICY, app=n)
    r("http://127.0.0.2/cb", "host", FMT, app=n)
    r("http://0.0.0.0/cb", "host", FMT, app=n)
    r("http://[0:0:0:0:0:0:0:1]/cb", "host", FMT, app=n)
    r("http://[::ffff:127.0.0.1]/cb", "host", FMT, app=n)
    r("http://localhost.example.com/cb", "host", FMT, app=n)
    r("http://example.com/cb", "host", S55, app=n)
    r("http://app.example.com/cb", "host", S55, app=n)
    r("http:/cb", "host", S55, app=n)
    r("http:///cb", "host", S55, app=n)
    r("http://user@127.0.0.1/cb", "userinfo", S55, app=n)
    r("http://localhost/cb#x", "fragment", S55, app=n)
    return s


def redirect_authorization():
    s = Suite("redirect-authorization", "redirect_uri.check at the authorization stage: an "
              "exact byte match against `registered`, any port for a loopback URI registered "
              "without one (spec 5.5, RFC 8252 section 7.3)")
    a = "authorization"
    n = "native"

    def r(uri, expect, source, registered, app="web", client=EX):
        s.redirect(uri, expect, source, app=app, client=client, stage=a, registered=registered)

    web = ["https://example.com/cb"]
    r("https://example.com/cb", "ok", S55, web)
    r("https://app.example.com/cb", "ok", S55, ["https://example.com/cb", "https://app.example.com/cb"])
    r("https://example.com/cb/", "not_registered", S55, web)
    r("https://example.com/CB", "not_registered", S55, web)
    r("https://EXAMPLE.com/cb", "not_registered", FMT, web)
    r("HTTPS://example.com/cb", "not_registered", FMT, web)
    r("https://example.com:443/cb", "not_registered", FMT, web)
    r("https://example.com:8443/cb", "not_registered", S55, web)
    r("https://example.com/cb?x=1", "not_registered", S55, web)
    r("https://example.com/%63b", "not_registered", FMT, web)
    r("https://example.com/cb", "not_registered", S55, [])
    s.redirect("https://example.com/cb", "not_registered", POLICY, stage=a)
    r("https://example.com/cb#x", "fragment", POLICY, ["https://example.com/cb#x"])
    r("https://example.com/cb#x", "fragment", POLICY, web)
    r("http://example.com/cb", "not_https", POLICY, ["http://example.com/cb"])
    r("https://evil.com/cb", "host", POLICY, ["https://evil.com/cb"])
    r("https://u@example.com/cb", "userinfo", POLICY, ["https://u@example.com/cb"])
    # Native: loopback port freedom.
    r("http://127.0.0.1:49152/cb", "ok", R8252_73, ["http://127.0.0.1/cb"], app=n)
    r("http://127.0.0.1/cb", "ok", S55, ["http://127.0.0.1/cb"], app=n)
    r("http://localhost:1/callback", "ok", S55, ["http://localhost/callback"], app=n)
    r("http://[::1]:65535/cb", "ok", R8252_73, ["http://[::1]/cb"], app=n)
    r("http://127.0.0.1:8080/cb?x=1", "ok", S55, ["http://127.0.0.1/cb?x=1"], app=n)
    r("http://127.0.0.1:/cb", "ok", POLICY, ["http://127.0.0.1/cb"], app=n)
    r("http://127.0.0.1:8080/cb", "not_registered", S55, ["http://localhost/cb"], app=n)
    r("http://127.0.0.1:8080/other", "not_registered", S55, ["http://127.0.0.1/cb"], app=n)
    r("http://127.0.0.1:8080/cb?x=1", "not_registered", S55, ["http://127.0.0.1/cb"], app=n)
    r("http://LOCALHOST:8080/cb", "not_registered", FMT, ["http://localhost/cb"], app=n)
    r("http://localhost:9090/cb", "not_registered", FMT, ["http://localhost:8080/cb"], app=n)
    r("http://localhost:8080/cb", "ok", FMT, ["http://localhost:8080/cb"], app=n)
    r("http://127.0.0.1:99999/cb", "syntax", R3986, ["http://127.0.0.1/cb"], app=n)
    r("http://localhost:8080/cb#x", "fragment", S55, ["http://localhost/cb"], app=n)
    r("http://127.0.0.2:8080/cb", "host", S55, ["http://127.0.0.2/cb"], app=n)
    # Native: private-use and claimed https match exactly.
    r("com.example.app:/cb", "ok", S55, ["com.example.app:/cb"], app=n)
    r("com.example.app:/cb/", "not_registered", S55, ["com.example.app:/cb"], app=n)
    r("com.example.app:cb", "not_registered", S55, ["com.example.app:/cb"], app=n)
    r("com.exampleevil:/cb", "scheme", POLICY, ["com.exampleevil:/cb"], app=n)
    r("https://app.example.com/cb", "ok", S55, ["https://app.example.com/cb"], app=n)
    r("https://example.com:8443/cb", "not_registered", S55, ["https://example.com/cb"], app=n)
    # `registered` is ignored at registration: the port rule still applies.
    s.redirect("http://127.0.0.1:8080/cb", "port", POLICY, app=n, stage="registration",
               registered=["http://127.0.0.1:8080/cb"])
    s.redirect("http://127.0.0.1/cb", "ok", POLICY, app=n, stage="registration",
               registered=[])
    return s


def redirect_syntax():
    s = Suite("redirect-syntax", "redirect_uri.check: RFC 3986 syntax, forbidden characters "
              "and the order of the checks (syntax, fragment, userinfo, scheme, host, port)")
    r = s.redirect
    n = "native"
    for uri in ["", "/cb", "cb", "example.com/cb", "//example.com/cb", ":/cb",
                "1https://example.com/cb", "ht_tp://example.com/cb"]:
        r(uri, "syntax", R3986)
    # Whitespace, control characters and backslash anywhere.
    for uri in ["https://example.com/c b", " https://example.com/cb",
                "https://example.com/cb ", "https://example.com/cb\t",
                "https://example.com/cb\n", "https://example.com/cb\r\n",
                "https://exa\u0000mple.com/cb", "https://example.com/\u007fcb",
                "https://example.com/cb\u0085", "https://example.com/cb\u00a0",
                "https://example.com/cb\u3000", "https://example.com/cb?x=\u2028",
                "https://ex ample.com/cb", "https://example.com\\cb",
                "https:\\\\example.com\\cb", "https://example.com/cb?x=a\\b"]:
        r(uri, "syntax", FMT)
    r("http://localhost\\@evil.com/cb", "syntax", FMT, app=n)
    r("com.example.app:/c b", "syntax", FMT, app=n)
    # Characters RFC 3986 does not allow, broken escapes, non-ASCII.
    for uri in ["https://example.com/%zz", "https://example.com/%4",
                "https://example.com/<cb>", "https://example.com/cb?x={y}",
                "https://example.com/a|b", "https://example.com/a\"b",
                "https://example.com/a^b", "https://example.com/a`b",
                "https://example.com/caf\u00e9", "https://example.com/cb?q=\u00e9"]:
        r(uri, "syntax", R3986)
    # Authority syntax.
    for uri in ["https://[::1/cb", "https://[zz]/cb", "https://a@b@example.com/cb",
                "https://example.com:8080:90/cb", "https://example.com:abc/cb",
                "https://example.com:65536/cb", "https://example.com:-1/cb",
                "https://exa<mple.com/cb"]:
        r(uri, "syntax", R3986)
    # Precedence.
    r("https://example.com/c b#x", "syntax", FMT)
    r("https://example.com/cb##x", "syntax", FMT)
    r("https://user@example.com/cb#x", "fragment", FMT)
    r("ftp://user@evil.com/cb#x", "fragment", FMT)
    r("http://user@example.com/cb", "userinfo", FMT)
    r("http://user@evil.com/cb", "userinfo", FMT)
    r("http://evil.com/cb", "not_https", FMT)
    r("com.exampleevil://host/cb", "scheme", FMT, app=n)
    r("com.exampleevil://user@host/cb", "userinfo", FMT, app=n)
    r("http://evil.com:8080/cb", "host", FMT, app=n)
    r("http://user@localhost:8080/cb", "userinfo", FMT, app=n)
    r("http://localhost:8080/cb#x", "fragment", FMT, app=n)
    r("http://localhost:99999/cb", "syntax", FMT, app=n)
    return s


def redirect_input():
    s = Suite("redirect-input", "redirect_uri.check: malformed op input and policies")
    good = {"redirect_uri": "https://example.com/cb", "client_uri": EX, "application_type": "web"}
    bad = ("error", "input.invalid")

    def r(expect, source, **changes):
        s.redirect_raw(with_(good, **changes), expect, source)

    r(bad, FMT, redirect_uri=5)
    r(bad, FMT, redirect_uri=None)
    r(bad, FMT, redirect_uri=["https://example.com/cb"])
    r(bad, FMT, redirect_uri=DROP)
    r(bad, FMT, client_uri=DROP)
    r(bad, FMT, client_uri=7)
    r(bad, FMT, client_uri=None)
    r(bad, FMT, application_type=DROP)
    r(bad, FMT, application_type="Web")
    r(bad, FMT, application_type="browser")
    r(bad, FMT, application_type=1)
    r(bad, FMT, stage="token")
    r(bad, FMT, stage="Authorization")
    r(bad, FMT, stage=1)
    r(bad, FMT, stage=None)
    r(bad, FMT, registered="https://example.com/cb")
    r(bad, FMT, registered=[1])
    r(bad, FMT, registered=None)
    r(bad, FMT, stage="authorization", registered=["https://example.com/cb", None])
    # client_uri must itself be a valid client_uri to serve as the common base.
    r(bad, POLICY, client_uri="http://example.com/")
    r(bad, POLICY, client_uri="https://user@example.com/")
    r(bad, POLICY, client_uri="example.com")
    r(bad, POLICY, client_uri="")
    r(bad, POLICY, client_uri="https:///app")
    r(bad, POLICY, client_uri="https://b\u00fccher.example/")
    # Precedence: input errors before any check of the redirect URI.
    r(bad, POLICY, redirect_uri="not a uri", application_type="desktop")
    # Presets do not change the registration checks.
    s.redirect_raw({"redirect_uri": "http://localhost:8080/cb", "client_uri": EX,
                    "application_type": "native", "policy": "mas"}, "port", FMT)
    s.redirect_raw({"redirect_uri": "com.exampleevil:/cb", "client_uri": EX,
                    "application_type": "native", "policy": "synapse"}, "scheme", FMT)
    s.redirect_raw({"redirect_uri": "https://example.com/cb", "client_uri": EX,
                    "application_type": "web", "policy": "default"}, "ok", FMT)
    s.redirect_raw({"redirect_uri": "https://example.com/cb", "client_uri": EX,
                    "application_type": "web", "policy": "no-such-preset"},
                   ("error", "policy.unknown_preset"), "FORMAT.md policy documents")
    return s


# ---------------------------------------------------------------------------------------------
# client_metadata.validate
# ---------------------------------------------------------------------------------------------

WEB = {
    "client_uri": "https://example.com/",
    "redirect_uris": ["https://example.com/cb"],
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "none",
}
NATIVE = with_(WEB, application_type="native",
               redirect_uris=["com.example.app:/cb", "http://127.0.0.1/cb", "http://[::1]/cb",
                              "http://localhost/cb", "https://app.example.com/cb"])


def client_uris():
    s = Suite("client-metadata-uris", "client_metadata.validate: client_uri and the URIs "
              "that share it as common base (spec 5.4)")
    c = s.client
    c(WEB, [], S54)
    c(NATIVE, [], S54)
    c({"client_uri": EX, "redirect_uris": ["https://example.com/cb"], "grant_types": AC_RT},
      [], S54)
    c(with_(WEB, client_name="Example", logo_uri="https://example.com/logo.png",
            tos_uri="https://example.com/tos", policy_uri="https://example.com/privacy"),
      [], S54)
    # client_uri
    c(with_(WEB, client_uri=DROP), ["client_uri.missing"], FMT)
    c(with_(WEB, client_uri=None), ["client_uri.invalid_type"], POLICY)
    c(with_(WEB, client_uri=42), ["client_uri.invalid_type"], FMT)
    c(with_(WEB, client_uri=["https://example.com/"]), ["client_uri.invalid_type"], FMT)
    c(with_(WEB, client_uri="http://example.com/"), ["client_uri.not_https"], S54)
    c(with_(WEB, client_uri="https://user:pw@example.com/"), ["client_uri.userinfo"], S54)
    c(with_(WEB, client_uri="https://user@example.com/"), ["client_uri.userinfo"], S54)
    c(with_(WEB, client_uri="example.com"), ["client_uri.syntax"], R3986)
    c(with_(WEB, client_uri=""), ["client_uri.syntax"], R3986)
    c(with_(WEB, client_uri="https://example.com/a b"), ["client_uri.syntax"], FMT)
    c(with_(WEB, client_uri="https://b\u00fccher.example/"), ["client_uri.syntax"], FMT)
    c(with_(WEB, client_uri="https:///app"), ["client_uri.host"], POLICY)
    c(with_(WEB, client_uri="http://user@example.com/"), ["client_uri.userinfo"], POLICY)
    c(with_(WEB, client_uri="HTTPS://Example.COM/"), [], FMT)
    c(with_(WEB, client_uri="https://example.com:8443/app/?lang=en"), [], S54)
    c(with_(WEB, client_uri="https://example.com/#about"), [], POLICY)
    c(with_(WEB, client_uri="https://localhost/", redirect_uris=["https://localhost/cb"]),
      [], POLICY)
    c(with_(WEB, client_uri="https://xn--bcher-kva.example/",
            redirect_uris=["https://app.xn--bcher-kva.example/cb"]), [], FMT)
    # Without a valid base the checks against it are skipped; the rest still apply.
    c(with_(WEB, client_uri=DROP, redirect_uris=["https://evil.com/cb"]),
      ["client_uri.missing"], POLICY)
    c(with_(WEB, client_uri=DROP, redirect_uris=["http://evil.com/cb"]),
      ["client_uri.missing", "redirect_uris.not_https"], POLICY)
    c(with_(WEB, client_uri="http://example.com/", logo_uri="https://evil.com/l.png"),
      ["client_uri.not_https"], POLICY)
    c(with_(WEB, client_uri=DROP, logo_uri="http://example.com/l.png"),
      ["client_uri.missing", "logo_uri.not_https"], POLICY)
    # logo_uri
    c(with_(WEB, logo_uri="https://example.com/logo.png"), [], S54)
    c(with_(WEB, logo_uri="https://cdn.example.com/logo.png"), [], S54)
    c(with_(WEB, logo_uri="https://example.com:8443/img/logo.png?v=2"), [], S54)
    c(with_(WEB, logo_uri="https://EXAMPLE.com/logo.png"), [], FMT)
    c(with_(WEB, logo_uri="http://example.com/logo.png"), ["logo_uri.not_https"], S54)
    c(with_(WEB, logo_uri="https://evil-example.com/logo.png"), ["logo_uri.host"], S54)
    c(with_(WEB, logo_uri="https://example.com.evil.net/logo.png"), ["logo_uri.host"], S54)
    c(with_(WEB, logo_uri="http://evil.com/logo.png"), ["logo_uri.not_https"], POLICY)
    c(with_(WEB, logo_uri="https://u@example.com/logo.png"), ["logo_uri.userinfo"], POLICY)
    c(with_(WEB, logo_uri="logo.png"), ["logo_uri.syntax"], R3986)
    c(with_(WEB, logo_uri=5), ["logo_uri.invalid_type"], FMT)
    c(with_(WEB, logo_uri=None), ["logo_uri.invalid_type"], POLICY)
    c(with_(WEB, logo_uri="https://example.com/logo.png#top"), [], POLICY)
    # tos_uri and policy_uri
    c(with_(WEB, tos_uri="https://legal.example.com/tos"), [], S54)
    c(with_(WEB, tos_uri="http://example.com/tos"), ["tos_uri.not_https"], S54)
    c(with_(WEB, tos_uri="https://example.org/tos"), ["tos_uri.host"], S54)
    c(with_(WEB, tos_uri="https://user:pw@example.com/tos"), ["tos_uri.userinfo"], S54)
    c(with_(WEB, policy_uri="https://example.com/privacy"), [], S54)
    c(with_(WEB, policy_uri="https://example.net/privacy"), ["policy_uri.host"], S54)
    c(with_(WEB, policy_uri="http://example.com/privacy"), ["policy_uri.not_https"], S54)
    c(with_(WEB, policy_uri=""), ["policy_uri.syntax"], R3986)
    c(with_(WEB, policy_uri=["https://example.com/privacy"]), ["policy_uri.invalid_type"], FMT)
    # Localized variants: the same rules, coded with the field name without the tag.
    c(with_(WEB, tos_uri__fr="https://example.com/fr/tos"), [], "RFC 7591 section 2.2")
    c(with_(WEB, tos_uri__fr="https://evil.com/tos"), ["tos_uri.host"], POLICY)
    c(with_(WEB, **{"policy_uri#de-CH": "http://example.com/de/privacy"}),
      ["policy_uri.not_https"], POLICY)
    c(with_(WEB, **{"logo_uri#ja-Jpan-JP": "https://other.example/logo.png"}),
      ["logo_uri.host"], POLICY)
    c(with_(WEB, tos_uri__fr=3), ["tos_uri.invalid_type"], POLICY)
    c(with_(WEB, tos_uri="https://example.com/tos", tos_uri__fr="https://evil.com/fr",
            tos_uri__de="https://evil.org/de"), ["tos_uri.host"], POLICY)
    c(with_(WEB, **{"tos_uri#": "https://evil.com/tos"}), ["tos_uri.host"], POLICY)
    c(with_(WEB, **{"client_uri#fr": "http://evil.com/"}), [], POLICY)
    c(with_(WEB, logo_uri="http://example.com/l.png", tos_uri="https://evil.com/tos",
            policy_uri__fr="https://evil.com/p"),
      ["logo_uri.not_https", "policy_uri.host", "tos_uri.host"], POLICY)
    # client_name and other fields
    c(with_(WEB, client_name="Example", client_name__fr="Exemple"), [], "RFC 7591 section 2.2")
    c(with_(WEB, client_name=5), ["client_name.invalid_type"], FMT)
    c(with_(WEB, client_name__fr=None), ["client_name.invalid_type"], POLICY)
    c(with_(WEB, jwks_uri=5, contacts="admin@example.com", software_id=None, scope=["x"]),
      [], POLICY)
    # v4: RFC 7591 section 2, `jwks` and `jwks_uri` MUST NOT both be present (a reversal of the
    # choice that ignored both fields). Neither field is type-checked: only their presence counts.
    J = "RFC 7591 section 2 (jwks and jwks_uri MUST NOT both be present); FORMAT.md Error codes (v4)"
    JWKS = {"keys": [{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                      "y": "x_FEzRjmL3ygKwW0N9sD7sXu6Xu-GJN3HfQwkRJr2XM", "use": "sig", "kid": "1"}]}
    JU = "https://example.com/jwks.json"
    c(with_(WEB, jwks=JWKS), [], J + " (jwks alone)")
    c(with_(WEB, jwks_uri=JU), [], J + " (jwks_uri alone)")
    c(with_(WEB, jwks=JWKS, jwks_uri=JU), ["jwks.with_jwks_uri"], J)
    c(with_(WEB, jwks=3, jwks_uri=JU), ["jwks.with_jwks_uri"],
      J + "; policy (jwks is not type-checked: no other violation)")
    c(with_(WEB, jwks=JWKS, jwks_uri=5), ["jwks.with_jwks_uri"], J + "; whatever the types")
    c(with_(WEB, jwks=None, jwks_uri=None), ["jwks.with_jwks_uri"],
      J + "; CHOICES-registration (null is present)")
    c(with_(WEB, jwks={}, jwks_uri=""), ["jwks.with_jwks_uri"], J + "; whatever the values")
    c(with_(WEB, jwks=JWKS, jwks_uri=JU, client_name=5, tos_uri="https://evil.com/tos"),
      ["client_name.invalid_type", "jwks.with_jwks_uri", "tos_uri.host"],
      J + "; FORMAT.md Operations (violations sorted by bytes)")
    c({"client_uri": EX, "grant_types": ["client_credentials"], "jwks": JWKS, "jwks_uri": JU},
      ["jwks.with_jwks_uri"], J + " (whatever the grant types)")
    c({"jwks": JWKS, "jwks_uri": JU},
      ["client_uri.missing", "grant_types.missing_refresh_token", "jwks.with_jwks_uri",
       "redirect_uris.missing"], J + "; every violation is reported")
    c(with_(WEB, **{"jwks#fr": JWKS, "jwks_uri": JU}), [], J + "; policy (jwks#fr is not jwks)")
    return s


def client_redirects():
    s = Suite("client-metadata-redirects", "client_metadata.validate: redirect_uris, checked "
              "with the redirect rules of the client's application_type (spec 5.4, 5.5)")
    c = s.client
    c(with_(WEB, redirect_uris=["https://example.com/cb", "https://app.example.com:8443/cb?x=1"]),
      [], S55)
    c(with_(WEB, redirect_uris=["http://example.com/cb"]), ["redirect_uris.not_https"], S55)
    c(with_(WEB, redirect_uris=["https://evil-example.com/cb"]), ["redirect_uris.host"], S55)
    c(with_(WEB, redirect_uris=["https://example.com.evil.net/cb"]), ["redirect_uris.host"], S55)
    c(with_(WEB, redirect_uris=["https://example.com/cb#x"]), ["redirect_uris.fragment"], S55)
    c(with_(WEB, redirect_uris=["https://u:p@example.com/cb"]), ["redirect_uris.userinfo"], S55)
    c(with_(WEB, redirect_uris=["/cb"]), ["redirect_uris.syntax"], R3986)
    c(with_(WEB, redirect_uris=["https://example.com\\cb"]), ["redirect_uris.syntax"], FMT)
    c(with_(WEB, redirect_uris=["http://localhost/cb"]), ["redirect_uris.not_https"], S55)
    c(with_(WEB, redirect_uris=["https://APP.Example.com/cb"]), [], FMT)
    # application_type absent = web.
    c(with_(WEB, application_type=DROP, redirect_uris=["com.example.app:/cb"]),
      ["redirect_uris.not_https"], S54)
    c(with_(WEB, application_type="web", redirect_uris=["http://127.0.0.1/cb"]),
      ["redirect_uris.not_https"], S55)
    # Native
    c(with_(NATIVE, redirect_uris=["com.example.app:/cb"]), [], S55)
    c(with_(NATIVE, redirect_uris=["com.example:/cb"]), [], S55)
    c(with_(NATIVE, redirect_uris=["com.exampleevil:/cb"]), ["redirect_uris.scheme"], S55)
    c(with_(NATIVE, redirect_uris=["com.example.app://host/cb"]), ["redirect_uris.host"], S55)
    c(with_(NATIVE, redirect_uris=["http://127.0.0.1:8080/cb"]), ["redirect_uris.port"], S55)
    c({"metadata": with_(NATIVE, redirect_uris=["http://localhost:8080/cb"]), "policy": "mas"},
      verdict(["redirect_uris.port"]), FMT, raw=True)
    c(with_(NATIVE, redirect_uris=["http://192.168.1.2/cb"]), ["redirect_uris.host"], S55)
    c(with_(NATIVE, redirect_uris=["https://evil.com/cb"]), ["redirect_uris.host"], S55)
    c(with_(NATIVE, redirect_uris=["com.example.app:/cb#x"]), ["redirect_uris.fragment"], S55)
    c(with_(NATIVE, redirect_uris=["com.example.app:/cb"], client_uri="https://app.example.com/"),
      [], S55)
    c(with_(NATIVE, redirect_uris=["com.example.application:/cb"],
            client_uri="https://app.example.com/"), ["redirect_uris.scheme"], S55)
    # Several URIs: one violation per URI, codes sorted and de-duplicated.
    c(with_(WEB, redirect_uris=["https://example.com/cb", "http://example.com/cb",
                                "https://evil.com/cb", "https://example.com/x#y",
                                "http://example.com/2", "https://evil.org/cb"]),
      ["redirect_uris.fragment", "redirect_uris.host", "redirect_uris.not_https"], FMT)
    c(with_(NATIVE, redirect_uris=["com.exampleevil:/cb", "http://localhost:1/cb",
                                   "com.example.app://h/cb", "bad uri"]),
      ["redirect_uris.host", "redirect_uris.port", "redirect_uris.scheme",
       "redirect_uris.syntax"], FMT)
    # Types and presence.
    c(with_(WEB, redirect_uris=["https://example.com/cb", 5]), ["redirect_uris.invalid_type"], FMT)
    c(with_(WEB, redirect_uris=[None]), ["redirect_uris.invalid_type"], FMT)
    c(with_(WEB, redirect_uris=[5, "http://example.com/cb"]),
      ["redirect_uris.invalid_type", "redirect_uris.not_https"], POLICY)
    c(with_(WEB, redirect_uris="https://example.com/cb"), ["redirect_uris.invalid_type"], FMT)
    c(with_(WEB, redirect_uris=None), ["redirect_uris.invalid_type"], POLICY)
    c(with_(WEB, redirect_uris=DROP), ["redirect_uris.missing"], S54)
    c(with_(WEB, redirect_uris=[]), ["redirect_uris.empty"], S54)
    c(with_(WEB, redirect_uris=DROP, grant_types=DROP),
      ["grant_types.missing_refresh_token", "redirect_uris.missing"], FMT)
    # Not a code-grant client: no redirect URIs needed, but given ones are still checked.
    cc = with_(WEB, grant_types=["client_credentials"], token_endpoint_auth_method="client_secret_basic")
    c(with_(cc, redirect_uris=DROP), [], FMT)
    c(with_(cc, redirect_uris=[]), [], FMT)
    c(with_(cc, redirect_uris=["http://evil.com/cb"]), ["redirect_uris.not_https"], POLICY)
    # application_type
    c(with_(NATIVE, application_type="browser"), ["application_type.unknown"], POLICY)
    c(with_(NATIVE, application_type="Native"), ["application_type.unknown"], POLICY)
    c(with_(NATIVE, application_type=1), ["application_type.invalid_type"], POLICY)
    c(with_(NATIVE, application_type=None), ["application_type.invalid_type"], POLICY)
    c(with_(WEB, application_type="browser", redirect_uris=["com.exampleevil:/cb"]),
      ["application_type.unknown"], POLICY)
    c(with_(WEB, application_type="browser",
            redirect_uris=["https://example.com/cb#x", "https://u@evil.com/cb", "b c"]),
      ["application_type.unknown", "redirect_uris.fragment", "redirect_uris.syntax",
       "redirect_uris.userinfo"], POLICY)
    c(with_(NATIVE, client_uri=DROP, redirect_uris=["com.exampleevil:/cb"]),
      ["client_uri.missing"], POLICY)
    c(with_(NATIVE, client_uri=DROP, redirect_uris=["com.example.app://h/cb", "http://[::1]:9/cb"]),
      ["client_uri.missing", "redirect_uris.host", "redirect_uris.port"], POLICY)
    return s


def client_grants():
    s = Suite("client-metadata-grants", "client_metadata.validate: grant_types, "
              "response_types and token_endpoint_auth_method (spec 5.4, RFC 7591)")
    c = s.client
    c(with_(WEB, grant_types=DROP), ["grant_types.missing_refresh_token"], FMT)
    c(with_(WEB, grant_types=["authorization_code"]), ["grant_types.missing_refresh_token"], S54)
    c(with_(WEB, grant_types=["refresh_token", "authorization_code"]), [], S54)
    c(with_(WEB, grant_types=["authorization_code", "refresh_token", "authorization_code"]), [], S54)
    c(with_(WEB, grant_types=["authorization_code", "refresh_token",
                              "urn:ietf:params:oauth:grant-type:device_code", "implicit",
                              "urn:example:unknown"]), [], S54)
    c(with_(WEB, grant_types=["refresh_token"], redirect_uris=DROP), [], POLICY)
    c(with_(WEB, grant_types=[], redirect_uris=DROP), [], POLICY)
    c(with_(NATIVE, grant_types=["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
            redirect_uris=DROP), [], POLICY)
    c(with_(WEB, grant_types=["Authorization_Code", "refresh_token"], redirect_uris=DROP),
      [], POLICY)
    c(with_(WEB, grant_types="authorization_code refresh_token"), ["grant_types.invalid_type"], FMT)
    c(with_(WEB, grant_types=["authorization_code", 1]), ["grant_types.invalid_type"], FMT)
    c(with_(WEB, grant_types=None, redirect_uris=DROP, response_types=["token"]),
      ["grant_types.invalid_type"], POLICY)
    # response_types
    c(with_(WEB, response_types=DROP), [], R7591)
    c(with_(WEB, response_types=["token"]), ["response_types.missing_code"], S54)
    c(with_(WEB, response_types=[]), ["response_types.missing_code"], S54)
    c(with_(WEB, response_types=["code id_token"]), ["response_types.missing_code"], S54)
    c(with_(WEB, response_types=["Code"]), ["response_types.missing_code"], POLICY)
    c(with_(WEB, response_types=["code", "id_token", "code id_token", "urn:example:x"]), [], S54)
    c(with_(WEB, response_types="code"), ["response_types.invalid_type"], FMT)
    c(with_(WEB, response_types=[["code"]]), ["response_types.invalid_type"], FMT)
    c(with_(WEB, grant_types=["client_credentials"], redirect_uris=DROP, response_types=["token"],
            token_endpoint_auth_method="client_secret_post"), [], S54)
    # token_endpoint_auth_method
    c(with_(WEB, token_endpoint_auth_method="client_secret_basic"), [], S54)
    c(with_(WEB, token_endpoint_auth_method=DROP), [], R7591)
    c(with_(WEB, grant_types=["client_credentials"], redirect_uris=DROP),
      ["token_endpoint_auth_method.none_not_allowed"], POLICY)
    c(with_(WEB, grant_types=["authorization_code", "refresh_token", "client_credentials"]),
      ["token_endpoint_auth_method.none_not_allowed"], POLICY)
    c(with_(WEB, grant_types=["client_credentials"], redirect_uris=DROP,
            token_endpoint_auth_method=DROP), [], R7591)
    c(with_(WEB, grant_types=["client_credentials"], redirect_uris=DROP,
            token_endpoint_auth_method="private_key_jwt"), [], POLICY)
    c(with_(WEB, grant_types=["client_credentials"], redirect_uris=DROP,
            token_endpoint_auth_method="urn:example:custom"), [], POLICY)
    c(with_(WEB, token_endpoint_auth_method=1), ["token_endpoint_auth_method.invalid_type"], FMT)
    c(with_(WEB, grant_types=["client_credentials"], redirect_uris=DROP,
            token_endpoint_auth_method=None), ["token_endpoint_auth_method.invalid_type"], POLICY)
    # Many at once.
    c({"client_uri": "http://example.com/", "grant_types": ["authorization_code",
       "client_credentials"], "response_types": ["token"], "token_endpoint_auth_method": "none",
       "redirect_uris": [], "logo_uri": "https://evil.com/l.png", "application_type": "tv"},
      ["application_type.unknown", "client_uri.not_https", "grant_types.missing_refresh_token",
       "redirect_uris.empty", "response_types.missing_code",
       "token_endpoint_auth_method.none_not_allowed"], FMT)
    return s


def padded(base, field, target, filler="a"):
    """`base` plus `field` holding a string of `filler` so the compact JSON is `target` bytes."""
    doc = dict(base)
    doc[field] = ""
    per = compact_size(filler) - 2
    gap = target - compact_size(doc)
    doc[field] = "a" * (gap % per) + filler * (gap // per)
    assert compact_size(doc) == target
    return doc


def client_shape():
    s = Suite("client-metadata-shape", "client_metadata.validate: non-object metadata, the "
              "64 KiB limit and malformed op input")
    c = s.client
    c({"metadata": None}, verdict(["metadata.invalid_type"]), FMT, raw=True)
    c([], ["metadata.invalid_type"], FMT)
    c([WEB], ["metadata.invalid_type"], FMT)
    c(json.dumps(WEB), ["metadata.invalid_type"], FMT)
    c(5, ["metadata.invalid_type"], FMT)
    c(True, ["metadata.invalid_type"], FMT)
    c({}, ["client_uri.missing", "grant_types.missing_refresh_token", "redirect_uris.missing"], FMT)
    c({"client_uri": EX, "grant_types": []}, [], POLICY)
    c({"client_uri": 1, "client_name": 2, "logo_uri": 3, "tos_uri": 4, "policy_uri": 5,
       "redirect_uris": 6, "response_types": 7, "grant_types": 8,
       "token_endpoint_auth_method": 9, "application_type": 10},
      ["application_type.invalid_type", "client_name.invalid_type", "client_uri.invalid_type",
       "grant_types.invalid_type", "logo_uri.invalid_type", "policy_uri.invalid_type",
       "redirect_uris.invalid_type", "response_types.invalid_type",
       "token_endpoint_auth_method.invalid_type", "tos_uri.invalid_type"], FMT)
    c({"client_uri": {}, "redirect_uris": {}, "grant_types": {}},
      ["client_uri.invalid_type", "grant_types.invalid_type", "redirect_uris.invalid_type"], FMT)
    # Malformed op input.
    c({}, error("input.invalid"), FMT, raw=True)
    c({"metadata_": WEB}, error("input.invalid"), FMT, raw=True)
    c({"metadata": WEB, "policy": "no-such-preset"}, error("policy.unknown_preset"),
      "FORMAT.md policy documents", raw=True)
    c({"metadata": with_(WEB, grant_types=["authorization_code"]), "policy": "mas"},
      verdict(["grant_types.missing_refresh_token"]), FMT, raw=True)
    # Size: compact JSON (no insignificant whitespace, UTF-8, serde_json / JSON.stringify
    # escaping); 65,536 bytes pass, 65,537 do not.
    c(padded(WEB, "client_name", 65536), [], FMT)
    c(padded(WEB, "client_name", 65537), ["metadata.too_large"], FMT)
    c(padded(with_(WEB, client_uri=DROP), "software_statement_x", 65537), ["metadata.too_large"], FMT)
    c(padded(WEB, "client_name", 65536, "\u00e9"), [], FMT)
    c(padded(WEB, "client_name", 65537, "\u00e9"),
      ["metadata.too_large"], FMT)
    c(padded(WEB, "client_name", 65537, "\n"),
      ["metadata.too_large"], FMT)
    c(padded(WEB, "client_name", 65536, "\n"), [], FMT)
    c(["x" * 65600], ["metadata.too_large"], FMT)
    return s


# ---------------------------------------------------------------------------------------------
# server_metadata.validate
# ---------------------------------------------------------------------------------------------

AS = "https://account.example.com/"
SRV = {
    "issuer": AS,
    "authorization_endpoint": AS + "oauth2/auth",
    "token_endpoint": AS + "oauth2/token",
    "revocation_endpoint": AS + "oauth2/revoke",
    "registration_endpoint": AS + "oauth2/registration",
    "response_types_supported": ["code"],
    "grant_types_supported": ["authorization_code", "refresh_token"],
    "response_modes_supported": ["query", "fragment"],
    "code_challenge_methods_supported": ["S256"],
}
REQUIRED = list(SRV)
MAS_LIKE = with_(
    SRV,
    jwks_uri=AS + "oauth2/keys.json",
    userinfo_endpoint=AS + "oauth2/userinfo",
    introspection_endpoint=AS + "oauth2/introspect",
    device_authorization_endpoint=AS + "oauth2/device",
    account_management_uri=AS + "account/",
    account_management_actions_supported=[
        "org.matrix.profile", "org.matrix.devices_list", "org.matrix.device_view",
        "org.matrix.device_delete", "org.matrix.cross_signing_reset",
        "org.matrix.sessions_list", "org.matrix.session_view", "org.matrix.session_end"],
    prompt_values_supported=["create", "login"],
    scopes_supported=["openid", "email"],
    response_types_supported=["code", "id_token", "code id_token"],
    response_modes_supported=["form_post", "query", "fragment"],
    grant_types_supported=["authorization_code", "refresh_token", "client_credentials",
                           "urn:ietf:params:oauth:grant-type:device_code"],
    code_challenge_methods_supported=["plain", "S256"],
    token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post", "none"],
)


def server_required():
    s = Suite("server-metadata-required", "server_metadata.validate: the nine required fields "
              "and their required values (spec 5.1, RFC 8414)")
    v = s.server
    v(SRV, [], S51)
    v(MAS_LIKE, [], S51)
    for field in REQUIRED:
        v(with_(SRV, **{field: DROP}), [field + ".missing"], S51)
    v({}, sorted(f + ".missing" for f in REQUIRED), S51)
    v(with_(SRV, issuer=None), ["issuer.invalid_type"], POLICY)
    v(with_(SRV, grant_types_supported=None), ["grant_types_supported.invalid_type"], POLICY)
    # issuer
    v(with_(SRV, issuer="https://account.example.com"), [], R8414)
    v(with_(SRV, issuer="https://account.example.com:8443/mas/"), [], R8414)
    v(with_(SRV, issuer="HTTPS://Account.Example.COM/"), [], FMT)
    v(with_(SRV, issuer="https://localhost/"), [], POLICY)
    v(with_(SRV, issuer="http://account.example.com/"), ["issuer.not_https"], S51)
    v(with_(SRV, issuer="https://account.example.com/?tenant=1"), ["issuer.query"], S51)
    v(with_(SRV, issuer="https://account.example.com/?"), ["issuer.query"], R8414)
    v(with_(SRV, issuer="https://account.example.com/#x"), ["issuer.fragment"], S51)
    v(with_(SRV, issuer="https://account.example.com/#"), ["issuer.fragment"], R8414)
    v(with_(SRV, issuer="http://account.example.com/?q#f"), ["issuer.fragment"], POLICY)
    v(with_(SRV, issuer="http://u@account.example.com/?q"), ["issuer.query"], POLICY)
    v(with_(SRV, issuer="https://u@account.example.com/"), ["issuer.userinfo"], POLICY)
    v(with_(SRV, issuer="account.example.com"), ["issuer.syntax"], R3986)
    v(with_(SRV, issuer=""), ["issuer.syntax"], R3986)
    v(with_(SRV, issuer="https://account.example.com\\"), ["issuer.syntax"], FMT)
    v(with_(SRV, issuer="https://account.example.com/ "), ["issuer.syntax"], FMT)
    v(with_(SRV, issuer="https:///"), ["issuer.host"], R8414)
    v(with_(SRV, issuer=5), ["issuer.invalid_type"], FMT)
    # endpoints
    v(with_(SRV, authorization_endpoint="http://account.example.com/oauth2/auth"),
      ["authorization_endpoint.not_https"], "RFC 6749 section 3.1")
    v(with_(SRV, authorization_endpoint="https://account.example.com/auth?tenant=1"), [],
      "RFC 6749 section 3.1")
    v(with_(SRV, authorization_endpoint="https://account.example.com/auth#x"),
      ["authorization_endpoint.fragment"], "RFC 6749 section 3.1")
    v(with_(SRV, token_endpoint="/oauth2/token"), ["token_endpoint.syntax"], R3986)
    v(with_(SRV, token_endpoint="https://user:pw@account.example.com/token"),
      ["token_endpoint.userinfo"], POLICY)
    v(with_(SRV, token_endpoint="https:/token"), ["token_endpoint.host"], POLICY)
    v(with_(SRV, token_endpoint=["https://account.example.com/token"]),
      ["token_endpoint.invalid_type"], FMT)
    v(with_(SRV, revocation_endpoint="https://account.example.com/revoke#x"),
      ["revocation_endpoint.fragment"], "RFC 6749 section 3.1")
    v(with_(SRV, revocation_endpoint="http://account.example.com/revoke"),
      ["revocation_endpoint.not_https"], S51)
    v(with_(SRV, registration_endpoint="http://localhost:8080/register"),
      ["registration_endpoint.not_https"], S51)
    v(with_(SRV, registration_endpoint=""), ["registration_endpoint.syntax"], R3986)
    v(with_(SRV, authorization_endpoint="https://auth.example.org/authorize",
            token_endpoint="https://auth.example.org:8443/token"), [], POLICY)
    # response_types_supported
    v(with_(SRV, response_types_supported="code"), ["response_types_supported.invalid_type"], FMT)
    v(with_(SRV, response_types_supported=["token"]), ["response_types_supported.missing_code"], S51)
    v(with_(SRV, response_types_supported=[]), ["response_types_supported.missing_code"], S51)
    v(with_(SRV, response_types_supported=["code id_token"]),
      ["response_types_supported.missing_code"], S51)
    v(with_(SRV, response_types_supported=["code", 1]),
      ["response_types_supported.invalid_type"], FMT)
    # grant_types_supported
    v(with_(SRV, grant_types_supported=["authorization_code"]),
      ["grant_types_supported.missing_refresh_token"], S51)
    v(with_(SRV, grant_types_supported=["refresh_token"]),
      ["grant_types_supported.missing_authorization_code"], S51)
    v(with_(SRV, grant_types_supported=[]), ["grant_types_supported.missing_authorization_code",
                                             "grant_types_supported.missing_refresh_token"], S51)
    v(with_(SRV, grant_types_supported=["implicit", "password"]),
      ["grant_types_supported.missing_authorization_code",
       "grant_types_supported.missing_refresh_token"], S51)
    v(with_(SRV, grant_types_supported="authorization_code refresh_token"),
      ["grant_types_supported.invalid_type"], FMT)
    # response_modes_supported
    v(with_(SRV, response_modes_supported=["query"]),
      ["response_modes_supported.missing_fragment"], S51)
    v(with_(SRV, response_modes_supported=["fragment"]),
      ["response_modes_supported.missing_query"], S51)
    v(with_(SRV, response_modes_supported=[]), ["response_modes_supported.missing_fragment",
                                                "response_modes_supported.missing_query"], S51)
    v(with_(SRV, response_modes_supported=["fragment", "query"]), [], S51)
    v(with_(SRV, response_modes_supported="query fragment"),
      ["response_modes_supported.invalid_type"], FMT)
    # code_challenge_methods_supported
    v(with_(SRV, code_challenge_methods_supported=["plain"]),
      ["code_challenge_methods_supported.missing_s256"], S51)
    v(with_(SRV, code_challenge_methods_supported=["s256"]),
      ["code_challenge_methods_supported.missing_s256"], "RFC 7636 section 4.3")
    v(with_(SRV, code_challenge_methods_supported=[]),
      ["code_challenge_methods_supported.missing_s256"], S51)
    v(with_(SRV, code_challenge_methods_supported=["plain", "S256"]), [], S51)
    v(with_(SRV, code_challenge_methods_supported={"S256": True}),
      ["code_challenge_methods_supported.invalid_type"], FMT)
    # Several at once.
    v(with_(SRV, issuer="http://account.example.com/", token_endpoint=DROP,
            code_challenge_methods_supported=["plain"], response_modes_supported=DROP,
            grant_types_supported=["authorization_code", "authorization_code"]),
      ["code_challenge_methods_supported.missing_s256", "grant_types_supported.missing_refresh_token",
       "issuer.not_https", "response_modes_supported.missing", "token_endpoint.missing"], S51)
    return s


def server_optional():
    s = Suite("server-metadata-optional", "server_metadata.validate: optional fields "
              "(account management, device grant, prompt values), non-object metadata, the "
              "64 KiB limit and malformed op input")
    v = s.server
    v(with_(SRV, account_management_uri=AS + "account/"), [], "spec 5.6 (MSC4191)")
    v(with_(SRV, account_management_uri=AS + "account/?theme=dark#/sessions"), [], POLICY)
    v(with_(SRV, account_management_uri="http://account.example.com/account/"),
      ["account_management_uri.not_https"], POLICY)
    v(with_(SRV, account_management_uri="http://localhost:8080/account"),
      ["account_management_uri.not_https"], POLICY)
    v(with_(SRV, account_management_uri="/account"), ["account_management_uri.syntax"], R3986)
    v(with_(SRV, account_management_uri="https://u@account.example.com/"),
      ["account_management_uri.userinfo"], POLICY)
    v(with_(SRV, account_management_uri="https:/account"), ["account_management_uri.host"], POLICY)
    v(with_(SRV, account_management_uri=5), ["account_management_uri.invalid_type"], FMT)
    v(with_(SRV, account_management_uri=None), ["account_management_uri.invalid_type"], POLICY)
    v(with_(SRV, account_management_actions_supported=[
        "org.matrix.profile", "org.matrix.devices_list", "org.matrix.device_view",
        "org.matrix.device_delete", "org.matrix.account_deactivate",
        "org.matrix.cross_signing_reset"]), [], "spec 5.6 (MSC4191)")
    v(with_(SRV, account_management_actions_supported=[
        "org.matrix.session_end", "com.example.custom", "profile"]), [], FMT)
    v(with_(SRV, account_management_actions_supported=[]), [], POLICY)
    v(with_(SRV, account_management_actions_supported="org.matrix.profile"),
      ["account_management_actions_supported.invalid_type"], FMT)
    v(with_(SRV, account_management_actions_supported=["org.matrix.profile", 3]),
      ["account_management_actions_supported.invalid_type"], FMT)
    v(with_(SRV, account_management_actions_supported=["org.matrix.profile"]), [], POLICY)
    v(with_(SRV, **{"org.matrix.msc4191.account_management_uri": "http://x/",
                    "org.matrix.msc4191.account_management_actions_supported": 5}), [], POLICY)
    v(with_(SRV, device_authorization_endpoint=AS + "oauth2/device"), [], "RFC 8628 section 4")
    v(with_(SRV, device_authorization_endpoint="http://account.example.com/oauth2/device"),
      ["device_authorization_endpoint.not_https"], "RFC 8628 section 4")
    v(with_(SRV, device_authorization_endpoint=AS + "oauth2/device#x"),
      ["device_authorization_endpoint.fragment"], POLICY)
    v(with_(SRV, device_authorization_endpoint="device"),
      ["device_authorization_endpoint.syntax"], R3986)
    v(with_(SRV, device_authorization_endpoint=1),
      ["device_authorization_endpoint.invalid_type"], FMT)
    v(with_(SRV, grant_types_supported=AC_RT + ["urn:ietf:params:oauth:grant-type:device_code"],
            device_authorization_endpoint=AS + "oauth2/device"), [], "spec 5.1 (MSC4341)")
    v(with_(SRV, prompt_values_supported=["create"]), [], S51)
    v(with_(SRV, prompt_values_supported=["login", "consent", "urn:example:x"]), [], POLICY)
    v(with_(SRV, prompt_values_supported=[]), [], POLICY)
    v(with_(SRV, prompt_values_supported="create"), ["prompt_values_supported.invalid_type"], FMT)
    v(with_(SRV, prompt_values_supported=[None]), ["prompt_values_supported.invalid_type"], FMT)
    v(with_(SRV, scopes_supported=5, jwks_uri="http://x/", introspection_endpoint=None), [], POLICY)
    v(with_(SRV, account_management_uri="http://x/", account_management_actions_supported=1,
            device_authorization_endpoint="https://x/d#f", prompt_values_supported={}),
      ["account_management_actions_supported.invalid_type", "account_management_uri.not_https",
       "device_authorization_endpoint.fragment", "prompt_values_supported.invalid_type"], POLICY)
    # Non-object metadata and the size limit.
    v(None, ["metadata.invalid_type"], FMT)
    v([SRV], ["metadata.invalid_type"], FMT)
    v("https://account.example.com/", ["metadata.invalid_type"], FMT)
    v(padded(SRV, "op_policy_uri_pad", 65536), [], FMT)
    v(padded(SRV, "op_policy_uri_pad", 65537), ["metadata.too_large"], FMT)
    v(padded({"issuer": "http://bad/"}, "x", 70000), ["metadata.too_large"], FMT)
    # Malformed op input.
    v({}, error("input.invalid"), FMT, raw=True)
    v({"server_metadata": SRV}, error("input.invalid"), FMT, raw=True)
    v({"metadata": SRV, "policy": "synapse"}, verdict([]), FMT, raw=True)
    v({"metadata": SRV, "policy": "nope"}, error("policy.unknown_preset"),
      "FORMAT.md policy documents", raw=True)
    return s


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

SUITES = [redirect_web, redirect_native, redirect_authorization, redirect_syntax, redirect_input,
          client_uris, client_redirects, client_grants, client_shape,
          server_required, server_optional]


def check_case(case):
    expect = case["expect"]
    assert len(expect) == 1 and ("ok" in expect) != ("error" in expect), case["id"]
    if "ok" in expect and "violations" in expect["ok"]:
        codes = expect["ok"]["violations"]
        assert codes == sorted(set(codes)), (case["id"], codes)
        assert expect["ok"]["valid"] == (not codes), case["id"]
    if "ok" in expect and "violation" in expect["ok"]:
        assert expect["ok"]["valid"] == (expect["ok"]["violation"] is None), case["id"]
    got = MODELS[case["op"]](case["input"])
    if got != expect:
        raise SystemExit("model disagrees with %s:\n  written %s\n  model   %s"
                         % (case["id"], json.dumps(expect), json.dumps(got)))


def main():
    seen = set()
    outputs = []
    for build in SUITES:
        suite = build()
        for case in suite.cases:
            assert case["id"] not in seen, case["id"]
            seen.add(case["id"])
            check_case(case)
        doc = {"suite": suite.name, "description": suite.description, "cases": suite.cases}
        text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
        outputs.append((os.path.join(OUT_DIR, suite.name + ".json"), text, suite))
    for path, text, suite in outputs:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("%-40s %4d cases" % (os.path.relpath(path, OUT_DIR), len(suite.cases)))
    print("total %d cases" % len(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
