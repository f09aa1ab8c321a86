"""The typed API from Python: scopes, device ids, login scopes, policies, decisions, grants,
client helpers, registration checks, errors, evaluate."""

import json
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import conformance  # noqa: E402  (puts the generated module on sys.path)
from matrix_authz import (  # noqa: E402
    ApplicationType,
    AuthzError,
    ClientAction,
    CrossSigningState,
    DecideRequest,
    DecisionKind,
    Form,
    GrantType,
    Header,
    LoginDevice,
    Namespace,
    Policy,
    Preset,
    RedirectStage,
    RequestContext,
    Scope,
    TokenInfo,
    TokenKind,
    account_url,
    check_redirect_uri,
    decide,
    decide_grant,
    evaluate,
    evaluate_json,
    generate_device_id,
    generate_random_device_id,
    interpret_response,
    login_scope,
    operations,
    validate_client_metadata,
    validate_device_id,
    validate_server_metadata,
)

API = "urn:matrix:client:api:*"
API_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:api:*"


class ScopeTest(unittest.TestCase):
    def test_parts(self):
        scope = Scope("urn:matrix:client:device:ABCDEFGHIJ openid " + API)
        self.assertEqual(scope.tokens(), ["openid", API, "urn:matrix:client:device:ABCDEFGHIJ"])
        self.assertEqual(scope.canonical(), "openid urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ")
        self.assertEqual(str(scope), scope.canonical())
        self.assertTrue(scope.has_api())
        self.assertEqual(scope.device_id(), "ABCDEFGHIJ")
        self.assertFalse(scope.synapse_admin())
        self.assertEqual(scope.namespaces(), [Namespace.STABLE])
        self.assertEqual(scope.size(), 3)
        kinds = [part.kind for part in scope.parts()]
        self.assertEqual(kinds[0], TokenKind.OPEN_ID())
        self.assertEqual(kinds[1], TokenKind.API(namespace=Namespace.STABLE))
        self.assertEqual(kinds[2], TokenKind.DEVICE(namespace=Namespace.STABLE, device_id="ABCDEFGHIJ"))

    def test_normalize_and_satisfies(self):
        granted = Scope(API_UNSTABLE + " openid")
        both = granted.normalize(Form.BOTH)
        self.assertEqual(both.tokens(), ["openid", API, API_UNSTABLE])
        self.assertEqual(granted.normalize(Form.STABLE), Scope("openid " + API))
        self.assertTrue(granted.satisfies(Scope(API)))
        self.assertEqual(granted.missing(Scope("email " + API)), ["email"])
        self.assertFalse(granted.satisfies(Scope("email")))
        self.assertTrue(Scope.empty().satisfies(Scope.empty()))

    def test_errors_carry_codes(self):
        with self.assertRaises(AuthzError) as caught:
            Scope("openid  email")
        self.assertIsInstance(caught.exception, AuthzError.InvalidScope)
        self.assertEqual(caught.exception.code, "scope.empty_token")
        self.assertIn("empty token", caught.exception.detail)
        # str() is uniffi's field dump: `code='scope.empty_token', detail='...'`.
        self.assertIn(repr(caught.exception.detail), str(caught.exception))
        with self.assertRaises(AuthzError.InvalidScope) as caught:
            Scope("")
        self.assertEqual(caught.exception.code, "scope.empty")

    def test_policy_changes_the_grammar(self):
        synapse = Policy.preset(Preset.SYNAPSE)
        self.assertEqual(Scope("openid  email", synapse).tokens(), ["email", "openid"])
        self.assertEqual(synapse.base_preset(), Preset.SYNAPSE)


class DeviceTest(unittest.TestCase):
    def test_validate(self):
        validate_device_id("ABCDEFGHIJ")
        with self.assertRaises(AuthzError.InvalidDeviceId) as caught:
            validate_device_id("short", Policy.preset(Preset.MAS))
        self.assertEqual(caught.exception.code, "device_id.too_short")

    def test_generate_from_entropy(self):
        self.assertEqual(generate_device_id(bytes([0, 1, 61, 62, 248, 255, 2]), 5), "AB9AC")
        with self.assertRaises(AuthzError.InsufficientEntropy) as caught:
            generate_device_id(bytes([248, 249]), 1)
        self.assertEqual(caught.exception.code, "entropy.insufficient")

    def test_generate_random(self):
        first, second = generate_random_device_id(), generate_random_device_id(24)
        self.assertEqual(len(first), 10)
        self.assertEqual(len(second), 24)
        self.assertTrue(first.isalnum() and first.isascii())
        with self.assertRaises(AuthzError.InvalidInput):
            generate_random_device_id(0)


