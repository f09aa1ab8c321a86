// What the JVM's types let through to the binding, and exactly what comes back. Kotlin's non-null
// parameters refuse `null` at compile time, so only optional parameters take it (as absent). A
// string reaches the engine whole, however long: the engine's own limits answer, with its own
// codes. A lone surrogate never reaches it: uniffi's generated lowering encodes every string
// with a UTF-8 encoder that reports malformed input, so the call throws the JVM's
// `MalformedInputException` (not an `AuthzException`), before anything crosses. NUL is a
// character like any other.
package org.matrix.authz.test

import java.nio.charset.MalformedInputException
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import org.matrix.authz.AuthzException
import org.matrix.authz.Policy
import org.matrix.authz.Scope
import org.matrix.authz.accountUrl
import org.matrix.authz.checkRedirectUri
import org.matrix.authz.code
import org.matrix.authz.decide
import org.matrix.authz.decideGrant
import org.matrix.authz.evaluate
import org.matrix.authz.evaluateJson
import org.matrix.authz.interpretResponse
import org.matrix.authz.loginScope
import org.matrix.authz.validateDeviceId
import org.matrix.authz.core.ApplicationType
import org.matrix.authz.core.DecideRequest
import org.matrix.authz.core.GrantType
import org.matrix.authz.core.LoginDevice
import org.matrix.authz.core.TokenInfo

/** The largest `scope_limits.max_bytes` a policy may set. */
const val SCOPE_CEILING = 1 shl 20

fun hugeStrings() {
    val past = "a".repeat(SCOPE_CEILING + 1)
    assertEquals("scope.too_long", assertFailsWith<AuthzException.InvalidScope> { Scope(past) }.code)
    val wide = Policy.fromJson("""{"scope_limits": {"max_bytes": $SCOPE_CEILING}}""")
    assertEquals(1u, Scope(past.substring(1), wide).size())
    assertEquals("scope.too_long", assertFailsWith<AuthzException.InvalidScope> { Scope(past, wide) }.code)
    // 64 Mi characters: copied in whole (uniffi has no cap of its own), refused by the engine.
    val enormous = "a".repeat(64 shl 20)
    assertEquals("scope.too_long", assertFailsWith<AuthzException.InvalidScope> { Scope(enormous) }.code)
    assertEquals("device_id.too_long", assertFailsWith<AuthzException.InvalidDeviceId> { validateDeviceId("A".repeat(4097)) }.code)
    // In a request, a token's scope that does not parse is a decision: the token is unknown.
    val denied = decide(DecideRequest("GET", "/_matrix/client/v3/sync", token = TokenInfo(scope = past)))
    assertEquals(401.toUShort(), denied.status)
    assertEquals("M_UNKNOWN_TOKEN", denied.errcode)
    assertEquals("scope.too_long", assertFailsWith<AuthzException.InvalidScope> { evaluate("scope.parse", """{"scope": "$past"}""") }.code)
    assertEquals("openid", Scope("openid").canonical())
}

fun loneSurrogates() {
    assertFailsWith<MalformedInputException> { Scope("openid \uD800") }
    assertFailsWith<MalformedInputException> { validateDeviceId("AB\uDC00CD") }
    // A string inside a record goes through the same encoder.
    assertFailsWith<MalformedInputException> { decide(DecideRequest("GET", "/_matrix/client/v3/sync\uD800")) }
    // Even the call that never throws an AuthzException: the JVM throws before it runs.
    assertFailsWith<MalformedInputException> { evaluateJson("scope.parse", "{\"scope\": \"\uDBFF\"}") }
    // Written as a JSON escape, the surrogate reaches the engine's JSON reader, which refuses it.
    assertEquals("input.invalid", assertFailsWith<AuthzException.InvalidInput> { evaluate("scope.parse", """{"scope": "\ud800"}""") }.code)
    // A surrogate pair is an ordinary character (outside the scope alphabet).
    assertEquals("scope.invalid_char", assertFailsWith<AuthzException.InvalidScope> { Scope("openid \uD83D\uDE00") }.code)
    assertEquals("openid", Scope("openid").canonical())
}

fun nulCharacters() {
    assertEquals("scope.invalid_char", assertFailsWith<AuthzException.InvalidScope> { Scope("openid\u0000") }.code)
    assertEquals("device_id.invalid_char", assertFailsWith<AuthzException.InvalidDeviceId> { validateDeviceId("AB\u0000CD") }.code)
    val answer = evaluateJson("scope.parse", "{\"scope\": \"openid\\u0000\"}")
    assertEquals(true, answer.contains("\"scope.invalid_char\""), answer)
}

fun nullMeansAbsent() {
    assertEquals(Scope("openid"), Scope("openid", null))
    validateDeviceId("ABCDEFGHIJ", null)
    assertEquals(accountUrl(ACCOUNT, "org.matrix.profile"), accountUrl(ACCOUNT, "org.matrix.profile", null))
    val uri = "https://example.com/cb"
    assertEquals(checkRedirectUri(uri, "https://example.com/", ApplicationType.WEB), checkRedirectUri(uri, "https://example.com/", ApplicationType.WEB, null))
    val device = LoginDevice.Id("ABCDEFGHIJ")
    assertEquals(loginScope(device).scope, loginScope(device, null, listOf(), null).scope)
    val entropy = ByteArray(10) { it.toByte() }
    assertEquals(decideGrant(API, GrantType.DEVICE_CODE, entropy = entropy), decideGrant(API, GrantType.DEVICE_CODE, false, false, entropy, null))
    assertEquals(interpretResponse(401u), interpretResponse(401u, listOf(), null))
    val sync = DecideRequest("GET", "/_matrix/client/v3/sync", token = TokenInfo(scope = DEVICE_SCOPE))
    assertEquals(decide(sync), decide(sync, null))
    assertEquals(decide(DecideRequest("GET", "/_matrix/client/v3/sync")), decide(DecideRequest("GET", "/_matrix/client/v3/sync", null, null, null, null, null)))
}
