#!/usr/bin/env python3
"""Write the conformance vectors for request.decide, grant.decide, client.interpret and account.url.

Every expected answer below is written from the shared docs (DECISIONS.md, FORMAT.md, PRESETS.md,
the spec notes) or from a choice listed in ../CHOICES-decisions.md; nothing here runs or links the
engine. The endpoint catalogue is read from the repository's one copy, core/gen/endpoints.tsv (the
spec's operations; v4: getRoomSummary optional); the endpoints the spec defines in prose are
listed by hand below (PROSE).

Run from anywhere: `python3 core/conformance/gen/gen_decisions.py`. The output is deterministic:
running it again rewrites the same bytes.
"""

import json
import os
import string
import sys
from urllib.parse import unquote

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
TSV = os.path.join(os.path.dirname(OUT), "gen", "endpoints.tsv")

# ---------------------------------------------------------------------------------------------
# Vocabulary

API = "urn:matrix:client:api:*"
API_U = "urn:matrix:org.matrix.msc2967.client:api:*"
DEV = "urn:matrix:client:device:"
DEV_U = "urn:matrix:org.matrix.msc2967.client:device:"
ADMIN = "urn:synapse:admin:*"
DID = "ABCDEFGHIJ"  # valid under every preset (10 characters, alphanumeric)
FULL = f"{API} {DEV}{DID}"
C = "/_matrix/client/v3"
NOW = 1750000000
AMU = "https://account.example.org/account/"
XS_RESET = "org.matrix.cross_signing_reset"
INSUFFICIENT_SCOPE = {
    "www-authenticate": 'Bearer error="insufficient_scope", scope="urn:matrix:client:api:*"'
}

# The endpoints that no OAuth client may use (DECISIONS.md step 2), by operation id.
STEP2 = {
    "getLoginFlows", "login", "redirectToSSO", "redirectToIdP", "refresh", "logout",
    "logout_all", "changePassword", "requestTokenToResetPasswordEmail",
    "requestTokenToResetPasswordMSISDN", "deactivateAccount", "add3PID", "generateLoginToken",
}

# Sample values for the path parameters of the catalogue (raw, already percent-encoded).
SAMPLE = {
    "appserviceId": "bridge",
    "deviceId": DID,
    "eventId": "%24event1",
    "eventType": "m.room.message",
    "fileName": "cat.png",
    "filterId": "f1",
    "idpId": "oidc-github",
    "keyName": "displayname",
    "kind": "override",
    "mediaId": "abcMEDIA123",
    "networkId": "irc",
    "protocol": "irc",
    "receiptType": "m.read",
    "relType": "m.thread",
    "roomAlias": "%23lobby%3Aexample.org",
    "roomIdOrAlias": "%23lobby%3Aexample.org",
    "roomId": "%21room%3Aexample.org",
    "ruleId": "rule1",
    "serverName": "example.org",
    "sessionId": "sess1",
    "stateKey": "somekey",
    "tag": "u.work",
    "txnId": "txn1",
    "type": "m.direct",
    "userId": "%40alice%3Aexample.org",
    "version": "1",
}
ROOM = SAMPLE["roomId"]
USER = SAMPLE["userId"]


def load_endpoints():
    rows = []
    with open(TSV, encoding="utf-8") as f:
        header = None
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            rows.append(dict(zip(header, cells)))
    return rows


ENDPOINTS = load_endpoints()
BY_OP = {e["operation_id"]: e for e in ENDPOINTS}

# v4: the endpoints the spec defines in prose (DECISIONS.md "Path matching"), in the tsv's shape.
PROSE = [
    {"method": "GET", "path": "/_matrix/client/v3/auth/{authType}/fallback/web",
     "operation_id": "getUiaFallbackPage", "token": "none", "uia": "no", "guest": "no"},
    {"method": "POST", "path": "/_matrix/client/v3/auth/{authType}/fallback/web",
     "operation_id": "postUiaFallbackPage", "token": "none", "uia": "no", "guest": "no"},
    {"method": "GET", "path": "/_matrix/static/client/login/",
     "operation_id": "getLoginFallbackPage", "token": "none", "uia": "no", "guest": "no"},
    {"method": "GET", "path": "/_matrix/client/unstable/org.matrix.msc2965/auth_issuer",
     "operation_id": "getAuthIssuer", "token": "none", "uia": "no", "guest": "no"},
]
for _e in PROSE:
    BY_OP[_e["operation_id"]] = _e
# v4: the MSC-prefixed spellings DECISIONS.md names (MSC2965, MSC4323) and a few more that the MSCs
# name, template -> operation id
MSC_SPELLINGS = [
    ("GET", "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata", "getAuthMetadata"),
    ("GET", "/_matrix/client/unstable/uk.timedout.msc4323/admin/lock/{userId}", "getAdminLockUser"),
    ("PUT", "/_matrix/client/unstable/uk.timedout.msc4323/admin/lock/{userId}", "setAdminLockUser"),
    ("GET", "/_matrix/client/unstable/uk.timedout.msc4323/admin/suspend/{userId}", "getAdminSuspendUser"),
    ("PUT", "/_matrix/client/unstable/uk.timedout.msc4323/admin/suspend/{userId}", "setAdminSuspendUser"),
    # Spellings the MSCs themselves name (their "Unstable prefix" sections), used by suite_spellings.
    ("POST", "/_matrix/client/unstable/org.matrix.msc3882/login/get_token", "generateLoginToken"),
    ("POST", "/_matrix/client/unstable/org.matrix.msc2918/refresh", "refresh"),
    ("GET", "/_matrix/client/unstable/org.matrix.msc2858/login/sso/redirect/{idpId}", "redirectToIdP"),
    ("POST", "/_matrix/client/unstable/fi.mau.msc2659/appservice/{appserviceId}/ping", "pingAppservice"),
    ("PUT", "/_matrix/client/unstable/uk.tcpip.msc4133/profile/{userId}/{keyName}", "setProfileField"),
    ("GET", "/_matrix/client/unstable/im.nheko.summary/rooms/{roomIdOrAlias}/summary", "getRoomSummary"),
    ("GET", "/_matrix/client/unstable/org.matrix.msc3916/media/config", "getConfigAuthed"),
    ("POST", "/_matrix/media/unstable/fi.mau.msc2246/create", "createContent"),
    ("POST", "/_matrix/client/unstable/org.matrix.msc3983/keys/claim", "claimKeys"),
]
# v4: MSC4484's scope and its unstable twin; the five Server Administration endpoints
SA = "urn:matrix:client:api:server_administration"
SA_U = "urn:matrix:client:cc.c10y.msc4484.server_administration"
MSC4484_OPS = ["getAdminLockUser", "setAdminLockUser", "getAdminSuspendUser", "setAdminSuspendUser",
               "getWhoIs"]


def spellings(template):
    """DECISIONS.md path matching (v4): every template a stable template is also reached by."""
    out = [template]
    for stable, others in (("/_matrix/client/v3/", ("/_matrix/client/r0/", "/_matrix/client/unstable/")),
                           ("/_matrix/client/v1/", ("/_matrix/client/unstable/",)),
                           ("/_matrix/media/v3/", ("/_matrix/media/r0/", "/_matrix/media/v1/"))):
        if template.startswith(stable):
            out.extend(o + template[len(stable):] for o in others)
    return out


def template_matches(template, path):
    ts, ps = template.split("/"), path.split("/")
    if ts[-1] == "{stateKey}" and len(ps) == len(ts) - 1:
        ps = ps + [""]
    if len(ts) != len(ps):
        return False
    for t, p in zip(ts, ps):
        if t.startswith("{"):
            if p == "" and t != "{stateKey}":
                return False
        elif t != p:
            return False
    return True


def resolve(method, path):
    """The operation id a request reaches under v4 with no declared endpoints (an independent
    cross-check of the expected `endpoint` of every case); None when unknown or admin."""
    if method == "OPTIONS" or path.startswith("/_synapse/admin/"):
        return None
    if method == "HEAD":
        method = "GET"
    found = set()
    for e in ENDPOINTS + PROSE:
        if e["method"] == method and any(template_matches(t, path) for t in spellings(e["path"])):
            found.add(first_op(e))
    for m, t, op in MSC_SPELLINGS:
        if m == method and template_matches(t, path):
            found.add(op)
    assert len(found) <= 1, (method, path, found)
    return found.pop() if found else None


def first_op(e):
    return e["operation_id"].split("+")[0]


def fill(template, **override):
    """The template with every {param} replaced by its sample value."""
    out = []
    for seg in template.split("/"):
        if seg.startswith("{") and seg.endswith("}"):
            name = seg[1:-1]
            seg = override.get(name, SAMPLE[name])
        out.append(seg)
    return "/".join(out)


# ---------------------------------------------------------------------------------------------
# Independent helpers for the derived values (FORMAT.md "Device ids", "Client helpers")

ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits
UNRESERVED = set(string.ascii_letters + string.digits + "-._~")


def derive_id(entropy_hex, length):
    """FORMAT.md deterministic generation: skip bytes >= 248, else ALPHABET[byte % 62]."""
    out = []
    for b in bytes.fromhex(entropy_hex):
        if b >= 248:
            continue
        out.append(ALPHABET[b % 62])
        if len(out) == length:
            return "".join(out)
    raise ValueError("entropy.insufficient")


def pct(s):
    return "".join(
        c if c in UNRESERVED else "".join("%%%02X" % b for b in c.encode("utf-8")) for c in s
    )


def account_url(base, action, device_id=None):
    """FORMAT.md account.url, for the values the decide vectors embed."""
    params = "action=" + pct(action)
    if device_id is not None:
        params += "&device_id=" + pct(device_id)
    h = base.find("#")
    q = base.find("?")
    if q != -1 and (h == -1 or q < h):
        end = h if h != -1 else len(base)
        query = base[q + 1:end]
        sep = "" if query == "" or query.endswith("&") else "&"
        return base[:end] + sep + params + base[end:]
    ins = h if h != -1 else len(base)
    return base[:ins] + "?" + params + base[ins:]


def canonical(tokens):
    return " ".join(sorted(set(tokens), key=lambda t: t.encode("utf-8")))


# ---------------------------------------------------------------------------------------------
# Result patterns

def allow(endpoint, **extra):
    r = {"decision": "allow", "status": None, "errcode": None, "headers": {}, "body": None,
         "endpoint": endpoint}
    r.update(extra)
    return r


def deny(status, errcode, endpoint, headers=None, **extra):
    r = {"decision": "deny", "status": status, "errcode": errcode, "headers": headers or {},
         "body": {"errcode": errcode}, "endpoint": endpoint}
    r.update(extra)
    return r


def no_api(preset, endpoint):
    """DECISIONS.md step 10 under each preset."""
    if preset == "synapse":
        return deny(401, "M_UNKNOWN_TOKEN", endpoint)
    return deny(403, "M_FORBIDDEN", endpoint, INSUFFICIENT_SCOPE)


def step_up(endpoint, acr=None, max_age=None):
    header = 'Bearer error="insufficient_user_authentication"'
    body = {"errcode": "M_INSUFFICIENT_USER_AUTHENTICATION"}
    if acr:
        joined = " ".join(acr)
        header += f', acr_values="{joined}"'
        body["acr_values"] = joined
    if max_age is not None:
        header += f', max_age="{max_age}"'
        body["max_age"] = max_age
    return {"decision": "step_up", "status": 401, "errcode": "M_INSUFFICIENT_USER_AUTHENTICATION",
            "headers": {"www-authenticate": header}, "body": body, "endpoint": endpoint}


def uia(url, session):
    return {
        "decision": "uia", "status": 401, "errcode": None, "headers": {},
        "body": {
            "flows": [{"stages": ["m.oauth"]}, {"stages": [XS_RESET]}],
            "params": {"m.oauth": {"url": url}, XS_RESET: {"url": url}},
            "session": session,
        },
        "endpoint": "uploadCrossSigningKeys",
    }


def tok(scope=FULL, **fields):
    t = {}
    if scope is not None:
        t["scope"] = scope
    t.update(fields)
    return t


GUEST = tok(FULL, guest=True)
APPSERVICE = {"appservice": True}


# ---------------------------------------------------------------------------------------------
# Suites

