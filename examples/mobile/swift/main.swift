// The web example's flow in Swift (iOS, macOS or Linux): a login scope with a fresh device id,
// account-management links, and what to do about a homeserver's 401 answers. Prints each step,
// checks each result, and exits 1 when a check fails.
//
//   bash examples/mobile/run.sh swift
import Foundation
import MatrixAuthz

let account = "https://auth.example.org/account/"
var failures = 0

func check(_ name: String, _ ok: Bool, _ detail: Any) {
    print("  \(ok ? "ok" : "FAILED"): \(name)\(ok ? "" : " (\(detail))")")
    if !ok { failures += 1 }
}

/// One JSON operation of the engine, on and to plain dictionaries.
func op(_ name: String, _ input: [String: Any]) throws -> [String: Any] {
    let text = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
    let result = try evaluate(op: name, inputJson: text)
    return try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any] ?? [:]
}

/// The homeserver's answer to a request with this token, and what the client does about it. The
/// answer comes from the engine acting as a stand-in homeserver (as in the web example); an app
/// reads status, headers and body from URLSession instead.
func interpret(_ method: String, _ path: String, token: [String: Any]) throws -> [String: Any] {
    let answer = try op("request.decide", [
        "policy": ["step_up": [["endpoints": ["deleteRoomKeysVersion"], "max_age": 300]]],
        "method": method,
        "path": path,
        "token": token,
        "context": ["account_management_uri": account, "uia_session": "session-1"],
        "now": Int(Date().timeIntervalSince1970),
    ])
    let action = try op("client.interpret", [
        "status": answer["status"] ?? NSNull(), "headers": answer["headers"] ?? [:], "body": answer["body"] ?? NSNull(),
    ])
    print("  \(method) \(path) -> \(answer["status"] ?? "?") -> \(action)")
    return action
}

func run() throws {
    print("login")
    // A fresh device id from the platform's secure random source, in the login scope (MSC2967).
    let login = try loginScope(device: .random, extra: ["openid"])
    let scope = login.scope.canonical()
    print("  device id: \(login.deviceId)")
    print("  scope: \(scope)")
    check("the device id has 10 characters",
          login.deviceId.count == 10 && login.deviceId.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, login.deviceId)
    check("the scope names the device", login.scope.contains(token: "urn:matrix:client:device:\(login.deviceId)"), scope)
    check("the scope asks for the client-server API", login.scope.hasApi(), scope)
    let again = try loginScope(device: .random)
    check("every login draws a fresh device id", again.deviceId != login.deviceId, again.deviceId)

    print("account management")
    // The server's `account_management_actions_supported`: this one only knows the unstable name
    // of device deletion, as MAS did.
    let supported = ["org.matrix.profile", "org.matrix.devices_list", "org.matrix.device_view", "org.matrix.session_end"]
    func link(_ action: String, deviceId: String? = nil) throws -> String {
        var input: [String: Any] = ["account_management_uri": account, "action": action, "supported": supported]
        if let deviceId { input["device_id"] = deviceId }
        return try op("account.url", input)["url"] as? String ?? ""
    }
    let profile = try link("org.matrix.profile")
    let thisDevice = try link("org.matrix.device_view", deviceId: login.deviceId)
    let signOut = try link("org.matrix.device_delete", deviceId: login.deviceId)
    for (label, url) in [("profile", profile), ("this device", thisDevice), ("sign this device out", signOut)] {
        print("  \(label): \(url)")
    }
    check("device links carry the device id",
          thisDevice == "\(account)?action=org.matrix.device_view&device_id=\(login.deviceId)", thisDevice)
    check("an unsupported stable action falls back to its unstable name", signOut.contains("action=org.matrix.session_end"), signOut)
    do {
        _ = try link("org.matrix.account_deactivate")
        check("an action the server lacks is refused", false, "no error")
    } catch AuthzError.UnsupportedAction(let code, _, _) {
        check("an action the server lacks is refused", code == "account.action_unsupported", code)
    }

    print("401 answers")
    let uia = try interpret("POST", "/_matrix/client/v3/keys/device_signing/upload", token: ["scope": scope])
    check("a cross-signing reset opens the account page",
          uia["action"] as? String == "open_url" && uia["url"] as? String == "\(account)?action=org.matrix.cross_signing_reset", uia)
    check("and retries with the UIA session", uia["session"] as? String == "session-1", uia)
    let stepUp = try interpret("DELETE", "/_matrix/client/v3/room_keys/version/1", token: ["scope": scope, "auth_time": 1_700_000_000])
    check("a stale login re-authenticates within max_age",
          stepUp["action"] as? String == "reauthenticate" && (stepUp["max_age"] as? NSNumber)?.intValue == 300, stepUp)
    let revoked = try interpret("GET", "/_matrix/client/v3/account/whoami", token: ["active": false, "scope": ""])
    check("a revoked token signs the client out", revoked["action"] as? String == "logout", revoked)
}

do {
    try run()
} catch {
    check("the example runs", false, error)
}
print(failures == 0 ? "all checks passed" : "\(failures) checks failed")
exit(failures == 0 ? 0 : 1)
