// Why this answer, from Kotlin: every DecisionResult carries `step`, `reason` and `setting`
// (expected values from DECISIONS.md's step table and the README's reason table), and the HTTP
// answer built from it never does. Errors carry `path`, a JSON pointer, where one place is at
// fault, and the conformance runner compares it when a vector pins it.
package org.matrix.authz.test

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.matrix.authz.AuthzException
import org.matrix.authz.Policy
import org.matrix.authz.Scope
import org.matrix.authz.code
import org.matrix.authz.decide
import org.matrix.authz.evaluate
import org.matrix.authz.path
import org.matrix.authz.core.CrossSigningState
import org.matrix.authz.core.DecideRequest
import org.matrix.authz.core.DecisionKind
import org.matrix.authz.core.DecisionResult
import org.matrix.authz.core.RequestContext
import org.matrix.authz.core.TokenInfo

private const val CLIENT = "/_matrix/client/v3"
private const val NOW = 1750000000L

/** One request, the explanation the tables give for it, and the step-up body fields it sends. */
private class Explained(
    val label: String,
    val decision: DecisionKind,
    val step: Int,
    val reason: String,
    val setting: String?,
    val stepUpFields: Set<String> = emptySet(),
    val run: () -> DecisionResult,
)

private fun under(document: String, request: DecideRequest) = Policy.fromJson(document).decide(request)

private val explained = listOf(
    Explained("a CORS preflight", DecisionKind.ALLOW, 0, "request.preflight", null) {
        decide(DecideRequest("OPTIONS", "$CLIENT/sync"))
    },
    Explained("no token on /sync", DecisionKind.DENY, 4, "token.missing", null) {
        decide(DecideRequest("GET", "$CLIENT/sync"))
    },
    Explained("a guest creating a room", DecisionKind.DENY, 12, "guest.endpoint_not_allowed", null) {
        decide(DecideRequest("POST", "$CLIENT/createRoom", token = TokenInfo(scope = DEVICE_SCOPE, guest = true)))
    },
    Explained("a cross-signing reset without approval", DecisionKind.UIA, 15, "cross_signing.needs_approval", null) {
        val context = RequestContext(crossSigning = CrossSigningState(), accountManagementUri = ACCOUNT, uiaSession = "s")
        decide(DecideRequest("POST", "$CLIENT/keys/device_signing/upload", token = TokenInfo(scope = DEVICE_SCOPE), context = context))
    },
    Explained("an unknown path under unknown_endpoints deny", DecisionKind.DENY, 16, "endpoint.unknown", "unknown_endpoints") {
        under("""{"unknown_endpoints": "deny"}""", DecideRequest("GET", "$CLIENT/no/such/endpoint", token = TokenInfo(scope = DEVICE_SCOPE)))
    },
    Explained("max_age without auth_time", DecisionKind.STEP_UP, 17, "step_up.auth_time_missing", "step_up[0]", setOf("max_age")) {
        under(
            """{"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]}""",
            DecideRequest("POST", "$CLIENT/createRoom", token = TokenInfo(scope = DEVICE_SCOPE), now = NOW),
        )
    },
    // The second rule is the first that covers createRoom, so it is the one named.
    Explained("an acr the second rule does not accept", DecisionKind.STEP_UP, 17, "step_up.acr_not_accepted", "step_up[1]", setOf("acr_values")) {
        under(
            """{"step_up": [{"endpoints": ["sync"], "max_age": 60}, {"endpoints": ["createRoom"], "acr_values": ["urn:example:mfa"]}]}""",
            DecideRequest("POST", "$CLIENT/createRoom", token = TokenInfo(scope = DEVICE_SCOPE, acr = "urn:example:password"), now = NOW),
        )
    },
    Explained("max_age passed, acr_values too", DecisionKind.STEP_UP, 17, "step_up.max_age_exceeded", "step_up[0]", setOf("acr_values", "max_age")) {
        under(
            """{"step_up": [{"endpoints": ["createRoom"], "max_age": 300, "acr_values": ["urn:example:mfa"]}]}""",
            DecideRequest("POST", "$CLIENT/createRoom", token = TokenInfo(scope = DEVICE_SCOPE, authTime = NOW - 301, acr = "urn:example:mfa"), now = NOW),
        )
    },
    Explained("a full token on /sync", DecisionKind.ALLOW, 18, "request.allowed", null) {
        decide(DecideRequest("GET", "$CLIENT/sync", token = TokenInfo(scope = DEVICE_SCOPE)))
    },
)