class Suite:
    def __init__(self, name, description):
        self.name = name
        self.description = description
        self.cases = []

    def add(self, op, inp, expect, source):
        assert isinstance(source, str) and source
        # cross-check: the expected endpoint is the one the v4 matching rules give
        if (op == "request.decide" and "ok" in expect and "endpoint" in expect["ok"]
                and not (isinstance(inp.get("policy"), dict) and "endpoints" in inp["policy"])):
            got = resolve(inp["method"], inp["path"])
            assert expect["ok"]["endpoint"] == got, (self.name, inp["method"], inp["path"], got)
        self.cases.append({
            "id": f"{self.name}-{len(self.cases) + 1:03d}",
            "op": op,
            "input": inp,
            "expect": expect,
            "source": source,
        })

    def ok(self, op, inp, pattern, source):
        self.add(op, inp, {"ok": pattern}, source)

    def err(self, op, inp, code, source):
        self.add(op, inp, {"error": code}, source)

    def decide(self, method, path, pattern=None, source="", *, error=None, token=None,
               context=None, policy=None, now=None, query=None, entropy=None, raw=None):
        inp = {}
        if policy is not None:
            inp["policy"] = policy
        inp["method"] = method
        inp["path"] = path
        if query is not None:
            inp["query"] = query
        if token is not None:
            inp["token"] = token
        if context is not None:
            inp["context"] = context
        if now is not None:
            inp["now"] = now
        if entropy is not None:
            inp["entropy"] = entropy
        if raw is not None:
            inp = raw
        if error is not None:
            self.err("request.decide", inp, error, source)
        else:
            self.ok("request.decide", inp, pattern, source)

    def write(self):
        doc = {"suite": self.name, "description": self.description, "cases": self.cases}
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        with open(os.path.join(OUT, self.name + ".json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return len(self.cases)


# ---------------------------------------------------------------------------------------------
# decide-catalogue: every row of endpoints.tsv, without a token, through r0, and with a full token

def no_token_expect(e):
    """The token-less answer for a catalogued endpoint: steps 2, 3, 4 and 5."""
    op = first_op(e)
    if e["operation_id"] in STEP2:
        return deny(404, "M_UNRECOGNIZED", op, account_url=None), "DECISIONS.md step 2"
    if e["operation_id"] == "register":
        return deny(403, "M_FORBIDDEN", op), "DECISIONS.md step 3 (Registration); MSC4190"
    if e["token"] in ("required", "appservice"):
        return deny(401, "M_MISSING_TOKEN", op), "DECISIONS.md step 4"
    return allow(op), "DECISIONS.md step 5"


def suite_catalogue():
    s = Suite("decide-catalogue",
              "request.decide over the whole endpoint catalogue (endpoints.tsv): every row without "
              "a token, every /_matrix/client/v3 row through its r0 alias, every row with a full "
              "OAuth token")
    for e in ENDPOINTS:
        pattern, source = no_token_expect(e)
        s.decide(e["method"], fill(e["path"]), pattern,
                 source + "; endpoints.tsv token=" + e["token"])
    for e in ENDPOINTS:
        if not e["path"].startswith(C + "/"):
            continue
        path = "/_matrix/client/r0/" + fill(e["path"])[len(C) + 1:]
        # v4: the r0 spelling of every v3 template is the endpoint, whatever its added_in
        pattern, source = no_token_expect(e)
        source = ("DECISIONS.md path matching (v4: r0 spelling, added_in " + e["added_in"] + "); "
                  + source)
        s.decide(e["method"], path, pattern, source)
    for e in ENDPOINTS:
        op = first_op(e)
        context = None
        if e["operation_id"] in STEP2:
            pattern, source = deny(404, "M_UNRECOGNIZED", op, account_url=None), "DECISIONS.md step 2"
        elif op == "register":
            pattern, source = deny(403, "M_FORBIDDEN", op), "DECISIONS.md step 3 (not an appservice)"
        elif e["token"] == "appservice":
            pattern, source = deny(403, "M_FORBIDDEN", op), "DECISIONS.md step 8"
        elif op in ("deleteDevice", "deleteDevices"):
            pattern, source = deny(404, "M_UNRECOGNIZED", op, account_url=None), "DECISIONS.md step 14"
        elif op == "uploadCrossSigningKeys":
            context = {"cross_signing": {"master_key_exists": False}}
            pattern, source = allow(op), "DECISIONS.md step 15; MSC3967"
        elif e["token"] == "none":
            pattern = allow(op, device=None, synapse_admin=False)
            source = "DECISIONS.md step 5 (v4: a token sent to a token-none endpoint is ignored)"
        else:
            pattern = allow(op, device=DID, synapse_admin=False)
            source = "DECISIONS.md step 18"
        s.decide(e["method"], fill(e["path"]), pattern, source, token=tok(), context=context)
    return s


# ---------------------------------------------------------------------------------------------
# decide-paths: path matching edge cases

def suite_paths():
    s = Suite("decide-paths",
              "request.decide path matching: r0 aliases, trailing slashes, the empty state key, "
              "raw percent-encoded segments, double slashes, unknown paths, method mismatches, "
              "unknown_endpoints")
    PM = "DECISIONS.md path matching"
    deny_unknown = {"unknown_endpoints": "deny"}
    full = tok()

    def known(method, path, op, why):
        s.decide(method, path, allow(op, device=DID), f"{PM} ({why}); step 18", token=full)

    def unknown(method, path, why):
        s.decide(method, path, allow(None, device=DID),
                 f"{PM} ({why}); step 18 (unknown_endpoints allow)", token=full)
        s.decide(method, path, deny(404, "M_UNRECOGNIZED", None),
                 f"{PM} ({why}); step 16", token=full, policy=deny_unknown)

    # r0 aliases
    known("GET", "/_matrix/client/r0/sync", "sync", "r0 alias of a pre-v1.1 endpoint")
    known("GET", "/_matrix/client/r0/account/whoami", "getTokenOwner", "r0 alias")
    known("GET", f"/_matrix/client/r0/rooms/{ROOM}/state/m.room.name/", "getRoomStateWithKey",
          "r0 alias with the empty state key")
    known("GET", "/_matrix/client/r0/pushrules/", "getPushRules", "r0 alias of a template ending in /")
    # v4: every spelling is the endpoint, whatever its added_in (each pair keeps the two ids the
    # v3 "unknown" pair had: without and with unknown_endpoints deny)
    V4S = "v4: every spelling is the endpoint"
    known("POST", f"/_matrix/client/r0/knock/{ROOM}", "knockRoom", f"{V4S}: r0 of a v1.1 endpoint")
    s.decide("POST", f"/_matrix/client/r0/knock/{ROOM}", allow("knockRoom", device=DID),
             f"{PM} ({V4S}: r0 of a v1.1 endpoint); step 18 (unknown_endpoints is not read)",
             token=full, policy=deny_unknown)
    s.decide("POST", "/_matrix/client/r0/keys/device_signing/upload", uia(XS_URL, "sess-1"),
             f"{PM} ({V4S}: r0 of uploadCrossSigningKeys); step 15 (a master key exists)",
             token=full, context=xs_context())
    s.decide("POST", "/_matrix/client/r0/keys/device_signing/upload", uia(XS_URL, "sess-1"),
             f"{PM} ({V4S}: r0 of uploadCrossSigningKeys); step 15 (a master key exists)",
             token=full, context=xs_context(), policy=deny_unknown)
    known("GET", "/_matrix/client/r0/room_keys/version", "getRoomKeysVersionCurrent",
          f"{V4S}: r0 of a v1.1 endpoint")
    s.decide("GET", "/_matrix/client/r0/room_keys/version", allow("getRoomKeysVersionCurrent", device=DID),
             f"{PM} ({V4S}: r0 of a v1.1 endpoint); step 18 (unknown_endpoints is not read)",
             token=full, policy=deny_unknown)
    unknown("GET", "/_matrix/client/r0/media/config", "r0 maps to v3 only, and v3 has no media/config")
    known("POST", "/_matrix/media/r0/upload", "uploadContent", f"{V4S}: media r0 of a media v3 template")
    s.decide("POST", "/_matrix/media/r0/upload", allow("uploadContent", device=DID),
             f"{PM} ({V4S}: media r0); step 18 (unknown_endpoints is not read)",
             token=full, policy=deny_unknown)
    unknown("GET", "/_matrix/client/v1/sync", "v1 is not an alias of v3")
    unknown("GET", "/_matrix/client/v3/mutual_rooms", "getMutualRooms is a v1 endpoint")
    # trailing slashes
    unknown("GET", f"{C}/sync/", "a trailing slash makes the path unknown")
    unknown("GET", "/_matrix/client/versions/", "trailing slash")
    unknown("POST", f"{C}/createRoom/", "trailing slash")
    unknown("GET", f"{C}/rooms/{ROOM}/messages/", "trailing slash")
    unknown("GET", f"{C}/rooms/{ROOM}/state/", "trailing slash after state: {eventType} is empty")
    unknown("GET", f"{C}/rooms/{ROOM}/state/m.room.name/somekey/", "trailing slash after a state key")
    unknown("GET", f"{C}/rooms/{ROOM}/state/m.room.name//", "two trailing slashes")
    unknown("GET", f"{C}/rooms/{ROOM}/state//", "empty event type")
    # the empty state key
    known("GET", f"{C}/rooms/{ROOM}/state/m.room.name/", "getRoomStateWithKey", "empty state key")
    known("GET", f"{C}/rooms/{ROOM}/state/m.room.name", "getRoomStateWithKey",
          "state key segment left out")
    known("PUT", f"{C}/rooms/{ROOM}/state/m.room.name/", "setRoomStateWithKey", "empty state key")
    known("PUT", f"{C}/rooms/{ROOM}/state/m.room.name", "setRoomStateWithKey",
          "state key segment left out")
    known("GET", f"{C}/rooms/{ROOM}/state/m.room.member/%40alice%3Aexample.org",
          "getRoomStateWithKey", "state key")
    known("GET", f"{C}/rooms/{ROOM}/state", "getRoomState", "no event type")
    # templates that end with a slash
    known("GET", f"{C}/pushrules/", "getPushRules", "template ends with /")
    unknown("GET", f"{C}/pushrules", "the template /pushrules/ needs its trailing slash")
    known("GET", f"{C}/pushrules/global/", "getPushRulesGlobal", "template ends with /")
    unknown("GET", f"{C}/pushrules/global", "the template /pushrules/global/ needs its slash")
    unknown("GET", f"{C}/pushrules//", "double trailing slash")
    known("GET", f"{C}/pushrules/global/override/.m.rule.master", "getPushRule", "params")
    known("PUT", f"{C}/pushrules/global/override/.m.rule.master/enabled", "setPushRuleEnabled",
          "params")
    # %2F and raw characters inside a segment
    known("GET", f"{C}/rooms/{ROOM}/state/m.room.name/a%2Fb", "getRoomStateWithKey",
          "%2F stays inside its segment")
    known("GET", f"{C}/rooms/{ROOM}/state/m.room.name/a%2Fb%2Fc", "getRoomStateWithKey",
          "%2F stays inside its segment")
    known("GET", f"{C}/devices/AB%2FCD", "getDevice", "%2F inside {deviceId}")
    known("GET", f"{C}/devices/%2F", "getDevice", "{deviceId} is only %2F")
    known("PUT", f"{C}/profile/%40alice%3Aexample.org%2Fx/avatar_url", "setProfileField",
          "%2F inside {userId}")
    unknown("GET", f"{C}/devices/AB/CD", "a raw / splits the segment")
    known("GET", f"{C}/rooms/!room:example.org/messages", "getRoomEvents", "raw ! and : in {roomId}")
    s.decide("GET", f"{C}/profile/@alice:example.org/displayname", allow("getProfileField", device=None),
             f"{PM} (raw @ and :); step 5 (v4: token none, the token is ignored)", token=full)
    known("GET", f"{C}/rooms/{ROOM}/event/$event1", "getOneRoomEvent", "raw $ in {eventId}")
    # double slashes and other malformed paths
    unknown("GET", f"{C}//sync", "double slash: an empty segment")
    unknown("GET", "//_matrix/client/v3/sync", "leading double slash")
    unknown("GET", f"{C}/rooms//messages", "empty {roomId}")
    unknown("GET", f"{C}/rooms/{ROOM}//messages", "double slash inside")
    unknown("GET", f"{C}/SYNC", "literal segments are compared exactly")
    unknown("GET", f"{C}/%73ync", "literal segments are compared on the raw text")
    unknown("GET", f"{C}/nonexistent", "not in the catalogue")
    unknown("POST", "/_matrix/client/unstable/org.matrix.msc3575/sync", "unstable endpoint")
    unknown("GET", "/_matrix/client/v3", "prefix only")
    unknown("GET", "/", "root")
    unknown("GET", "/_synapse/client/pick_idp", "not an admin path")
    # method mismatches
    unknown("POST", f"{C}/sync", "no POST on /sync")
    unknown("DELETE", f"{C}/createRoom", "no DELETE on /createRoom")
    unknown("PATCH", f"{C}/devices/{DID}", "no PATCH")
    unknown("GET", f"{C}/logout", "step 2 names POST /logout only")
    unknown("PUT", f"{C}/join/{SAMPLE['roomIdOrAlias']}", "only POST /join/{roomIdOrAlias}")
    # merged operation ids report the first
    known("GET", f"{C}/events", "getEvents", "getEvents+peekEvents reports the first id")
    known("POST", f"{C}/rooms/{ROOM}/invite", "inviteBy3PID", "inviteBy3PID+inviteUser")
    # unknown paths against the earlier steps
    s.decide("GET", f"{C}/nonexistent", deny(401, "M_MISSING_TOKEN", None),
             "DECISIONS.md step 4 (unknown path, no token)", policy=deny_unknown)
    s.decide("POST", f"{C}/sync", deny(401, "M_MISSING_TOKEN", None),
             "DECISIONS.md step 4 (method mismatch is an unknown path)")
    s.decide("GET", f"{C}/nonexistent", no_api("default", None),
             "DECISIONS.md step 10 before step 16", token=tok("openid"), policy=deny_unknown)
    s.decide("GET", f"{C}/nonexistent", deny(401, "M_UNKNOWN_TOKEN", None),
             "DECISIONS.md step 6 before step 16", token=tok(FULL, active=False), policy=deny_unknown)
    s.decide("GET", f"{C}/nonexistent", allow(None),
             "DECISIONS.md step 7 before step 16", token=APPSERVICE, policy=deny_unknown)
    s.decide("GET", f"{C}/nonexistent", allow(None, device=DID),
             "DECISIONS.md step 18 (unknown_endpoints allow, explicit)", token=full,
             policy={"preset": "default", "unknown_endpoints": "allow"})
    s.decide("GET", f"{C}/sync", allow("sync", device=DID),
             "DECISIONS.md step 18 (known paths are not affected by unknown_endpoints)",
             token=full, policy=deny_unknown)
    s.decide("GET", f"{C}/nonexistent", deny(404, "M_UNRECOGNIZED", None),
             "DECISIONS.md step 16 under mas", token=full,
             policy={"preset": "mas", "unknown_endpoints": "deny"})
    s.decide("GET", f"{C}/nonexistent", deny(404, "M_UNRECOGNIZED", None),
             "DECISIONS.md step 16 under synapse", token=full,
             policy={"preset": "synapse", "unknown_endpoints": "deny"})
    s.decide("GET", f"{C}/nonexistent", error="policy.invalid",
             source="FORMAT.md Policy documents; policy (enum value outside its set)",
             token=full, policy={"unknown_endpoints": "block"})
    # no token on catalogued paths reached through the matching rules
    s.decide("GET", f"{C}/rooms/{ROOM}/state/m.room.name/", deny(401, "M_MISSING_TOKEN",
             "getRoomStateWithKey"), "DECISIONS.md path matching; step 4")
    s.decide("GET", "/.well-known/matrix/client", allow("getWellknown"),
             "DECISIONS.md step 5 (token none)")
    s.decide("GET", "/_matrix/client/versions", allow("getVersions", device=DID),
             "DECISIONS.md step 18 (token optional, given)", token=full)
    return s


# ---------------------------------------------------------------------------------------------
# decide-tokens: steps 4 to 10 and the device of the request

def padded_scope(total_bytes):
    """A valid full-API scope of exactly total_bytes bytes (one long unknown token at the end)."""
    head = FULL + " x"
    assert total_bytes > len(head)
    scope = head + "y" * (total_bytes - len(head))
    assert len(scope.encode("utf-8")) == total_bytes and len(scope.split(" ")) == 3
    return scope


def many_tokens(n):
    """A valid full-API scope of n tokens."""
    scope = " ".join([API, DEV + DID] + [f"t{i}" for i in range(n - 2)])
    assert len(scope.split(" ")) == n and len(scope) < 4096
    return scope


def suite_tokens():
    s = Suite("decide-tokens",
              "request.decide steps 4 to 10: missing, inactive, appservice and malformed tokens, "
              "the explicit device_id, tokens without the API scope under each preset, malformed "
              "inputs and policies")
    sync = f"{C}/sync"
    # step 4 / 5
    for preset in ("default", "mas", "synapse"):
        s.decide("GET", sync, deny(401, "M_MISSING_TOKEN", "sync"),
                 f"DECISIONS.md step 4 ({preset})", policy=preset)
    s.decide("POST", "/_matrix/client/v1/appservice/bridge/ping",
             deny(401, "M_MISSING_TOKEN", "pingAppservice"), "DECISIONS.md step 4 (token appservice)")
    s.decide("GET", f"{C}/nonexistent", deny(401, "M_MISSING_TOKEN", None),
             "DECISIONS.md step 4 (unknown path)")
    s.decide("GET", "/_matrix/client/versions", allow("getVersions", device=None),
             "DECISIONS.md step 5 (token optional)")
    s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms"), "DECISIONS.md step 5 (token none)")
    s.decide("GET", "/_matrix/client/v1/auth_metadata", allow("getAuthMetadata"),
             "DECISIONS.md step 5 (token none)", policy="mas")
    # step 6
    inactive = tok(FULL, active=False)
    for method, path, op in (("GET", sync, "sync"), ("GET", "/_matrix/client/versions", "getVersions"),
                             ("GET", f"{C}/publicRooms", "getPublicRooms"),
                             ("GET", f"{C}/nonexistent", None)):
        if op == "getPublicRooms":
            s.decide(method, path, allow(op, device=None, synapse_admin=False),
                     "DECISIONS.md step 5 (v4: token none: an inactive token is ignored)", token=inactive)
            continue
        s.decide(method, path, deny(401, "M_UNKNOWN_TOKEN", op),
                 "DECISIONS.md step 6 (a token was presented)", token=inactive)
    s.decide("GET", sync, deny(401, "M_UNKNOWN_TOKEN", "sync"), "DECISIONS.md step 6 before step 7",
             token={"appservice": True, "active": False})
    s.decide("GET", sync, deny(401, "M_UNKNOWN_TOKEN", "sync"), "DECISIONS.md step 6 before step 9",
             token=tok("openid  email", active=False))
    s.decide("GET", sync, deny(401, "M_UNKNOWN_TOKEN", "sync"), "DECISIONS.md step 6 before step 12",
             token=tok(FULL, active=False, guest=True))
    s.decide("GET", sync, allow("sync", device=DID), "DECISIONS.md step 18 (active true, explicit)",
             token=tok(FULL, active=True))
    # step 7
    s.decide("GET", sync, allow("sync"), "DECISIONS.md step 7", token=APPSERVICE)
    s.decide("POST", "/_matrix/client/v1/appservice/bridge/ping", allow("pingAppservice"),
             "DECISIONS.md step 7 (appservice endpoint)", token=APPSERVICE)
    s.decide("PUT", f"{C}/directory/list/appservice/irc/{ROOM}",
             allow("updateAppserviceRoomDirectoryVisibility"), "DECISIONS.md step 7", token=APPSERVICE,
             policy="synapse")
    s.decide("POST", f"{C}/createRoom", allow("createRoom"),
             "DECISIONS.md step 7 before step 9 (scope not read)",
             token={"appservice": True, "scope": "not  a valid scope"})
    s.decide("POST", f"{C}/createRoom", allow("createRoom"),
             "DECISIONS.md step 7 before step 10", token={"appservice": True, "scope": "openid"})
    # step 8
    s.decide("POST", "/_matrix/client/v1/appservice/bridge/ping", deny(403, "M_FORBIDDEN", "pingAppservice"),
             "DECISIONS.md step 8", token=tok())
    s.decide("PUT", f"{C}/directory/list/appservice/irc/{ROOM}",
             deny(403, "M_FORBIDDEN", "updateAppserviceRoomDirectoryVisibility"),
             "DECISIONS.md step 8", token=tok(), policy="mas")
    s.decide("POST", "/_matrix/client/v1/appservice/bridge/ping", deny(403, "M_FORBIDDEN", "pingAppservice"),
             "DECISIONS.md step 8 before step 10 (403, not synapse's 401)", token=tok("openid"),
             policy="synapse")
    s.decide("POST", "/_matrix/client/v1/appservice/bridge/ping", deny(403, "M_FORBIDDEN", "pingAppservice"),
             "DECISIONS.md step 8 before step 9", token=tok("a  b"))
    s.decide("POST", "/_matrix/client/v1/appservice/bridge/ping", deny(403, "M_FORBIDDEN", "pingAppservice"),
             "DECISIONS.md step 8 before step 12", token=GUEST)

    # step 9: grammar, limits and device rules
    def bad(scope, why, policy=None, **fields):
        s.decide("GET", sync, deny(401, "M_UNKNOWN_TOKEN", "sync"), f"DECISIONS.md step 9 ({why})",
                 token=tok(scope, **fields), policy=policy)

    def good(scope, device, why, policy=None, **fields):
        s.decide("GET", sync, allow("sync", device=device, synapse_admin=False),
                 f"DECISIONS.md step 18 ({why})", token=tok(scope, **fields), policy=policy)

    bad(f"{API}  {DEV}{DID}", "doubled space; PRESETS.md default strict grammar")
    bad(f" {FULL}", "leading space")
    bad(f"{FULL} ", "trailing space")
    bad(f"{FULL} a\"b", "invalid character \"")
    bad(f"{FULL} a\\b", "invalid character \\")
    bad(f"{FULL}\topenid", "tab is not a separator")
    bad(f"{FULL} caf\u00e9", "non-ASCII character")
    bad("", "scope.empty")
    bad(many_tokens(65), "65 tokens: scope.too_many_tokens")
    good(many_tokens(64), DID, "64 tokens pass: FORMAT.md limits are inclusive")
    bad(padded_scope(4097), "4097 bytes: scope.too_long")
    good(padded_scope(4096), DID, "4096 bytes pass: FORMAT.md limits are inclusive")
    bad(f"{API} {DEV}AAAAAAAAAA {DEV}BBBBBBBBBB", "two devices")
    bad(f"{API} {DEV}AAAAAAAAAA {DEV_U}BBBBBBBBBB", "two devices across the prefixes")
    good(f"{API} {DEV}{DID} {DEV_U}{DID}", DID, "the same device under both prefixes counts once")
    good(f"{API} {API_U} {DEV}{DID} {DEV_U}{DID}", DID, "introspection form with both twins")
    bad(f"{API} {DEV}", "device_id.empty")
    bad(f"{API} {DEV}" + "D" * 256, "device id of 256 characters: device_id.too_long")
    good(f"{API} {DEV}" + "D" * 255, "D" * 255, "device id of 255 characters")
    good(f"{API} {DEV}a!#$%&'()*+,-./:;<=>?@[]^_`{{|}}~", "a!#$%&'()*+,-./:;<=>?@[]^_`{|}~",
         "every NQCHAR is allowed in a device id under default")
    bad(f"{API} {DEV}AAAAAAAAAA {DEV}BBBBBBBBBB", "the scope names two devices even with an explicit device_id",
        device_id="CCCCCCCCCC")
    # the explicit device_id
    bad(FULL, "explicit device_id empty", device_id="")
    bad(FULL, "explicit device_id of 256 bytes", device_id="E" * 256)
    bad(FULL, "explicit device_id of 256 bytes (128 two-byte characters)", device_id="\u00e9" * 128)
    good(FULL, "E" * 255, "explicit device_id of 255 bytes", device_id="E" * 255)
    good(FULL, "\u00e9" * 127 + "a", "explicit device_id of 255 bytes, counted in bytes",
         device_id="\u00e9" * 127 + "a")
    good(FULL, "OTHERDEVICE", "the explicit device_id wins over the scope", device_id="OTHERDEVICE")
    good(FULL, "my device", "the explicit device_id is taken as is, even with a space",
         device_id="my device")
    good(API, "compat\"id\\x", "the explicit device_id may hold characters no scope token can carry",
         device_id="compat\"id\\x")
    good(API, "ABC", "explicit device_id is not checked against mas's device rules",
         policy="mas", device_id="ABC")
    good(API, None, "no device anywhere: device null")
    good(f"{API_U} {DEV_U}{DID}", DID, "unstable tokens only")
    good(f"openid {API_U} {DEV}{DID}", DID, "mixed prefixes are fine when reading a token")
    # device rules per policy
    bad(f"{API} {DEV}ABC", "mas: device_id.too_short", policy="mas")
    bad(f"{API} {DEV}ABCDEFGHI%", "mas: device_id.invalid_char", policy="mas")
    bad(f"{API} {DEV_U}ABCDEFGHI#", "mas: device_id.invalid_char (unstable prefix)", policy={"preset": "mas"})
    good(f"{API} {DEV}ABCDEFGHI%", "ABCDEFGHI%", "default allows % in a device id")
    good(f"{API} {DEV}ABC", "ABC", "default has no minimum length")
    good(f"{API} {DEV}ABCDE.~!$&'()*+,;=:@/-", "ABCDE.~!$&'()*+,;=:@/-",
         "mas alphabet: unreserved, sub-delims, : @ /", policy="mas")
    bad(f"{API} {DEV}ABCDE!FGHI", "device_rules alphabet unreserved",
        policy={"device_rules": {"min_length": 1, "max_length": 255, "alphabet": "unreserved"}})
    good(f"{API} {DEV}ABCDE~FGHI", "ABCDE~FGHI", "device_rules alphabet unreserved",
         policy={"device_rules": {"min_length": 1, "max_length": 255, "alphabet": "unreserved"}})
    bad(f"{API} {DEV}ABCDEFGHIJKLM", "device_rules max_length 12",
        policy={"device_rules": {"min_length": 1, "max_length": 12, "alphabet": "scope_token"}})
    bad(f"{API} {DEV}ABCDEFGHIJ", "device_rules min_length 12",
        policy={"preset": "default", "device_rules": {"min_length": 12, "max_length": 255,
                                                      "alphabet": "scope_token"}})
    # synapse's lenient reading
    good(f"{API}  {DEV}{DID}", DID, "synapse splits on spaces and drops empty pieces", policy="synapse")
    good(f" {FULL} ", DID, "synapse: leading and trailing spaces", policy="synapse")
    bad(f"{FULL}\topenid", "synapse: a tab is still scope.invalid_char", policy="synapse")
    bad(f"{API}  {DEV}{DID}", "mas is strict", policy="mas")
    s.decide("GET", sync, deny(401, "M_UNKNOWN_TOKEN", "sync"),
             "DECISIONS.md step 10 (synapse: an empty scope is an empty scope)", token=tok(""),
             policy="synapse")

    # step 10 under each preset
    for scope in ("openid", f"{DEV}{DID}", ADMIN, "urn:matrix:client:api:read:*",
                  "URN:MATRIX:CLIENT:API:*", "urn:matrix:client:api:guest", "urn:matrix:client:api",
                  f"openid email {DEV_U}{DID} urn:mas:graphql:*"):
        for preset in ("default", "mas", "synapse"):
            s.decide("GET", sync, no_api(preset, "sync"),
                     f"DECISIONS.md step 10 ({preset}); PRESETS.md {preset}; RFC 6750 section 3.1",
                     token=tok(scope), policy=preset)
    s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms", device=None, synapse_admin=False),
             "DECISIONS.md step 5 (v4: token none: a token without the API scope is ignored)",
             token=tok("openid"))
    s.decide("GET", "/_matrix/client/versions", no_api("synapse", "getVersions"),
             "DECISIONS.md step 10 (synapse)", token=tok("openid"), policy="synapse")
    s.decide("GET", sync, allow("sync", device=None), "DECISIONS.md step 10 (unstable API token)",
             token=tok(API_U))
    s.decide("GET", sync, allow("sync", device=None), "DECISIONS.md step 10 (unstable API token, synapse)",
             token=tok(API_U), policy="synapse")
    s.decide("GET", sync, allow("sync", device=DID, synapse_admin=True),
             "DECISIONS.md step 18; PRESETS.md default (urn:synapse:admin:* sets synapse_admin)",
             token=tok(f"{FULL} {ADMIN}"))

    # malformed input and policies
    s.decide("", "", error="input.invalid", source="FORMAT.md Operations (missing method)",
             raw={"path": sync, "token": tok()})
    s.decide("", "", error="input.invalid", source="FORMAT.md Operations (missing path)",
             raw={"method": "GET", "token": tok()})
    s.decide("", "", error="input.invalid", source="FORMAT.md Operations (method is not a string)",
             raw={"method": 1, "path": sync})
    s.decide("GET", sync, error="input.invalid",
             source="DECISIONS.md Input (token.scope is required unless appservice)",
             token={"device_id": DID})
    s.decide("GET", sync, error="input.invalid", source="FORMAT.md Operations (token.active wrong type)",
             token=tok(FULL, active="false"))
    s.decide("GET", sync, error="input.invalid", source="FORMAT.md Operations (token.scope wrong type)",
             token={"scope": ["urn:matrix:client:api:*"]})
    s.decide("GET", sync, error="input.invalid", source="FORMAT.md Operations (now wrong type)",
             token=tok(), now=str(NOW))
    s.decide("", "", error="input.invalid", source="FORMAT.md Operations (token wrong type)",
             raw={"method": "GET", "path": sync, "token": FULL})
    s.decide("GET", sync, error="policy.unknown_preset", source="FORMAT.md Policy documents",
             token=tok(), policy="strict")
    s.decide("GET", sync, error="policy.unknown_preset", source="FORMAT.md Policy documents",
             token=tok(), policy={"preset": "Default"})
    s.decide("GET", sync, error="policy.invalid", source="FORMAT.md Policy documents (unknown field)",
             token=tok(), policy={"preset": "default", "no_such_setting": True})
    s.decide("GET", sync, error="policy.invalid", source="FORMAT.md Policy documents (wrong type)",
             token=tok(), policy={"legacy_endpoints": "yes"})
    s.decide("GET", sync, error="policy.invalid",
             source="FORMAT.md Policy documents; policy (enum value outside its set)",
             token=tok(), policy={"approval": "forever"})
    s.decide("GET", sync, allow("sync", device=DID), "FORMAT.md Policy documents (preset object)",
             token=tok(), policy={"preset": "synapse"})
    s.decide("GET", sync, allow("sync", device=DID), "FORMAT.md Policy documents (empty object = default)",
             token=tok(), policy={})
    return s


# ---------------------------------------------------------------------------------------------
# decide-guests: steps 12 and 13

CAN_JOIN = {"room": {"guest_access": "can_join"}}


def suite_guests():
    s = Suite("decide-guests",
              "request.decide steps 12 and 13: the spec's guest endpoints, guest_endpoints, "
              "displayname-only profile fields and guest joins")
    G12 = "DECISIONS.md step 12; spec 4.1 (SPEC-GUEST)"
    # every guest endpoint of the spec list is allowed to a guest holding the API scope
    for e in ENDPOINTS:
        if e["guest"] == "no":
            continue
        op = first_op(e)
        context = CAN_JOIN if op == "joinRoomById" else None
        src = "DECISIONS.md step 18; spec 4.1 (SPEC-GUEST); endpoints.tsv guest=" + e["guest"]
        s.decide(e["method"], fill(e["path"]), allow(op, device=DID), src, token=GUEST, context=context)
        if e["path"].startswith(C + "/") and e["added_in"] == "-":
            s.decide(e["method"], "/_matrix/client/r0/" + fill(e["path"])[len(C) + 1:],
                     allow(op, device=DID), src + " (r0 alias)", token=GUEST, context=context)
    # the empty state key form of the guest state endpoints
    s.decide("GET", f"{C}/rooms/{ROOM}/state/m.room.name/", allow("getRoomStateWithKey"),
             G12 + "; DECISIONS.md path matching", token=GUEST)
    s.decide("PUT", f"{C}/rooms/{ROOM}/state/m.room.topic", allow("setRoomStateWithKey"),
             G12 + "; DECISIONS.md path matching", token=GUEST)
    # a sample of endpoints guests may not use (every 7th required, non-guest row, plus notable ones)
    sample = []
    # (the sample was drawn when getRoomSummary was still `required`; v4 made it `optional`, and
    # it stays in the draw so that the ids of the other cases do not move)
    plain = [e for e in ENDPOINTS if e["guest"] == "no"
             and (e["token"] == "required" or e["operation_id"] == "getRoomSummary")
             and e["operation_id"] not in STEP2]
    sample.extend(plain[::7])
    for op in ("createRoom", "getJoinedRooms", "getCapabilities", "getKeysChanges",
               "uploadCrossSigningSignatures", "queryPublicRooms", "joinRoom", "deleteDevice",
               "deleteDevices", "uploadCrossSigningKeys", "getSpaceHierarchy", "getRoomSummary",
               "setAdminLockUser", "getAdminSuspendUser", "getOneEvent", "initialSync", "knockRoom"):
        if BY_OP[op] not in sample:
            sample.append(BY_OP[op])
    for e in sample:
        if first_op(e) == "getRoomSummary":
            # v4: token optional and no UIA, so step 12 does not apply (DECISIONS.md step 12)
            s.decide(e["method"], fill(e["path"]), allow("getRoomSummary", device=DID),
                     "DECISIONS.md step 12 (v4: token optional, no UIA: answers anonymous callers); "
                     "step 18", token=GUEST)
            continue
        s.decide(e["method"], fill(e["path"]), deny(403, "M_GUEST_ACCESS_FORBIDDEN", first_op(e)),
                 G12 + " (not on the guest list)", token=GUEST)
    # profile fields: displayname only
    for method, op in (("PUT", "setProfileField"), ("DELETE", "deleteProfileField")):
        s.decide(method, f"{C}/profile/{USER}/displayname", allow(op, device=DID),
                 G12 + " (displayname)", token=GUEST)
        for key in ("avatar_url", "m.tz", "Displayname", "displayname2"):
            s.decide(method, f"{C}/profile/{USER}/{key}", deny(403, "M_GUEST_ACCESS_FORBIDDEN", op),
                     G12 + f" (keyName {key} is not displayname)", token=GUEST)
        s.decide(method, f"{C}/profile/{USER}/avatar_url", allow(op, device=DID),
                 "DECISIONS.md step 18 (not a guest: every key)", token=tok())
    s.decide("PUT", f"/_matrix/client/r0/profile/{USER}/displayname", allow("setProfileField"),
             G12 + " (r0 alias)", token=GUEST)
    # unknown and admin paths are not guest-allowed
    s.decide("GET", f"{C}/nonexistent", deny(403, "M_GUEST_ACCESS_FORBIDDEN", None),
             "DECISIONS.md step 12 (unknown paths are not guest-allowed)", token=GUEST)
    s.decide("POST", f"{C}/sync", deny(403, "M_GUEST_ACCESS_FORBIDDEN", None),
             "DECISIONS.md step 12 (method mismatch is unknown)", token=GUEST)
    s.decide("GET", f"{C}/nonexistent", deny(403, "M_GUEST_ACCESS_FORBIDDEN", None),
             "DECISIONS.md step 12 before step 16", token=GUEST, policy={"unknown_endpoints": "deny"})
    s.decide("GET", "/_synapse/admin/v2/users/%40alice%3Aexample.org",
             deny(403, "M_GUEST_ACCESS_FORBIDDEN", None),
             "DECISIONS.md step 12 (admin paths are not guest-allowed)",
             token=tok(f"{FULL} {ADMIN}", guest=True))
    # the order of the earlier steps
    s.decide("GET", f"{C}/sync", no_api("default", "sync"), "DECISIONS.md step 10 before step 12",
             token=tok("openid", guest=True))
    s.decide("GET", f"{C}/sync", no_api("synapse", "sync"), "DECISIONS.md step 10 before step 12",
             token=tok("openid", guest=True), policy="synapse")
    s.decide("GET", "/_synapse/admin/v2/users/%40alice%3Aexample.org", deny(403, "M_FORBIDDEN", None),
             "DECISIONS.md step 11 before step 12", token=GUEST)
    s.decide("GET", f"{C}/sync", deny(401, "M_UNKNOWN_TOKEN", "sync"), "DECISIONS.md step 9 before step 12",
             token=tok(f"{API} {DEV}A {DEV}B", guest=True))
    s.decide("GET", f"{C}/sync", allow("sync"), "DECISIONS.md step 7 (an appservice token is not a guest's)",
             token={"appservice": True, "guest": True})
    s.decide("GET", f"{C}/sync", allow("sync", device=DID),
             "DECISIONS.md step 12 (guest false is not a guest)", token=tok(FULL, guest=False))
    s.decide("POST", f"{C}/createRoom", allow("createRoom", device=DID),
             "DECISIONS.md step 12; PRESETS.md default (the withdrawn guest scope grants nothing)",
             token=tok(f"{FULL} urn:matrix:client:api:guest"))
    # guest_endpoints extends the list
    s.decide("POST", f"{C}/createRoom", allow("createRoom", device=DID),
             "DECISIONS.md step 12; FORMAT.md guest_endpoints", token=GUEST,
             policy={"guest_endpoints": ["createRoom"]})
    s.decide("GET", f"{C}/joined_rooms", allow("getJoinedRooms", device=DID),
             "DECISIONS.md step 12; FORMAT.md guest_endpoints", token=GUEST,
             policy={"preset": "mas", "guest_endpoints": ["getJoinedRooms", "getCapabilities"]})
    s.decide("POST", f"{C}/createRoom", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "createRoom"),
             "DECISIONS.md step 12 (guest_endpoints names other ids)", token=GUEST,
             policy={"guest_endpoints": ["getJoinedRooms"]})
    s.decide("GET", f"{C}/events", allow("getEvents", device=DID),
             "DECISIONS.md path matching (either merged id names it)", token=GUEST,
             policy={"guest_endpoints": ["peekEvents"]})
    s.decide("POST", f"{C}/createRoom", error="policy.invalid",
             source="FORMAT.md Policy documents (unknown operation id)", token=GUEST,
             policy={"guest_endpoints": ["createRoomPlease"]})
    s.decide("POST", f"{C}/createRoom", error="policy.invalid",
             source="FORMAT.md Policy documents (wrong type)", token=GUEST,
             policy={"guest_endpoints": "createRoom"})
    # step 13: joins
    J13 = "DECISIONS.md step 13; spec 4.3 (m.room.guest_access)"
    join_by_id = f"{C}/rooms/{ROOM}/join"
    for context, why in ((CAN_JOIN, None),
                         ({"room": {"guest_access": "forbidden"}}, "forbidden"),
                         ({"room": {"guest_access": None}}, "null"),
                         ({"room": {}}, "absent"),
                         ({}, "no room"),
                         (None, "no context")):
        if why is None:
            s.decide("POST", join_by_id, allow("joinRoomById", device=DID), J13 + " (can_join)",
                     token=GUEST, context=context)
            s.decide("POST", "/_matrix/client/r0/rooms/!room:example.org/join",
                     allow("joinRoomById"), J13 + " (can_join, r0 alias)", token=GUEST, context=context)
        else:
            s.decide("POST", join_by_id, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "joinRoomById"),
                     J13 + f" (guest_access {why})", token=GUEST, context=context)
        s.decide("POST", join_by_id, allow("joinRoomById", device=DID),
                 "DECISIONS.md step 13 (only guests are checked)", token=tok(), context=context)
    join_alias = f"{C}/join/{SAMPLE['roomIdOrAlias']}"
    s.decide("POST", join_alias, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "joinRoom"),
             "DECISIONS.md step 12 (joinRoom is not on the spec's guest list)", token=GUEST,
             context=CAN_JOIN)
    s.decide("POST", join_alias, allow("joinRoom", device=DID),
             "DECISIONS.md steps 12 and 13 (guest_endpoints adds joinRoom)", token=GUEST,
             context=CAN_JOIN, policy={"guest_endpoints": ["joinRoom"]})
    for context, why in (({"room": {"guest_access": "forbidden"}}, "forbidden"),
                         ({"room": {"guest_access": None}}, "null"),
                         (None, "absent")):
        s.decide("POST", join_alias, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "joinRoom"),
                 J13 + f" (guest_access {why})", token=GUEST, context=context,
                 policy={"guest_endpoints": ["joinRoom"]})
    s.decide("POST", f"{C}/rooms/{ROOM}/leave", allow("leaveRoom", device=DID),
             "DECISIONS.md step 13 (leaving is not a join)", token=GUEST,
             context={"room": {"guest_access": "forbidden"}})
    s.decide("POST", f"{C}/knock/{ROOM}", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "knockRoom"),
             "DECISIONS.md step 12 (knocking is not on the list)", token=GUEST, context=CAN_JOIN)
    # presets do not change the guest rules
    for preset in ("mas", "synapse"):
        s.decide("GET", f"{C}/sync", allow("sync", device=DID), G12 + f" ({preset})", token=GUEST,
                 policy=preset)
        s.decide("POST", f"{C}/createRoom", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "createRoom"),
                 G12 + f" ({preset})", token=GUEST, policy=preset)
        s.decide("POST", join_by_id, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "joinRoomById"),
                 J13 + f" ({preset})", token=GUEST, policy=preset)
    return s


# ---------------------------------------------------------------------------------------------
# decide-uia: the UIA endpoints, registration (step 3) and cross-signing (step 15)

XS_URL = AMU + "?action=org.matrix.cross_signing_reset"
XS_PATH = f"{C}/keys/device_signing/upload"
AS_BODY = {"type": "m.login.application_service", "inhibit_login": True}
# 33 bytes with 247..255 mixed in: the session takes 24 characters, skips every byte >= 248 and
# keeps 247 (247 % 62 = 61, "9").
UIA_ENTROPY = "00f801ff3d3e3ffa40417a7bfb7c7dfcfefdf9f7101112131415161718191a1b1c"


def xs_context(**cross_signing):
    ctx = {"account_management_uri": AMU, "uia_session": "sess-1"}
    if cross_signing:
        ctx["cross_signing"] = cross_signing
    return ctx


