// The typed API from Kotlin: scopes, device ids, login scopes, policies, errors, evaluate.
// A plain main with kotlin-test assertions (no JUnit on the plain JVM); exits 1 on the first failure.
package org.matrix.authz.test

import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.matrix.authz.AuthzException
import org.matrix.authz.Form
import org.matrix.authz.LoginDevice
import org.matrix.authz.Namespace
import org.matrix.authz.Policy
import org.matrix.authz.Preset
import org.matrix.authz.Scope
import org.matrix.authz.TokenKind
import org.matrix.authz.code
import org.matrix.authz.evaluate
import org.matrix.authz.evaluateJson
import org.matrix.authz.generateDeviceId
import org.matrix.authz.generateRandomDeviceId
import org.matrix.authz.loginScope
import org.matrix.authz.operations
import org.matrix.authz.validateDeviceId

const val API = "urn:matrix:client:api:*"
const val API_UNSTABLE = "urn:matrix:org.matrix.msc2967.client:api:*"

fun scopeParts() {
    val scope = Scope("urn:matrix:client:device:ABCDEFGHIJ openid $API")
    assertEquals(listOf("openid", API, "urn:matrix:client:device:ABCDEFGHIJ"), scope.tokens())
    assertEquals("openid $API urn:matrix:client:device:ABCDEFGHIJ", scope.canonical())
    assertEquals(scope.canonical(), scope.toString())
    assertTrue(scope.hasApi())
    assertEquals("ABCDEFGHIJ", scope.deviceId())
    assertFalse(scope.synapseAdmin())
    assertEquals(listOf(Namespace.STABLE), scope.namespaces())
    assertEquals(3u, scope.size())
    val kinds = scope.parts().map { it.kind }
    assertEquals(TokenKind.OpenId, kinds[0])
    assertEquals(TokenKind.Api(Namespace.STABLE), kinds[1])
    assertEquals(TokenKind.Device(Namespace.STABLE, "ABCDEFGHIJ"), kinds[2])
}

fun normalizeAndSatisfies() {
    val granted = Scope("$API_UNSTABLE openid")
    assertEquals(listOf("openid", API, API_UNSTABLE), granted.normalize(Form.BOTH).tokens())
    assertEquals(Scope("openid $API"), granted.normalize(Form.STABLE))
    assertTrue(granted.satisfies(Scope(API)))
    assertEquals(listOf("email"), granted.missing(Scope("email $API")))
    assertFalse(granted.satisfies(Scope("email")))
    assertTrue(Scope.empty().satisfies(Scope.empty()))
}

fun errorsCarryCodes() {
    // The idiomatic catch: one exception type, its stable code and a readable message.
    try {
        Scope("openid  email")
        throw AssertionError("a doubled space must fail")
    } catch (e: AuthzException) {
        assertEquals("scope.empty_token", e.code)
        assertTrue(e is AuthzException.InvalidScope)
        assertEquals("the scope has an empty token at byte 7 (a leading, trailing or doubled space)", e.message)
    }
    val empty = assertFailsWith<AuthzException.InvalidScope> { Scope("") }
    assertEquals("scope.empty", empty.code)
}

fun policies() {
    val synapse = Policy.preset(Preset.SYNAPSE)
    assertEquals(listOf("email", "openid"), Scope("openid  email", synapse).tokens())
    assertEquals(Preset.SYNAPSE, synapse.basePreset())
    Policy.fromJson("""{"preset": "mas", "approval": "single_use"}""")
    val unknown = assertFailsWith<AuthzException.InvalidPolicy> { Policy.fromJson("""{"preset": "nope"}""") }
    assertEquals("policy.unknown_preset", unknown.code)
}

fun deviceIds() {
    validateDeviceId("ABCDEFGHIJ")
    val short = assertFailsWith<AuthzException.InvalidDeviceId> { validateDeviceId("short", Policy.preset(Preset.MAS)) }
    assertEquals("device_id.too_short", short.code)
    val bytes = byteArrayOf(0, 1, 61, 62, 248.toByte(), 255.toByte(), 2)
    assertEquals("AB9AC", generateDeviceId(bytes, 5u))
    val ranOut = assertFailsWith<AuthzException.InsufficientEntropy> { generateDeviceId(byteArrayOf(248.toByte()), 1u) }
    assertEquals("entropy.insufficient", ranOut.code)
    val random = generateRandomDeviceId()
    assertEquals(10, random.length)
    assertTrue(random.all { it in 'A'..'Z' || it in 'a'..'z' || it in '0'..'9' })
    assertEquals(24, generateRandomDeviceId(24u).length)
    assertEquals("input.invalid", assertFailsWith<AuthzException> { generateRandomDeviceId(0u) }.code)
}

fun loginScopes() {
    val login = loginScope(LoginDevice.Id("ABCDEFGHIJ"), Form.BOTH, listOf("openid"))
    assertEquals("ABCDEFGHIJ", login.deviceId)
    assertEquals(5u, login.scope.size())
    val drawn = loginScope(LoginDevice.Entropy(ByteArray(10) { it.toByte() }))
    assertEquals("ABCDEFGHIJ", drawn.deviceId)
    assertEquals("$API urn:matrix:client:device:ABCDEFGHIJ", drawn.scope.canonical())
    assertEquals(10, loginScope(LoginDevice.Random).deviceId.length)
    val bad = assertFailsWith<AuthzException.InvalidScope> { loginScope(LoginDevice.Id("ABCDEFGHIJ"), extra = listOf("")) }
    assertEquals("scope.empty_token", bad.code)
}

fun evaluateOps() {
    val result = Json.parse(evaluate("scope.parse", """{"scope": "openid"}""")) as Map<*, *>
    assertEquals("openid", result["canonical"])
    assertEquals("op.unknown", assertFailsWith<AuthzException.UnknownOperation> { evaluate("no.such.op", "{}") }.code)
    assertEquals("input.invalid", assertFailsWith<AuthzException.InvalidInput> { evaluate("scope.parse", "[") }.code)
    assertTrue("request.decide" in operations())
    val envelope = Json.parse(evaluateJson("scope.parse", """{"scope": ""}""")) as Map<*, *>
    assertEquals("scope.empty", (envelope["error"] as Map<*, *>)["code"])
}

object TypedApiTest {
    @JvmStatic
    fun main(args: Array<String>) {
        val tests = listOf(
            "scope parts" to ::scopeParts,
            "normalize and satisfies" to ::normalizeAndSatisfies,
            "errors carry codes" to ::errorsCarryCodes,
            "policies" to ::policies,
            "device ids" to ::deviceIds,
            "login scopes" to ::loginScopes,
            "evaluate" to ::evaluateOps,
            "conformance vectors" to {
                val (passed, failures) = runConformance(repoRoot())
                assertTrue(passed > 0 && failures.isEmpty(), failures.joinToString("\n"))
            },
        )
        var failed = 0
        for ((name, test) in tests) {
            try {
                test()
                println("ok   $name")
            } catch (e: Throwable) {
                failed++
                println("FAIL $name: $e")
            }
        }
        println("typed API: ${tests.size - failed} passed, $failed failed")
        exitProcess(if (failed == 0) 0 else 1)
    }
}