class LoginScopeTest(unittest.TestCase):
    def test_login_scope(self):
        login = login_scope(LoginDevice.ID(device_id="ABCDEFGHIJ"), Form.BOTH, ["openid"])
        self.assertEqual(login.device_id, "ABCDEFGHIJ")
        self.assertEqual(login.scope.size(), 5)
        drawn = login_scope(LoginDevice.ENTROPY(bytes=bytes(range(10))))
        self.assertEqual(drawn.device_id, "ABCDEFGHIJ")
        self.assertEqual(drawn.scope.canonical(), API + " urn:matrix:client:device:ABCDEFGHIJ")
        self.assertEqual(len(login_scope(LoginDevice.RANDOM()).device_id), 10)
        with self.assertRaises(AuthzError.InvalidScope) as caught:
            login_scope(LoginDevice.ID(device_id="ABCDEFGHIJ"), extra=[""])
        self.assertEqual(caught.exception.code, "scope.empty_token")


class EvaluateTest(unittest.TestCase):
    def test_evaluate(self):
        result = json.loads(evaluate("scope.parse", json.dumps({"scope": "openid"})))
        self.assertEqual(result["canonical"], "openid")
        with self.assertRaises(AuthzError.UnknownOperation) as caught:
            evaluate("no.such.op", "{}")
        self.assertEqual(caught.exception.code, "op.unknown")
        with self.assertRaises(AuthzError.InvalidInput):
            evaluate("scope.parse", "[")
        self.assertIn("request.decide", operations())
        envelope = json.loads(evaluate_json("scope.parse", '{"scope": ""}'))
        self.assertEqual(envelope["error"]["code"], "scope.empty")

    def test_policy_documents(self):
        Policy.from_json('{"preset": "mas", "approval": "single_use"}')
        with self.assertRaises(AuthzError.InvalidPolicy) as caught:
            Policy.from_json('{"preset": "nope"}')
        self.assertEqual(caught.exception.code, "policy.unknown_preset")


DEVICE_SCOPE = API + " urn:matrix:client:device:ABCDEFGHIJ"
ACCOUNT = "https://account.example.org/account/"


def as_evaluated(result):
    """A typed decision in the shape of the `request.decide` JSON result."""
    out = {
        "decision": {DecisionKind.ALLOW: "allow", DecisionKind.DENY: "deny", DecisionKind.UIA: "uia",
                     DecisionKind.STEP_UP: "step_up"}[result.decision],
        "status": result.status,
        "errcode": result.errcode,
        "headers": {h.name: h.value for h in result.headers},
        "body": None if result.body is None else json.loads(result.body),
        "endpoint": result.endpoint,
        "device": result.device,
        "synapse_admin": result.synapse_admin,
        "account_url": result.account_url,
    }
    if result.consumes_approval is not None:
        out["consumes_approval"] = result.consumes_approval
    return out