def suite_uia():
    s = Suite("decide-uia",
              "request.decide for the UIA endpoints under OAuth: each one with and without its "
              "exemptions, registration (MSC4190), cross-signing uploads (MSC3967, MSC4312) and the "
              "m.oauth UIA body")
    legacy = {"legacy_endpoints": True}
    derived = derive_id(UIA_ENTROPY, 24)
    assert derived == "AB9ABCD89AB9QRSTUVWXYZab", derived  # worked by hand from the bytes

    # -- every UIA endpoint of the catalogue, per requester --------------------------------------
    uia_ops = [e for e in ENDPOINTS if e["uia"] == "yes"]
    assert [first_op(e) for e in uia_ops] == [
        "generateLoginToken", "add3PID", "deactivateAccount", "changePassword", "deleteDevices",
        "deleteDevice", "uploadCrossSigningKeys", "register"], [first_op(e) for e in uia_ops]
    for e in uia_ops:
        op = first_op(e)
        path = fill(e["path"])
        m = e["method"]
        if op in STEP2:
            gone = deny(404, "M_UNRECOGNIZED", op, account_url=None)
            s.decide(m, path, gone, "DECISIONS.md step 2; spec 3.2 (OAuth token)", token=tok())
            s.decide(m, path, gone, "DECISIONS.md step 2 before step 7 (appservice: no exemption)",
                     token=APPSERVICE)
            s.decide(m, path, gone, "DECISIONS.md step 2 (no token)")
            s.decide(m, path, allow(op, device=DID), "DECISIONS.md notes (legacy_endpoints skips step 2); step 18",
                     token=tok(), policy=legacy)
            if e["token"] == "optional":
                s.decide(m, path, allow(op), "DECISIONS.md notes (legacy_endpoints); step 5 (token optional)",
                         policy=legacy)
            else:
                s.decide(m, path, deny(401, "M_MISSING_TOKEN", op),
                         "DECISIONS.md notes (legacy_endpoints); step 4", policy=legacy)
        elif op in ("deleteDevice", "deleteDevices"):
            s.decide(m, path, deny(404, "M_UNRECOGNIZED", op, account_url=None),
                     "DECISIONS.md step 14; spec 3.2", token=tok())
            s.decide(m, path, allow(op), "DECISIONS.md step 7; MSC4190 (appservices are exempt)",
                     token=APPSERVICE)
            s.decide(m, path, deny(401, "M_MISSING_TOKEN", op), "DECISIONS.md step 4")
            s.decide(m, path, allow(op, device=DID), "DECISIONS.md notes (legacy_endpoints skips step 14)",
                     token=tok(), policy=legacy)
            s.decide(m, path, allow(op), "DECISIONS.md step 7 (legacy_endpoints)", token=APPSERVICE,
                     policy=legacy)
        elif op == "uploadCrossSigningKeys":
            s.decide(m, path, uia(XS_URL, "sess-1"), "DECISIONS.md step 15; MSC4312 (OAuth token)",
                     token=tok(), context=xs_context())
            s.decide(m, path, allow(op, consumes_approval=False),
                     "DECISIONS.md step 15; MSC3967 (exempt: no master key yet); policy (consumes_approval)",
                     token=tok(), context=xs_context(master_key_exists=False))
            s.decide(m, path, allow(op), "DECISIONS.md step 7; MSC4190 (appservices are exempt)",
                     token=APPSERVICE, context=xs_context())
            s.decide(m, path, deny(401, "M_MISSING_TOKEN", op), "DECISIONS.md step 4",
                     context=xs_context())
            s.decide(m, path, uia(XS_URL, "sess-1"),
                     "DECISIONS.md notes (legacy_endpoints does not skip step 15)",
                     token=tok(), context=xs_context(), policy=legacy)
        elif op == "register":
            s.decide(m, path, deny(403, "M_FORBIDDEN", op), "DECISIONS.md step 3 (OAuth token)",
                     token=tok(), context={"body": AS_BODY})
            s.decide(m, path, allow(op), "DECISIONS.md step 3; MSC4190 (appservice)",
                     token=APPSERVICE, context={"body": AS_BODY})
            s.decide(m, path, deny(403, "M_FORBIDDEN", op), "DECISIONS.md step 3 (no token)")
            s.decide(m, path, allow(op, device=None, synapse_admin=False),
                     "DECISIONS.md notes (legacy_endpoints skips step 3); step 5 (v4: token none, "
                     "the token is ignored)", token=tok(), policy=legacy)
            s.decide(m, path, allow(op), "DECISIONS.md notes (legacy_endpoints skips step 3); step 5",
                     policy=legacy)
        else:
            raise AssertionError(op)

    # -- registration --------------------------------------------------------------------------
    REG = f"{C}/register"
    R3 = "DECISIONS.md step 3 (Registration); MSC4190; spec 3.2"
    forbidden = deny(403, "M_FORBIDDEN", "register")
    s.decide("POST", REG, forbidden, R3 + " (kind=guest)", query={"kind": "guest"})
    s.decide("POST", REG, forbidden, R3 + " (kind=guest, even for an appservice)", query={"kind": "guest"},
             token=APPSERVICE, context={"body": AS_BODY})
    s.decide("POST", REG, forbidden, R3 + " (kind=guest before token checks)", query={"kind": "guest"},
             token={"appservice": True, "active": False}, context={"body": AS_BODY})
    s.decide("POST", REG, forbidden, R3 + " (no token)", context={"body": AS_BODY})
    s.decide("POST", REG, forbidden, R3 + " (not an appservice)", token=tok(), context={"body": AS_BODY})
    s.decide("POST", REG, forbidden, R3 + " (a guest is not an appservice)", token=GUEST,
             context={"body": AS_BODY})
    s.decide("POST", REG, forbidden, R3 + " (not an appservice, checked before active)",
             token=tok(FULL, active=False), context={"body": AS_BODY})
    s.decide("POST", REG, deny(401, "M_UNKNOWN_TOKEN", "register"), R3 + " (inactive appservice)",
             token={"appservice": True, "active": False}, context={"body": AS_BODY})
    s.decide("POST", REG, forbidden, R3 + " (no body)", token=APPSERVICE)
    s.decide("POST", REG, forbidden, R3 + " (body without type)", token=APPSERVICE,
             context={"body": {"inhibit_login": True}})
    s.decide("POST", REG, forbidden, R3 + " (wrong body type)", token=APPSERVICE,
             context={"body": {"type": "m.login.dummy", "inhibit_login": True}})
    s.decide("POST", REG, forbidden, R3 + " (wrong body type)", token=APPSERVICE,
             context={"body": {"type": "m.login.password", "inhibit_login": True}})
    unsupported = deny(400, "M_APPSERVICE_LOGIN_UNSUPPORTED", "register")
    s.decide("POST", REG, unsupported, R3 + " (inhibit_login missing)", token=APPSERVICE,
             context={"body": {"type": "m.login.application_service"}})
    s.decide("POST", REG, unsupported, R3 + " (inhibit_login false)", token=APPSERVICE,
             context={"body": {"type": "m.login.application_service", "inhibit_login": False}})
    s.decide("POST", REG, unsupported, R3 + " (inhibit_login null)", token=APPSERVICE,
             context={"body": {"type": "m.login.application_service", "inhibit_login": None}})
    s.decide("POST", REG, unsupported, R3 + " (inhibit_login \"true\" is not true)", token=APPSERVICE,
             context={"body": {"type": "m.login.application_service", "inhibit_login": "true"}})
    s.decide("POST", REG, allow("register"), R3 + " (inhibit_login true)", token=APPSERVICE,
             context={"body": AS_BODY})
    s.decide("POST", REG, allow("register"), R3 + " (kind=user)", token=APPSERVICE,
             query={"kind": "user"}, context={"body": AS_BODY})
    s.decide("POST", REG, allow("register"), R3 + " (appservice with a scope)",
             token={"appservice": True, "scope": "openid"}, context={"body": AS_BODY})
    s.decide("POST", "/_matrix/client/r0/register", allow("register"), R3 + " (r0 alias)",
             token=APPSERVICE, context={"body": AS_BODY}, policy="mas")
    s.decide("POST", "/_matrix/client/r0/register", unsupported, R3 + " (r0 alias)",
             token=APPSERVICE, context={"body": {"type": "m.login.application_service"}}, policy="synapse")
    s.decide("POST", REG, allow("register"), "DECISIONS.md notes (legacy_endpoints skips step 3); step 5",
             query={"kind": "guest"}, policy=legacy)
    s.decide("POST", REG, allow("register"), "DECISIONS.md notes (legacy_endpoints skips step 3); step 5 "
             "(v4: token none, even an appservice token is ignored)",
             token=APPSERVICE, context={"body": {"type": "m.login.application_service"}}, policy=legacy)
    s.decide("GET", f"{C}/register/available", allow("checkUsernameAvailability"),
             "DECISIONS.md step 5 (only POST /register is step 3)")

    # -- cross-signing -----------------------------------------------------------------------
    X15 = "DECISIONS.md step 15 (Cross-signing)"
    op = "uploadCrossSigningKeys"
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False, device=DID),
             X15 + "; MSC3967 (master_key_exists false); policy (consumes_approval)",
             token=tok(), context={"cross_signing": {"master_key_exists": False}})
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False),
             X15 + "; MSC3967 (keys_identical true); policy (consumes_approval)",
             token=tok(), context={"cross_signing": {"keys_identical": True}})
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False),
             X15 + "; MSC3967 (exemption before the approval); policy (consumes_approval)",
             token=tok(), now=NOW, policy={"approval": "single_use"},
             context=xs_context(master_key_exists=False, reset_approved_until=NOW + 600))
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False),
             X15 + "; MSC3967 (exemption before the approval); policy (consumes_approval)",
             token=tok(), now=NOW, policy={"approval": "single_use"},
             context=xs_context(keys_identical=True, reset_approved_until=NOW + 600))
    s.decide("POST", XS_PATH, uia(XS_URL, "sess-1"),
             X15 + " (master_key_exists true, keys_identical false, explicit)",
             token=tok(), context=xs_context(master_key_exists=True, keys_identical=False))
    s.decide("POST", XS_PATH, uia(XS_URL, "sess-1"), X15 + " (defaults: a master key exists)",
             token=tok(), context=xs_context())
    s.decide("POST", XS_PATH, dict(uia(XS_URL, "sess-1"), consumes_approval=False),
             X15 + "; policy (consumes_approval is false on the uia answer)", token=tok(),
             context=xs_context(), policy={"approval": "single_use"})
    s.decide("POST", XS_PATH, dict(uia(XS_URL, "sess-1"), consumes_approval=False),
             X15 + "; policy (consumes_approval is false on the uia answer, expired approval)", token=tok(),
             now=NOW + 5, context=xs_context(reset_approved_until=NOW), policy={"approval": "single_use"})
    # the approval window
    for approval, consumes in (("window", False), ("single_use", True), (None, False)):
        policy = {"approval": approval} if approval else None
        label = approval or "window by default"
        s.decide("POST", XS_PATH, allow(op, consumes_approval=consumes, device=DID),
                 X15 + f" (now < reset_approved_until, approval {label})", token=tok(), now=NOW,
                 context=xs_context(reset_approved_until=NOW + 1), policy=policy)
        s.decide("POST", XS_PATH, uia(XS_URL, "sess-1"),
                 X15 + f" (now == reset_approved_until, approval {label})", token=tok(), now=NOW,
                 context=xs_context(reset_approved_until=NOW), policy=policy)
        s.decide("POST", XS_PATH, uia(XS_URL, "sess-1"),
                 X15 + f" (now > reset_approved_until, approval {label})", token=tok(), now=NOW + 1,
                 context=xs_context(reset_approved_until=NOW), policy=policy)
    s.decide("POST", XS_PATH, allow(op, consumes_approval=True), X15 + " (single_use under mas)",
             token=tok(), now=NOW, context=xs_context(reset_approved_until=NOW + 600),
             policy={"preset": "mas", "approval": "single_use"})
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False), X15 + " (window under synapse)",
             token=tok(), now=NOW, context=xs_context(reset_approved_until=NOW + 600), policy="synapse")
    # now: needed only to compare with reset_approved_until
    s.decide("POST", XS_PATH, error="input.invalid", source=X15 + "; DECISIONS.md Input (now missing)",
             token=tok(), context=xs_context(reset_approved_until=NOW + 600))
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False),
             X15 + "; policy (now is not needed when an exemption answers first)",
             token=tok(), context=xs_context(master_key_exists=False, reset_approved_until=NOW + 600))
    s.decide("POST", XS_PATH, uia(XS_URL, "sess-1"), X15 + " (now is not needed without an approval)",
             token=tok(), context=xs_context())
    # the UIA body: URL and session
    s.decide("POST", XS_PATH, uia(XS_URL, derived), X15 + "; FORMAT.md device-id algorithm (session from entropy)",
             token=tok(), context={"account_management_uri": AMU}, entropy=UIA_ENTROPY)
    s.decide("POST", XS_PATH, uia(XS_URL, derived), X15 + " (upper-case hex entropy)",
             token=tok(), context={"account_management_uri": AMU}, entropy=UIA_ENTROPY.upper())
    s.decide("POST", XS_PATH, uia(XS_URL, "given-session"), X15 + " (uia_session wins over entropy)",
             token=tok(), context={"account_management_uri": AMU, "uia_session": "given-session"},
             entropy=UIA_ENTROPY)
    s.decide("POST", XS_PATH, error="entropy.insufficient",
             source=X15 + "; FORMAT.md Device ids (entropy.insufficient)",
             token=tok(), context={"account_management_uri": AMU}, entropy="00" * 23)
    s.decide("POST", XS_PATH, error="entropy.insufficient",
             source=X15 + "; FORMAT.md Device ids (bytes of 248 or more are skipped)",
             token=tok(), context={"account_management_uri": AMU}, entropy="00" * 23 + "f8" * 8)
    s.decide("POST", XS_PATH, error="input.invalid", source=X15 + "; FORMAT.md Device ids (entropy not hex)",
             token=tok(), context={"account_management_uri": AMU}, entropy="zz" * 30)
    s.decide("POST", XS_PATH, error="input.invalid", source=X15 + "; FORMAT.md Device ids (odd length)",
             token=tok(), context={"account_management_uri": AMU}, entropy="0" * 61)
    s.decide("POST", XS_PATH, error="input.invalid", source=X15 + " (no uia_session and no entropy)",
             token=tok(), context={"account_management_uri": AMU})
    s.decide("POST", XS_PATH, error="input.invalid", source=X15 + " (no account_management_uri)",
             token=tok(), context={"uia_session": "sess-1"})
    s.decide("POST", XS_PATH, error="input.invalid", source=X15 + " (no context at all)", token=tok())
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False),
             X15 + "; MSC3967 (no URI needed when exempt); policy (consumes_approval)", token=tok(),
             context={"cross_signing": {"master_key_exists": False}})
    for base in ("https://account.example.org/manage?lang=en", "https://account.example.org/#/account",
                 "https://account.example.org/a?", "https://account.example.org/a?x=1&#frag",
                 "https://account.example.org"):
        url = account_url(base, XS_RESET)
        s.decide("POST", XS_PATH, uia(url, "sess-1"), X15 + "; FORMAT.md account.url (the m.oauth URL)",
                 token=tok(), context={"account_management_uri": base, "uia_session": "sess-1"})
    # earlier steps win
    s.decide("POST", XS_PATH, allow(op), "DECISIONS.md step 7 (appservice, even past the window)",
             token=APPSERVICE, now=NOW + 10, context=xs_context(reset_approved_until=NOW))
    s.decide("POST", XS_PATH, deny(403, "M_GUEST_ACCESS_FORBIDDEN", op), "DECISIONS.md step 12 before step 15",
             token=GUEST, context=xs_context())
    s.decide("POST", XS_PATH, no_api("default", op), "DECISIONS.md step 10 before step 15",
             token=tok("openid"), context=xs_context())
    s.decide("POST", XS_PATH, deny(401, "M_UNKNOWN_TOKEN", op), "DECISIONS.md step 6 before step 15",
             token=tok(FULL, active=False), context=xs_context())
    # step 15 always answers: step-up rules on this endpoint are never reached
    rule = {"step_up": [{"endpoints": [op], "max_age": 60, "acr_values": ["urn:acr:mfa"]}]}
    s.decide("POST", XS_PATH, uia(XS_URL, "sess-1"), X15 + "; policy (step 15 answers before step 17)",
             token=tok(FULL, auth_time=NOW - 3600), now=NOW, context=xs_context(), policy=rule)
    s.decide("POST", XS_PATH, allow(op, consumes_approval=False),
             X15 + "; policy (step 15 answers before step 17)",
             token=tok(FULL, auth_time=NOW - 3600), now=NOW,
             context=xs_context(master_key_exists=False), policy=rule)
    return s


# ---------------------------------------------------------------------------------------------
# decide-legacy: steps 1, 2 and 14, account_url, legacy_endpoints

def suite_legacy():
    s = Suite("decide-legacy",
              "request.decide steps 1, 2 and 14 (legacy endpoints that OAuth clients may not use), "
              "the account_url deep links, and legacy_endpoints: true")
    legacy = {"legacy_endpoints": True}
    LOGIN = f"{C}/login"
    as_login = {"body": {"type": "m.login.application_service"}}
    S1 = "DECISIONS.md step 1; MSC4190; spec 3.2"
    unsupported = deny(400, "M_APPSERVICE_LOGIN_UNSUPPORTED", "login")
    s.decide("POST", LOGIN, unsupported, S1 + " (no token)", context=as_login)
    s.decide("POST", LOGIN, unsupported, S1 + " (with a token)", token=tok(), context=as_login)
    s.decide("POST", LOGIN, unsupported, S1 + " (an appservice token)", token=APPSERVICE, context=as_login)
    s.decide("POST", LOGIN, unsupported, S1 + " (before step 6)", token=tok(FULL, active=False),
             context=as_login)
    s.decide("POST", "/_matrix/client/r0/login", unsupported, S1 + " (r0 alias)", context=as_login,
             policy="mas")
    s.decide("POST", LOGIN, unsupported, S1 + " (synapse)", context=as_login, policy="synapse")
    s.decide("POST", LOGIN, deny(404, "M_UNRECOGNIZED", "login"), "DECISIONS.md step 2 (password login)",
             context={"body": {"type": "m.login.password"}})
    s.decide("POST", LOGIN, deny(404, "M_UNRECOGNIZED", "login"), "DECISIONS.md step 2 (token login)",
             context={"body": {"type": "m.login.token"}})
    s.decide("GET", LOGIN, deny(404, "M_UNRECOGNIZED", "getLoginFlows"),
             "DECISIONS.md step 2 (step 1 is POST only)", context=as_login)
    s.decide("POST", LOGIN, allow("login"), "DECISIONS.md notes (legacy_endpoints skips step 1); step 5",
             context=as_login, policy=legacy)
    s.decide("POST", LOGIN, allow("login"), "DECISIONS.md notes (legacy_endpoints skips step 2); step 5",
             context={"body": {"type": "m.login.password"}}, policy=legacy)
    s.decide("POST", f"{LOGIN}/", deny(401, "M_MISSING_TOKEN", None),
             "DECISIONS.md path matching (trailing slash: unknown); step 4", context=as_login)
    # step 2, each endpoint, with and without a token, and under legacy_endpoints
    S2 = "DECISIONS.md step 2; spec 3.2; MSC4254"
    for e in ENDPOINTS:
        if e["operation_id"] not in STEP2:
            continue
        op = first_op(e)
        path = fill(e["path"])
        gone = deny(404, "M_UNRECOGNIZED", op, account_url=None)
        s.decide(e["method"], path, gone, S2 + " (inactive token: step 2 comes first)",
                 token=tok(FULL, active=False))
        s.decide(e["method"], path, gone, S2 + " (guest token: step 2 comes first)", token=GUEST,
                 policy="synapse")
        if op != "deactivateAccount":
            s.decide(e["method"], path, gone, S2 + " (account_url null except for deactivation)",
                     token=tok(), context={"account_management_uri": AMU})
        if e["token"] in ("none", "optional"):
            s.decide(e["method"], path, allow(op), "DECISIONS.md notes (legacy_endpoints); step 5",
                     policy=legacy)
        else:
            s.decide(e["method"], path, allow(op, device=DID),
                     "DECISIONS.md notes (legacy_endpoints); step 18", token=tok(), policy=legacy)
    DEACT = f"{C}/account/deactivate"
    S2A = "DECISIONS.md step 2 and notes (account_url); MSC4191; spec 5.6"
    s.decide("POST", DEACT, deny(404, "M_UNRECOGNIZED", "deactivateAccount",
                                 account_url=AMU + "?action=org.matrix.account_deactivate"),
             S2A, token=tok(), context={"account_management_uri": AMU})
    s.decide("POST", DEACT, deny(404, "M_UNRECOGNIZED", "deactivateAccount",
                                 account_url=AMU + "?action=org.matrix.account_deactivate"),
             S2A + " (no token)", context={"account_management_uri": AMU})
    s.decide("POST", DEACT, deny(404, "M_UNRECOGNIZED", "deactivateAccount",
                                 account_url="https://id.example.org/manage?tab=1&action=org.matrix.account_deactivate#top"),
             S2A + " (base with query and fragment)", token=tok(),
             context={"account_management_uri": "https://id.example.org/manage?tab=1#top"})
    s.decide("POST", DEACT, deny(404, "M_UNRECOGNIZED", "deactivateAccount", account_url=None),
             S2A + " (no account_management_uri)", token=tok())
    s.decide("POST", DEACT, allow("deactivateAccount", device=DID, account_url=None),
             "DECISIONS.md notes (legacy_endpoints skips step 2); policy (account_url only on step 2 and 14 denials)",
             token=tok(),
             context={"account_management_uri": AMU}, policy=legacy)

    # step 14
    S14 = "DECISIONS.md step 14 and notes (account_url); MSC4191; spec 3.2, 5.6"
    DDEV = f"{C}/devices/"
    for raw, decoded in ((DID, DID), ("AB%20CD", "AB CD"), ("AB%2FCD", "AB/CD"), ("AB%2fCD", "AB/CD"),
                         ("AB+CD", "AB+CD"), ("%41BC", "ABC"), ("AB:CD@x", "AB:CD@x"),
                         ("AB~CD", "AB~CD"), ("AB%7ECD", "AB~CD"), ("AB%25CD", "AB%CD"),
                         ("caf%C3%A9", "caf\u00e9"), ("a.b_c-d", "a.b_c-d")):
        assert unquote(raw) == decoded
        url = AMU + "?action=org.matrix.device_delete&device_id=" + pct(decoded)
        s.decide("DELETE", DDEV + raw, deny(404, "M_UNRECOGNIZED", "deleteDevice", account_url=url),
                 S14 + f" (deviceId {raw} percent-decoded, then encoded again)", token=tok(),
                 context={"account_management_uri": AMU})
    # the same URLs written out by hand, so the encoder above is checked too
    for raw, url in (("AB%20CD", AMU + "?action=org.matrix.device_delete&device_id=AB%20CD"),
                     ("AB%2fCD", AMU + "?action=org.matrix.device_delete&device_id=AB%2FCD"),
                     ("AB+CD", AMU + "?action=org.matrix.device_delete&device_id=AB%2BCD"),
                     ("AB:CD@x", AMU + "?action=org.matrix.device_delete&device_id=AB%3ACD%40x"),
                     ("caf%C3%A9", AMU + "?action=org.matrix.device_delete&device_id=caf%C3%A9")):
        assert url == AMU + "?action=org.matrix.device_delete&device_id=" + pct(unquote(raw))
    s.decide("DELETE", DDEV + DID, deny(404, "M_UNRECOGNIZED", "deleteDevice", account_url=None),
             S14 + " (no account_management_uri)", token=tok())
    s.decide("DELETE", DDEV + DID, deny(404, "M_UNRECOGNIZED", "deleteDevice",
                                        account_url="https://id.example.org/?device_id=&action=org.matrix.device_delete&device_id=ABCDEFGHIJ"),
             S14 + " (base already has a query)", token=tok(),
             context={"account_management_uri": "https://id.example.org/?device_id=&"})
    s.decide("DELETE", "/_matrix/client/r0/devices/" + DID,
             deny(404, "M_UNRECOGNIZED", "deleteDevice",
                  account_url=AMU + "?action=org.matrix.device_delete&device_id=ABCDEFGHIJ"),
             S14 + " (r0 alias)", token=tok(), context={"account_management_uri": AMU}, policy="mas")
    DD = f"{C}/delete_devices"
    s.decide("POST", DD, deny(404, "M_UNRECOGNIZED", "deleteDevices",
                              account_url=AMU + "?action=org.matrix.devices_list"),
             S14, token=tok(), context={"account_management_uri": AMU})
    s.decide("POST", DD, deny(404, "M_UNRECOGNIZED", "deleteDevices",
                              account_url="https://id.example.org/?action=org.matrix.devices_list#devices"),
             S14 + " (base with a fragment only)", token=tok(),
             context={"account_management_uri": "https://id.example.org/#devices"}, policy="synapse")
    s.decide("POST", DD, deny(404, "M_UNRECOGNIZED", "deleteDevices", account_url=None),
             S14 + " (no account_management_uri)", token=tok())
    s.decide("DELETE", DDEV + DID, allow("deleteDevice", device=DID, account_url=None),
             "DECISIONS.md notes (legacy_endpoints skips step 14); policy (account_url only on step 2 and 14 denials)",
             token=tok(),
             context={"account_management_uri": AMU}, policy=legacy)
    s.decide("POST", DD, allow("deleteDevices", device=DID, account_url=None),
             "DECISIONS.md notes (legacy_endpoints skips step 14)", token=tok(), policy=legacy)
    s.decide("DELETE", DDEV + DID, allow("deleteDevice"), "DECISIONS.md step 7 before step 14; MSC4190",
             token=APPSERVICE, context={"account_management_uri": AMU})
    s.decide("DELETE", DDEV + DID, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "deleteDevice"),
             "DECISIONS.md step 12 before step 14", token=GUEST)
    s.decide("DELETE", DDEV + DID, no_api("mas", "deleteDevice"), "DECISIONS.md step 10 before step 14",
             token=tok(f"openid {DEV}{DID}"), policy="mas")
    s.decide("DELETE", DDEV + DID, deny(401, "M_MISSING_TOKEN", "deleteDevice"),
             "DECISIONS.md step 4 before step 14", context={"account_management_uri": AMU})
    s.decide("GET", DDEV + DID, allow("getDevice", device=DID, account_url=None),
             "DECISIONS.md step 18 (only DELETE is step 14)", token=tok(),
             context={"account_management_uri": AMU})
    s.decide("PUT", DDEV + DID, allow("updateDevice", device=DID, account_url=None),
             "DECISIONS.md step 18 (only DELETE is step 14)", token=tok(),
             context={"account_management_uri": AMU})
    s.decide("DELETE", DDEV, deny(404, "M_UNRECOGNIZED", None),
             "DECISIONS.md path matching (empty deviceId: unknown); step 16", token=tok(),
             policy={"unknown_endpoints": "deny"})
    return s


# ---------------------------------------------------------------------------------------------
# decide-stepup: step 17

def suite_stepup():
    s = Suite("decide-stepup",
              "request.decide step 17: step-up rules (RFC 9470, MSC4363) with max_age and "
              "acr_values, combined rules, the WWW-Authenticate header and the JSON body")
    S17 = "DECISIONS.md step 17 (Step-up); RFC 9470 section 3; MSC4363"
    CR = f"{C}/createRoom"
    max300 = {"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]}
    acr2 = {"step_up": [{"endpoints": ["createRoom"], "acr_values": ["urn:acr:2fa", "urn:acr:mfa"]}]}
    both = {"step_up": [{"endpoints": ["createRoom"], "max_age": 300,
                         "acr_values": ["urn:acr:2fa", "urn:acr:mfa"]}]}

    def t(**fields):
        return tok(FULL, **fields)

    # max_age
    s.decide("POST", CR, allow("createRoom", device=DID), S17 + " (fresh)", token=t(auth_time=NOW - 10),
             now=NOW, policy=max300)
    s.decide("POST", CR, allow("createRoom"), S17 + " (now - auth_time == max_age passes)",
             token=t(auth_time=NOW - 300), now=NOW, policy=max300)
    s.decide("POST", CR, step_up("createRoom", max_age=300), S17 + " (now - auth_time == max_age + 1)",
             token=t(auth_time=NOW - 301), now=NOW, policy=max300)
    s.decide("POST", CR, step_up("createRoom", max_age=300), S17 + " (stale by an hour)",
             token=t(auth_time=NOW - 3600), now=NOW, policy=max300)
    s.decide("POST", CR, step_up("createRoom", max_age=300), S17 + " (auth_time missing)",
             token=t(), now=NOW, policy=max300)
    s.decide("POST", CR, allow("createRoom"), S17 + " (auth_time in the future: the difference is negative)",
             token=t(auth_time=NOW + 60), now=NOW, policy=max300)
    s.decide("POST", CR, error="input.invalid", source=S17 + "; DECISIONS.md Input (now missing)",
             token=t(auth_time=NOW - 10), policy=max300)
    s.decide("POST", CR, step_up("createRoom", max_age=300),
             S17 + "; policy (auth_time missing fails the rule without reading now)",
             token=t(), policy=max300)
    zero = {"step_up": [{"endpoints": ["createRoom"], "max_age": 0}]}
    s.decide("POST", CR, allow("createRoom"), S17 + " (max_age 0, same second)", token=t(auth_time=NOW),
             now=NOW, policy=zero)
    s.decide("POST", CR, step_up("createRoom", max_age=0), S17 + " (max_age 0, one second later)",
             token=t(auth_time=NOW - 1), now=NOW, policy=zero)
    # acr_values
    s.decide("POST", CR, allow("createRoom"), S17 + " (acr in the list)", token=t(acr="urn:acr:mfa"),
             policy=acr2)
    s.decide("POST", CR, allow("createRoom"), S17 + " (acr in the list, now not needed)",
             token=t(acr="urn:acr:2fa", auth_time=NOW - 99999), policy=acr2)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"]),
             S17 + " (acr not in the list)", token=t(acr="urn:acr:pwd"), policy=acr2)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"]),
             S17 + " (acr compared exactly)", token=t(acr="URN:ACR:MFA"), policy=acr2)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"]),
             S17 + " (acr missing)", token=t(), now=NOW, policy=acr2)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"]),
             S17 + " (acr is one value, not a list)", token=t(acr="urn:acr:2fa urn:acr:mfa"), policy=acr2)
    # one rule with both
    s.decide("POST", CR, allow("createRoom"), S17 + " (both pass)",
             token=t(acr="urn:acr:2fa", auth_time=NOW - 300), now=NOW, policy=both)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"], max_age=300),
             S17 + " (fresh, wrong acr: the answer names both)",
             token=t(acr="urn:acr:pwd", auth_time=NOW - 10), now=NOW, policy=both)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"], max_age=300),
             S17 + " (stale, right acr)", token=t(acr="urn:acr:mfa", auth_time=NOW - 301), now=NOW,
             policy=both)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"], max_age=300),
             S17 + " (neither auth_time nor acr)", token=t(), now=NOW, policy=both)
    # several rules
    rules = {"step_up": [
        {"endpoints": ["createRoom", "sync"], "max_age": 600, "acr_values": ["a", "b"]},
        {"endpoints": ["search"], "max_age": 5},
        {"endpoints": ["createRoom"], "max_age": 300, "acr_values": ["b", "c"]},
        {"endpoints": ["createRoom"], "acr_values": ["d", "a"]},
    ]}
    s.decide("POST", CR, step_up("createRoom", acr=["a", "b", "c", "d"], max_age=300),
             S17 + " (smallest max_age, union of acr_values in rule order without repeats)",
             token=t(acr="x", auth_time=NOW - 1000), now=NOW, policy=rules)
    s.decide("POST", CR, step_up("createRoom", acr=["a", "b", "c", "d"], max_age=300),
             S17 + " (one failing rule: the answer still combines every rule that names the endpoint)",
             token=t(acr="a", auth_time=NOW - 400), now=NOW, policy=rules)
    s.decide("POST", CR, step_up("createRoom", acr=["a", "b", "c", "d"], max_age=300),
             S17 + " (acr b passes rules 1 and 3, fails rule 4)",
             token=t(acr="b", auth_time=NOW - 10), now=NOW, policy=rules)
    s.decide("POST", CR, allow("createRoom"), S17 + " (every rule that names the endpoint passes)",
             token=t(acr="a", auth_time=NOW - 10), now=NOW,
             policy={"step_up": [rules["step_up"][0], rules["step_up"][3]]})
    s.decide("GET", f"{C}/sync", step_up("sync", acr=["a", "b"], max_age=600),
             S17 + " (only the rules naming sync)", token=t(acr="c", auth_time=NOW), now=NOW, policy=rules)
    s.decide("GET", f"{C}/sync", allow("sync"), S17 + " (sync passes its one rule)",
             token=t(acr="b", auth_time=NOW - 600), now=NOW, policy=rules)
    s.decide("POST", f"{C}/search", step_up("search", max_age=5), S17 + " (max_age only)",
             token=t(acr="a", auth_time=NOW - 6), now=NOW, policy=rules)
    s.decide("GET", f"{C}/joined_rooms", allow("getJoinedRooms"), S17 + " (no rule names the endpoint)",
             token=t(), now=NOW, policy=rules)
    s.decide("GET", f"{C}/joined_rooms", allow("getJoinedRooms"),
             S17 + " (no rule names the endpoint: now not needed)", token=t(auth_time=NOW), policy=rules)
    split = {"step_up": [{"endpoints": ["createRoom"], "acr_values": ["urn:acr:mfa"]},
                         {"endpoints": ["createRoom"], "max_age": 120}]}
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:mfa"], max_age=120),
             S17 + " (one acr rule and one max_age rule, only the max_age rule fails)",
             token=t(acr="urn:acr:mfa", auth_time=NOW - 121), now=NOW, policy=split)
    s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:mfa"], max_age=120),
             S17 + " (one acr rule and one max_age rule, only the acr rule fails)",
             token=t(auth_time=NOW - 120), now=NOW, policy=split)
    s.decide("POST", CR, error="input.invalid",
             source=S17 + "; DECISIONS.md Input (a max_age rule with auth_time needs now)",
             token=t(acr="other", auth_time=NOW - 120), policy=split)
    # operation ids, aliases
    s.decide("GET", f"{C}/events", step_up("getEvents", max_age=30),
             S17 + "; DECISIONS.md path matching (peekEvents names GET /events; results report getEvents)",
             token=t(auth_time=NOW - 31), now=NOW,
             policy={"step_up": [{"endpoints": ["peekEvents"], "max_age": 30}]})
    s.decide("GET", "/_matrix/client/r0/sync", step_up("sync", max_age=30), S17 + " (r0 alias)",
             token=t(auth_time=NOW - 31), now=NOW, policy={"step_up": [{"endpoints": ["sync"], "max_age": 30}]})
    s.decide("GET", f"{C}/nonexistent", allow(None), S17 + " (unknown paths have no operation id)",
             token=t(), now=NOW, policy={"step_up": [{"endpoints": ["sync"], "max_age": 30}]})
    # presets
    for preset in ("mas", "synapse"):
        s.decide("POST", CR, step_up("createRoom", acr=["urn:acr:2fa", "urn:acr:mfa"], max_age=300),
                 S17 + f" ({preset})", token=t(auth_time=NOW - 301), now=NOW,
                 policy=dict(both, preset=preset))
    # earlier steps win
    dev_rule = {"step_up": [{"endpoints": ["deleteDevice", "getVersions", "createRoom", "pingAppservice"],
                             "max_age": 60}]}
    s.decide("DELETE", f"{C}/devices/{DID}", deny(404, "M_UNRECOGNIZED", "deleteDevice"),
             "DECISIONS.md step 14 before step 17", token=t(auth_time=NOW - 61), now=NOW, policy=dev_rule)
    s.decide("DELETE", f"{C}/devices/{DID}", step_up("deleteDevice", max_age=60),
             S17 + "; DECISIONS.md notes (legacy_endpoints skips step 14)",
             token=t(auth_time=NOW - 61), now=NOW, policy=dict(dev_rule, legacy_endpoints=True))
    s.decide("GET", "/_matrix/client/versions", allow("getVersions"),
             "DECISIONS.md step 5 before step 17 (no token)", now=NOW, policy=dev_rule)
    s.decide("GET", "/_matrix/client/versions", step_up("getVersions", max_age=60),
             S17 + " (a presented token is checked)", token=t(auth_time=NOW - 61), now=NOW, policy=dev_rule)
    s.decide("POST", CR, allow("createRoom"), "DECISIONS.md step 7 before step 17 (appservice)",
             token=APPSERVICE, now=NOW, policy=dev_rule)
    s.decide("POST", "/_matrix/client/v1/appservice/bridge/ping", allow("pingAppservice"),
             "DECISIONS.md step 7 before step 17 (appservice)", token=APPSERVICE, now=NOW, policy=dev_rule)
    s.decide("POST", CR, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "createRoom"),
             "DECISIONS.md step 12 before step 17", token=tok(FULL, guest=True, auth_time=NOW - 61), now=NOW,
             policy=dev_rule)
    s.decide("GET", f"{C}/sync", step_up("sync", max_age=60), S17 + " (a guest on a guest endpoint)",
             token=tok(FULL, guest=True, auth_time=NOW - 61), now=NOW,
             policy={"step_up": [{"endpoints": ["sync"], "max_age": 60}]})
    s.decide("POST", CR, deny(401, "M_UNKNOWN_TOKEN", "createRoom"), "DECISIONS.md step 6 before step 17",
             token=t(active=False, auth_time=NOW - 61), now=NOW, policy=dev_rule)
    s.decide("POST", CR, no_api("synapse", "createRoom"), "DECISIONS.md step 10 before step 17",
             token=tok("openid", auth_time=NOW - 61), now=NOW, policy=dict(dev_rule, preset="synapse"))
    s.decide("POST", CR, deny(401, "M_MISSING_TOKEN", "createRoom"), "DECISIONS.md step 4 before step 17",
             now=NOW, policy=dev_rule)
    s.decide("POST", f"{C}/login", error="policy.invalid",
             source="FORMAT.md Policy documents (v4: step_up naming login, a token-none endpoint)",
             token=t(auth_time=NOW - 61), now=NOW,
             policy={"step_up": [{"endpoints": ["login"], "max_age": 60}]})
    # policy errors
    P = "FORMAT.md Policy documents"
    for rule, why in (({"endpoints": ["makeRoom"], "max_age": 60}, "unknown operation id"),
                      ({"endpoints": ["createRoom"]}, "a rule needs max_age or acr_values"),
                      ({"endpoints": ["createRoom"], "max_age": "60"}, "max_age wrong type"),
                      ({"endpoints": ["createRoom"], "acr_values": "urn:acr:mfa"}, "acr_values wrong type"),
                      ({"endpoints": "createRoom", "max_age": 60}, "endpoints wrong type"),
                      ({"endpoints": ["createRoom"], "max_age": 60, "scope": "x"}, "unknown field")):
        s.decide("POST", CR, error="policy.invalid", source=f"{P}; DECISIONS.md Step-up ({why})",
                 token=t(auth_time=NOW), now=NOW, policy={"step_up": [rule]})
    s.decide("POST", CR, error="policy.invalid", source=f"{P} (step_up wrong type)",
             token=t(auth_time=NOW), now=NOW, policy={"step_up": {"endpoints": ["createRoom"], "max_age": 60}})
    stepup_v4(s)
    return s


# ---------------------------------------------------------------------------------------------
# decide-admin: step 11 and the admin paths

