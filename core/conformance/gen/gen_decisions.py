#!/usr/bin/env python3
"""Write the conformance vectors for request.decide, grant.decide, client.interpret and account.url.

Every expected answer below is written from the shared docs (DECISIONS.md, FORMAT.md, PRESETS.md,
the spec notes) or from a choice listed in ../CHOICES-decisions.md; nothing here runs or links the
engine. The endpoint catalogue is read from the copy beside this script (endpoints.tsv).

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
    with open(os.path.join(HERE, "endpoints.tsv"), encoding="utf-8") as f:
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
        "consumes_approval": False,
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
        if e["added_in"] == "-":
            pattern, source = no_token_expect(e)
            source = "DECISIONS.md path matching (r0 alias, added_in -); " + source
        else:
            pattern = deny(401, "M_MISSING_TOKEN", None)
            source = ("DECISIONS.md path matching (no r0 alias: added_in " + e["added_in"]
                      + "); step 4 (unknown path)")
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
    unknown("POST", f"/_matrix/client/r0/knock/{ROOM}", "knockRoom was added in v1.1: no r0 alias")
    unknown("POST", "/_matrix/client/r0/keys/device_signing/upload",
            "uploadCrossSigningKeys was added in v1.1: no r0 alias, so no UIA step")
    unknown("GET", "/_matrix/client/r0/room_keys/version", "added in v1.1: no r0 alias")
    unknown("GET", "/_matrix/client/r0/media/config", "r0 maps to v3 only, and v3 has no media/config")
    unknown("POST", "/_matrix/media/r0/upload", "only /_matrix/client/r0 is an alias")
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
    known("GET", f"{C}/profile/@alice:example.org/displayname", "getProfileField", "raw @ and :")
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
