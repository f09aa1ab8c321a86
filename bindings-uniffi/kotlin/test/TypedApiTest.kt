// The typed API from Kotlin: scopes, device ids, login scopes, policies, decisions, grants, client
// helpers, registration checks, errors, evaluate.
// A plain main with kotlin-test assertions (no JUnit on the plain JVM); exits 1 on the first failure.
package org.matrix.authz.test

import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlin.test.assertNull
import org.matrix.authz.core.ApplicationType
import org.matrix.authz.AuthzException
import org.matrix.authz.core.ClientAction
import org.matrix.authz.core.CrossSigningState
import org.matrix.authz.core.DecideRequest
import org.matrix.authz.core.DecisionKind
import org.matrix.authz.core.DecisionResult
import org.matrix.authz.core.Form
import org.matrix.authz.core.GrantType
import org.matrix.authz.core.Header
import org.matrix.authz.core.LoginDevice
import org.matrix.authz.core.Namespace
import org.matrix.authz.Policy
import org.matrix.authz.core.Preset
import org.matrix.authz.core.RedirectStage
import org.matrix.authz.core.RequestContext
import org.matrix.authz.Scope
import org.matrix.authz.core.TokenInfo
import org.matrix.authz.core.TokenKind
import org.matrix.authz.accountUrl
import org.matrix.authz.checkRedirectUri
import org.matrix.authz.code
import org.matrix.authz.detail
import org.matrix.authz.decide
import org.matrix.authz.decideGrant
import org.matrix.authz.evaluate
import org.matrix.authz.evaluateJson
import org.matrix.authz.generateDeviceId
import org.matrix.authz.generateRandomDeviceId
import org.matrix.authz.interpretResponse
import org.matrix.authz.loginScope
import org.matrix.authz.operations
import org.matrix.authz.validateClientMetadata
import org.matrix.authz.validateDeviceId
import org.matrix.authz.validateServerMetadata

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
    // The idiomatic catch: one exception type, its stable code and a readable detail (the
    // exception's `message` is uniffi's `code=..., detail=..., path=...`; `toString()` is the
    // detail).
    try {
        Scope("openid  email")
        throw AssertionError("a doubled space must fail")
    } catch (e: AuthzException) {
        assertEquals("scope.empty_token", e.code)
        assertTrue(e is AuthzException.InvalidScope)
        val detail = "the scope has an empty token at byte 7 (a leading, trailing or doubled space)"
        assertEquals(detail, e.detail)
        assertEquals(detail, e.toString())
        assertEquals("code=scope.empty_token, detail=$detail, path=null", e.message)
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

const val DEVICE_SCOPE = "$API urn:matrix:client:device:ABCDEFGHIJ"
const val ACCOUNT = "https://account.example.org/account/"

/** A typed decision in the shape of the `request.decide` JSON result (numbers as Long). */
fun asEvaluated(r: DecisionResult): Map<String, Any?> {
    val kind = when (r.decision) {
        DecisionKind.ALLOW -> "allow"
        DecisionKind.DENY -> "deny"
        DecisionKind.UIA -> "uia"
        DecisionKind.STEP_UP -> "step_up"
    }
    val out = linkedMapOf<String, Any?>(
        "decision" to kind,
        "status" to r.status?.toLong(),
        "errcode" to r.errcode,
        "headers" to r.headers.associate { it.name to it.value },
        "body" to r.body?.let { Json.parse(it) },
        "endpoint" to r.endpoint,
        "device" to r.device,
        "synapse_admin" to r.synapseAdmin,
        "account_url" to r.accountUrl,
        "step" to r.step.toLong(),
        "reason" to r.reason,
        "setting" to r.setting,
    )
    r.consumesApproval?.let { out["consumes_approval"] = it }
    return out
}

fun decisions() {
    val allowed = decide(DecideRequest("GET", "/_matrix/client/v3/sync", token = TokenInfo(scope = DEVICE_SCOPE)))
    assertEquals(DecisionKind.ALLOW, allowed.decision)
    assertNull(allowed.status)
    assertEquals("sync", allowed.endpoint)
    assertEquals("ABCDEFGHIJ", allowed.device)
    val sync = "{\"method\": \"GET\", \"path\": \"/_matrix/client/v3/sync\", \"token\": {\"scope\": \"$DEVICE_SCOPE\"}}"
    assertEquals(Json.parse(evaluate("request.decide", sync)), asEvaluated(allowed))
    val denied = decide(DecideRequest("GET", "/_matrix/client/v3/sync"))
    assertEquals(DecisionKind.DENY, denied.decision)
    assertEquals(401.toUShort(), denied.status)
    assertEquals("M_MISSING_TOKEN", denied.errcode)
    assertEquals(Json.parse(evaluate("request.decide", """{"method": "GET", "path": "/_matrix/client/v3/sync"}""")), asEvaluated(denied))

    val context = RequestContext(crossSigning = CrossSigningState(), accountManagementUri = ACCOUNT, uiaSession = "sess-1")
    val uia = decide(DecideRequest("POST", "/_matrix/client/v3/keys/device_signing/upload", token = TokenInfo(scope = DEVICE_SCOPE), context = context))
    assertEquals(DecisionKind.UIA, uia.decision)
    assertEquals("sess-1", (Json.parse(uia.body!!) as Map<*, *>)["session"])
    assertEquals(false, uia.consumesApproval)
    val legacy = decide(DecideRequest("POST", "/_matrix/client/v3/account/deactivate", token = TokenInfo(scope = DEVICE_SCOPE), context = RequestContext(accountManagementUri = ACCOUNT)))
    assertEquals("${ACCOUNT}?action=org.matrix.account_deactivate", legacy.accountUrl)

    val document = """{"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]}"""
    val stepUp = Policy.fromJson(document).decide(
        DecideRequest("POST", "/_matrix/client/v3/createRoom", token = TokenInfo(scope = DEVICE_SCOPE, authTime = 1749999000L), now = 1750000000L),
    )
    assertEquals(DecisionKind.STEP_UP, stepUp.decision)
    assertEquals(listOf("www-authenticate"), stepUp.headers.map { it.name })
    val input = "{\"policy\": $document, \"method\": \"POST\", \"path\": \"/_matrix/client/v3/createRoom\", " +
        "\"token\": {\"scope\": \"$DEVICE_SCOPE\", \"auth_time\": 1749999000}, \"now\": 1750000000}"
    assertEquals(Json.parse(evaluate("request.decide", input)), asEvaluated(stepUp))

    val noScope = assertFailsWith<AuthzException.InvalidInput> { decide(DecideRequest("GET", "/_matrix/client/v3/sync", token = TokenInfo())) }
    assertEquals("input.invalid", noScope.code)
}

fun grants() {
    val granted = decideGrant(DEVICE_SCOPE, GrantType.AUTHORIZATION_CODE)
    assertTrue(granted.allowed)
    assertEquals(DEVICE_SCOPE, granted.granted?.canonical())
    assertEquals("ABCDEFGHIJ", granted.device)
    val refused = Policy.preset(Preset.MAS).decideGrant(DEVICE_SCOPE, GrantType.CLIENT_CREDENTIALS)
    assertFalse(refused.allowed)
    assertNull(refused.granted)
    val input = "{\"policy\": \"mas\", \"scope\": \"$DEVICE_SCOPE\", \"grant_type\": \"client_credentials\"}"
    assertEquals((Json.parse(evaluate("grant.decide", input)) as Map<*, *>)["violations"], refused.violations)
    // FORMAT.md v4: the tokens each violation concerns, in the order of `violations` (README Grants).
    assertEquals(listOf("grant.api_not_interactive"), refused.violations)
    assertEquals(listOf(listOf(API, "urn:matrix:client:device:ABCDEFGHIJ")), refused.violationTokens)
    assertEquals(emptyList(), granted.violationTokens)
    assertEquals("ABCDEFGHIJ", decideGrant(API, GrantType.DEVICE_CODE, entropy = ByteArray(10) { it.toByte() }).device)
    val bad = assertFailsWith<AuthzException.InvalidScope> { decideGrant("openid  email", GrantType.AUTHORIZATION_CODE) }
    assertEquals("scope.empty_token", bad.code)
}

fun clientHelpers() {
    val uia = """{"session": "s", "flows": [{"stages": ["m.oauth"]}], "params": {"m.oauth": {"url": "https://a.example/m"}}}"""
    assertEquals(ClientAction.OpenUrl("https://a.example/m", "s"), interpretResponse(401u, body = uia))
    assertEquals(ClientAction.Retry(3000uL), interpretResponse(429u, listOf(Header("retry-after", "3"))))
    val challenge = "Bearer error=\"insufficient_user_authentication\", acr_values=\"urn:x urn:y\", max_age=\"60\""
    val action = interpretResponse(401u, listOf(Header("WWW-Authenticate", challenge)))
    assertEquals(ClientAction.Reauthenticate("urn:x urn:y", 60uL, null), action)
    assertEquals(ClientAction.Refresh, interpretResponse(401u, body = """{"errcode": "M_UNKNOWN_TOKEN", "soft_logout": true}"""))
    assertEquals("input.invalid", assertFailsWith<AuthzException.InvalidInput> { interpretResponse(200u) }.code)

    val url = accountUrl(ACCOUNT, "org.matrix.device_view", "ABCDEFGHIJ")
    val input = """{"account_management_uri": "$ACCOUNT", "action": "org.matrix.device_view", "device_id": "ABCDEFGHIJ"}"""
    assertEquals((Json.parse(evaluate("account.url", input)) as Map<*, *>)["url"], url)
    assertEquals("${ACCOUNT}?action=org.matrix.sessions_list", accountUrl(ACCOUNT, "org.matrix.devices_list", supported = listOf("org.matrix.sessions_list")))
    val unsupported = assertFailsWith<AuthzException.UnsupportedAction> { accountUrl(ACCOUNT, "org.matrix.profile", supported = listOf("org.matrix.devices_list")) }
    assertEquals("account.action_unsupported", unsupported.code)
}

fun registration() {
    val check = checkRedirectUri("com.exampleevil:/cb", "https://example.com/", ApplicationType.NATIVE)
    assertFalse(check.valid)
    assertEquals("redirect_uri.scheme", check.violation)
    assertTrue(checkRedirectUri("com.example:/cb", "https://example.com/", ApplicationType.NATIVE).valid)
    val late = checkRedirectUri("https://example.com/cb", "https://example.com/", ApplicationType.WEB, RedirectStage.AUTHORIZATION, listOf("https://example.com/other"))
    assertEquals("redirect_uri.not_registered", late.violation)
    assertEquals("input.invalid", assertFailsWith<AuthzException.InvalidInput> { checkRedirectUri("x:/", "http://example.com/", ApplicationType.NATIVE) }.code)

    assertEquals(emptyList(), validateClientMetadata("""{"client_uri": "https://example.com/", "grant_types": []}""").violations)
    assertEquals(listOf("metadata.invalid_type"), validateClientMetadata("null").violations)
    val server = """{"authorization_endpoint": "https://account.example.com/oauth2/auth"}"""
    val report = validateServerMetadata(server)
    assertFalse(report.valid)
    assertTrue("issuer.missing" in report.violations)
    assertEquals((Json.parse(evaluate("server_metadata.validate", """{"metadata": $server}""")) as Map<*, *>)["violations"], report.violations)
    assertFailsWith<AuthzException.InvalidInput> { validateServerMetadata("{") }
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
            "decisions" to ::decisions,
            "decisions explain themselves" to ::decisionsExplainThemselves,
            "the HTTP answer carries no explanation" to ::httpAnswerCarriesNoExplanation,
            "errors carry paths" to ::errorsCarryPaths,
            "the runner compares paths" to ::runnerComparesPaths,
            "grants" to ::grants,
            "client helpers" to ::clientHelpers,
            "registration checks" to ::registration,
            "huge strings" to ::hugeStrings,
            "lone surrogates" to ::loneSurrogates,
            "NUL characters" to ::nulCharacters,
            "null means absent" to ::nullMeansAbsent,
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