def suite_admin():
    s = Suite("decide-admin",
              "request.decide step 11: Synapse admin paths (/_synapse/admin/...) with and without "
              "urn:synapse:admin:*, and the Matrix admin endpoints that need no admin scope")
    S11 = "DECISIONS.md step 11; DECISIONS.md path matching (admin paths)"
    ADMIN_PATHS = [("GET", "/_synapse/admin/v2/users/%40alice%3Aexample.org"),
                   ("GET", "/_synapse/admin/v1/server_version"),
                   ("POST", "/_synapse/admin/v1/users/@alice:example.org/_allow_cross_signing_replacement_without_uia"),
                   ("DELETE", "/_synapse/admin/v1/rooms/%21room%3Aexample.org"),
                   ("PUT", "/_synapse/admin/v2/users/%40bob%3Aexample.org/")]
    full_admin = tok(f"{FULL} {ADMIN}")
    for method, path in ADMIN_PATHS:
        s.decide(method, path, allow(None, device=DID, synapse_admin=True),
                 S11 + "; step 18 (API and admin scope)", token=full_admin)
        s.decide(method, path, deny(403, "M_FORBIDDEN", None), S11 + " (no urn:synapse:admin:*)",
                 token=tok())
        s.decide(method, path, deny(401, "M_MISSING_TOKEN", None), "DECISIONS.md step 4 (admin path)")
    P = ADMIN_PATHS[0][1]
    for preset in ("mas", "synapse"):
        s.decide("GET", P, allow(None, device=DID, synapse_admin=True), S11 + f" ({preset})",
                 token=full_admin, policy=preset)
        s.decide("GET", P, deny(403, "M_FORBIDDEN", None), S11 + f" ({preset})", token=tok(), policy=preset)
        s.decide("GET", P, deny(401, "M_MISSING_TOKEN", None), f"DECISIONS.md step 4 ({preset})", policy=preset)
    s.decide("GET", P, allow(None, device=None, synapse_admin=True), S11 + " (unstable API token)",
             token=tok(f"{API_U} {ADMIN}"))
    s.decide("GET", P, allow(None, device=None, synapse_admin=True), S11 + " (no device is needed)",
             token=tok(f"{API} {ADMIN}"))
    for preset in ("default", "mas", "synapse"):
        s.decide("GET", P, no_api(preset, None),
                 f"DECISIONS.md step 10 before step 11 ({preset}): the admin scope alone is not enough",
                 token=tok(ADMIN), policy=preset)
    s.decide("GET", P, deny(403, "M_FORBIDDEN", None), S11 + " (case matters: URN:SYNAPSE:ADMIN:*)",
             token=tok(f"{FULL} URN:SYNAPSE:ADMIN:*"))
    s.decide("GET", P, deny(403, "M_FORBIDDEN", None), S11 + " (urn:mas:admin is not the Synapse admin scope)",
             token=tok(f"{FULL} urn:mas:admin"))
    s.decide("GET", P, deny(401, "M_UNKNOWN_TOKEN", None), "DECISIONS.md step 6 (admin path)",
             token=tok(f"{FULL} {ADMIN}", active=False))
    s.decide("GET", P, deny(401, "M_UNKNOWN_TOKEN", None), "DECISIONS.md step 9 (admin path)",
             token=tok(f"{FULL}  {ADMIN}"))
    s.decide("GET", P, allow(None), "DECISIONS.md step 7 (an appservice token, admin path)", token=APPSERVICE)
    s.decide("GET", P, allow(None, synapse_admin=True),
             "DECISIONS.md step 16 (an admin path is not an unknown path)", token=full_admin,
             policy={"unknown_endpoints": "deny"})
    s.decide("GET", P, deny(403, "M_FORBIDDEN", None), S11 + " (unknown_endpoints deny)", token=tok(),
             policy={"unknown_endpoints": "deny"})
    s.decide("GET", P, allow(None, device="COMPAT", synapse_admin=True),
             S11 + " (explicit device_id of a compatibility session)",
             token=tok(f"{API} {API_U} {ADMIN}", device_id="COMPAT"))
    # paths that look like admin paths but are not under /_synapse/admin/
    for path, why in (("/_synapse/admin", "no trailing slash: not under /_synapse/admin/"),
                      ("/_synapse/administrator/v1/x", "a longer first segment"),
                      ("/_synapse/Admin/v1/server_version", "case matters"),
                      ("/_matrix/synapse/admin/v1/server_version", "not at the root")):
        s.decide("GET", path, allow(None, device=DID, synapse_admin=False),
                 "policy (admin paths start with /_synapse/admin/); DECISIONS.md step 18 (unknown: " + why + ")",
                 token=tok())
        s.decide("GET", path, deny(404, "M_UNRECOGNIZED", None),
                 "policy (admin paths start with /_synapse/admin/); DECISIONS.md step 16 (" + why + ")",
                 token=tok(), policy={"unknown_endpoints": "deny"})
    # the Matrix admin endpoints are ordinary endpoints
    for method, op in (("GET", "getAdminLockUser"), ("PUT", "setAdminLockUser"),
                       ("GET", "getAdminSuspendUser"), ("PUT", "setAdminSuspendUser"), ("GET", "getWhoIs")):
        e = BY_OP[op]
        s.decide(method, fill(e["path"]), allow(op, device=DID, synapse_admin=False),
                 "DECISIONS.md step 18 (a spec endpoint: step 11 is for /_synapse/admin/ only)", token=tok())
        s.decide(method, fill(e["path"]), allow(op, device=DID, synapse_admin=True),
                 "DECISIONS.md step 18 (synapse_admin reported)", token=full_admin)
    return s


# ---------------------------------------------------------------------------------------------
# grant.decide

AC = "authorization_code"
DC = "urn:ietf:params:oauth:grant-type:device_code"
CC = "client_credentials"
GRANT_ENTROPY = "0123456789abcdef0123"  # 10 bytes, all below 248
ADMIN_USER = {"admin": True}
ADMIN_CLIENT = {"admin": True}


def granted(violations=None, scope=None, device=None):
    if violations:
        assert violations == sorted(set(violations), key=lambda v: v.encode())
        return {"allowed": False, "violations": violations, "granted": None, "device": None}
    return {"allowed": True, "violations": [], "granted": scope, "device": device}


def grant_case(s, scope, grant_type, pattern=None, source="", *, error=None, policy=None, user=None,
               client=None, entropy=None, raw=None):
    inp = {}
    if policy is not None:
        inp["policy"] = policy
    inp["scope"] = scope
    inp["grant_type"] = grant_type
    if user is not None:
        inp["user"] = user
    if client is not None:
        inp["client"] = client
    if entropy is not None:
        inp["entropy"] = entropy
    if raw is not None:
        inp = raw
    if error is not None:
        s.err("grant.decide", inp, error, source)
    else:
        s.ok("grant.decide", inp, pattern, source)


def grant_common(s, policy):
    """Cases whose answer is the same under default and mas."""
    G = "FORMAT.md Grants; PRESETS.md " + (policy or "default")
    ok_full = granted(scope=canonical([API, DEV + DID]), device=DID)
    grant_case(s, FULL, AC, ok_full, G, policy=policy)
    grant_case(s, FULL, DC, ok_full, G + " (device code grant is interactive)", policy=policy)
    grant_case(s, f"openid {FULL}", AC, granted(scope=f"openid {API} {DEV}{DID}", device=DID), G, policy=policy)
    grant_case(s, f"{DEV}{DID} email {API} openid", AC,
               granted(scope=f"email openid {API} {DEV}{DID}", device=DID), G + " (canonical order)",
               policy=policy)
    grant_case(s, f"openid openid {FULL} {API}", AC, granted(scope=f"openid {API} {DEV}{DID}", device=DID),
               G + " (duplicates collapse)", policy=policy)
    grant_case(s, f"{API_U} {DEV_U}{DID}", AC, granted(scope=f"{API_U} {DEV_U}{DID}", device=DID),
               G + " (unstable prefix)", policy=policy)
    grant_case(s, "", AC, granted(scope="", device=None), G + " (empty scope: nothing requested)", policy=policy)
    grant_case(s, "", CC, granted(scope="", device=None), G + " (empty scope, client_credentials)",
               policy=policy)
    grant_case(s, "openid email", AC, granted(scope="email openid", device=None), G, policy=policy)
    grant_case(s, "openid email urn:mas:graphql:*", CC,
               granted(scope="email openid urn:mas:graphql:*", device=None), G + " (no rule on these)",
               policy=policy)
    # interactive grants
    grant_case(s, FULL, CC, granted(["grant.api_not_interactive"]), G + " (API token)", policy=policy)
    grant_case(s, f"{API_U} {DEV_U}{DID}", CC, granted(["grant.api_not_interactive"]), G, policy=policy)
    grant_case(s, f"openid {API} {DEV}{DID}", CC, granted(["grant.api_not_interactive"]), G,
               policy=policy, client=ADMIN_CLIENT)
    grant_case(s, API, CC, granted(["grant.api_not_interactive"]), G + " (API token, entropy given)",
               policy=policy, entropy=GRANT_ENTROPY)
    grant_case(s, f"{DEV}{DID}", CC, granted(["grant.api_not_interactive", "grant.device_without_api"]),
               G + " (a device token needs an interactive grant and the API token)", policy=policy)
    # device without API
    grant_case(s, f"{DEV}{DID}", AC, granted(["grant.device_without_api"]), G, policy=policy)
    grant_case(s, f"openid {DEV_U}{DID}", DC, granted(["grant.device_without_api"]), G, policy=policy)
    # two devices
    grant_case(s, f"{API} {DEV}AAAAAAAAAA {DEV}BBBBBBBBBB", AC, granted(["grant.multiple_devices"]), G,
               policy=policy)
    grant_case(s, f"{API_U} {DEV_U}AAAAAAAAAA {DEV_U}BBBBBBBBBB", AC, granted(["grant.multiple_devices"]), G,
               policy=policy)
    # device rules
    grant_case(s, f"{API} {DEV}", AC, granted(["device_id.empty"]), G + " (device_id.empty)", policy=policy)
    grant_case(s, f"{API} {DEV}" + "D" * 256, AC, granted(["device_id.too_long"]), G + " (device_id.too_long)",
               policy=policy)
    grant_case(s, f"{API} {DEV}" + "D" * 255, AC,
               granted(scope=f"{API} {DEV}" + "D" * 255, device="D" * 255), G + " (255 characters)",
               policy=policy)
    # admin scopes
    grant_case(s, f"{FULL} {ADMIN}", AC, granted(scope=canonical([API, DEV + DID, ADMIN]), device=DID),
               G + " (urn:synapse:admin:* for an admin user)", policy=policy, user=ADMIN_USER)
    grant_case(s, f"{FULL} {ADMIN}", DC, granted(scope=canonical([API, DEV + DID, ADMIN]), device=DID),
               G + " (device code grant)", policy=policy, user=ADMIN_USER)
    grant_case(s, f"{FULL} {ADMIN}", AC, granted(["grant.admin_not_allowed"]), G + " (not an admin user)",
               policy=policy, user={"admin": False})
    grant_case(s, f"{FULL} {ADMIN}", AC, granted(["grant.admin_not_allowed"]), G + " (user absent)",
               policy=policy)
    grant_case(s, f"{FULL} {ADMIN}", AC, granted(["grant.admin_not_allowed"]),
               G + " (an admin client does not make the user an admin)", policy=policy, user={},
               client=ADMIN_CLIENT)
    grant_case(s, ADMIN, CC, granted(["grant.admin_not_allowed"]),
               G + " (urn:synapse:admin:* needs an interactive grant)", policy=policy, user=ADMIN_USER,
               client=ADMIN_CLIENT)
    grant_case(s, ADMIN, AC, granted(scope=ADMIN, device=None), G + " (admin scope alone)", policy=policy,
               user=ADMIN_USER)
    grant_case(s, "urn:mas:admin", AC, granted(scope="urn:mas:admin", device=None),
               G + " (urn:mas:admin: admin user, interactive grant)", policy=policy, user=ADMIN_USER)
    grant_case(s, "urn:mas:admin", DC, granted(scope="urn:mas:admin", device=None), G, policy=policy,
               user=ADMIN_USER)
    grant_case(s, "urn:mas:admin", AC, granted(["grant.admin_not_allowed"]),
               G + " (an admin client on an interactive grant is not enough)", policy=policy,
               client=ADMIN_CLIENT)
    grant_case(s, "urn:mas:admin", CC, granted(scope="urn:mas:admin", device=None),
               G + " (urn:mas:admin: admin client, client_credentials)", policy=policy, client=ADMIN_CLIENT)
    grant_case(s, "urn:mas:admin", CC, granted(["grant.admin_not_allowed"]),
               G + " (client_credentials, client not admin)", policy=policy, client={"admin": False})
    grant_case(s, "urn:mas:admin", CC, granted(["grant.admin_not_allowed"]),
               G + " (client_credentials: an admin user does not count)", policy=policy, user=ADMIN_USER)
    grant_case(s, f"{DEV} {ADMIN}", CC,
               granted(["device_id.empty", "grant.admin_not_allowed", "grant.api_not_interactive",
                        "grant.device_without_api"]),
               G + " (every violation, sorted by bytes)", policy=policy, client=ADMIN_CLIENT)
    # device rules override: derived ids are not checked, named ones are
    rules12 = {"preset": policy or "default",
               "device_rules": {"min_length": 12, "max_length": 255, "alphabet": "scope_token"}}
    grant_case(s, FULL, AC, granted(["device_id.too_short"]), G + "; device_rules min_length 12",
               policy=rules12)
    grant_case(s, f"{API} {DEV}ABCDEFGHIJKL", AC,
               granted(scope=f"{API} {DEV}ABCDEFGHIJKL", device="ABCDEFGHIJKL"), G + "; device_rules",
               policy=rules12)
    grant_case(s, f"{API} {DEV}ABCDE+FGHIJ", AC, granted(["device_id.invalid_char"]),
               G + "; device_rules alphabet unreserved",
               policy={"preset": policy or "default",
                       "device_rules": {"min_length": 1, "max_length": 255, "alphabet": "unreserved"}})
    # grammar and limits: op errors
    for scope, code, why in ((f"openid  {API}", "scope.empty_token", "doubled space"),
                             (f" {FULL}", "scope.empty_token", "leading space"),
                             (f"{FULL} ", "scope.empty_token", "trailing space"),
                             (" ", "scope.empty_token", "a lone space"),
                             (f"openid \"x\" {API}", "scope.invalid_char", "\""),
                             (f"openid\t{API}", "scope.invalid_char", "tab"),
                             ("openid \u00e9", "scope.invalid_char", "non-ASCII"),
                             ("a\"b  c", "scope.invalid_char", "the first offence, left to right"),
                             ("a  b\"", "scope.empty_token", "the first offence, left to right"),
                             (many_tokens(65), "scope.too_many_tokens", "65 tokens"),
                             (padded_scope(4097), "scope.too_long", "4097 bytes"),
                             (padded_scope(4096)[:-1] + "\" ", "scope.too_long",
                              "too long is checked before the characters")):
        grant_case(s, scope, AC, error=code, source=f"FORMAT.md Grants and Scopes (errors): {why}",
                   policy=policy)
    # input errors
    for gt in ("refresh_token", "password", "implicit", "", "AUTHORIZATION_CODE"):
        grant_case(s, FULL, gt, error="input.invalid", source="FORMAT.md Grants (unknown grant_type)",
                   policy=policy)
    grant_case(s, "", "", error="input.invalid", source="FORMAT.md Grants (grant_type missing)",
               raw={"scope": FULL, "policy": policy or "default"})
    grant_case(s, "", "", error="input.invalid", source="FORMAT.md Operations (scope missing)",
               raw={"grant_type": AC, "policy": policy or "default"})
    grant_case(s, FULL, AC, error="input.invalid", source="FORMAT.md Operations (user wrong type)",
               policy=policy, user=True)


def extra_tokens_policy(preset, exact=(), patterns=()):
    return {"preset": preset, "extra_tokens": {"exact": list(exact), "patterns": list(patterns)}}


def suite_grant_default():
    s = Suite("grant-default",
              "grant.decide under the default preset: interactive grants, device derivation from "
              "entropy, admin scopes, unknown tokens dropped, extra_tokens, op errors")
    grant_common(s, None)
    G = "FORMAT.md Grants; PRESETS.md default"
    dev = derive_id(GRANT_ENTROPY, 10)
    # worked by hand: 01->B 23->j 45->H 67->p 89->N ab->v cd->T ef->1 01->B 23->j
    assert dev == "BjHpNvT1Bj", dev
    grant_case(s, API, AC, granted(scope=f"{API} {DEV}{dev}", device=dev),
               G + " (device derived from entropy, stable namespace)", entropy=GRANT_ENTROPY)
    grant_case(s, f"openid {API_U}", DC, granted(scope=f"openid {API_U} {DEV_U}{dev}", device=dev),
               G + " (derived, unstable namespace)", entropy=GRANT_ENTROPY)
    grant_case(s, f"{API} {API_U}", AC,
               granted(scope=canonical([API, API_U, DEV + dev, DEV_U + dev]), device=dev),
               G + " (derived, appended in both namespaces)", entropy=GRANT_ENTROPY)
    grant_case(s, API, AC, granted(scope=f"{API} {DEV}{dev}", device=dev),
               G + " (derived from upper-case hex)", entropy=GRANT_ENTROPY.upper())
    high = "f8f9fafbfcfdfeff" + GRANT_ENTROPY
    grant_case(s, API, AC, granted(scope=f"{API} {DEV}{dev}", device=dev),
               G + "; FORMAT.md Device ids (bytes of 248 or more are skipped)", entropy=high)
    seven = "f7" * 10
    assert derive_id(seven, 10) == "9999999999"
    grant_case(s, API, AC, granted(scope=f"{API} {DEV}9999999999", device="9999999999"),
               G + "; FORMAT.md Device ids (247 % 62 = 61)", entropy=seven)
    grant_case(s, API, AC, granted(["grant.device_missing"]), G + " (no device and no entropy)")
    grant_case(s, f"openid {API_U}", DC, granted(["grant.device_missing"]), G + " (no device and no entropy)")
    grant_case(s, API, AC, error="entropy.insufficient", source=G + "; FORMAT.md Device ids",
               entropy="0123456789abcdef01")
    grant_case(s, API, AC, error="entropy.insufficient", source=G + "; FORMAT.md Device ids (high bytes skipped)",
               entropy="0123456789abcdef01ff")
    grant_case(s, API, AC, error="input.invalid", source="FORMAT.md Device ids (entropy not hex)",
               entropy="zz" * 10)
    grant_case(s, API, AC, error="input.invalid", source="FORMAT.md Device ids (odd length)",
               entropy="0" * 21)
    grant_case(s, FULL, AC, granted(scope=canonical([API, DEV + DID]), device=DID),
               G + " (a named device: entropy not used)", entropy=GRANT_ENTROPY)
    grant_case(s, f"{API} {DEV_U}{DID}", AC, granted(scope=canonical([API, DEV_U + DID]), device=DID),
               G + " (mixed namespaces are allowed under default)")
    grant_case(s, f"{API} {DEV}{DID} {DEV_U}{DID}", AC,
               granted(scope=canonical([API, DEV + DID, DEV_U + DID]), device=DID),
               G + " (the same id under both prefixes counts once)")
    grant_case(s, f"{API} {DEV}AAAAAAAAAA {DEV_U}BBBBBBBBBB", AC, granted(["grant.multiple_devices"]),
               G + " (two distinct ids across the prefixes)")
    grant_case(s, f"{API} {DEV}ABC%", AC, granted(scope=f"{API} {DEV}ABC%", device="ABC%"),
               G + " (default device rules: any scope-token character, no minimum)")
    grant_case(s, f"{API} {DEV}ABC", AC, granted(scope=f"{API} {DEV}ABC", device="ABC"),
               G + " (default has no minimum length)")
    # unknown tokens are dropped, not refused
    grant_case(s, f"openid profile {FULL}", AC, granted(scope=f"openid {API} {DEV}{DID}", device=DID),
               G + "; RFC 6749 section 3.3 (unknown token dropped)")
    grant_case(s, "profile phone offline_access", AC, granted(scope="", device=None),
               G + " (every token unknown: granted empty)")
    grant_case(s, f"{FULL} urn:matrix:client:api:guest URN:MATRIX:CLIENT:API:*", AC,
               granted(scope=canonical([API, DEV + DID]), device=DID),
               G + " (withdrawn and mis-cased tokens are unknown)")
    grant_case(s, "openid profile", CC, granted(scope="openid", device=None), G)
    # extra_tokens
    X = "FORMAT.md Policy documents (extra_tokens); PRESETS.md default"
    grant_case(s, "openid urn:example:read", AC, granted(scope="openid", device=None), X + " (not known)")
    grant_case(s, "openid urn:example:read", AC, granted(scope="openid urn:example:read", device=None),
               X + " (exact)", policy=extra_tokens_policy("default", exact=["urn:example:read"]))
    grant_case(s, "openid urn:example:read:all", AC, granted(scope="openid", device=None),
               X + " (exact means exact)", policy=extra_tokens_policy("default", exact=["urn:example:read"]))
    pat = extra_tokens_policy("default", patterns=["urn:example:.*"])
    grant_case(s, "urn:example:a urn:example:", AC, granted(scope="urn:example: urn:example:a", device=None),
               X + " (pattern)", policy=pat)
    grant_case(s, "openid xurn:example:a", AC, granted(scope="openid", device=None),
               X + " (a pattern matches the whole token: no match inside)", policy=pat)
    grant_case(s, "a ab ba", AC, granted(scope="a", device=None), X + " (pattern a matches a only)",
               policy=extra_tokens_policy("default", patterns=["a"]))
    grant_case(s, "a b ab", AC, granted(scope="a b", device=None),
               X + " (pattern a|b: the whole token, not ^a or b$)",
               policy=extra_tokens_policy("default", patterns=["a|b"]))
    grant_case(s, "x urn:com.example:rw urn:com.example:RW", AC, granted(scope="urn:com.example:rw x", device=None),
               X + " (exact and patterns together)",
               policy=extra_tokens_policy("default", exact=["x"], patterns=["urn:com\\.example:[a-z]+"]))
    grant_case(s, "openid", AC, error="policy.invalid", source=X + " (pattern does not compile)",
               policy=extra_tokens_policy("default", patterns=["("]))
    grant_case(s, "openid", AC, error="policy.invalid", source=X + " (wrong type)",
               policy={"extra_tokens": ["urn:example:read"]})
    grant_case(s, "openid", AC, error="policy.unknown_preset", source="FORMAT.md Policy documents",
               policy="nope")
    # Patterns are regular expressions (FORMAT.md "Policy documents": "patterns are regular
    # expressions matched against the whole token") in the syntax of the Rust regex crate
    # (docs.rs/regex 1.x, "Syntax"), compiled with Unicode off (README "Operator token patterns":
    # scope tokens are ASCII). Expected answers from that documented syntax, never from the engine.
    P = X + "; README Operator token patterns; regex crate syntax"
    grant_case(s, "urn:example:read urn:example:write:42 urn:example:read:1234 urn:example:delete", AC,
               granted(scope="urn:example:read urn:example:write:42", device=None),
               P + " (groups, alternation, \\d, a counted repetition {1,3} and ?)",
               policy=extra_tokens_policy("default", patterns=["urn:example:(read|write)(:\\d{1,3})?"]))
    grant_case(s, "x] xa x- xb", AC, granted(scope="x- x] xa", device=None),
               P + " (a class with ] first and - last as literals)",
               policy=extra_tokens_policy("default", patterns=["x[]a-]"]))
    grant_case(s, "abc a:b", AC, granted(scope="abc", device=None), P + " (a negated class)",
               policy=extra_tokens_policy("default", patterns=["[^:]+"]))
    grant_case(s, "ababc abbc c", AC, granted(scope="ababc c", device=None),
               P + " (a repeated group; the empty repetition)",
               policy=extra_tokens_policy("default", patterns=["(?:a|ab)*c"]))
    grant_case(s, "urn:example:a", AC, granted(scope="urn:example:a", device=None),
               P + " (a lazy quantifier still matches the whole token; anchors are allowed)",
               policy=extra_tokens_policy("default", patterns=["^urn:example:.*?$"]))
    # Cases 098-102 pinned the hand-written dialect's refusals (\b, flags, a**, [[:alpha:]],
    # {101}); the regex crate's syntax accepts \b, flags, ASCII classes and {101}.
    grant_case(s, "ab :ab ab:", AC, granted(scope="ab", device=None),
               P + " (\\b, a word boundary; ASCII \\w with Unicode off: the token starts and ends with a word character)",
               policy=extra_tokens_policy("default", patterns=["\\b.+\\b"]))
    grant_case(s, "urn:example:read URN:EXAMPLE:READ urn:example:reads", AC,
               granted(scope="URN:EXAMPLE:READ urn:example:read", device=None),
               P + " (the flag i: letters match both upper and lower case)",
               policy=extra_tokens_policy("default", patterns=["(?i)urn:example:read"]))
    grant_case(s, "openid", AC, error="policy.invalid",
               source=P + " (a Unicode class with Unicode off: regex-syntax ErrorKind::UnicodeNotAllowed)",
               policy=extra_tokens_policy("default", patterns=["\\pL"]))
    grant_case(s, "a Z ab 1", AC, granted(scope="Z a", device=None),
               P + " (the ASCII class [[:alpha:]], [A-Za-z])",
               policy=extra_tokens_policy("default", patterns=["[[:alpha:]]"]))
    grant_case(s, f"{'a' * 101} {'a' * 100}", AC, granted(scope="a" * 101, device=None),
               P + " (x{n}: exactly n x)",
               policy=extra_tokens_policy("default", patterns=["a{101}"]))
    # Limits (README Operator token patterns): at most 64 patterns of at most 1024 bytes each;
    # each pattern compiles on its own, so none escapes the anchors around it.
    grant_case(s, "openid", AC, error="policy.invalid",
               source=P + " (a pattern that does not compile alone: it would read ^(?:a)|(?:b)$)",
               policy=extra_tokens_policy("default", patterns=["a)|(?:b"]))
    grant_case(s, "openid", AC, error="policy.invalid", source=P + " (a pattern longer than 1024 bytes)",
               policy=extra_tokens_policy("default", patterns=["a" * 1025]))
    grant_case(s, "a", AC, granted(scope="a", device=None), P + " (a pattern of 1024 bytes)",
               policy=extra_tokens_policy("default", patterns=["a|" + "b" * 1022]))
    grant_case(s, "openid", AC, error="policy.invalid", source=P + " (more than 64 patterns)",
               policy=extra_tokens_policy("default", patterns=["a"] * 65))
    grant_case(s, "b", AC, granted(scope="b", device=None), P + " (64 patterns; any one of them matches)",
               policy=extra_tokens_policy("default", patterns=["a"] * 63 + ["b"]))
    return s


def suite_grant_mas():
    s = Suite("grant-mas",
              "grant.decide under the mas preset: allowed tokens, one device per prefix, no mixed "
              "namespaces, mas device rules, no device derivation")
    grant_common(s, "mas")
    G = "FORMAT.md Grants; PRESETS.md mas"
    grant_case(s, API, AC, granted(scope=API, device=None), G + " (the API token alone: no derivation)",
               policy="mas")
    grant_case(s, API, AC, granted(scope=API, device=None), G + " (no derivation even with entropy)",
               policy={"preset": "mas"}, entropy=GRANT_ENTROPY)
    grant_case(s, f"openid {API_U}", DC, granted(scope=f"openid {API_U}", device=None), G, policy="mas")
    # tokens not allowed
    for scope in ("profile", f"openid profile {FULL}", "phone", "offline_access", "address",
                  f"{FULL} urn:matrix:client:api:guest", "mas:urn:admin", "urn:mas:graphql",
                  f"{FULL} urn:example:read"):
        grant_case(s, scope, AC, granted(["grant.token_not_allowed"]), G + " (unknown token refused)",
                   policy="mas")
    grant_case(s, "profile", CC, granted(["grant.token_not_allowed"]), G, policy="mas")
    grant_case(s, f"profile {DEV}ABC", AC,
               granted(["device_id.too_short", "grant.device_without_api", "grant.token_not_allowed"]),
               G + " (several violations, sorted)", policy="mas")
    # mixed namespaces
    for scope in (f"{API} {DEV_U}{DID}", f"{API_U} {DEV}{DID}", f"{API} {API_U} {DEV}{DID}",
                  f"{API} {DEV}{DID} {DEV_U}{DID}", f"{API} {API_U}"):
        grant_case(s, scope, AC, granted(["grant.mixed_namespaces"]), G + " (stable and unstable mixed)",
                   policy="mas")
    grant_case(s, f"{API} {ADMIN} urn:mas:graphql:* openid", AC,
               granted(scope=canonical([API, ADMIN, "urn:mas:graphql:*", "openid"]), device=None),
               G + " (only urn:matrix: tokens have namespaces)", policy="mas", user=ADMIN_USER)
    # device rules
    for dev_id, code in (("ABC", "device_id.too_short"), ("ABCDEFGHI", "device_id.too_short"),
                         ("ABCDEFGHI%", "device_id.invalid_char"), ("ABCDEFGH#J", "device_id.invalid_char"),
                         ("ABCDEFGH?J", "device_id.invalid_char"), ("AB%", "device_id.invalid_char"),
                         ("D" * 256, "device_id.too_long")):
        grant_case(s, f"{API} {DEV}{dev_id}", AC, granted([code]), G + f" ({code})", policy="mas")
    for dev_id in ("ABCDE.~!$&'()*+,;=:@/-", "abcdefghij", "0123456789", "A" * 255):
        grant_case(s, f"{API} {DEV}{dev_id}", AC, granted(scope=f"{API} {DEV}{dev_id}", device=dev_id),
                   G + " (mas alphabet, 10 to 255 characters)", policy="mas")
    grant_case(s, f"{API_U} {DEV_U}ABC", AC, granted(["device_id.too_short"]), G + " (unstable prefix)",
               policy="mas")
    # extra_tokens
    X = "FORMAT.md Policy documents (extra_tokens); PRESETS.md mas"
    grant_case(s, f"{FULL} urn:example:read", AC,
               granted(scope=canonical([API, DEV + DID, "urn:example:read"]), device=DID),
               X + " (exact)", policy=extra_tokens_policy("mas", exact=["urn:example:read"]))
    pat = extra_tokens_policy("mas", patterns=["urn:example:.*"])
    grant_case(s, "openid urn:example:a", AC, granted(scope="openid urn:example:a", device=None),
               X + " (pattern)", policy=pat)
    grant_case(s, "openid xurn:example:a", AC, granted(["grant.token_not_allowed"]),
               X + " (a pattern matches the whole token: no match inside)", policy=pat)
    grant_case(s, "urn:example:a urn:example:a:b", AC, granted(scope="urn:example:a urn:example:a:b", device=None),
               X + " (.* spans colons)", policy=pat)
    grant_case(s, "ab", AC, granted(["grant.token_not_allowed"]), X + " (pattern a does not match ab)",
               policy=extra_tokens_policy("mas", patterns=["a"]))
    grant_case(s, "a", CC, granted(scope="a", device=None), X + " (pattern a matches a)",
               policy=extra_tokens_policy("mas", patterns=["a"]))
    grant_case(s, "ab", AC, granted(["grant.token_not_allowed"]), X + " (pattern a|b: the whole token)",
               policy=extra_tokens_policy("mas", patterns=["a|b"]))
    grant_case(s, "profile", AC, granted(scope="profile", device=None),
               X + " (extra_tokens can allow a token mas refuses)", policy=extra_tokens_policy("mas", exact=["profile"]))
    grant_case(s, "openid", AC, error="policy.invalid", source=X + " (pattern does not compile)",
               policy=extra_tokens_policy("mas", patterns=["[a-"]))
    return s


