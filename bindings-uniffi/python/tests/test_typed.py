"""The typed API from Python: scopes, device ids, login scopes, policies, errors, evaluate."""

import json
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import conformance  # noqa: E402  (puts the generated module on sys.path)
from matrix_authz import (  # noqa: E402
    AuthzError,
    Form,
    LoginDevice,
    Namespace,
    Policy,
    Preset,
    Scope,
    TokenKind,
    evaluate,
    evaluate_json,
    generate_device_id,
    generate_random_device_id,
    login_scope,
    operations,
    validate_device_id,
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
        self.assertIn("empty token", caught.exception.message)
        self.assertEqual(str(caught.exception), caught.exception.message)
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


class ConformanceTest(unittest.TestCase):
    def test_vectors(self):
        passed, failures = conformance.run()
        self.assertGreater(passed, 0)
        self.assertEqual(failures, [])


if __name__ == "__main__":
    unittest.main()