fun decisionsExplainThemselves() {
    for (case in explained) {
        val result = case.run()
        val got = listOf(result.decision, result.step.toInt(), result.reason, result.setting)
        assertEquals(listOf(case.decision, case.step, case.reason, case.setting), got, case.label)
    }
}

/** DECISIONS.md "Output": the body's keys per kind (step-up adds acr_values and max_age as sent). */
private fun bodyKeys(case: Explained): Set<String>? = when (case.decision) {
    DecisionKind.ALLOW -> null
    DecisionKind.DENY -> setOf("errcode", "error")
    DecisionKind.UIA -> setOf("flows", "params", "session")
    DecisionKind.STEP_UP -> setOf("errcode", "error") + case.stepUpFields
}

fun httpAnswerCarriesNoExplanation() {
    for (case in explained) {
        val result = case.run()
        val body = result.body?.let { Json.parse(it) as Map<*, *> }
        assertEquals(bodyKeys(case), body?.keys, "${case.label}: body keys")
        val names = result.headers.map { it.name }.toSet()
        assertTrue(names.isEmpty() || names == setOf("www-authenticate"), "${case.label}: header names $names")
        if (case.decision == DecisionKind.ALLOW) assertTrue(names.isEmpty(), "${case.label}: an allow sends no headers")
        // The explanation is on the result, not hidden in a header value or the body text either.
        val sent = (result.body ?: "") + result.headers.joinToString { it.value }
        assertFalse(case.reason in sent, "${case.label}: the reason leaked into the answer")
    }
}

fun errorsCarryPaths() {
    val input = """{"method": "GET", "path": "/x", "token": {"scope": 5}}"""
    val wrongType = assertFailsWith<AuthzException.InvalidInput> { evaluate("request.decide", input) }
    assertEquals("input.invalid" to "/token/scope", wrongType.code to wrongType.path)
    val document = """{"step_up": [{"endpoints": ["sync"], "max_age": "x"}]}"""
    val policy = assertFailsWith<AuthzException.InvalidPolicy> { Policy.fromJson(document) }
    assertEquals("policy.invalid" to "/step_up/0/max_age", policy.code to policy.path)
    // The same pointer when the policy arrives inside an op's input: it points into the document.
    val inline = assertFailsWith<AuthzException> { evaluate("request.decide", """{"policy": $document, "method": "GET", "path": "/x"}""") }
    assertEquals("policy.invalid" to "/step_up/0/max_age", inline.code to inline.path)
    val badScope = assertFailsWith<AuthzException.InvalidScope> { Scope("openid  email") }
    assertEquals("scope.empty_token", badScope.code)
    assertNull(badScope.path)
    // uniffi's message names every field, the path too.
    assertEquals("code=input.invalid, detail=${wrongType.toString()}, path=/token/scope", wrongType.message)
}

fun runnerComparesPaths() {
    val input = mapOf("method" to "GET", "path" to "/x", "token" to mapOf("scope" to 5L))
    fun case(expect: Map<String, Any?>) = mapOf("id" to "t", "op" to "request.decide", "input" to input, "expect" to expect)
    val (right, answer) = runCase(case(mapOf("error" to "input.invalid", "path" to "/token/scope")))
    assertTrue(right, "answer $answer")
    assertEquals(mapOf("error" to "input.invalid", "path" to "/token/scope"), answer)
    assertFalse(runCase(case(mapOf("error" to "input.invalid", "path" to "/token/active"))).first)
    // Without `path` in the vector, only the code counts.
    assertTrue(runCase(case(mapOf("error" to "input.invalid"))).first)
    assertFalse(runCase(case(mapOf("error" to "policy.invalid", "path" to "/token/scope"))).first)
}