# ---------------------------------------------------------------------------------------------
# client.interpret

def suite_client():
    s = Suite("client-interpret",
              "client.interpret: the client-side reading of an error response, every rule in order")
    CI = "FORMAT.md Client helpers (client.interpret)"

    def case(status, pattern, source, headers=None, body=None, error=None):
        inp = {"status": status}
        if headers is not None:
            inp["headers"] = headers
        if body is not None:
            inp["body"] = body
        if error:
            s.err("client.interpret", inp, error, source)
        else:
            s.ok("client.interpret", inp, pattern, source)

    XS = "https://account.example.org/account/?action=org.matrix.cross_signing_reset"
    synapse_uia = {"session": "dummy", "flows": [{"stages": ["m.oauth"]}, {"stages": [XS_RESET]}],
                   "params": {"m.oauth": {"url": XS}, XS_RESET: {"url": XS}},
                   "msg": "To reset your end-to-end encryption cross-signing identity, you first need to approve it"}
    # rule 1: success and redirects are not for this op
    for status in (200, 201, 204, 299, 300, 302, 304, 399):
        case(status, None, CI + " (a 2xx or 3xx status)", error="input.invalid")
    case(200, None, CI + " (rule 1 comes first)", body=synapse_uia, error="input.invalid")
    case(None, None, "FORMAT.md Operations (status null)", error="input.invalid")
    s.err("client.interpret", {"body": {"errcode": "M_UNKNOWN_TOKEN"}}, "input.invalid",
          "FORMAT.md Operations (status missing)")
    s.err("client.interpret", {"status": "401"}, "input.invalid", "FORMAT.md Operations (status wrong type)")
    # rule 2: UIA with the m.oauth stage
    O2 = CI + " (UIA offering m.oauth); spec 3.4; MSC4312"
    case(401, {"action": "open_url", "url": XS, "session": "dummy"}, O2 + " (Synapse's body)", body=synapse_uia)
    case(401, {"action": "open_url", "url": "https://a.example/m", "session": None}, O2 + " (no session)",
         body={"flows": [{"stages": ["m.oauth"]}], "params": {"m.oauth": {"url": "https://a.example/m"}}})
    case(401, {"action": "open_url", "url": "https://a.example/u", "session": "s1"},
         O2 + " (only the unstable stage)",
         body={"flows": [{"stages": [XS_RESET]}], "params": {XS_RESET: {"url": "https://a.example/u"}},
               "session": "s1"})
    case(401, {"action": "open_url", "url": "https://a.example/m", "session": "s2"},
         O2 + " (m.oauth's url first)",
         body={"flows": [{"stages": [XS_RESET]}, {"stages": ["m.oauth"]}],
               "params": {XS_RESET: {"url": "https://a.example/u"}, "m.oauth": {"url": "https://a.example/m"}},
               "session": "s2"})
    case(401, {"action": "open_url", "url": "https://a.example/m", "session": "s3"},
         O2 + " (among other flows)",
         body={"flows": [{"stages": ["m.login.password"]}, {"stages": ["m.oauth"]}],
               "params": {"m.oauth": {"url": "https://a.example/m"}}, "session": "s3"})
    case(401, {"action": "open_url", "url": XS, "session": "dummy"}, O2 + " (before the header rule)",
         body=synapse_uia, headers={"www-authenticate": 'Bearer error="insufficient_user_authentication"'})
    case(401, {"action": "fail"}, CI + " (a UIA body without m.oauth: no rule matches)",
         body={"flows": [{"stages": ["m.login.password"]}], "params": {}, "session": "s4"})
    case(401, {"action": "fail"}, CI + " (UIA password flow after a failed attempt)",
         body={"errcode": "M_FORBIDDEN", "error": "Invalid password",
               "flows": [{"stages": ["m.login.password"]}], "params": {}, "session": "s5"})
    # rule 3: insufficient user authentication, from the body
    R3 = CI + " (reauthenticate); MSC4363"
    case(401, {"action": "reauthenticate", "acr_values": "urn:okta:loa:2fa:any urn:okta:loa:1fa:pwd",
               "max_age": 300, "scope": None}, R3 + " (the MSC's example body)",
         body={"errcode": "M_INSUFFICIENT_USER_AUTHENTICATION", "error": "step up",
               "acr_values": "urn:okta:loa:2fa:any urn:okta:loa:1fa:pwd", "max_age": 300})
    case(401, {"action": "reauthenticate", "acr_values": None, "max_age": None,
               "scope": "urn:matrix:client:api:* urn:synapse:admin:*"}, R3 + " (scope only)",
         body={"errcode": "M_INSUFFICIENT_USER_AUTHENTICATION",
               "scope": "urn:matrix:client:api:* urn:synapse:admin:*"})
    case(401, {"action": "reauthenticate", "acr_values": None, "max_age": None, "scope": None},
         R3 + " (no hints)", body={"errcode": "M_INSUFFICIENT_USER_AUTHENTICATION", "error": "x"})
    case(401, {"action": "reauthenticate", "acr_values": None, "max_age": 0, "scope": None},
         R3 + " (max_age 0)", body={"errcode": "M_INSUFFICIENT_USER_AUTHENTICATION", "max_age": 0})
    case(401, {"action": "reauthenticate", "acr_values": "urn:acr:mfa", "max_age": 60, "scope": "openid"},
         R3 + "; policy (the unstable errcode, fields read from their prefixed names)",
         body={"errcode": "org.matrix.msc4363.M_INSUFFICIENT_USER_AUTHENTICATION",
               "org.matrix.msc4363.acr_values": "urn:acr:mfa", "org.matrix.msc4363.max_age": 60,
               "org.matrix.msc4363.scope": "openid"})
    case(401, {"action": "reauthenticate", "acr_values": "urn:acr:mfa", "max_age": None, "scope": None},
         R3 + "; policy (the unstable errcode with plain field names)",
         body={"errcode": "org.matrix.msc4363.M_INSUFFICIENT_USER_AUTHENTICATION",
               "acr_values": "urn:acr:mfa"})
    case(401, {"action": "reauthenticate", "acr_values": "a", "max_age": None, "scope": None},
         R3 + " (from the body alone: the header is not read)",
         body={"errcode": "M_INSUFFICIENT_USER_AUTHENTICATION", "acr_values": "a"},
         headers={"www-authenticate": 'Bearer error="insufficient_user_authentication", max_age="5"'})
    # the answer request.decide gives, read back
    case(401, {"action": "reauthenticate", "acr_values": "urn:acr:2fa urn:acr:mfa", "max_age": 300,
               "scope": None}, R3 + "; DECISIONS.md Step-up (the engine's own step-up answer)",
         body={"errcode": "M_INSUFFICIENT_USER_AUTHENTICATION", "error": "step up required",
               "acr_values": "urn:acr:2fa urn:acr:mfa", "max_age": 300},
         headers={"www-authenticate": 'Bearer error="insufficient_user_authentication", '
                                      'acr_values="urn:acr:2fa urn:acr:mfa", max_age="300"'})
    # rule 3: from the header
    H3 = CI + " (reauthenticate from the header); RFC 9470 section 3"
    case(401, {"action": "reauthenticate", "acr_values": "urn:x urn:y", "max_age": 60, "scope": None},
         H3, headers={"www-authenticate": 'Bearer error="insufficient_user_authentication", '
                                          'acr_values="urn:x urn:y", max_age="60"'})
    case(401, {"action": "reauthenticate", "acr_values": None, "max_age": None, "scope": None},
         H3 + " (no hints)", headers={"www-authenticate": 'Bearer error="insufficient_user_authentication"'})
    case(401, {"action": "reauthenticate", "acr_values": None, "max_age": None,
               "scope": "urn:matrix:client:api:*"}, H3 + " (scope)",
         headers={"www-authenticate": 'Bearer error="insufficient_user_authentication", '
                                      'scope="urn:matrix:client:api:*"'})
    case(401, {"action": "reauthenticate", "acr_values": "myACR", "max_age": 5, "scope": None},
         H3 + " (error_description is ignored; max_age as a token, RFC 7235 section 2.1)",
         headers={"www-authenticate": 'Bearer error="insufficient_user_authentication", '
                                      'error_description="A different authentication level is required", '
                                      'acr_values="myACR", max_age=5'})
    case(401, {"action": "reauthenticate", "acr_values": "urn:acr:mfa", "max_age": None, "scope": None},
         H3 + " (a JSON body without the errcode)", body={"errcode": "M_FORBIDDEN"},
         headers={"www-authenticate": 'Bearer error="insufficient_user_authentication", acr_values="urn:acr:mfa"'})
    case(401, {"action": "reauthenticate", "acr_values": None, "max_age": 10, "scope": None},
         H3 + " (before the M_UNKNOWN_TOKEN rules)", body={"errcode": "M_UNKNOWN_TOKEN"},
         headers={"www-authenticate": 'Bearer error="insufficient_user_authentication", max_age="10"'})
    case(403, {"action": "fail"}, CI + " (insufficient_scope is not a step-up)",
         body={"errcode": "M_FORBIDDEN"}, headers=dict(INSUFFICIENT_SCOPE))
    # rule 4: M_UNKNOWN_TOKEN
    case(401, {"action": "refresh"}, CI + " (soft logout); spec Soft logout",
         body={"errcode": "M_UNKNOWN_TOKEN", "error": "expired", "soft_logout": True})
    case(401, {"action": "logout"}, CI + " (soft_logout false)",
         body={"errcode": "M_UNKNOWN_TOKEN", "soft_logout": False})
    case(401, {"action": "logout"}, CI + " (soft_logout absent)", body={"errcode": "M_UNKNOWN_TOKEN"})
    case(500, {"action": "logout"}, CI + " (M_UNKNOWN_TOKEN before the status rule)",
         body={"errcode": "M_UNKNOWN_TOKEN"})
    case(429, {"action": "refresh"}, CI + " (soft logout before the status rule)",
         body={"errcode": "M_UNKNOWN_TOKEN", "soft_logout": True}, headers={"retry-after": "5"})
    # rule 5: retry
    case(429, {"action": "retry", "retry_after_ms": 2000}, CI + " (retry_after_ms from the body)",
         body={"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 2000})
    case(429, {"action": "retry", "retry_after_ms": 3000}, CI + " (retry-after header, seconds)",
         headers={"retry-after": "3"})
    case(429, {"action": "retry", "retry_after_ms": 1500}, CI + " (the body wins over the header)",
         body={"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 1500}, headers={"retry-after": "30"})
    case(429, {"action": "retry", "retry_after_ms": None}, CI + " (no hint)", body={"errcode": "M_LIMIT_EXCEEDED"})
    case(500, {"action": "retry", "retry_after_ms": None}, CI + " (5xx)", body={"errcode": "M_UNKNOWN"})
    case(502, {"action": "retry", "retry_after_ms": 120000}, CI + " (5xx with retry-after)",
         headers={"retry-after": "120"})
    case(503, {"action": "retry", "retry_after_ms": None}, CI + " (5xx without a body)")
    case(599, {"action": "retry", "retry_after_ms": 0}, CI + " (5xx, retry-after 0)", headers={"retry-after": "0"})
    # rule 6: fail
    for status, errcode in ((400, "M_BAD_JSON"), (400, "M_APPSERVICE_LOGIN_UNSUPPORTED"),
                            (401, "M_MISSING_TOKEN"), (403, "M_FORBIDDEN"), (403, "M_GUEST_ACCESS_FORBIDDEN"),
                            (404, "M_UNRECOGNIZED"), (404, "M_NOT_FOUND")):
        case(status, {"action": "fail"}, CI + " (anything else)", body={"errcode": errcode})
    case(401, {"action": "fail"}, CI + " (no body, no header)")
    case(418, {"action": "fail"}, CI + " (a 4xx that is not 429)", headers={"retry-after": "5"})
    return s


# ---------------------------------------------------------------------------------------------
# account.url

def suite_account():
    s = Suite("account-url",
              "account.url: deep links into the account management UI (MSC4191), query insertion, "
              "percent-encoding, unstable fallbacks")
    AU = "FORMAT.md Client helpers (account.url); spec 5.6; MSC4191"

    def case(base, action, url=None, source=AU, device_id=None, supported=None, error=None, raw=None):
        inp = {"account_management_uri": base, "action": action}
        if device_id is not None:
            inp["device_id"] = device_id
        if supported is not None:
            inp["supported"] = supported
        if raw is not None:
            inp = raw
        if error:
            s.err("account.url", inp, error, source)
        else:
            # every expected URL is written by hand; the helper must agree with it
            if raw is None and supported is None:
                assert account_url(base, action, device_id) == url, (base, action, url)
            s.ok("account.url", inp, {"url": url}, source)

    B = "https://account.example.org/account/"
    case(B, "org.matrix.profile", B + "?action=org.matrix.profile")
    case(B, "org.matrix.devices_list", B + "?action=org.matrix.devices_list")
    case(B, "org.matrix.device_view", B + "?action=org.matrix.device_view&device_id=ABCDEFGHIJ",
         device_id="ABCDEFGHIJ")
    case(B, "org.matrix.device_delete", B + "?action=org.matrix.device_delete&device_id=ABCDEFGHIJ",
         AU + "; spec 5.7 (MSC3824 deep link)", device_id="ABCDEFGHIJ")
    case(B, "org.matrix.account_deactivate", B + "?action=org.matrix.account_deactivate")
    case(B, "org.matrix.cross_signing_reset", B + "?action=org.matrix.cross_signing_reset",
         AU + "; spec 3.4 (the m.oauth URL)")
    case(B, "org.matrix.profile", B + "?action=org.matrix.profile&device_id=ABCDEFGHIJ",
         AU + " (device_id is added whatever the action)", device_id="ABCDEFGHIJ")
    # query insertion
    Q = AU + " (query insertion)"
    case("https://a.example/account", "org.matrix.profile", "https://a.example/account?action=org.matrix.profile",
         Q + ": no query")
    case("https://a.example", "org.matrix.profile", "https://a.example?action=org.matrix.profile",
         Q + ": the base is kept byte for byte, no slash added")
    case("https://a.example/account?", "org.matrix.profile", "https://a.example/account?action=org.matrix.profile",
         Q + ": ? only")
    case("https://a.example/account?lang=en", "org.matrix.profile",
         "https://a.example/account?lang=en&action=org.matrix.profile", Q + ": a query")
    case("https://a.example/account?lang=en&", "org.matrix.profile",
         "https://a.example/account?lang=en&action=org.matrix.profile", Q + ": a query ending in &")
    case("https://a.example/account?lang=en#top", "org.matrix.device_view",
         "https://a.example/account?lang=en&action=org.matrix.device_view&device_id=D1#top",
         Q + ": a query then a fragment", device_id="D1")
    case("https://a.example/account#top", "org.matrix.profile",
         "https://a.example/account?action=org.matrix.profile#top", Q + ": a fragment, no query")
    case("https://a.example/account#/settings?tab=security", "org.matrix.profile",
         "https://a.example/account?action=org.matrix.profile#/settings?tab=security",
         Q + ": a ? after the # belongs to the fragment")
    case("https://a.example/account?#top", "org.matrix.profile",
         "https://a.example/account?action=org.matrix.profile#top", Q + ": an empty query before a fragment")
    case("https://a.example/account?a=1&#top", "org.matrix.profile",
         "https://a.example/account?a=1&action=org.matrix.profile#top", Q + ": & then a fragment")
    case("https://a.example/account?a=1?b=2", "org.matrix.profile",
         "https://a.example/account?a=1?b=2&action=org.matrix.profile", Q + ": the query starts at the first ?")
    case("https://a.example/account#", "org.matrix.profile",
         "https://a.example/account?action=org.matrix.profile#", Q + ": an empty fragment")
    case("https://a.example/p%20q/?x=%2f&y=a+b", "org.matrix.profile",
         "https://a.example/p%20q/?x=%2f&y=a+b&action=org.matrix.profile",
         Q + ": the base is not re-encoded")
    case("https://a.example/account?action=old", "org.matrix.profile",
         "https://a.example/account?action=old&action=org.matrix.profile", Q + ": an existing action is kept")
    # percent-encoding
    P = AU + " (percent-encoding: RFC 3986 unreserved kept, upper-case hex, not form encoding)"
    for dev_id, enc in (("AB CD", "AB%20CD"), ("AB/CD+EF", "AB%2FCD%2BEF"), ("Az09-._~", "Az09-._~"),
                        ("!$&'()*+,;=:@", "%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40"),
                        ("a?b#c", "a%3Fb%23c"), ("100%", "100%25"), ("AB%20", "AB%2520"),
                        ("caf\u00e9", "caf%C3%A9"), ("\u20ac", "%E2%82%AC"), ("\U0001F600", "%F0%9F%98%80"),
                        ("\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D"), ("tab\there", "tab%09here")):
        case(B, "org.matrix.device_view", B + "?action=org.matrix.device_view&device_id=" + enc, P,
             device_id=dev_id)
    case(B, "com.example.my action", B + "?action=com.example.my%20action", P + " (in the action too)")
    case(B, "com.example:x/y", B + "?action=com.example%3Ax%2Fy", P + " (in the action too)")
    # actions are not checked
    case(B, "org.matrix.session_end", B + "?action=org.matrix.session_end&device_id=D1",
         AU + " (an unstable name given as action is used as is)", device_id="D1")
    case(B, "com.example.custom", B + "?action=com.example.custom", AU + " (actions are not checked)")
    # supported and the unstable fallback
    F = AU + " (supported: unstable fallback)"
    MAS = ["org.matrix.profile", "org.matrix.devices_list", "org.matrix.device_view",
           "org.matrix.device_delete", "org.matrix.cross_signing_reset", "org.matrix.sessions_list",
           "org.matrix.session_view", "org.matrix.session_end"]
    case(B, "org.matrix.devices_list", B + "?action=org.matrix.sessions_list", F,
         supported=["org.matrix.sessions_list"])
    case(B, "org.matrix.device_view", B + "?action=org.matrix.session_view&device_id=D1", F,
         device_id="D1", supported=["org.matrix.profile", "org.matrix.session_view"])
    case(B, "org.matrix.device_delete", B + "?action=org.matrix.session_end&device_id=D1", F,
         device_id="D1", supported=["org.matrix.session_end"])
    case(B, "org.matrix.device_delete", B + "?action=org.matrix.device_delete&device_id=D1",
         F + " (the stable name when listed)", device_id="D1", supported=MAS)
    case(B, "org.matrix.devices_list", B + "?action=org.matrix.devices_list", F + " (the stable name when listed)",
         supported=["org.matrix.devices_list"])
    case(B, "org.matrix.devices_list", B + "?action=org.matrix.devices_list", F + " ([] means not given)",
         supported=[])
    case(B, "org.matrix.profile", B + "?action=org.matrix.profile", F, supported=MAS)
    case(B, "org.matrix.devices_list", None, F + " (neither name listed)", supported=["org.matrix.profile"],
         error="account.action_unsupported")
    case(B, "org.matrix.device_delete", None, F + " (a fallback of another action does not count)",
         supported=["org.matrix.session_view"], device_id="D1", error="account.action_unsupported")
    case(B, "org.matrix.account_deactivate", None, F + " (MAS does not list it; no twin)", supported=MAS,
         error="account.action_unsupported")
    case(B, "org.matrix.profile", None, F + " (no twin)", supported=["org.matrix.devices_list"],
         error="account.action_unsupported")
    case(B, "org.matrix.cross_signing_reset", None, F + " (no twin)", supported=["org.matrix.profile"],
         error="account.action_unsupported")
    case(B, "org.matrix.session_end", B + "?action=org.matrix.session_end",
         AU + "; policy (only the six stable actions are checked against supported)",
         supported=["org.matrix.profile"])
    case(B, "com.example.custom", B + "?action=com.example.custom",
         AU + "; policy (only the six stable actions are checked against supported)",
         supported=["org.matrix.profile"])
    # input errors
    case(B, "", None, AU + " (empty action)", error="input.invalid")
    case(B, "org.matrix.device_view", None, AU + " (empty device_id)", device_id="", error="input.invalid")
    case(None, None, None, "FORMAT.md Operations (action missing)", error="input.invalid",
         raw={"account_management_uri": B})
    case(None, None, None, "FORMAT.md Operations (account_management_uri missing)", error="input.invalid",
         raw={"action": "org.matrix.profile"})
    case(None, None, None, "FORMAT.md Operations (supported wrong type)", error="input.invalid",
         raw={"account_management_uri": B, "action": "org.matrix.profile", "supported": "org.matrix.profile"})
    return s




# ---------------------------------------------------------------------------------------------
# v4 suites. Every expected answer is written from DECISIONS.md, FORMAT.md and PRESETS.md
# version 4, and from the interpretations the README fixes where those leave a choice
# (`policy` in the source).

SAMPLE["authType"] = "m.login.recaptcha"
R0 = "/_matrix/client/r0"
UNSTABLE = "/_matrix/client/unstable"
V4P = "DECISIONS.md path matching (v4: every spelling is the endpoint"


def respell(template, prefix_from, prefix_to, **override):
    assert template.startswith(prefix_from), template
    return prefix_to + fill(template, **override)[len(prefix_from):]


def suite_spellings():
    s = Suite("decide-spellings",
              "request.decide (v4): every spelling of an endpoint is that endpoint: r0 and unstable "
              "spellings of v3 templates, unstable of v1, media r0 and v1 of media v3, the MSC2965 "
              "and MSC4323 prefixes, the prose-defined endpoints, and the paths that stay unknown")
    full = tok()
    deny_unknown = {"unknown_endpoints": "deny"}
    # -- every v3 template under unstable, every v1 template under unstable, every media v3
    #    template under media r0 and media v1, without a token (the r0 forms of the v3 templates
    #    are in decide-catalogue)
    for e in ENDPOINTS:
        pattern, source = no_token_expect(e)
        if e["path"].startswith(C + "/"):
            paths = [("unstable", respell(e["path"], C, UNSTABLE))]
        elif e["path"].startswith("/_matrix/client/v1/"):
            paths = [("unstable", respell(e["path"], "/_matrix/client/v1", UNSTABLE))]
        elif e["path"].startswith("/_matrix/media/v3/"):
            paths = [("media r0", respell(e["path"], "/_matrix/media/v3", "/_matrix/media/r0")),
                     ("media v1", respell(e["path"], "/_matrix/media/v3", "/_matrix/media/v1"))]
        else:
            continue
        for kind, path in paths:
            s.decide(e["method"], path, pattern,
                     f"{V4P}: {kind} spelling of {e['path']}, added_in {e['added_in']}); {source}")
    # -- with a full token, old and new endpoints alike
    for method, path, op in (
            ("GET", f"{UNSTABLE}/sync", "sync"),
            ("GET", f"{UNSTABLE}/account/whoami", "getTokenOwner"),
            ("POST", f"{UNSTABLE}/knock/{ROOM}", "knockRoom"),
            ("GET", f"{UNSTABLE}/room_keys/version", "getRoomKeysVersionCurrent"),
            ("POST", f"{R0}/rooms/{ROOM}/report", "reportRoom"),
            ("POST", f"{UNSTABLE}/users/{USER}/report", "reportUser"),
            ("DELETE", f"{R0}/profile/{USER}/m.tz", "deleteProfileField"),
            ("GET", f"{UNSTABLE}/rooms/{ROOM}/state/m.room.name/", "getRoomStateWithKey"),
            ("GET", f"{UNSTABLE}/pushrules/", "getPushRules"),
            ("GET", f"{UNSTABLE}/rooms/{ROOM}/hierarchy", "getSpaceHierarchy"),
            ("GET", f"{UNSTABLE}/rooms/{ROOM}/threads", "getThreadRoots"),
            ("GET", f"{UNSTABLE}/mutual_rooms", "getMutualRooms"),
            ("GET", f"{UNSTABLE}/media/config", "getConfigAuthed"),
            ("GET", f"{UNSTABLE}/room_summary/{SAMPLE['roomIdOrAlias']}", "getRoomSummary"),
            ("GET", "/_matrix/media/r0/config", "getConfig"),
            ("GET", "/_matrix/media/v1/config", "getConfig"),
            ("GET", "/_matrix/media/v1/preview_url", "getUrlPreview"),
            ("PUT", "/_matrix/media/r0/upload/example.org/abcMEDIA123", "uploadContentToMXC"),
            ("GET", f"{R0}/admin/whois/{USER}", "getWhoIs"),
            ("GET", f"{UNSTABLE}/admin/whois/{USER}", "getWhoIs")):
        s.decide(method, path, allow(op, device=DID, synapse_admin=False),
                 f"{V4P}; the result names the stable operation id); step 18", token=full)
    s.decide("GET", f"{UNSTABLE}/sync", allow("sync", device=DID),
             f"{V4P}); step 18 (unknown_endpoints is not read for a known path)", token=full,
             policy=deny_unknown)
    s.decide("GET", "/_matrix/media/v1/download/example.org/abcMEDIA123", allow("getContent", device=None),
             f"{V4P}: media v1); step 5 (token none, the token is ignored)", token=full)
    s.decide("GET", f"{UNSTABLE}/sync", deny(401, "M_MISSING_TOKEN", "sync"), f"{V4P}); step 4")
    for preset in ("default", "mas", "synapse"):
        s.decide("GET", f"{UNSTABLE}/rooms/{ROOM}/hierarchy", no_api(preset, "getSpaceHierarchy"),
                 f"{V4P}: unstable of v1); step 10 ({preset})", token=tok("openid"), policy=preset)
    # -- MSC2965 and MSC4323 spellings
    AM = f"{UNSTABLE}/org.matrix.msc2965/auth_metadata"
    M2965 = f"{V4P}: MSC2965 spelling); MSC2965"
    s.decide("GET", AM, allow("getAuthMetadata", device=None), M2965 + "; step 5 (token none)")
    s.decide("GET", AM, allow("getAuthMetadata", device=None, synapse_admin=False),
             M2965 + "; step 5 (v4: token none, the token is ignored)", token=full)
    s.decide("GET", AM, allow("getAuthMetadata", device=None), M2965 + "; step 5 (an inactive token is ignored)",
             token=tok(FULL, active=False), policy="mas")
    s.decide("POST", AM, deny(401, "M_MISSING_TOKEN", None), M2965 + " (GET only); step 4 (unknown path)")
    M4323 = f"{V4P}: MSC4323 spelling); MSC4323"
    for method, kind, op in (("GET", "lock", "getAdminLockUser"), ("PUT", "lock", "setAdminLockUser"),
                             ("GET", "suspend", "getAdminSuspendUser"), ("PUT", "suspend", "setAdminSuspendUser")):
        path = f"{UNSTABLE}/uk.timedout.msc4323/admin/{kind}/{USER}"
        s.decide(method, path, allow(op, device=DID, synapse_admin=False), M4323 + "; step 18", token=full)
        s.decide(method, path, deny(401, "M_MISSING_TOKEN", op), M4323 + "; step 4")
        s.decide(method, path, deny(403, "M_GUEST_ACCESS_FORBIDDEN", op), M4323 + "; step 12", token=GUEST)
        s.decide(method, path, no_api("synapse", op), M4323 + "; step 10 (synapse)", token=tok("openid"),
                 policy="synapse")
        s.decide(method, f"{UNSTABLE}/admin/{kind}/{USER}", allow(op, device=DID),
                 f"{V4P}: unstable of v1); step 18", token=full)
    # -- the security cases: an alias must not bypass a rule
    XS = "keys/device_signing/upload"
    X15 = "DECISIONS.md step 15 (Cross-signing)"
    for prefix, kind in ((UNSTABLE, "unstable"), (R0, "r0")):
        path = f"{prefix}/{XS}"
        s.decide("POST", path, uia(XS_URL, "sess-1"), f"{V4P}: {kind}); {X15}; MSC4312 (a master key exists)",
                 token=full, context=xs_context())
        s.decide("POST", path, uia(XS_URL, "sess-1"), f"{V4P}: {kind}); {X15} (mas)",
                 token=full, context=xs_context(), policy="mas")
        s.decide("POST", path, allow("uploadCrossSigningKeys", consumes_approval=False),
                 f"{V4P}: {kind}); {X15}; MSC3967 (no master key yet); policy (consumes_approval)",
                 token=full, context=xs_context(master_key_exists=False))
        s.decide("POST", path, error="input.invalid",
                 source=f"{V4P}: {kind}); {X15} (a master key exists and no account_management_uri)",
                 token=full)
        s.decide("POST", path, uia(XS_URL, "sess-1"),
                 f"{V4P}: {kind}); {X15}; DECISIONS.md notes (legacy_endpoints does not skip step 15)",
                 token=full, context=xs_context(), policy={"legacy_endpoints": True})
    gone = "DECISIONS.md step 2; spec 3.2"
    for prefix, kind in ((R0, "r0"), (UNSTABLE, "unstable")):
        for method, rest, op in (("POST", "login", "login"), ("GET", "login", "getLoginFlows"),
                                 ("POST", "logout", "logout"), ("POST", "logout/all", "logout_all"),
                                 ("POST", "refresh", "refresh"), ("POST", "account/password", "changePassword"),
                                 ("POST", "account/3pid/add", "add3PID"),
                                 ("GET", "login/sso/redirect", "redirectToSSO")):
            s.decide(method, f"{prefix}/{rest}", deny(404, "M_UNRECOGNIZED", op, account_url=None),
                     f"{V4P}: {kind}); {gone}", token=full)
        s.decide("POST", f"{prefix}/account/deactivate",
                 deny(404, "M_UNRECOGNIZED", "deactivateAccount",
                      account_url=AMU + "?action=org.matrix.account_deactivate"),
                 f"{V4P}: {kind}); {gone}; DECISIONS.md notes (account_url)", token=full,
                 context={"account_management_uri": AMU})
        s.decide("POST", f"{prefix}/login", deny(400, "M_APPSERVICE_LOGIN_UNSUPPORTED", "login"),
                 f"{V4P}: {kind}); DECISIONS.md step 1; MSC4190",
                 context={"body": {"type": "m.login.application_service"}})
        s.decide("POST", f"{prefix}/delete_devices",
                 deny(404, "M_UNRECOGNIZED", "deleteDevices", account_url=AMU + "?action=org.matrix.devices_list"),
                 f"{V4P}: {kind}); DECISIONS.md step 14 and notes (account_url)", token=full,
                 context={"account_management_uri": AMU})
        s.decide("DELETE", f"{prefix}/devices/{DID}",
                 deny(404, "M_UNRECOGNIZED", "deleteDevice",
                      account_url=AMU + "?action=org.matrix.device_delete&device_id=" + DID),
                 f"{V4P}: {kind}); DECISIONS.md step 14 and notes (account_url)", token=full,
                 context={"account_management_uri": AMU})
        s.decide("POST", f"{prefix}/register", deny(403, "M_FORBIDDEN", "register"),
                 f"{V4P}: {kind}); DECISIONS.md step 3 (Registration); MSC4190 (not an appservice)",
                 token=full, context={"body": AS_BODY})
        s.decide("POST", f"{prefix}/register", deny(403, "M_FORBIDDEN", "register"),
                 f"{V4P}: {kind}); DECISIONS.md step 3 (kind=guest)", query={"kind": "guest"})
        s.decide("POST", f"{prefix}/register", allow("register"),
                 f"{V4P}: {kind}); DECISIONS.md step 3; MSC4190 (appservice)", token=APPSERVICE,
                 context={"body": AS_BODY})
        s.decide("PUT", f"{prefix}/directory/list/appservice/irc/{ROOM}",
                 deny(403, "M_FORBIDDEN", "updateAppserviceRoomDirectoryVisibility"),
                 f"{V4P}: {kind}); DECISIONS.md step 8", token=full)
        s.decide("POST", f"{prefix}/createRoom", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "createRoom"),
                 f"{V4P}: {kind}); DECISIONS.md step 12 (not on the guest list)", token=GUEST)
        s.decide("GET", f"{prefix}/joined_rooms", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "getJoinedRooms"),
                 f"{V4P}: {kind}); DECISIONS.md step 12 (not on the guest list)", token=GUEST, policy="synapse")
        s.decide("GET", f"{prefix}/sync", allow("sync", device=DID),
                 f"{V4P}: {kind}); DECISIONS.md step 18 (a guest endpoint)", token=GUEST)
        s.decide("POST", f"{prefix}/rooms/{ROOM}/join", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "joinRoomById"),
                 f"{V4P}: {kind}); DECISIONS.md step 13", token=GUEST,
                 context={"room": {"guest_access": "forbidden"}})
        s.decide("GET", f"{prefix}/sync", step_up("sync", max_age=60),
                 f"{V4P}: {kind}); DECISIONS.md step 17 (a rule on the operation id)",
                 token=tok(FULL, auth_time=NOW - 61), now=NOW,
                 policy={"step_up": [{"endpoints": ["sync"], "max_age": 60}]})
    s.decide("POST", f"{UNSTABLE}/login/get_token", deny(404, "M_UNRECOGNIZED", "generateLoginToken", account_url=None),
             f"{V4P}: unstable of v1); {gone}", token=full)
    s.decide("POST", f"{UNSTABLE}/appservice/bridge/ping", deny(403, "M_FORBIDDEN", "pingAppservice"),
             f"{V4P}: unstable of v1); DECISIONS.md step 8", token=full)
    s.decide("POST", f"{UNSTABLE}/appservice/bridge/ping", allow("pingAppservice"),
             f"{V4P}: unstable of v1); DECISIONS.md step 7", token=APPSERVICE)
    s.decide("POST", f"{R0}/login", allow("login"),
             f"{V4P}: r0); DECISIONS.md notes (legacy_endpoints skips step 2); step 5",
             policy={"legacy_endpoints": True})
    # -- the endpoints defined in prose
    P = "DECISIONS.md path matching (v4: endpoints defined in prose)"
    for method, op in (("GET", "getUiaFallbackPage"), ("POST", "postUiaFallbackPage")):
        for prefix, kind in ((C, "v3"), (R0, "r0"), (UNSTABLE, "unstable")):
            path = f"{prefix}/auth/m.login.recaptcha/fallback/web"
            s.decide(method, path, allow(op, device=None), f"{P}; {kind}; step 5 (token none)")
            s.decide(method, path, allow(op, device=None, synapse_admin=False),
                     f"{P}; {kind}; step 5 (v4: a token is ignored)", token=full)
        s.decide(method, f"{C}/auth/m.login.terms/fallback/web", allow(op, device=None),
                 f"{P}; step 5 (inactive token ignored)", token=tok(FULL, active=False))
        s.decide(method, f"{C}/auth/m.login.recaptcha/fallback/web", allow(op, device=None),
                 f"{P}; step 5 (a guest's token is ignored)", token=GUEST)
        s.decide(method, f"{C}/auth/m.login.recaptcha/fallback/web", allow(op, device=None),
                 f"{P}; step 5 (the session is in the query)", query={"session": "abc"})
    s.decide("GET", f"{C}/auth/m.login.recaptcha/fallback/web/", deny(401, "M_MISSING_TOKEN", None),
             f"{P}; a trailing slash makes the path unknown; step 4")
    s.decide("GET", f"{C}/auth/m.login.recaptcha/fallback", deny(401, "M_MISSING_TOKEN", None),
             f"{P}; unknown path; step 4")
    s.decide("PUT", f"{C}/auth/m.login.recaptcha/fallback/web", deny(401, "M_MISSING_TOKEN", None),
             f"{P}; GET and POST only; step 4")
    LF = "/_matrix/static/client/login/"
    s.decide("GET", LF, deny(404, "M_UNRECOGNIZED", "getLoginFallbackPage", account_url=None),
             f"{P}; DECISIONS.md step 2 (the legacy login page)")
    s.decide("GET", LF, deny(404, "M_UNRECOGNIZED", "getLoginFallbackPage", account_url=None),
             f"{P}; DECISIONS.md step 2 (with a token)", token=full)
    s.decide("GET", LF, deny(404, "M_UNRECOGNIZED", "getLoginFallbackPage", account_url=None),
             f"{P}; DECISIONS.md step 2 (synapse)", token=tok(FULL, active=False), policy="synapse")
    s.decide("GET", LF, allow("getLoginFallbackPage", device=None),
             f"{P}; DECISIONS.md notes (legacy_endpoints skips step 2); step 5", policy={"legacy_endpoints": True})
    s.decide("GET", LF, allow("getLoginFallbackPage", device=None, synapse_admin=False),
             f"{P}; DECISIONS.md notes (legacy_endpoints); step 5 (a token is ignored)", token=full,
             policy={"legacy_endpoints": True})
    s.decide("GET", "/_matrix/static/client/login", deny(401, "M_MISSING_TOKEN", None),
             f"{P}; the template ends with a slash; step 4 (unknown path)")
    s.decide("POST", LF, deny(401, "M_MISSING_TOKEN", None), f"{P}; GET only; step 4 (unknown path)")
    AI = f"{UNSTABLE}/org.matrix.msc2965/auth_issuer"
    s.decide("GET", AI, allow("getAuthIssuer", device=None), f"{P}; MSC2965; step 5 (token none)")
    s.decide("GET", AI, allow("getAuthIssuer", device=None, synapse_admin=False),
             f"{P}; MSC2965; step 5 (a token is ignored)", token=full, policy="mas")
    s.decide("GET", AI, allow("getAuthIssuer", device=None),
             f"{P}; MSC2965; step 5 (an inactive token is ignored)", token=tok(FULL, active=False))
    for path, why in (("/_matrix/client/v1/auth_issuer", "no stable twin"),
                      (f"{C}/auth_issuer", "no stable twin"),
                      (f"{UNSTABLE}/auth_issuer", "only the MSC2965 prefix")):
        s.decide("GET", path, deny(401, "M_MISSING_TOKEN", None), f"{P}; getAuthIssuer has {why}; step 4 (unknown)")
    # -- paths that stay unknown
    def unknown(method, path, why):
        src = f"DECISIONS.md path matching (v4: {why}: not a spelling)"
        s.decide(method, path, allow(None, device=DID), src + "; step 18 (unknown_endpoints allow)", token=full)
        s.decide(method, path, deny(404, "M_UNRECOGNIZED", None), src + "; step 16", token=full,
                 policy=deny_unknown)
        s.decide(method, path, deny(401, "M_MISSING_TOKEN", None), src + "; step 4")
    unknown("GET", "/_matrix/client/r1/sync", "r1")
    unknown("GET", "/_matrix/client/v2/sync", "v2")
    unknown("GET", "/_matrix/client/unstable/v3/sync", "unstable/v3")
    unknown("GET", "/_matrix/client/unstable/r0/sync", "unstable/r0")
    unknown("GET", "/_matrix/client/R0/sync", "literal segments are compared exactly")
    unknown("GET", "/_matrix/client/v1/sync", "v1 of a v3 template")
    unknown("GET", "/_matrix/client/v3/mutual_rooms", "v3 of a v1 template")
    unknown("GET", "/_matrix/client/r0/mutual_rooms", "r0 of a v1 template")
    unknown("GET", "/_matrix/client/r0/media/config", "r0 of a v1 template")
    unknown("GET", "/_matrix/media/unstable/config", "media unstable")
    unknown("GET", "/_matrix/media/v1/media/config", "media v1 of a client v1 template")
    unknown("GET", "/_matrix/client/v3/config", "client v3 of a media template")
    unknown("POST", "/_matrix/media/v3/create", "media v3 of a media v1 template")
    unknown("GET", "/_matrix/client/r0/versions", "r0 of /versions")
    unknown("GET", "/_matrix/client/unstable/versions", "unstable of /versions")
    unknown("POST", "/_matrix/client/unstable/keys/device_signing/upload/", "a trailing slash")
    unknown("GET", f"{UNSTABLE}/org.matrix.msc2965/auth_metadata/", "a trailing slash")
    unknown("GET", f"{UNSTABLE}/org.matrix.msc9999/auth_metadata", "another MSC prefix")
    unknown("GET", f"{UNSTABLE}/uk.timedout.msc4323/admin/lock", "missing {userId}")
    unknown("DELETE", f"{UNSTABLE}/uk.timedout.msc4323/admin/lock/{USER}", "no DELETE")
    s.decide("GET", "/_matrix/client/r1/sync", deny(403, "M_GUEST_ACCESS_FORBIDDEN", None),
             "DECISIONS.md path matching (v4: r1: not a spelling); step 12 (unknown paths are not guest-allowed)",
             token=GUEST)
    # -- MSC-prefixed spellings that the MSCs name (and ruma-client-api 0.25's history lists): each
    #    is its stable endpoint, so the stable endpoint's step answers
    MSC = f"{V4P}: MSC-prefixed spellings are data, core/gen/spellings.tsv)"
    s.decide("POST", f"{UNSTABLE}/org.matrix.msc3882/login/get_token", deny(404, "M_UNRECOGNIZED", "generateLoginToken"),
             f"{MSC}; MSC3882 unstable prefix; step 2", token=full)
    s.decide("POST", f"{UNSTABLE}/org.matrix.msc2918/refresh", deny(404, "M_UNRECOGNIZED", "refresh"),
             f"{MSC}; MSC2918 unstable prefix; step 2")
    s.decide("GET", f"{UNSTABLE}/org.matrix.msc2858/login/sso/redirect/oidc-github",
             deny(404, "M_UNRECOGNIZED", "redirectToIdP"), f"{MSC}; MSC2858 unstable prefix; step 2")
    s.decide("POST", f"{UNSTABLE}/org.matrix.msc3882/login/get_token", allow("generateLoginToken", device=DID),
             f"{MSC}; MSC3882; DECISIONS.md notes (legacy_endpoints skips step 2); step 18", token=full,
             policy={"legacy_endpoints": True})
    PING = f"{UNSTABLE}/fi.mau.msc2659/appservice/my-bridge/ping"
    s.decide("POST", PING, deny(403, "M_FORBIDDEN", "pingAppservice"), f"{MSC}; MSC2659 unstable prefix; step 8",
             token=full)
    s.decide("POST", PING, allow("pingAppservice"), f"{MSC}; MSC2659; step 7", token=APPSERVICE)
    PROFILE = f"{UNSTABLE}/uk.tcpip.msc4133/profile/{USER}"
    s.decide("PUT", f"{PROFILE}/displayname", allow("setProfileField", device=DID),
             f"{MSC}; MSC4133 unstable prefix; step 12 (guests may set displayname)", token=GUEST)
    s.decide("PUT", f"{PROFILE}/avatar_url", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "setProfileField"),
             f"{MSC}; MSC4133; step 12 (displayname only)", token=GUEST)
    s.decide("GET", f"{UNSTABLE}/im.nheko.summary/rooms/{ROOM}/summary", allow("getRoomSummary", device=None),
             f"{MSC}; MSC3266 unstable prefix; step 5 (token optional)")
    s.decide("GET", f"{UNSTABLE}/org.matrix.msc3916/media/config", deny(401, "M_MISSING_TOKEN", "getConfigAuthed"),
             f"{MSC}; MSC3916 unstable prefix; step 4")
    s.decide("POST", "/_matrix/media/unstable/fi.mau.msc2246/create", allow("createContent", device=DID),
             f"{MSC}; MSC2246 unstable prefix; step 18", token=full)
    s.decide("POST", f"{UNSTABLE}/org.matrix.msc3983/keys/claim", allow("claimKeys", device=DID),
             f"{MSC}; MSC3983 unstable prefix; step 18", token=full)
    return s