class DecideTest(unittest.TestCase):
    def test_allow_and_deny_match_evaluate(self):
        allowed = decide(DecideRequest(method="GET", path="/_matrix/client/v3/sync", token=TokenInfo(scope=DEVICE_SCOPE)))
        self.assertEqual(allowed.decision, DecisionKind.ALLOW)
        self.assertEqual((allowed.status, allowed.body, allowed.headers), (None, None, []))
        self.assertEqual((allowed.endpoint, allowed.device), ("sync", "ABCDEFGHIJ"))
        evaluated = json.loads(evaluate("request.decide", json.dumps(
            {"method": "GET", "path": "/_matrix/client/v3/sync", "token": {"scope": DEVICE_SCOPE}})))
        self.assertEqual(as_evaluated(allowed), evaluated)
        denied = decide(DecideRequest(method="GET", path="/_matrix/client/v3/sync"))
        self.assertEqual((denied.decision, denied.status, denied.errcode), (DecisionKind.DENY, 401, "M_MISSING_TOKEN"))
        self.assertEqual(json.loads(denied.body)["errcode"], "M_MISSING_TOKEN")
        evaluated = json.loads(evaluate("request.decide", '{"method": "GET", "path": "/_matrix/client/v3/sync"}'))
        self.assertEqual(as_evaluated(denied), evaluated)

    def test_uia_and_account_url(self):
        context = RequestContext(account_management_uri=ACCOUNT, uia_session="sess-1",
                                 cross_signing=CrossSigningState(master_key_exists=True))
        uia = decide(DecideRequest(method="POST", path="/_matrix/client/v3/keys/device_signing/upload",
                                   token=TokenInfo(scope=DEVICE_SCOPE), context=context))
        self.assertEqual((uia.decision, uia.status, uia.errcode), (DecisionKind.UIA, 401, None))
        self.assertEqual(json.loads(uia.body)["session"], "sess-1")
        self.assertEqual(uia.consumes_approval, False)
        legacy = decide(DecideRequest(method="POST", path="/_matrix/client/v3/account/deactivate",
                                      token=TokenInfo(scope=DEVICE_SCOPE),
                                      context=RequestContext(account_management_uri=ACCOUNT)))
        self.assertEqual(legacy.account_url, ACCOUNT + "?action=org.matrix.account_deactivate")

    def test_step_up_on_a_policy(self):
        document = {"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]}
        policy = Policy.from_json(json.dumps(document))
        request = DecideRequest(method="POST", path="/_matrix/client/v3/createRoom",
                                token=TokenInfo(scope=DEVICE_SCOPE, auth_time=1749999000), now=1750000000)
        result = policy.decide(request)
        self.assertEqual((result.decision, result.status), (DecisionKind.STEP_UP, 401))
        self.assertEqual(result.errcode, "M_INSUFFICIENT_USER_AUTHENTICATION")
        self.assertEqual([h.name for h in result.headers], ["www-authenticate"])
        evaluated = json.loads(evaluate("request.decide", json.dumps(
            {"policy": document, "method": "POST", "path": "/_matrix/client/v3/createRoom",
             "token": {"scope": DEVICE_SCOPE, "auth_time": 1749999000}, "now": 1750000000})))
        self.assertEqual(as_evaluated(result), evaluated)

    def test_errors(self):
        with self.assertRaises(AuthzError.InvalidInput) as caught:
            decide(DecideRequest(method="GET", path="/_matrix/client/v3/sync", token=TokenInfo()))
        self.assertEqual(caught.exception.code, "input.invalid")


class GrantTest(unittest.TestCase):
    def test_decide_grant(self):
        result = decide_grant(DEVICE_SCOPE, GrantType.AUTHORIZATION_CODE)
        self.assertTrue(result.allowed)
        self.assertEqual(result.violations, [])
        self.assertEqual(result.granted.canonical(), DEVICE_SCOPE)
        self.assertEqual(result.device, "ABCDEFGHIJ")
        refused = Policy.preset(Preset.MAS).decide_grant(DEVICE_SCOPE, GrantType.CLIENT_CREDENTIALS)
        self.assertFalse(refused.allowed)
        self.assertIsNone(refused.granted)
        evaluated = json.loads(evaluate("grant.decide", json.dumps(
            {"policy": "mas", "scope": DEVICE_SCOPE, "grant_type": "client_credentials"})))
        self.assertEqual(refused.violations, evaluated["violations"])
        drawn = decide_grant(API, GrantType.DEVICE_CODE, entropy=bytes(range(10)))
        self.assertEqual(drawn.device, "ABCDEFGHIJ")
        with self.assertRaises(AuthzError.InvalidScope) as caught:
            decide_grant("openid  email", GrantType.AUTHORIZATION_CODE)
        self.assertEqual(caught.exception.code, "scope.empty_token")


class ClientHelpersTest(unittest.TestCase):
    def test_interpret_response(self):
        body = {"session": "s", "flows": [{"stages": ["m.oauth"]}], "params": {"m.oauth": {"url": "https://a.example/m"}}}
        self.assertEqual(interpret_response(401, body=json.dumps(body)),
                         ClientAction.OPEN_URL(url="https://a.example/m", session="s"))
        self.assertEqual(interpret_response(429, [Header(name="retry-after", value="3")]),
                         ClientAction.RETRY(retry_after_ms=3000))
        challenge = 'Bearer error="insufficient_user_authentication", acr_values="urn:x urn:y", max_age="60"'
        action = interpret_response(401, [Header(name="WWW-Authenticate", value=challenge)])
        self.assertEqual(action, ClientAction.REAUTHENTICATE(acr_values="urn:x urn:y", max_age=60, scope=None))
        evaluated = json.loads(evaluate("client.interpret", json.dumps(
            {"status": 401, "headers": {"WWW-Authenticate": challenge}})))
        self.assertEqual((evaluated["action"], evaluated["max_age"]), ("reauthenticate", action.max_age))
        soft = interpret_response(401, body='{"errcode": "M_UNKNOWN_TOKEN", "soft_logout": true}')
        self.assertTrue(soft.is_REFRESH())
        with self.assertRaises(AuthzError.InvalidInput) as caught:
            interpret_response(200)
        self.assertEqual(caught.exception.code, "input.invalid")

    def test_account_url(self):
        url = account_url(ACCOUNT, "org.matrix.device_view", "ABCDEFGHIJ")
        evaluated = json.loads(evaluate("account.url", json.dumps(
            {"account_management_uri": ACCOUNT, "action": "org.matrix.device_view", "device_id": "ABCDEFGHIJ"})))
        self.assertEqual(url, evaluated["url"])
        self.assertEqual(account_url(ACCOUNT, "org.matrix.devices_list", supported=["org.matrix.sessions_list"]),
                         ACCOUNT + "?action=org.matrix.sessions_list")
        with self.assertRaises(AuthzError.UnsupportedAction) as caught:
            account_url(ACCOUNT, "org.matrix.profile", supported=["org.matrix.devices_list"])
        self.assertEqual(caught.exception.code, "account.action_unsupported")


class RegistrationTest(unittest.TestCase):
    def test_redirect_uri(self):
        check = check_redirect_uri("com.exampleevil:/cb", "https://example.com/", ApplicationType.NATIVE)
        self.assertEqual((check.valid, check.violation), (False, "redirect_uri.scheme"))
        self.assertTrue(check_redirect_uri("com.example:/cb", "https://example.com/", ApplicationType.NATIVE).valid)
        late = check_redirect_uri("https://example.com/cb", "https://example.com/", ApplicationType.WEB,
                                  RedirectStage.AUTHORIZATION, ["https://example.com/other"])
        self.assertEqual(late.violation, "redirect_uri.not_registered")
        with self.assertRaises(AuthzError.InvalidInput) as caught:
            check_redirect_uri("x:/", "http://example.com/", ApplicationType.NATIVE)
        self.assertEqual(caught.exception.code, "input.invalid")

    def test_metadata(self):
        report = validate_client_metadata('{"client_uri": "https://example.com/", "grant_types": []}')
        self.assertEqual((report.valid, report.violations), (True, []))
        report = validate_client_metadata("null")
        self.assertEqual((report.valid, report.violations), (False, ["metadata.invalid_type"]))
        server = {"authorization_endpoint": "https://account.example.com/oauth2/auth"}
        report = validate_server_metadata(json.dumps(server))
        evaluated = json.loads(evaluate("server_metadata.validate", json.dumps({"metadata": server})))
        self.assertFalse(report.valid)
        self.assertIn("issuer.missing", report.violations)
        self.assertEqual(report.violations, evaluated["violations"])
        with self.assertRaises(AuthzError.InvalidInput):
            validate_server_metadata("{")


class ConformanceTest(unittest.TestCase):
    def test_vectors(self):
        passed, failures = conformance.run()
        self.assertGreater(passed, 0)
        self.assertEqual(failures, [])


if __name__ == "__main__":
    unittest.main()
