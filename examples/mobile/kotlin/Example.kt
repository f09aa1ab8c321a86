// The web example's flow in Kotlin (Android, or any JVM): a login scope with a fresh device id,
// account-management links, and what to do about a homeserver's 401 answers. Prints each step,
// checks each result, and exits 1 when a check fails.
//
//   bash examples/mobile/run.sh kotlin
//
// Kotlin's standard library has no JSON, so this uses the conformance tests' small `Json`
// helper; an app would use kotlinx.serialization or org.json.
import kotlin.system.exitProcess
import org.matrix.authz.AuthzException
import org.matrix.authz.core.LoginDevice
import org.matrix.authz.evaluate
import org.matrix.authz.loginScope
import org.matrix.authz.test.Json

const val ACCOUNT = "https://auth.example.org/account/"
var failures = 0

fun check(name: String, ok: Boolean, detail: Any?) {
    println("  ${if (ok) "ok" else "FAILED"}: $name${if (ok) "" else " ($detail)"}")
    if (!ok) failures++
}

/** One JSON operation of the engine, on and to plain maps. */
fun op(name: String, input: Map<String, Any?>): Map<*, *> = Json.parse(evaluate(name, Json.write(input))) as Map<*, *>

fun main() {
    println("login")
    // A fresh device id from the platform's secure random source, in the login scope (MSC2967).
    val login = loginScope(LoginDevice.Random, extra = listOf("openid"))
    val scope = login.scope.canonical()
    println("  device id: ${login.deviceId}")
    println("  scope: $scope")
    check("the device id has 10 characters", Regex("[A-Za-z0-9]{10}").matches(login.deviceId), login.deviceId)
    check("the scope names the device", login.scope.contains("urn:matrix:client:device:${login.deviceId}"), scope)
    check("the scope asks for the client-server API", login.scope.hasApi(), scope)
    val again = loginScope(LoginDevice.Random)
    check("every login draws a fresh device id", again.deviceId != login.deviceId, again.deviceId)

    println("account management")
    // The server's `account_management_actions_supported`: this one only knows the unstable name
    // of device deletion, as MAS did.
    val supported = listOf("org.matrix.profile", "org.matrix.devices_list", "org.matrix.device_view", "org.matrix.session_end")
    fun link(action: String, deviceId: String? = null): String {
        val input = mutableMapOf<String, Any?>("account_management_uri" to ACCOUNT, "action" to action, "supported" to supported)
        if (deviceId != null) input["device_id"] = deviceId
        return op("account.url", input)["url"] as String
    }
    val profile = link("org.matrix.profile")
    val thisDevice = link("org.matrix.device_view", login.deviceId)
    val signOut = link("org.matrix.device_delete", login.deviceId)
    listOf("profile" to profile, "this device" to thisDevice, "sign this device out" to signOut).forEach { (label, url) -> println("  $label: $url") }
    check("device links carry the device id", thisDevice == "${ACCOUNT}?action=org.matrix.device_view&device_id=${login.deviceId}", thisDevice)
    check("an unsupported stable action falls back to its unstable name", signOut.contains("action=org.matrix.session_end"), signOut)
    try {
        link("org.matrix.account_deactivate")
        check("an action the server lacks is refused", false, "no error")
    } catch (e: AuthzException.UnsupportedAction) {
        check("an action the server lacks is refused", e.code == "account.action_unsupported", e.code)
    }

    println("401 answers")
    val uia = interpret("POST", "/_matrix/client/v3/keys/device_signing/upload", mapOf("scope" to scope))
    check("a cross-signing reset opens the account page", uia["action"] == "open_url" && uia["url"] == "${ACCOUNT}?action=org.matrix.cross_signing_reset", uia)
    check("and retries with the UIA session", uia["session"] == "session-1", uia)
    val stepUp = interpret("DELETE", "/_matrix/client/v3/room_keys/version/1", mapOf("scope" to scope, "auth_time" to 1700000000))
    check("a stale login re-authenticates within max_age", stepUp["action"] == "reauthenticate" && (stepUp["max_age"] as? Number)?.toInt() == 300, stepUp)
    val revoked = interpret("GET", "/_matrix/client/v3/account/whoami", mapOf("active" to false, "scope" to ""))
    check("a revoked token signs the client out", revoked["action"] == "logout", revoked)

    println(if (failures == 0) "all checks passed" else "$failures checks failed")
    if (failures != 0) exitProcess(1)
}

/**
 * The homeserver's answer to a request with this token, and what the client does about it. The
 * answer comes from the engine acting as a stand-in homeserver (as in the web example); an app
 * reads status, headers and body from its HTTP client instead.
 */
fun interpret(method: String, path: String, token: Map<String, Any?>): Map<*, *> {
    val answer = op("request.decide", mapOf(
        "policy" to mapOf("step_up" to listOf(mapOf("endpoints" to listOf("deleteRoomKeysVersion"), "max_age" to 300))),
        "method" to method,
        "path" to path,
        "token" to token,
        "context" to mapOf("account_management_uri" to ACCOUNT, "uia_session" to "session-1"),
        "now" to System.currentTimeMillis() / 1000,
    ))
    val action = op("client.interpret", mapOf("status" to answer["status"], "headers" to answer["headers"], "body" to answer["body"]))
    println("  $method $path -> ${answer["status"]} -> $action")
    return action
}