def suite_anonymous():
    s = Suite("decide-anonymous",
              "request.decide (v4): a token sent to a token-none endpoint is ignored at step 5 "
              "(device null), whatever the token; guests on none, optional and required endpoints "
              "(step 12 only where a token is required, or optional with UIA)")
    S5 = "DECISIONS.md step 5 (v4: token none, the token is ignored: device null)"
    tokens = [
        (tok(), "an active full token"),
        (tok(FULL, active=False), "an inactive token"),
        (tok(f"{API}  {DEV}{DID}"), "a malformed scope"),
        (tok(f"{API} {DEV}AAAAAAAAAA {DEV}BBBBBBBBBB"), "two devices"),
        (tok("openid"), "no API scope"),
        (tok(ADMIN), "only urn:synapse:admin:*"),
        (tok(FULL, guest=True), "a guest's token"),
        (tok(FULL, device_id="EXPLICIT1"), "an explicit device_id"),
        (tok(FULL, device_id=""), "an empty explicit device_id"),
        (APPSERVICE, "an appservice token"),
        ({"appservice": True, "active": False}, "an inactive appservice token"),
    ]
    none_eps = ["getWellknown", "getWellknownSupport", "getAuthMetadata", "getPublicRooms",
                "getProfileField", "getUserProfile", "getRoomIdByAlias", "registrationTokenValidity",
                "checkUsernameAvailability", "requestTokenToRegisterEmail", "getContent",
                "getContentThumbnail", "getUiaFallbackPage", "postUiaFallbackPage", "getAuthIssuer"]
    for i, op in enumerate(none_eps):
        e = BY_OP[op]
        for j, (t, why) in enumerate(tokens):
            # every endpoint with every token would be 165 cases; each endpoint takes every
            # third token, in turn, and the first two endpoints take them all
            if i >= 2 and (i + j) % 3:
                continue
            s.decide(e["method"], fill(e["path"]), allow(op, device=None, synapse_admin=False),
                     f"{S5}: {why}", token=t)
    for preset in ("mas", "synapse"):
        for t, why in tokens[1:5]:
            s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms", device=None, synapse_admin=False),
                     f"{S5}: {why}; PRESETS.md {preset}", token=t, policy=preset)
    s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms", device=None, synapse_admin=False),
             f"{S5}; urn:synapse:admin:* is not reported either", token=tok(f"{FULL} {ADMIN}"))
    s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms", device=None),
             f"{S5}; before step 16", token=tok("openid"), policy={"unknown_endpoints": "deny"})
    s.decide("GET", f"{R0}/publicRooms", allow("getPublicRooms", device=None),
             f"{S5}; DECISIONS.md path matching (r0)", token=tok(FULL, active=False))
    # the earlier steps still answer first on token-none endpoints
    s.decide("POST", f"{C}/login", deny(404, "M_UNRECOGNIZED", "login", account_url=None),
             "DECISIONS.md step 2 before step 5 (login is token none)", token=tok(FULL, active=False))
    s.decide("POST", f"{C}/refresh", deny(404, "M_UNRECOGNIZED", "refresh", account_url=None),
             "DECISIONS.md step 2 before step 5 (refresh is token none)", token=tok())
    s.decide("POST", f"{C}/register", deny(403, "M_FORBIDDEN", "register"),
             "DECISIONS.md step 3 before step 5 (register is token none)", token=tok(),
             context={"body": AS_BODY})
    s.decide("POST", f"{C}/register", deny(401, "M_UNKNOWN_TOKEN", "register"),
             "DECISIONS.md step 3 (Registration: an inactive appservice token) before step 5",
             token={"appservice": True, "active": False}, context={"body": AS_BODY})
    s.decide("POST", f"{C}/login", allow("login", device=None, synapse_admin=False),
             "DECISIONS.md notes (legacy_endpoints skips step 2); step 5 (a token is ignored)",
             token=tok(FULL, active=False), policy={"legacy_endpoints": True})
    s.decide("POST", f"{C}/register", allow("register", device=None),
             "DECISIONS.md notes (legacy_endpoints skips step 3); step 5 (a guest's token is ignored)",
             token=GUEST, policy={"legacy_endpoints": True})
    # optional endpoints still read the token
    for op in ("getVersions", "getRoomSummary"):
        e = BY_OP[op]
        path = fill(e["path"])
        s.decide(e["method"], path, allow(op, device=None), "DECISIONS.md step 5 (token optional, none sent)")
        s.decide(e["method"], path, allow(op, device=DID), "DECISIONS.md step 18 (token optional, given)",
                 token=tok())
        s.decide(e["method"], path, deny(401, "M_UNKNOWN_TOKEN", op),
                 "DECISIONS.md step 6 (token optional: a sent token is read)", token=tok(FULL, active=False))
        s.decide(e["method"], path, deny(401, "M_UNKNOWN_TOKEN", op), "DECISIONS.md step 9 (token optional)",
                 token=tok(f"{API}  {DEV}{DID}"))
        for preset in ("default", "synapse"):
            s.decide(e["method"], path, no_api(preset, op), f"DECISIONS.md step 10 (token optional; {preset})",
                     token=tok("openid"), policy=preset)
    # guests
    G = "DECISIONS.md step 12 (v4: only where a token is required, or optional with UIA)"
    for op in ("getVersions", "getRoomSummary"):
        e = BY_OP[op]
        for preset in ("default", "mas", "synapse"):
            s.decide(e["method"], fill(e["path"]), allow(op, device=DID, synapse_admin=False),
                     f"{G}: optional, no UIA; step 18 ({preset})", token=GUEST, policy=preset)
    s.decide("GET", f"{UNSTABLE}/room_summary/{SAMPLE['roomIdOrAlias']}", allow("getRoomSummary", device=DID),
             f"{G}: optional, no UIA; DECISIONS.md path matching (unstable)", token=GUEST)
    s.decide("GET", "/_matrix/client/versions", deny(401, "M_UNKNOWN_TOKEN", "getVersions"),
             "DECISIONS.md step 6 (an inactive guest token on an optional endpoint)",
             token=tok(FULL, active=False, guest=True))
    s.decide("GET", "/_matrix/client/versions", step_up("getVersions", max_age=60),
             f"{G}; DECISIONS.md step 17 (a guest on an optional endpoint meets step-up rules)",
             token=tok(FULL, guest=True, auth_time=NOW - 61), now=NOW,
             policy={"step_up": [{"endpoints": ["getVersions"], "max_age": 60}]})
    for op in ("getWellknown", "getPublicRooms", "getAuthMetadata", "getUiaFallbackPage"):
        e = BY_OP[op]
        s.decide(e["method"], fill(e["path"]), allow(op, device=None),
                 f"{S5} (a guest's token on a token-none endpoint)", token=GUEST)
    legacy = {"legacy_endpoints": True}
    for op, path in (("changePassword", f"{C}/account/password"),
                     ("deactivateAccount", f"{C}/account/deactivate")):
        s.decide("POST", path, deny(403, "M_GUEST_ACCESS_FORBIDDEN", op),
                 f"{G}: optional with UIA; DECISIONS.md notes (legacy_endpoints skips step 2)",
                 token=GUEST, policy=legacy)
        s.decide("POST", path, deny(403, "M_GUEST_ACCESS_FORBIDDEN", op),
                 f"{G}: optional with UIA (synapse)", token=GUEST, policy=dict(legacy, preset="synapse"))
        s.decide("POST", path, allow(op, device=DID),
                 f"{G}; FORMAT.md guest_endpoints (listed); step 18", token=GUEST,
                 policy=dict(legacy, guest_endpoints=[op]))
        s.decide("POST", path, allow(op, device=None),
                 "DECISIONS.md notes (legacy_endpoints); step 5 (token optional, none sent)", policy=legacy)
        s.decide("POST", path, deny(404, "M_UNRECOGNIZED", op, account_url=None),
                 "DECISIONS.md step 2 before step 12", token=GUEST)
    for op in ("createRoom", "getJoinedRooms", "getWhoIs", "getConfigAuthed", "getUrlPreview"):
        e = BY_OP[op]
        s.decide(e["method"], fill(e["path"]), deny(403, "M_GUEST_ACCESS_FORBIDDEN", op),
                 f"{G}: required, not on the guest list", token=GUEST)
    for op in ("getTokenOwner", "getContentAuthed", "sync"):
        e = BY_OP[op]
        s.decide(e["method"], fill(e["path"]), allow(op, device=DID),
                 f"{G}: required, on the spec's guest list; step 18", token=GUEST)
    return s


def suite_methods():
    s = Suite("decide-methods",
              "request.decide (v4): HEAD is decided exactly as GET; OPTIONS (a CORS preflight) is "
              "allowed at step 0 on any path, whatever the token")
    H = "DECISIONS.md path matching (v4: HEAD is decided as GET)"
    full = tok()
    s.decide("HEAD", f"{C}/sync", allow("sync", device=DID), H + "; step 18", token=full)
    s.decide("HEAD", f"{C}/sync", deny(401, "M_MISSING_TOKEN", "sync"), H + "; step 4")
    s.decide("HEAD", f"{R0}/sync", allow("sync", device=DID), H + "; r0 spelling; step 18", token=full)
    s.decide("HEAD", f"{C}/sync", deny(401, "M_UNKNOWN_TOKEN", "sync"), H + "; step 6", token=tok(FULL, active=False))
    s.decide("HEAD", f"{C}/sync", no_api("synapse", "sync"), H + "; step 10 (synapse)", token=tok("openid"),
             policy="synapse")
    s.decide("HEAD", f"{C}/sync", allow("sync", device=DID), H + "; step 18 (a guest endpoint)", token=GUEST)
    s.decide("HEAD", f"{C}/joined_rooms", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "getJoinedRooms"),
             H + "; step 12", token=GUEST)
    s.decide("HEAD", "/_matrix/client/versions", allow("getVersions", device=None), H + "; step 5 (optional)")
    s.decide("HEAD", "/.well-known/matrix/client", allow("getWellknown", device=None),
             H + "; step 5 (token none, a token is ignored)", token=tok(FULL, active=False))
    s.decide("HEAD", f"{C}/rooms/{ROOM}/state/m.room.name/", allow("getRoomStateWithKey", device=DID),
             H + "; the empty state key", token=full)
    s.decide("HEAD", f"{C}/account/whoami", step_up("getTokenOwner", max_age=60),
             H + "; step 17 (a step-up rule on the GET's operation id holds for HEAD)",
             token=tok(FULL, auth_time=NOW - 61), now=NOW,
             policy={"step_up": [{"endpoints": ["getTokenOwner"], "max_age": 60}]})
    s.decide("HEAD", f"{C}/account/whoami", allow("getTokenOwner", device=DID), H + "; step 17 passes",
             token=tok(FULL, auth_time=NOW - 60), now=NOW,
             policy={"step_up": [{"endpoints": ["getTokenOwner"], "max_age": 60}]})
    s.decide("HEAD", f"{C}/login", deny(404, "M_UNRECOGNIZED", "getLoginFlows", account_url=None),
             H + "; step 2 (GET /login)")
    s.decide("HEAD", "/_matrix/static/client/login/",
             deny(404, "M_UNRECOGNIZED", "getLoginFallbackPage", account_url=None), H + "; step 2")
    s.decide("HEAD", f"{C}/admin/whois/{USER}", no_api("default", "getWhoIs"), H + "; step 10",
             token=tok("openid"))
    s.decide("HEAD", "/_synapse/admin/v1/server_version", deny(403, "M_FORBIDDEN", None),
             H + "; step 11 (admin path)", token=full)
    s.decide("HEAD", "/_synapse/admin/v1/server_version", allow(None, device=DID, synapse_admin=True),
             H + "; step 18 (admin path)", token=tok(f"{FULL} {ADMIN}"))
    s.decide("HEAD", f"{UNSTABLE}/uk.timedout.msc4323/admin/suspend/{USER}",
             allow("getAdminSuspendUser", device=DID), H + "; MSC4323 spelling", token=full)
    s.decide("HEAD", f"{C}/auth/m.login.recaptcha/fallback/web", allow("getUiaFallbackPage", device=None),
             H + "; a prose endpoint; step 5")
    for method, path, why in (("HEAD", f"{C}/createRoom", "POST only"),
                              ("HEAD", f"{C}/keys/device_signing/upload", "POST only"),
                              ("HEAD", f"{C}/logout", "POST only"),
                              ("HEAD", f"{C}/nonexistent", "not in the catalogue")):
        s.decide(method, path, allow(None, device=DID), f"{H}: {why}, so unknown; step 18", token=full)
        s.decide(method, path, deny(404, "M_UNRECOGNIZED", None), f"{H}: {why}, so unknown; step 16",
                 token=full, policy={"unknown_endpoints": "deny"})
        s.decide(method, path, deny(401, "M_MISSING_TOKEN", None), f"{H}: {why}, so unknown; step 4")
    O = "DECISIONS.md step 0 (v4: OPTIONS, a CORS preflight)"
    preflight = allow(None, device=None, synapse_admin=False)
    tokens = [(None, "no token"), (full, "a full token"), (tok(FULL, active=False), "an inactive token"),
              (GUEST, "a guest's token"), (tok("openid"), "no API scope"), (tok("a  b"), "a malformed scope"),
              (APPSERVICE, "an appservice token"), (tok(f"{FULL} {ADMIN}"), "an admin token")]
    paths = [f"{C}/sync", f"{C}/createRoom", f"{C}/login", f"{C}/register", f"{C}/logout",
             f"{C}/keys/device_signing/upload", f"{C}/devices/{DID}", f"{C}/delete_devices",
             f"{R0}/account/deactivate", "/_matrix/client/versions", "/.well-known/matrix/client",
             "/_synapse/admin/v1/server_version", f"{C}/nonexistent", "/", "/_matrix/static/client/login/",
             f"{UNSTABLE}/org.matrix.msc2965/auth_metadata", "/_matrix/client/v1/appservice/bridge/ping"]
    for i, path in enumerate(paths):
        for j, (t, why) in enumerate(tokens):
            if (i + j) % 4:
                continue
            s.decide("OPTIONS", path, preflight, f"{O}: {why}", token=t)
    s.decide("OPTIONS", f"{C}/nonexistent", preflight, f"{O}; before step 16",
             token=tok(), policy={"unknown_endpoints": "deny"})
    s.decide("OPTIONS", f"{C}/createRoom", preflight, f"{O}; before step 17",
             token=tok(FULL, auth_time=NOW - 999), now=NOW,
             policy={"step_up": [{"endpoints": ["createRoom"], "max_age": 60}]})
    s.decide("OPTIONS", f"{C}/login", preflight, f"{O}; before step 1",
             context={"body": {"type": "m.login.application_service"}})
    s.decide("OPTIONS", f"{C}/keys/device_signing/upload", preflight,
             f"{O}; before step 15 (no account_management_uri needed)", token=tok())
    s.decide("OPTIONS", f"{C}/account/deactivate", preflight, f"{O}; no account_url",
             token=tok(), context={"account_management_uri": AMU})
    s.decide("OPTIONS", f"{C}/sync", preflight, f"{O} (mas)", token=tok(FULL, active=False), policy="mas")
    s.decide("OPTIONS", f"{C}/sync", preflight, f"{O} (synapse)", token=tok("openid"), policy="synapse")
    s.decide("OPTIONS", f"{C}/admin/whois/{USER}", preflight, f"{O}; before MSC4484's scope",
             token=tok(), policy={"server_administration_scope": "msc4484"})
    return s


def stepup_v4(s):
    """Appended to decide-stepup: the v4 rules on step-up policies (FORMAT.md step_up)."""
    CR = f"{C}/createRoom"
    P = "FORMAT.md Policy documents (v4: step_up)"
    t = tok(FULL, auth_time=NOW, acr="x")
    for value, why in (("", "an empty string"), ("urn:acr:a b", "a space"), ('urn:acr:"mfa"', 'a "'),
                       ("urn:acr:a\\b", "a backslash"), ("urn:acr:\u0001", "a control character"),
                       ("urn:acr:\u007f", "DEL"), ("urn:acr:caf\u00e9", "a non-ASCII character"),
                       ("urn:acr:a\tb", "a tab")):
        s.decide("POST", CR, error="policy.invalid",
                 source=f"{P}: an acr_values entry outside NQCHAR ({why}); RFC 6749 appendix A",
                 token=t, now=NOW, policy={"step_up": [{"endpoints": ["createRoom"], "acr_values": [value]}]})
    s.decide("POST", CR, error="policy.invalid", source=f"{P}: one bad entry among good ones",
             token=t, now=NOW,
             policy={"step_up": [{"endpoints": ["createRoom"], "acr_values": ["urn:acr:mfa", "a b"]}]})
    s.decide("POST", CR, error="policy.invalid", source=f"{P}: an acr_values entry that is not a string",
             token=t, now=NOW, policy={"step_up": [{"endpoints": ["createRoom"], "acr_values": [2]}]})
    nq = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"
    s.decide("POST", CR, step_up("createRoom", acr=[nq, "urn:acr:mfa"]),
             f"{P}: every NQCHAR is allowed; DECISIONS.md step 17", token=tok(FULL, acr="urn:acr:pwd"),
             policy={"step_up": [{"endpoints": ["createRoom"], "acr_values": [nq, "urn:acr:mfa"]}]})
    s.decide("POST", CR, allow("createRoom", device=DID), f"{P}: every NQCHAR is allowed; step 17 passes",
             token=tok(FULL, acr=nq),
             policy={"step_up": [{"endpoints": ["createRoom"], "acr_values": [nq, "urn:acr:mfa"]}]})
    # a rule naming a token-none endpoint (its requests are always allowed at step 5)
    for op in ("getWellknown", "login", "getAuthMetadata", "getPublicRooms", "refresh", "register",
               "getUiaFallbackPage", "getLoginFallbackPage", "getAuthIssuer", "getContent"):
        e = BY_OP[op]
        s.decide(e["method"], fill(e["path"]), error="policy.invalid",
                 source=f"{P}: a rule naming {op}, a token-none endpoint", token=tok(FULL, auth_time=NOW), now=NOW,
                 policy={"step_up": [{"endpoints": ["createRoom", op], "max_age": 60}]})
    s.decide("POST", CR, error="policy.invalid",
             source=f"{P}: a token-none endpoint in any rule makes the policy invalid, whatever the request",
             token=tok(FULL, auth_time=NOW), now=NOW,
             policy={"step_up": [{"endpoints": ["createRoom"], "max_age": 60},
                                 {"endpoints": ["getWellknown"], "acr_values": ["a"]}]})
    # optional endpoints are fine: a step-up rule applies when a token is sent
    rule = {"step_up": [{"endpoints": ["getVersions", "getRoomSummary", "changePassword"], "max_age": 60}]}
    s.decide("GET", fill(BY_OP["getRoomSummary"]["path"]), step_up("getRoomSummary", max_age=60),
             "DECISIONS.md step 17 (getRoomSummary is optional: a rule may name it)",
             token=tok(FULL, auth_time=NOW - 61), now=NOW, policy=rule)
    s.decide("GET", fill(BY_OP["getRoomSummary"]["path"]), allow("getRoomSummary", device=None),
             "DECISIONS.md step 5 before step 17 (no token)", now=NOW, policy=rule)
    s.decide("POST", f"{C}/account/password", step_up("changePassword", max_age=60),
             "DECISIONS.md notes (legacy_endpoints skips step 2); step 17 (changePassword is optional)",
             token=tok(FULL, auth_time=NOW - 61), now=NOW, policy=dict(rule, legacy_endpoints=True))
    # issue 17 item 4 (header injection): values that would break the quoted string or start a
    # new header line are refused at loading, so no request gets a challenge built from them
    H = f"{P}: an acr_values entry outside NQCHAR (header injection; RFC 6749 appendix A; RFC 9110 5.6.4)"
    s.decide("POST", CR, error="policy.invalid", source=f"{H}: the finding's two values", token=t, now=NOW,
             policy={"step_up": [{"endpoints": ["createRoom"], "acr_values": ["a\"b", "c\r\nX-Injected: 1"]}]})
    for value, why in (("urn:acr:a\r\nX-Injected: 1", "CR LF"), ("urn:acr:a\nb", "LF"), ("urn:acr:a\rb", "CR"),
                       ("\u0000", "NUL"), ("urn:acr:\u0085", "a C1 control (NEL)"),
                       ("urn:acr:\u2028", "U+2028 LINE SEPARATOR"), ("\"", "a lone quote"),
                       ("urn:acr:mfa\\", "a trailing backslash")):
        s.decide("POST", CR, error="policy.invalid", source=f"{H} ({why})", token=t, now=NOW,
                 policy={"step_up": [{"endpoints": ["createRoom"], "acr_values": ["urn:acr:mfa", value]}]})
    s.decide("GET", f"{C}/sync", error="policy.invalid",
             source=f"{H}: a bad value in a rule that does not name the endpoint still refuses the policy",
             token=tok(FULL), now=NOW,
             policy={"step_up": [{"endpoints": ["sync"], "max_age": 60},
                                 {"endpoints": ["createRoom"], "acr_values": ["ok", "c\r\nX-Injected: 1"]}]})
    s.decide("GET", f"{C}/joined_rooms", error="policy.invalid",
             source=f"{H}: refused whatever the request (an endpoint no rule names)", token=tok(FULL),
             policy={"step_up": [{"endpoints": ["createRoom"], "max_age": 60, "acr_values": ["a\"b"]}]})
    # the good neighbours: NQCHAR values with quote-like and header-like characters other than
    # %x22 and %x5C go into the header as they are
    good = ["urn:acr:x-injected:1", "a'b", "c;d=e,f", "[1]", "{}"]
    s.decide("POST", CR, step_up("createRoom", acr=good, max_age=60),
             f"{P}: NQCHAR values (no %x22, %x5C, space or control) are written as is; DECISIONS.md step 17",
             token=tok(FULL, acr="urn:acr:pwd", auth_time=NOW), now=NOW,
             policy={"step_up": [{"endpoints": ["createRoom"], "max_age": 60, "acr_values": good[:3]},
                                 {"endpoints": ["createRoom"], "acr_values": good[2:]}]})


def ep(method, path, token, operation_id=None, **extra):
    e = {"method": method, "path": path}
    if operation_id is not None:
        e["operation_id"] = operation_id
    e["token"] = token
    e.update(extra)
    return e


def suite_declared():
    s = Suite("decide-declared",
              "request.decide (v4): host-declared endpoints (policy setting endpoints): new "
              "endpoints under each allowed start and with each token kind, their spellings, "
              "exact redeclarations of built-ins, and every malformed or overlapping declaration "
              "(policy.invalid)")
    D = "FORMAT.md Policy documents (v4: endpoints); DECISIONS.md path matching (declared endpoints)"
    RD = D + " (an exact redeclaration)"
    README = "policy (README: declared endpoints)"
    full = tok()
    W = f"{C}/org.example.widgets"
    new = [ep("GET", W + "/{widgetId}", "required", "getExampleWidget"),
           ep("PUT", W + "/{widgetId}", "required", "putExampleWidget", guest=True),
           ep("GET", W, "optional", "listExampleWidgets"),
           ep("GET", f"{C}/org.example.ping", "none", "exampleVersion"),
           ep("POST", f"{C}/org.example.bridge/{{bridgeId}}/sync", "appservice", "exampleBridgeSync"),
           ep("GET", "/_matrix/client/unstable/com.example.foo/items/{itemId}", "required", "getFooItem"),
           ep("POST", "/_synapse/client/example/confirm", "required", "confirmExample"),
           ep("GET", "/custom/health", "none", "getHealth", guest=False),
           ep("GET", "/_matrix/client/v1/org.example.stats", "required", "getExampleStats"),
           ep("GET", "/_matrix/media/v3/org.example.quota", "required", "getExampleQuota"),
           ep("DELETE", f"{C}/joined_rooms", "required", "leaveAllRooms"),
           ep("PROPFIND", "/dav/{a}/{b}/{c}/{d}", "required", "davPropfind.v2-x")]
    pol = {"endpoints": new}
    WID = W + "/w1"
    # -- a new v3 endpoint, token required, under v3, r0 and unstable
    for path, kind in ((WID, "v3"), (f"{R0}/org.example.widgets/w1", "r0"),
                       (f"{UNSTABLE}/org.example.widgets/w1", "unstable")):
        s.decide("GET", path, allow("getExampleWidget", device=DID, synapse_admin=False),
                 f"{D}; {kind} spelling of a declared v3 template; step 18", token=full, policy=pol)
        s.decide("GET", path, deny(401, "M_MISSING_TOKEN", "getExampleWidget"), f"{D}; {kind}; step 4",
                 policy=pol)
    s.decide("GET", WID, deny(401, "M_UNKNOWN_TOKEN", "getExampleWidget"), f"{D}; step 6",
             token=tok(FULL, active=False), policy=pol)
    for preset in ("default", "mas", "synapse"):
        s.decide("GET", WID, no_api(preset, "getExampleWidget"), f"{D}; step 10 ({preset})",
                 token=tok("openid"), policy=dict(pol, preset=preset))
    s.decide("GET", WID, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "getExampleWidget"),
             f"{D}; step 12 (guest defaults to false)", token=GUEST, policy=pol)
    s.decide("PUT", WID, allow("putExampleWidget", device=DID), f"{D}; step 12 (guest: true)", token=GUEST,
             policy=pol)
    s.decide("PUT", f"{R0}/org.example.widgets/w1", allow("putExampleWidget", device=DID),
             f"{D}; step 12 (guest: true, r0 spelling)", token=GUEST, policy=pol)
    s.decide("GET", WID, allow("getExampleWidget"), f"{D}; step 7", token=APPSERVICE, policy=pol)
    s.decide("GET", W + "/w1/", allow(None, device=DID), f"{D}; a trailing slash: unknown; step 18",
             token=full, policy=pol)
    s.decide("POST", WID, deny(404, "M_UNRECOGNIZED", None), f"{D}; another method: unknown; step 16",
             token=full, policy=dict(pol, unknown_endpoints="deny"))
    s.decide("GET", WID, allow("getExampleWidget", device=DID),
             f"{D}; a declared endpoint is known: step 16 does not apply", token=full,
             policy=dict(pol, unknown_endpoints="deny"))
    s.decide("HEAD", WID, allow("getExampleWidget", device=DID), f"{D}; DECISIONS.md (HEAD as GET)",
             token=full, policy=pol)
    s.decide("OPTIONS", WID, allow(None, device=None, synapse_admin=False), f"{D}; DECISIONS.md step 0",
             policy=pol)
    # -- token optional, none, appservice
    s.decide("GET", W, allow("listExampleWidgets", device=None), f"{D}; step 5 (optional)", policy=pol)
    s.decide("GET", f"{UNSTABLE}/org.example.widgets", allow("listExampleWidgets", device=DID),
             f"{D}; step 18 (optional, given)", token=full, policy=pol)
    s.decide("GET", W, deny(401, "M_UNKNOWN_TOKEN", "listExampleWidgets"), f"{D}; step 6 (optional)",
             token=tok(FULL, active=False), policy=pol)
    s.decide("GET", W, allow("listExampleWidgets", device=DID),
             f"{D}; DECISIONS.md step 12 (optional and no UIA: guests pass); {README}", token=GUEST, policy=pol)
    for t, why in ((None, "no token"), (full, "a token is ignored"), (tok(FULL, active=False), "inactive"),
                   (GUEST, "a guest")):
        s.decide("GET", f"{C}/org.example.ping", allow("exampleVersion", device=None, synapse_admin=False),
                 f"{D}; step 5 (token none: {why})", token=t, policy=pol)
    s.decide("GET", f"{R0}/org.example.ping", allow("exampleVersion", device=None),
             f"{D}; r0; step 5 (token none)", policy=pol)
    BR = f"{C}/org.example.bridge/irc/sync"
    s.decide("POST", BR, deny(401, "M_MISSING_TOKEN", "exampleBridgeSync"), f"{D}; step 4 (appservice)",
             policy=pol)
    s.decide("POST", BR, deny(403, "M_FORBIDDEN", "exampleBridgeSync"), f"{D}; step 8", token=full, policy=pol)
    s.decide("POST", f"{UNSTABLE}/org.example.bridge/irc/sync", allow("exampleBridgeSync"), f"{D}; step 7",
             token=APPSERVICE, policy=pol)
    # -- an MSC or vendor namespace under unstable: no other spelling
    FOO = "/_matrix/client/unstable/com.example.foo/items/i1"
    s.decide("GET", FOO, allow("getFooItem", device=DID), f"{D}; unstable/<namespace>; step 18", token=full,
             policy=pol)
    s.decide("GET", FOO, deny(401, "M_MISSING_TOKEN", "getFooItem"), f"{D}; step 4", policy=pol)
    for path in ("/_matrix/client/r0/com.example.foo/items/i1", "/_matrix/client/v3/com.example.foo/items/i1",
                 "/_matrix/client/v1/com.example.foo/items/i1"):
        s.decide("GET", path, deny(404, "M_UNRECOGNIZED", None),
                 f"{D}; an unstable namespace has no other spelling; step 16", token=full,
                 policy=dict(pol, unknown_endpoints="deny"))
    # -- outside /_matrix/
    s.decide("POST", "/_synapse/client/example/confirm", allow("confirmExample", device=DID),
             f"{D}; outside /_matrix/; step 18", token=full, policy=pol)
    s.decide("POST", "/_synapse/client/example/confirm", deny(401, "M_MISSING_TOKEN", "confirmExample"),
             f"{D}; outside /_matrix/; step 4", policy=pol)
    s.decide("GET", "/custom/health", allow("getHealth", device=None), f"{D}; outside /_matrix/; step 5",
             token=tok("openid"), policy=pol)
    # -- v1 and media v3 templates get their spellings
    for path, kind in (("/_matrix/client/v1/org.example.stats", "v1"),
                       (f"{UNSTABLE}/org.example.stats", "unstable of v1")):
        s.decide("GET", path, allow("getExampleStats", device=DID), f"{D}; {kind}; step 18", token=full,
                 policy=pol)
    s.decide("GET", f"{R0}/org.example.stats", allow(None, device=DID), f"{D}; r0 is no spelling of v1; step 18",
             token=full, policy=pol)
    for path, kind in (("/_matrix/media/v3/org.example.quota", "media v3"),
                       ("/_matrix/media/r0/org.example.quota", "media r0"),
                       ("/_matrix/media/v1/org.example.quota", "media v1")):
        s.decide("GET", path, allow("getExampleQuota", device=DID), f"{D}; {kind}; step 18", token=full,
                 policy=pol)
    # -- another method on a built-in path is a new endpoint; long ids, four parameters, other methods
    s.decide("DELETE", f"{C}/joined_rooms", allow("leaveAllRooms", device=DID),
             f"{D}; a method the built-in path does not have", token=full, policy=pol)
    s.decide("GET", f"{C}/joined_rooms", allow("getJoinedRooms", device=DID),
             f"{D}; the built-in GET is untouched", token=full, policy=pol)
    s.decide("PROPFIND", "/dav/a/b/c/d", allow("davPropfind.v2-x", device=DID),
             f"{D}; {README} (method PROPFIND, four parameters, an id with . and -)", token=full, policy=pol)
    # -- admin paths are decided before declared endpoints
    s.decide("GET", "/_synapse/admin/v1/server_version", deny(403, "M_FORBIDDEN", None),
             f"{D}; DECISIONS.md step 11 (admin paths first)", token=full, policy=pol)
    # -- declared ids in step_up, guest_endpoints and required_scopes
    s.decide("GET", WID, step_up("getExampleWidget", max_age=60),
             f"{D}; FORMAT.md step_up (a declared operation id); step 17",
             token=tok(FULL, auth_time=NOW - 61), now=NOW,
             policy=dict(pol, step_up=[{"endpoints": ["getExampleWidget"], "max_age": 60}]))
    s.decide("GET", f"{UNSTABLE}/org.example.widgets/w1", allow("getExampleWidget", device=DID),
             f"{D}; FORMAT.md guest_endpoints (a declared operation id); step 12", token=GUEST,
             policy=dict(pol, guest_endpoints=["getExampleWidget"]))
    s.decide("GET", WID, allow("getExampleWidget", device=None),
             f"{D}; FORMAT.md required_scopes (a declared operation id); step 10",
             token=tok("urn:example:widgets"),
             policy=dict(pol, required_scopes={"getExampleWidget": ["urn:example:widgets"]}))
    s.decide("GET", WID, deny(403, "M_FORBIDDEN", "getExampleWidget",
                              {"www-authenticate": 'Bearer error="insufficient_scope", scope="urn:example:widgets"'}),
             f"{D}; FORMAT.md required_scopes; DECISIONS.md step 10 (403 under every preset)",
             token=tok(FULL), policy=dict(pol, preset="synapse",
                                          required_scopes={"getExampleWidget": ["urn:example:widgets"]}))
    s.decide("GET", f"{C}/org.example.ping", error="policy.invalid",
             source=f"{D}; FORMAT.md step_up (a declared token-none endpoint)", token=full,
             policy=dict(pol, step_up=[{"endpoints": ["exampleVersion"], "max_age": 60}]))
    s.decide("GET", f"{C}/org.example.ping", error="policy.invalid",
             source=f"{D}; FORMAT.md required_scopes (a declared token-none endpoint)", token=full,
             policy=dict(pol, required_scopes={"exampleVersion": ["urn:example:x"]}))
    # -- exact redeclarations of built-ins
    vers = {"endpoints": [ep("GET", "/_matrix/client/versions", "required")]}
    s.decide("GET", "/_matrix/client/versions", deny(401, "M_MISSING_TOKEN", "getVersions"),
             RD + ": getVersions optional -> required; step 4", policy=vers)
    s.decide("GET", "/_matrix/client/versions", allow("getVersions", device=DID), RD + "; step 18",
             token=full, policy=vers)
    s.decide("GET", "/_matrix/client/versions", deny(403, "M_GUEST_ACCESS_FORBIDDEN", "getVersions"),
             RD + "; step 12 (now required and not guest-listed)", token=GUEST, policy=vers)
    s.decide("GET", "/_matrix/client/versions", allow("getVersions", device=DID),
             RD + "; FORMAT.md guest_endpoints", token=GUEST, policy=dict(vers, guest_endpoints=["getVersions"]))
    s.decide("HEAD", "/_matrix/client/versions", deny(401, "M_MISSING_TOKEN", "getVersions"),
             RD + "; HEAD as GET; step 4", policy=vers)
    wk = {"endpoints": [ep("GET", "/.well-known/matrix/client", "required", "getWellknown")]}
    s.decide("GET", "/.well-known/matrix/client", deny(401, "M_MISSING_TOKEN", "getWellknown"),
             RD + ": getWellknown none -> required (its own operation id); step 4", policy=wk)
    s.decide("GET", "/.well-known/matrix/client", deny(401, "M_UNKNOWN_TOKEN", "getWellknown"),
             RD + "; step 6 (no longer token none: the token is read)", token=tok(FULL, active=False), policy=wk)
    s.decide("GET", "/.well-known/matrix/client", allow("getWellknown", device=DID), RD + "; step 18",
             token=full, policy=wk)
    s.decide("GET", "/.well-known/matrix/client", step_up("getWellknown", max_age=60),
             RD + "; FORMAT.md step_up (no longer token none: a rule may name it); step 17",
             token=tok(FULL, auth_time=NOW - 61), now=NOW,
             policy=dict(wk, step_up=[{"endpoints": ["getWellknown"], "max_age": 60}]))
    pr = {"endpoints": [ep("GET", "/_matrix/client/v3/publicRooms", "optional")]}
    s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms", device=None), RD + ": none -> optional; step 5",
             policy=pr)
    s.decide("GET", f"{R0}/publicRooms", deny(401, "M_UNKNOWN_TOKEN", "getPublicRooms"),
             RD + "; r0 spelling; step 6 (optional reads a sent token)", token=tok(FULL, active=False), policy=pr)
    s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms", device=None),
             RD + "; FORMAT.md required_scopes (no longer token none); step 10", token=tok("urn:example:dir"),
             policy=dict(pr, required_scopes={"getPublicRooms": ["urn:example:dir"]}))
    s.decide("GET", f"{C}/publicRooms", allow("getPublicRooms", device=DID),
             RD + "; step 12 (optional, no UIA: a guest passes)", token=GUEST, policy=pr)
    rs = {"endpoints": [ep("GET", "/_matrix/client/v1/room_summary/{room}", "required")]}
    s.decide("GET", fill(BY_OP["getRoomSummary"]["path"]), deny(401, "M_MISSING_TOKEN", "getRoomSummary"),
             RD + ": getRoomSummary optional -> required (parameter names do not matter); step 4", policy=rs)
    s.decide("GET", f"{UNSTABLE}/room_summary/{SAMPLE['roomIdOrAlias']}",
             deny(403, "M_GUEST_ACCESS_FORBIDDEN", "getRoomSummary"), RD + "; unstable; step 12", token=GUEST,
             policy=rs)
    mem = {"endpoints": [ep("GET", "/_matrix/client/v3/rooms/{x}/members", "required")]}
    s.decide("GET", f"{C}/rooms/{ROOM}/members", allow("getMembersByRoom", device=DID),
             RD + ": the same token (allowed); keeps its guest flag; step 18", token=GUEST, policy=mem)
    s.decide("GET", f"{C}/rooms/{ROOM}/members", allow("getMembersByRoom", device=DID),
             RD + ": operation_id the built-in's", token=full,
             policy={"endpoints": [ep("GET", "/_matrix/client/v3/rooms/{roomId}/members", "required",
                                      "getMembersByRoom")]})
    s.decide("GET", f"{C}/events", allow("getEvents", device=DID),
             RD + ": operation_id one of the built-in's ids (peekEvents); results report the first",
             token=full, policy={"endpoints": [ep("GET", "/_matrix/client/v3/events", "required", "peekEvents")]})
    s.decide("GET", f"{C}/rooms/{ROOM}/state/m.room.name", allow("getRoomStateWithKey", device=DID),
             RD + ": the state-key template; the empty state key still matches", token=full,
             policy={"endpoints": [ep("GET", "/_matrix/client/v3/rooms/{a}/state/{b}/{c}", "required")]})
    s.decide("GET", "/_matrix/media/r0/download/example.org/abcMEDIA123", deny(401, "M_MISSING_TOKEN", "getContent"),
             RD + ": getContent none -> required; media r0 spelling; step 4",
             policy={"endpoints": [ep("GET", "/_matrix/media/v3/download/{serverName}/{mediaId}", "required")]})
    s.decide("GET", f"{C}/auth/m.login.recaptcha/fallback/web", deny(401, "M_MISSING_TOKEN", "getUiaFallbackPage"),
             RD + ": the prose getUiaFallbackPage none -> required; step 4",
             policy={"endpoints": [ep("GET", "/_matrix/client/v3/auth/{t}/fallback/web", "required")]})
    s.decide("GET", f"{C}/sync", allow("sync", device=DID), RD + " and a new endpoint in one list", token=full,
             policy={"endpoints": [ep("GET", "/_matrix/client/v3/sync", "required"), new[0]]})

    # -- policy.invalid
    def bad(endpoints, why, source=D, **more):
        policy = {"endpoints": endpoints}
        policy.update(more)
        s.decide("GET", f"{C}/sync", error="policy.invalid", source=f"{source}: {why}", token=full,
                 policy=policy)

    ok1 = ep("GET", "/_synapse/client/x", "required", "getX")
    bad({"method": "GET", "path": "/x", "token": "none", "operation_id": "x"}, "endpoints is not an array")
    bad("GET /x", "endpoints is not an array")
    bad(["GET /x"], "an entry is not an object")
    bad([ok1, None], "an entry is null")
    bad([{"path": "/x", "token": "none", "operation_id": "x"}], "method missing")
    bad([{"method": "GET", "token": "none", "operation_id": "x"}], "path missing")
    bad([{"method": "GET", "path": "/x", "operation_id": "x"}], "token missing")
    bad([dict(ok1, uia=True)], "an unknown key")
    bad([dict(ok1, token="Required")], "token outside its set")
    bad([dict(ok1, token="bearer")], "token outside its set")
    bad([dict(ok1, token=None)], "token null")
    bad([dict(ok1, guest="yes")], "guest not a bool")
    bad([dict(ok1, method=1)], "method not a string")
    bad([dict(ok1, path=["/x"])], "path not a string")
    bad([dict(ok1, operation_id=7)], "operation_id not a string")
    for method, why in (("HEAD", "HEAD (decided as GET)"), ("OPTIONS", "OPTIONS (step 0)"), ("get", "lower case"),
                        ("Get", "mixed case"), ("", "empty"), ("GE T", "a space"), ("GET1", "a digit"),
                        ("M-SEARCH", "a hyphen"), ("A" * 33, "33 letters")):
        bad([dict(ok1, method=method)], f"method {why}; {README}")
    s.decide("GET", "/_synapse/client/x", allow("getX", device=DID), f"{D}; {README} (a method of 32 letters)",
             token=full, policy={"endpoints": [ok1, ep("A" * 32, "/_synapse/client/x", "none", "x32")]})
    for op_id, why in (("", "empty"), ("a b", "a space"), ("a/b", "a slash"), ("caf\u00e9", "non-ASCII"),
                       ("a" * 129, "129 characters")):
        bad([dict(ok1, operation_id=op_id)], f"operation_id {why}; {README}")
    s.decide("GET", "/_synapse/client/x", allow("a" * 128, device=DID), f"{D}; {README} (an id of 128 characters)",
             token=full, policy={"endpoints": [dict(ok1, operation_id="a" * 128)]})
    for path, why in (("x/y", "not starting with /"), ("", "empty"),
                      ("/_matrix/client/r0/x", "under /_matrix/client/r0/"),
                      ("/_matrix/client/unstable/nodot/x", "an unstable namespace without a dot"),
                      ("/_matrix/client/unstable/{ns}/x", "an unstable namespace that is a parameter"),
                      ("/_matrix/client/unstable/x", "unstable without a namespace segment"),
                      ("/_matrix/client/versions2", "another path under /_matrix/client/"),
                      ("/_matrix/client/v2/x", "/_matrix/client/v2/"),
                      ("/_matrix/federation/v1/x", "/_matrix/federation/"),
                      ("/_matrix/media/r0/x", "/_matrix/media/r0/"),
                      ("/_matrix/media/v1/x", "/_matrix/media/v1/"),
                      ("/_matrix/static/x", "/_matrix/static/"),
                      ("/_matrix/x", "another path under /_matrix/"),
                      ("/_synapse/admin/v1/x", "under /_synapse/admin/"),
                      ("/_synapse/{x}/y", "_synapse then a parameter (could match an admin path)"),
                      ("/{x}/y", "a first segment that is a parameter"),
                      ("/x/a{b}", "a parameter that is not a whole segment"),
                      ("/x/{b}c", "a parameter that is not a whole segment"),
                      ("/x/{}", "an empty parameter name"),
                      ("/x/{a-b}", "a parameter name with a hyphen"),
                      ("/x/{a}/{b}/{c}/{d}/{e}", "five parameters"),
                      ("/x//y", "an empty segment inside"),
                      ("//x", "an empty first segment"),
                      ("/x/%41", "a percent sign"),
                      ("/x/a b", "a space"),
                      ("/x/a?b", "a question mark"),
                      ("/x/a#b", "a hash"),
                      ("/x/caf\u00e9", "a non-ASCII character"),
                      ("/x/" + "a" * 510, "513 bytes")):
        bad([dict(ok1, path=path)], f"template {why}; {README}")
    s.decide("GET", "/x/" + "a" * 509, allow("getX", device=DID), f"{D}; {README} (a template of 512 bytes)",
             token=full, policy={"endpoints": [dict(ok1, path="/x/" + "a" * 509)]})
    s.decide("GET", "/x/y/", allow("getX", device=DID), f"{D}; {README} (a trailing slash is allowed)",
             token=full, policy={"endpoints": [dict(ok1, path="/x/y/")]})
    s.decide("GET", "/x/A-z_0.9~!$&'()*+,;=:@", allow("getX", device=DID),
             f"{D}; {README} (every pchar but %)", token=full,
             policy={"endpoints": [dict(ok1, path="/x/A-z_0.9~!$&'()*+,;=:@")]})
    s.decide("GET", "/.well-known/matrix/org.example", allow("getX", device=None),
             f"{D}; a first segment other than _matrix; step 5", token=full,
             policy={"endpoints": [ep("GET", "/.well-known/matrix/org.example", "none", "getX")]})
    s.decide("GET", "/_synapse/client/a/b", allow("getX", device=DID),
             f"{D}; {README} (_synapse then a literal, then a parameter)", token=full,
             policy={"endpoints": [ep("GET", "/_synapse/client/{p}/b", "required", "getX")]})
    many = [ep("GET", f"/ext/e{i}", "required", f"ext{i}") for i in range(256)]
    s.decide("GET", "/ext/e255", allow("ext255", device=DID), f"{D}; {README} (256 declared endpoints)",
             token=full, policy={"endpoints": many})
    bad(many + [ep("GET", "/ext/e256", "required", "ext256")], f"257 declared endpoints; {README}")
    bad([ep("GET", "/_synapse/client/x", "required")], "a new endpoint without operation_id")
    for op_id in ("sync", "peekEvents", "getEvents", "getAuthIssuer", "getLoginFallbackPage"):
        bad([dict(ok1, operation_id=op_id)], f"a new endpoint reusing the built-in id {op_id}")
    bad([ok1, ep("POST", "/_synapse/client/x", "required", "getX")], "two declared endpoints with one id")
    bad([ok1, dict(ok1)], "a duplicate")
    bad([ok1, ep("GET", "/_synapse/client/{y}", "required", "getY")], "two declared templates overlap")
    bad([ep("GET", "/a/{x}/c", "required", "a1"), ep("GET", "/a/b/{y}", "required", "a2")],
        "two declared templates overlap (/a/b/c matches both)")
    bad([ep("GET", f"{C}/x.y/{{a}}", "required", "a1"), ep("GET", f"{UNSTABLE}/x.y/{{b}}", "required", "a2")],
        "two declared templates overlap through the unstable spelling")
    s.decide("GET", "/a/b/c", allow("a2", device=DID), f"{D}; the same template, another method: no overlap",
             token=full,
             policy={"endpoints": [ep("POST", "/a/b/c", "required", "a1"), ep("GET", "/a/b/c", "required", "a2")]})
    for decl, why in ((ep("GET", f"{C}/{{a}}", "required", "a1"), "/v3/{a} overlaps /v3/sync and others"),
                      (ep("GET", f"{C}/{{a}}/joined_rooms", "required", "a1"),
                       "/v3/{a}/joined_rooms overlaps /v3/devices/{deviceId} (/v3/devices/joined_rooms)"),
                      (ep("GET", f"{C}/devices/special", "required", "a1"), "a literal where a built-in has a parameter"),
                      (ep("GET", f"{C}/rooms/{{r}}/{{what}}", "required", "a1"), "/rooms/{r}/{what} overlaps /rooms/{roomId}/members"),
                      (ep("GET", f"{C}/rooms/{{r}}/state/{{t}}", "required", "a1"),
                       "overlaps the state-key template (the empty state key)"),
                      (ep("GET", f"{C}/room_summary/{{x}}", "required", "a1"),
                       "overlaps /_matrix/client/v1/room_summary/{roomIdOrAlias} through the unstable spelling"),
                      (ep("GET", f"{UNSTABLE}/org.matrix.msc2965/auth_metadata", "required", "a1"),
                       "overlaps getAuthMetadata's MSC2965 spelling"),
                      (ep("PUT", f"{UNSTABLE}/uk.timedout.msc4323/admin/lock/{{u}}", "required", "a1"),
                       "overlaps setAdminLockUser's MSC4323 spelling"),
                      (ep("GET", f"{C}/auth/{{t}}/fallback/{{kind}}", "none", "a1"),
                       "overlaps the prose getUiaFallbackPage"),
                      (ep("GET", "/_matrix/media/v3/{a}", "required", "a1"), "/media/v3/{a} overlaps /media/v3/config")):
        bad([decl], f"an overlap with a built-in of the same method: {why}")
    bad([ep("GET", "/_matrix/client/versions", "optional"), ep("GET", "/_matrix/client/versions", "required")],
        "the same built-in redeclared twice")
    for decl, why in ((ep("GET", "/_matrix/client/versions", "none"), "getVersions optional -> none (looser)"),
                      (ep("GET", f"{C}/admin/whois/{{u}}", "optional"), "getWhoIs required -> optional (looser)"),
                      (ep("GET", f"{C}/sync", "none"), "sync required -> none (looser)"),
                      (ep("GET", f"{C}/sync", "appservice"), "to appservice, of a non-appservice endpoint"),
                      (ep("GET", "/.well-known/matrix/client", "appservice"),
                       "to appservice, of a non-appservice endpoint"),
                      (ep("GET", f"{C}/sync", "required", guest=True), "with guest given"),
                      (ep("GET", "/_matrix/client/versions", "required", guest=False), "with guest given (false)"),
                      (ep("GET", f"{C}/sync", "required", "mySync"), "with another operation_id"),
                      (ep("GET", f"{C}/events", "required", "getOneEvent"), "with another built-in's operation_id")):
        bad([decl], f"a redeclaration {why}")
    for op in ("login", "getLoginFlows", "redirectToSSO", "refresh", "logout", "logout_all", "changePassword",
               "deactivateAccount", "add3PID", "generateLoginToken", "register", "pingAppservice",
               "updateAppserviceRoomDirectoryVisibility", "joinRoom", "joinRoomById", "deleteDevice",
               "deleteDevices", "uploadCrossSigningKeys"):
        e = BY_OP[op]
        token = "appservice" if e["token"] == "appservice" else "required"
        bad([ep(e["method"], e["path"], token)],
            f"a redeclaration of {op}, which a rule of steps 1-3, 8 or 13-15 names")
    bad([ep("GET", "/_matrix/static/client/login/", "required")],
        "a redeclaration of getLoginFallbackPage, which step 2 names")
    bad([ok1], "guest_endpoints naming an id that no endpoint, built-in or declared, has",
        guest_endpoints=["getY"])
    return s


def scope_challenge(token):
    return {"www-authenticate": f'Bearer error="insufficient_scope", scope="{token}"'}


def suite_msc4484():
    s = Suite("decide-msc4484",
              "request.decide (v4): per-operation required scopes (policy setting required_scopes) "
              "and MSC4484's server administration scope (server_administration_scope: msc4484): "
              "met by one listed token instead of the API token; a missing one is 403 M_FORBIDDEN "
              "with the insufficient_scope challenge under every preset")
    RS = "FORMAT.md Policy documents (v4: required_scopes); DECISIONS.md step 10"
    M = "MSC4484; DECISIONS.md path matching (MSC4484) and step 10"
    PRESETS = ("default", "mas", "synapse")
    CR = f"{C}/createRoom"
    rs = {"required_scopes": {"createRoom": ["urn:example:rooms", "urn:example:admin"]}}
    own = scope_challenge("urn:example:rooms")
    # -- required_scopes
    for preset in PRESETS:
        pol = dict(rs, preset=preset)
        s.decide("POST", CR, allow("createRoom", device=None), f"{RS} (the first listed token, no API token needed; {preset})",
                 token=tok("urn:example:rooms"), policy=pol)
        s.decide("POST", CR, deny(403, "M_FORBIDDEN", "createRoom", own),
                 f"{RS} (the API token alone does not satisfy it: 403 and the first listed token, {preset})",
                 token=tok(FULL), policy=pol)
        s.decide("POST", CR, deny(403, "M_FORBIDDEN", "createRoom", own), f"{RS} (openid only; {preset})",
                 token=tok("openid"), policy=pol)
    s.decide("POST", CR, allow("createRoom", device=None), f"{RS} (the second listed token)",
             token=tok("urn:example:admin"), policy=rs)
    s.decide("POST", CR, allow("createRoom", device=DID), f"{RS} (with the API token and a device)",
             token=tok(f"{FULL} urn:example:admin"), policy=rs)
    s.decide("POST", CR, allow("createRoom", device=DID), f"{RS} (a device token without the API token)",
             token=tok(f"urn:example:rooms {DEV}{DID}"), policy=rs)
    s.decide("POST", CR, deny(403, "M_FORBIDDEN", "createRoom", own), f"{RS} (tokens match exactly)",
             token=tok("URN:EXAMPLE:ROOMS urn:example:rooms:read urn:example"), policy=rs)
    s.decide("POST", CR, deny(401, "M_MISSING_TOKEN", "createRoom"), "DECISIONS.md step 4", policy=rs)
    s.decide("POST", CR, deny(401, "M_UNKNOWN_TOKEN", "createRoom"), "DECISIONS.md step 6 before step 10",
             token=tok("urn:example:rooms", active=False), policy=rs)
    s.decide("POST", CR, allow("createRoom"), "DECISIONS.md step 7 before step 10 (an appservice)",
             token=APPSERVICE, policy=rs)
    s.decide("POST", CR, deny(401, "M_UNKNOWN_TOKEN", "createRoom"), "DECISIONS.md step 9 before step 10",
             token=tok("urn:example:rooms  openid"), policy=rs)
    s.decide("POST", CR, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "createRoom"),
             f"{RS}; step 12 after step 10 (a guest with the scope)", token=tok("urn:example:rooms", guest=True),
             policy=rs)
    s.decide("POST", CR, deny(403, "M_FORBIDDEN", "createRoom", own), f"{RS} before step 12 (a guest without it)",
             token=tok(FULL, guest=True), policy=rs)
    s.decide("POST", f"{R0}/createRoom", deny(403, "M_FORBIDDEN", "createRoom", own),
             f"{RS}; DECISIONS.md path matching (r0 spelling)", token=tok(FULL), policy=rs)
    s.decide("POST", CR, step_up("createRoom", max_age=60), f"{RS}; step 17 after step 10",
             token=tok("urn:example:rooms", auth_time=NOW - 61), now=NOW,
             policy=dict(rs, step_up=[{"endpoints": ["createRoom"], "max_age": 60}]))
    s.decide("GET", f"{C}/sync", no_api("synapse", "sync"), f"{RS} (other endpoints still need the API token)",
             token=tok("urn:example:rooms"), policy=dict(rs, preset="synapse"))
    # equivalence of the API and device twins (scope.satisfies)
    api_rs = {"required_scopes": {"sync": [API]}}
    s.decide("GET", f"{C}/sync", allow("sync", device=None), f"{RS}; FORMAT.md scope.satisfies (the unstable API twin)",
             token=tok(API_U), policy=api_rs)
    s.decide("GET", f"{C}/sync", deny(403, "M_FORBIDDEN", "sync", scope_challenge(API)),
             f"{RS} (an own required scope: 403 even under synapse)", token=tok("openid"),
             policy=dict(api_rs, preset="synapse"))
    s.decide("GET", f"{C}/sync", allow("sync", device=None), f"{RS}; FORMAT.md scope.satisfies (the stable API twin)",
             token=tok(API), policy={"required_scopes": {"sync": [API_U]}})
    dev_rs = {"required_scopes": {"getDevices": [f"{DEV}{DID}", "urn:example:devices"]}}
    s.decide("GET", f"{C}/devices", allow("getDevices", device=DID),
             f"{RS}; FORMAT.md scope.satisfies (a device token's unstable twin, same id)",
             token=tok(f"{DEV_U}{DID}"), policy=dev_rs)
    s.decide("GET", f"{C}/devices", deny(403, "M_FORBIDDEN", "getDevices", scope_challenge(f"{DEV}{DID}")),
             f"{RS}; FORMAT.md scope.satisfies (another device id)", token=tok(f"{API} {DEV}OTHERDEVICE"),
             policy=dev_rs)
    s.decide("GET", "/_matrix/client/versions", allow("getVersions", device=None),
             f"{RS}; step 5 (an optional endpoint without a token)",
             policy={"required_scopes": {"getVersions": ["urn:example:v"]}})
    s.decide("GET", "/_matrix/client/versions", deny(403, "M_FORBIDDEN", "getVersions", scope_challenge("urn:example:v")),
             f"{RS} (an optional endpoint with a token)", token=tok(FULL),
             policy={"required_scopes": {"getVersions": ["urn:example:v"]}})
    s.decide("GET", f"{C}/events", deny(403, "M_FORBIDDEN", "getEvents", scope_challenge("urn:example:e")),
             f"{RS}; DECISIONS.md path matching (either merged id names it)", token=tok(FULL),
             policy={"required_scopes": {"peekEvents": ["urn:example:e"]}})
    s.decide("GET", f"{C}/admin/whois/{USER}", allow("getWhoIs", device=None),
             f"{RS} (one of MSC4484's five while the setting is off)", token=tok("urn:example:whois"),
             policy={"required_scopes": {"getWhoIs": ["urn:example:whois"]}})
    s.decide("GET", f"{C}/admin/whois/{USER}", allow("getWhoIs", device=None),
             f"{RS} (MSC4484's stable token listed by hand, setting off)", token=tok(SA),
             policy={"required_scopes": {"getWhoIs": [SA]}})
    s.decide("GET", f"{C}/admin/whois/{USER}", deny(403, "M_FORBIDDEN", "getWhoIs", scope_challenge(SA)),
             f"{RS}; FORMAT.md scope.satisfies (only the API and device twins cover each other: MSC4484's "
             "unstable token does not cover the stable one in required_scopes)", token=tok(SA_U),
             policy={"required_scopes": {"getWhoIs": [SA]}})
    # -- required_scopes: policy.invalid
    for value, why in (({"createRoomX": ["a"]}, "an unknown operation id"),
                       ({"createRoom": []}, "an empty array"),
                       ({"createRoom": ["a b"]}, "a token with a space"),
                       ({"createRoom": [""]}, "an empty token"),
                       ({"createRoom": ["a\"b"]}, "a token with a quote"),
                       ({"createRoom": ["caf\u00e9"]}, "a non-ASCII token"),
                       ({"createRoom": [5]}, "a token that is not a string"),
                       ({"createRoom": "urn:example:rooms"}, "a value that is not an array"),
                       ([["createRoom", ["a"]]], "not an object"),
                       ("createRoom", "not an object"),
                       ({"getWellknown": ["a"]}, "an endpoint whose token is none"),
                       ({"getPublicRooms": ["a"]}, "an endpoint whose token is none"),
                       ({"login": ["a"]}, "an endpoint whose token is none"),
                       ({"getAuthIssuer": ["a"]}, "an endpoint whose token is none (prose)")):
        s.decide("POST", CR, error="policy.invalid", source=f"FORMAT.md Policy documents (v4: required_scopes: {why})",
                 token=tok(), policy={"required_scopes": value})
    for op in MSC4484_OPS:
        s.decide("POST", CR, error="policy.invalid",
                 source=f"FORMAT.md Policy documents (v4: required_scopes naming {op} while msc4484 is on)",
                 token=tok(), policy={"server_administration_scope": "msc4484", "required_scopes": {op: ["a"]}})
    for value in ("on", "MSC4484", "", True, None, "msc4484 "):
        s.decide("POST", CR, error="policy.invalid",
                 source="FORMAT.md Policy documents (v4: server_administration_scope outside its set)",
                 token=tok(), policy={"server_administration_scope": value})
    # -- MSC4484
    on = {"server_administration_scope": "msc4484"}
    sa_header = scope_challenge(SA)
    where = []
    for op in MSC4484_OPS:
        e = BY_OP[op]
        path = fill(e["path"])
        if e["path"].startswith("/_matrix/client/v1/"):
            alts = [respell(e["path"], "/_matrix/client/v1", UNSTABLE),
                    respell(e["path"], "/_matrix/client/v1/admin", UNSTABLE + "/uk.timedout.msc4323/admin")]
        else:
            alts = [respell(e["path"], C, R0), respell(e["path"], C, UNSTABLE)]
        where.append((e["method"], op, [path] + alts))
    for method, op, paths in where:
        for i, path in enumerate(paths):
            kind = "the stable path" if i == 0 else "a spelling"
            s.decide(method, path, allow(op, device=None, synapse_admin=False), f"{M} ({kind}: the stable scope alone)",
                     token=tok(SA), policy=on)
            s.decide(method, path, deny(403, "M_FORBIDDEN", op, sa_header),
                     f"{M} ({kind}: the API token alone is not enough)", token=tok(FULL), policy=on)
        path = paths[0]
        s.decide(method, path, allow(op, device=None), f"{M} (the unstable scope)", token=tok(SA_U), policy=on)
        s.decide(method, path, allow(op, device=DID, synapse_admin=True), f"{M} (with the API, a device and admin)",
                 token=tok(f"{FULL} {SA_U} {ADMIN}"), policy=on)
        s.decide(method, path, deny(401, "M_MISSING_TOKEN", op), f"{M}; step 4", policy=on)
        for preset in ("mas", "synapse"):
            s.decide(method, path, deny(403, "M_FORBIDDEN", op, sa_header), f"{M} (403 under {preset} too)",
                     token=tok(f"{FULL} {ADMIN}"), policy=dict(on, preset=preset))
            s.decide(method, path, allow(op, device=None), f"{M} ({preset})", token=tok(SA), policy=dict(on, preset=preset))
        # the setting off: the API token rules as before
        s.decide(method, path, allow(op, device=DID), f"{M}; FORMAT.md (setting off by default: the API token)",
                 token=tok(FULL))
        s.decide(method, path, no_api("default", op), f"{M}; FORMAT.md (setting off: the scope is not the API token)",
                 token=tok(SA))
        s.decide(method, path, no_api("synapse", op), f"{M}; FORMAT.md (setting off, synapse)", token=tok(SA_U),
                 policy={"preset": "synapse", "server_administration_scope": "off"})
    W = f"{C}/admin/whois/{USER}"
    s.decide("GET", W, deny(403, "M_FORBIDDEN", "getWhoIs", sa_header), f"{M} (tokens match exactly)",
             token=tok(f"{SA}:* urn:matrix:client:api:server_administration:read {SA.upper()}"), policy=on)
    s.decide("GET", W, deny(401, "M_UNKNOWN_TOKEN", "getWhoIs"), f"{M}; step 6 before step 10",
             token=tok(SA, active=False), policy=on)
    s.decide("GET", W, allow("getWhoIs"), f"{M}; step 7 (an appservice)", token=APPSERVICE, policy=on)
    s.decide("GET", W, deny(403, "M_GUEST_ACCESS_FORBIDDEN", "getWhoIs"), f"{M}; step 12 after step 10",
             token=tok(SA, guest=True), policy=on)
    s.decide("GET", W, step_up("getWhoIs", acr=["urn:acr:mfa"]), f"{M}; step 17 after step 10",
             token=tok(SA, acr="urn:acr:pwd"), policy=dict(on, step_up=[{"endpoints": ["getWhoIs"],
                                                                           "acr_values": ["urn:acr:mfa"]}]))
    s.decide("GET", f"{C}/sync", no_api("default", "sync"), f"{M} (other endpoints: the scope is not the API token)",
             token=tok(SA), policy=on)
    s.decide("GET", f"{C}/sync", allow("sync", device=DID), f"{M} (other endpoints unchanged)", token=tok(FULL),
             policy=on)
    s.decide("GET", "/_synapse/admin/v1/server_version", no_api("default", None),
             f"{M} (a Synapse admin path is not one of the five)", token=tok(f"{SA} {ADMIN}"), policy=on)
    s.decide("GET", W, allow("getWhoIs", device=None), f"{M}; FORMAT.md (required_scopes of other endpoints still apply)",
             token=tok(f"{SA}"), policy=dict(on, required_scopes={"createRoom": ["urn:example:rooms"]}))
    return s


def suite_grant_msc4484():
    s = Suite("grant-msc4484",
              "grant.decide (v4): MSC4484's server administration scope and its unstable twin: an "
              "admin user on an interactive grant under default and synapse, never the API token; "
              "unknown under mas unless extra_tokens names it")
    G = "PRESETS.md (v4: MSC4484's server administration scope in grant.decide); MSC4484"
    for policy in (None, "synapse", {"preset": "default", "server_administration_scope": "msc4484"}):
        label = policy if isinstance(policy, str) else ("default" if policy is None else "default, setting on")
        g = f"{G} ({label})"
        for sa in (SA, SA_U):
            grant_case(s, sa, AC, granted(scope=sa, device=None), g + " (admin user, authorization code)",
                       policy=policy, user=ADMIN_USER)
            grant_case(s, sa, DC, granted(scope=sa, device=None), g + " (admin user, device code)",
                       policy=policy, user=ADMIN_USER)
            grant_case(s, sa, AC, granted(["grant.admin_not_allowed"]), g + " (not an admin user)",
                       policy=policy, user={"admin": False})
            grant_case(s, sa, AC, granted(["grant.admin_not_allowed"]), g + " (user absent)", policy=policy)
            grant_case(s, sa, CC, granted(["grant.admin_not_allowed"]), g + " (client_credentials, admin client)",
                       policy=policy, client=ADMIN_CLIENT, user=ADMIN_USER)
            grant_case(s, sa, AC, granted(["grant.admin_not_allowed"]),
                       g + " (an admin client does not make the user an admin)", policy=policy, client=ADMIN_CLIENT)
            grant_case(s, f"{sa} {DEV}{DID}", AC, granted(["grant.device_without_api"]),
                       g + " (not the API token: no relief for a device token)", policy=policy, user=ADMIN_USER)
            grant_case(s, f"openid {sa}", AC, granted(scope=canonical(["openid", sa]), device=None),
                       g + " (not the API token: no device derived)", policy=policy, user=ADMIN_USER,
                       entropy=GRANT_ENTROPY)
        grant_case(s, f"{FULL} {SA}", AC, granted(scope=canonical([API, DEV + DID, SA]), device=DID),
                   g + " (beside the API token)", policy=policy, user=ADMIN_USER)
        grant_case(s, f"{FULL} {SA_U}", AC, granted(["grant.admin_not_allowed"]), g + " (beside the API token, not admin)",
                   policy=policy)
        grant_case(s, f"{SA} {SA_U} {FULL} {ADMIN}", AC,
                   granted(scope=canonical([SA, SA_U, API, DEV + DID, ADMIN]), device=DID),
                   g + " (both spellings and the Synapse admin scope)", policy=policy, user=ADMIN_USER)
    dev = derive_id(GRANT_ENTROPY, 10)
    grant_case(s, f"{API} {SA_U}", AC, granted(scope=canonical([API, SA_U, DEV + dev]), device=dev),
               G + " (the unstable spelling adds no namespace: the device only in the API token's)",
               user=ADMIN_USER, entropy=GRANT_ENTROPY)
    grant_case(s, f"{API_U} {SA}", DC, granted(scope=canonical([API_U, SA, DEV_U + dev]), device=dev),
               G + " (the stable spelling adds no namespace)", user=ADMIN_USER, entropy=GRANT_ENTROPY)
    # mas: unknown, unless extra_tokens names it
    for policy in ("mas", {"preset": "mas", "server_administration_scope": "msc4484"}):
        for sa in (SA, SA_U):
            grant_case(s, sa, AC, granted(["grant.token_not_allowed"]), G + " (mas: an unknown token)",
                       policy=policy, user=ADMIN_USER)
    grant_case(s, f"{FULL} {SA}", AC, granted(["grant.token_not_allowed"]), G + " (mas)", policy="mas",
               user=ADMIN_USER)
    for sa in (SA, SA_U):
        x = extra_tokens_policy("mas", exact=[sa])
        grant_case(s, sa, AC, granted(scope=sa, device=None), G + " (mas, extra_tokens names it: admin user)",
                   policy=x, user=ADMIN_USER)
        grant_case(s, sa, DC, granted(scope=sa, device=None), G + " (mas, extra_tokens: device code)",
                   policy=x, user=ADMIN_USER)
        grant_case(s, sa, AC, granted(["grant.admin_not_allowed"]), G + " (mas, extra_tokens: still admin-only)",
                   policy=x, user={"admin": False})
        grant_case(s, sa, CC, granted(["grant.admin_not_allowed"]), G + " (mas, extra_tokens: not on client_credentials)",
                   policy=x, client=ADMIN_CLIENT)
    grant_case(s, f"{API} {DEV}{DID} {SA_U}", AC, granted(scope=canonical([API, DEV + DID, SA_U]), device=DID),
               G + " (mas: the unstable spelling has no namespace, so no grant.mixed_namespaces)",
               policy=extra_tokens_policy("mas", exact=[SA_U]), user=ADMIN_USER)
    grant_case(s, f"{API} {DEV}{DID} {SA}", AC, granted(["grant.token_not_allowed"]),
               G + " (mas: extra_tokens names the other spelling only)",
               policy=extra_tokens_policy("mas", exact=[SA_U]), user=ADMIN_USER)
    return s


# ---------------------------------------------------------------------------------------------

def why(pattern, step, reason, setting=None):
    """`pattern` plus the explanation (FORMAT.md v4 Explanations): `step` from DECISIONS.md's step
    table, `reason` and `setting` from the README's reason table ("Why this answer")."""
    out = dict(pattern)
    out.update(step=step, reason=reason, setting=setting)
    return out


def suite_explain():
    s = Suite("decide-explain",
              "request.decide (v4 Explanations): the step that answered, the reason code and the "
              "policy setting that decided, one case or more per reason of the README's table")
    E = "FORMAT.md v4 Explanations; README reason table; DECISIONS.md step "
    CR = f"{C}/createRoom"
    SYNC = f"{C}/sync"
    XS = f"{C}/keys/device_signing/upload"
    REG = f"{C}/register"
    ADMIN_PATH = "/_synapse/admin/v1/server_version"
    PING = "/_matrix/client/v1/appservice/bridge/ping"

    # Step 0.
    s.decide("OPTIONS", SYNC, why(allow(None), 0, "request.preflight"), E + "0", token=tok())
    # Steps 1 and 2.
    s.decide("POST", f"{C}/login", why(deny(400, "M_APPSERVICE_LOGIN_UNSUPPORTED", "login"), 1,
                                       "login.appservice_unsupported"), E + "1",
             context={"body": {"type": "m.login.application_service"}})
    s.decide("POST", f"{C}/logout", why(deny(404, "M_UNRECOGNIZED", "logout"), 2, "oauth.endpoint_unusable"),
             E + "2", token=tok())
    # Step 3, each way.
    s.decide("POST", REG, why(allow("register"), 3, "registration.appservice"), E + "3",
             token=APPSERVICE, context={"body": AS_BODY})
    s.decide("POST", REG, why(deny(403, "M_FORBIDDEN", "register"), 3, "registration.guest"), E + "3",
             query={"kind": "guest"})
    s.decide("POST", REG, why(deny(403, "M_FORBIDDEN", "register"), 3, "registration.not_appservice"), E + "3",
             token=tok(), context={"body": AS_BODY})
    s.decide("POST", REG, why(deny(401, "M_UNKNOWN_TOKEN", "register"), 3, "registration.token_inactive"),
             E + "3", token={"appservice": True, "active": False}, context={"body": AS_BODY})
    s.decide("POST", REG, why(deny(403, "M_FORBIDDEN", "register"), 3, "registration.not_appservice_login"),
             E + "3", token=APPSERVICE, context={"body": {"type": "m.login.dummy", "inhibit_login": True}})
    s.decide("POST", REG, why(deny(400, "M_APPSERVICE_LOGIN_UNSUPPORTED", "register"), 3,
                              "registration.inhibit_login_required"), E + "3",
             token=APPSERVICE, context={"body": {"type": "m.login.application_service"}})
    # Steps 4 and 5.
    s.decide("GET", SYNC, why(deny(401, "M_MISSING_TOKEN", "sync"), 4, "token.missing"), E + "4")
    s.decide("GET", f"{C}/nonexistent", why(deny(401, "M_MISSING_TOKEN", None), 4, "token.missing"),
             E + "4 (an unknown path counts as required)")
    s.decide("GET", "/_matrix/client/versions", why(allow("getVersions"), 5, "token.not_needed"), E + "5")
    s.decide("GET", "/_matrix/client/v1/auth_metadata", why(allow("getAuthMetadata", device=None), 5, "token.ignored"),
             E + "5 (v4: a token sent to an endpoint that takes none)", token=tok())
    s.decide("GET", "/_matrix/client/versions", why(allow("getVersions", device=DID), 18, "request.allowed"),
             E + "18 (a token sent to an endpoint that takes one optionally is read)", token=tok())
    # Steps 6 to 9.
    s.decide("GET", SYNC, why(deny(401, "M_UNKNOWN_TOKEN", "sync"), 6, "token.inactive"), E + "6",
             token=tok(FULL, active=False))
    s.decide("GET", SYNC, why(allow("sync"), 7, "token.appservice"), E + "7", token=APPSERVICE)
    s.decide("POST", PING, why(deny(403, "M_FORBIDDEN", "pingAppservice"), 8, "endpoint.appservice_only"),
             E + "8", token=tok())
    s.decide("GET", SYNC, why(deny(401, "M_UNKNOWN_TOKEN", "sync"), 9, "token.scope_invalid"),
             E + "9 (two devices)", token=tok(f"{FULL} {DEV}KLMNOPQRST"))
    s.decide("GET", SYNC, why(deny(401, "M_UNKNOWN_TOKEN", "sync"), 9, "token.device_id_invalid"),
             E + "9 (an empty explicit device_id)", token=tok(FULL, device_id=""))
    # Step 10, under each preset for the API scope, and the two settings of own required scopes.
    s.decide("GET", SYNC, why(no_api("default", "sync"), 10, "scope.api_missing"), E + "10", token=tok("openid"))
    s.decide("GET", SYNC, why(no_api("synapse", "sync"), 10, "scope.api_missing"), E + "10 (synapse)",
             token=tok("openid"), policy="synapse")
    rs = {"required_scopes": {"createRoom": ["urn:example:rooms"]}}
    s.decide("POST", CR, why(deny(403, "M_FORBIDDEN", "createRoom", scope_challenge("urn:example:rooms")), 10,
                             "scope.required_missing", "required_scopes.createRoom"), E + "10", token=tok(), policy=rs)
    e = BY_OP[MSC4484_OPS[0]]
    s.decide(e["method"], fill(e["path"]),
             why(deny(403, "M_FORBIDDEN", MSC4484_OPS[0], scope_challenge(SA)), 10, "scope.required_missing",
                 "server_administration_scope"), E + "10 (MSC4484)",
             token=tok(), policy={"server_administration_scope": "msc4484"})
    # Step 11, and an admin path that passes it.
    s.decide("GET", ADMIN_PATH, why(deny(403, "M_FORBIDDEN", None), 11, "scope.admin_missing"), E + "11",
             token=tok())
    s.decide("GET", ADMIN_PATH, why(allow(None, synapse_admin=True), 18, "request.allowed"), E + "18 (admin)",
             token=tok(f"{FULL} {ADMIN}"))
    # Steps 12 and 13, and a guest let through by guest_endpoints.
    s.decide("POST", CR, why(deny(403, "M_GUEST_ACCESS_FORBIDDEN", "createRoom"), 12, "guest.endpoint_not_allowed"),
             E + "12", token=GUEST)
    s.decide("POST", CR, why(allow("createRoom", device=DID), 18, "request.allowed", "guest_endpoints"),
             E + "18 (guest_endpoints added it)", token=GUEST, policy={"guest_endpoints": ["createRoom"]})
    s.decide("GET", SYNC, why(allow("sync", device=DID), 18, "request.allowed"),
             E + "18 (a guest on the spec's list: no setting)", token=GUEST)
    s.decide("POST", f"{C}/rooms/{ROOM}/join", why(deny(403, "M_GUEST_ACCESS_FORBIDDEN", "joinRoomById"), 13,
                                                   "guest.join_not_allowed"), E + "13", token=GUEST)
    # Step 14.
    s.decide("DELETE", f"{C}/devices/{DID}", why(deny(404, "M_UNRECOGNIZED", "deleteDevice"), 14,
                                                  "oauth.device_deletion_unusable"), E + "14", token=tok())
    # Step 15, each way.
    s.decide("POST", XS, why(allow("uploadCrossSigningKeys", consumes_approval=False), 15, "cross_signing.first_upload"),
             E + "15", token=tok(), context=xs_context(master_key_exists=False))
    s.decide("POST", XS, why(allow("uploadCrossSigningKeys", consumes_approval=False), 15,
                             "cross_signing.keys_identical"), E + "15",
             token=tok(), context=xs_context(master_key_exists=True, keys_identical=True))
    s.decide("POST", XS, why(allow("uploadCrossSigningKeys", consumes_approval=True), 15, "cross_signing.approved",
                             "approval"), E + "15", token=tok(), now=NOW, policy={"approval": "single_use"},
             context=xs_context(master_key_exists=True, reset_approved_until=NOW + 60))
    url = account_url(AMU, XS_RESET)
    s.decide("POST", XS, why(uia(url, "sess-1"), 15, "cross_signing.needs_approval"), E + "15",
             token=tok(), now=NOW, context=xs_context(master_key_exists=True))
    # Step 16, and the unknown path allowed at step 18.
    s.decide("GET", f"{C}/nonexistent", why(deny(404, "M_UNRECOGNIZED", None), 16, "endpoint.unknown",
                                            "unknown_endpoints"), E + "16",
             token=tok(), policy={"unknown_endpoints": "deny"})
    s.decide("GET", f"{C}/nonexistent", why(allow(None), 18, "endpoint.unknown_allowed", "unknown_endpoints"),
             E + "18 (unknown_endpoints allow)", token=tok())
    # Step 17: the first failing rule and how it failed (max_age before acr_values).
    two = {"step_up": [{"endpoints": ["sync"], "max_age": 3600},
                       {"endpoints": ["createRoom"], "max_age": 300},
                       {"endpoints": ["createRoom"], "acr_values": ["urn:acr:2fa"]}]}
    s.decide("POST", CR, why(step_up("createRoom", acr=["urn:acr:2fa"], max_age=300), 17,
                             "step_up.auth_time_missing", "step_up[1]"), E + "17", token=tok(), now=NOW, policy=two)
    s.decide("POST", CR, why(step_up("createRoom", acr=["urn:acr:2fa"], max_age=300), 17,
                             "step_up.max_age_exceeded", "step_up[1]"), E + "17",
             token=tok(FULL, auth_time=NOW - 301, acr="urn:acr:2fa"), now=NOW, policy=two)
    s.decide("POST", CR, why(step_up("createRoom", acr=["urn:acr:2fa"], max_age=300), 17,
                             "step_up.acr_not_accepted", "step_up[2]"), E + "17 (the first rule passes)",
             token=tok(FULL, auth_time=NOW - 10, acr="urn:acr:pwd"), now=NOW, policy=two)
    s.decide("POST", CR, why(allow("createRoom", device=DID), 18, "request.allowed"), E + "18 (every rule passes)",
             token=tok(FULL, auth_time=NOW - 10, acr="urn:acr:2fa"), now=NOW, policy=two)
    # Step 18.
    s.decide("GET", SYNC, why(allow("sync", device=DID), 18, "request.allowed"), E + "18", token=tok())
    return s


def suite_grant_tokens():
    s = Suite("grant-violation-tokens",
              "grant.decide (v4 Explanations): violation_tokens, each violation code to the sorted "
              "tokens it concerns, under the README's table")
    G = "FORMAT.md v4 Explanations (violation_tokens); README Grants table"
    AC, CC = "authorization_code", "client_credentials"
    DEV_B = f"{DEV}KLMNOPQRST"

    def refused(tokens):
        return {"allowed": False, "violations": sorted(tokens, key=lambda c: c.encode()), "violation_tokens": tokens,
                "granted": None}

    grant_case(s, f"{API} {DEV}{DID}", AC, {"allowed": True, "violation_tokens": {}}, G + " (allowed: {})")
    grant_case(s, f"{API}", CC, refused({"grant.api_not_interactive": [API], "grant.device_missing": []}),
               G + " (device_missing concerns no requested token)")
    grant_case(s, f"{DEV}{DID} {API}", CC, refused({"grant.api_not_interactive": [API, f"{DEV}{DID}"]}),
               G + " (API and device tokens, sorted by bytes)")
    grant_case(s, f"openid {DEV}{DID}", AC, refused({"grant.device_without_api": [f"{DEV}{DID}"]}), G)
    grant_case(s, f"{API} {DEV_B} {DEV}{DID} {DEV_B}", AC,
               refused({"grant.multiple_devices": [f"{DEV}{DID}", DEV_B]}), G + " (a repeat listed once)")
    grant_case(s, f"openid {ADMIN} {API} {DEV}{DID}", AC, refused({"grant.admin_not_allowed": [ADMIN]}),
               G + " (an admin token without an admin user)")
    grant_case(s, f"{API} {DEV}AB", AC, refused({"device_id.too_short": [f"{DEV}AB"]}),
               G + " (mas: device ids of 10 to 255 characters)", policy="mas")
    grant_case(s, f"openid urn:example:b urn:example:a {API} {DEV}{DID}", AC,
               refused({"grant.token_not_allowed": ["urn:example:a", "urn:example:b"]}),
               G + " (mas refuses unknown tokens)", policy="mas")
    grant_case(s, f"openid {API} {DEV_U}{DID} {ADMIN}", AC,
               refused({"grant.admin_not_allowed": [ADMIN], "grant.mixed_namespaces": [API, f"{DEV_U}{DID}"]}),
               G + " (mas: stable and unstable tokens together)", policy="mas")
    grant_case(s, "urn:mas:admin", CC, refused({"grant.admin_not_allowed": ["urn:mas:admin"]}),
               G + " (urn:mas:admin for a client that is not an admin)", policy="mas")
    grant_case(s, "urn:mas:admin", CC, {"allowed": True, "violation_tokens": {}},
               G + " (an admin client)", policy="mas", client={"admin": True})
    return s


def main():
    suites = [suite_catalogue(), suite_paths(), suite_tokens(), suite_guests(), suite_uia(),
              suite_legacy(), suite_stepup(), suite_admin(), suite_grant_default(), suite_grant_mas(),
              suite_client(), suite_account(), suite_spellings(), suite_anonymous(), suite_methods(),
              suite_declared(), suite_msc4484(), suite_grant_msc4484(), suite_explain(),
              suite_grant_tokens()]
    total = 0
    for suite in suites:
        n = suite.write()
        total += n
        print(f"{suite.name}.json: {n} cases")
    print(f"total: {total} cases")


if __name__ == "__main__":
    sys.exit(main())
