// The typed API from Swift: scopes, device ids, login scopes, policies, decisions, grants, client
// helpers, registration checks, errors, evaluate.
import Foundation
import MatrixAuthz
import MatrixAuthzConformance
import XCTest

private let api = "urn:matrix:client:api:*"
private let apiUnstable = "urn:matrix:org.matrix.msc2967.client:api:*"
private let deviceScope = "\(api) urn:matrix:client:device:ABCDEFGHIJ"
private let account = "https://account.example.org/account/"

/// JSON text parsed to Foundation values.
private func parse(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

/// A JSON value written with sorted keys, for comparing two values.
private func canonical(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
}

/// The field of a JSON object result of `evaluate`.
private func field(_ op: String, _ input: String, _ name: String) throws -> Any? {
    (try parse(try evaluate(op: op, inputJson: input)) as? [String: Any])?[name]
}

/// A typed decision in the shape of the `request.decide` JSON result.
private func asEvaluated(_ r: DecisionResult) throws -> Any {
    let kind: String
    switch r.decision {
    case .allow: kind = "allow"
    case .deny: kind = "deny"
    case .uia: kind = "uia"
    case .stepUp: kind = "step_up"
    }
    var out: [String: Any] = [
        "decision": kind,
        "status": r.status.map { Int($0) } ?? NSNull(),
        "errcode": r.errcode ?? NSNull(),
        "headers": Dictionary(uniqueKeysWithValues: r.headers.map { ($0.name, $0.value) }),
        "body": try r.body.map(parse) ?? NSNull(),
        "endpoint": r.endpoint ?? NSNull(),
        "device": r.device ?? NSNull(),
        "synapse_admin": r.synapseAdmin,
        "account_url": r.accountUrl ?? NSNull(),
        "step": Int(r.step),
        "reason": r.reason,
        "setting": r.setting ?? NSNull(),
    ]
    if let consumes = r.consumesApproval { out["consumes_approval"] = consumes }
    return out
}

/// Whether the typed decision equals `evaluate("request.decide", input)`.
private func assertMatchesEvaluate(_ r: DecisionResult, _ input: String, file: StaticString = #filePath, line: UInt = #line) throws {
    XCTAssertEqual(try canonical(try asEvaluated(r)), try canonical(try parse(try evaluate(op: "request.decide", inputJson: input))), file: file, line: line)
}

final class TypedApiTests: XCTestCase {
    func testScopeParts() throws {
        let scope = try Scope(text: "urn:matrix:client:device:ABCDEFGHIJ openid \(api)")
        XCTAssertEqual(scope.tokens(), ["openid", api, "urn:matrix:client:device:ABCDEFGHIJ"])
        XCTAssertEqual(scope.canonical(), "openid \(api) urn:matrix:client:device:ABCDEFGHIJ")
        XCTAssertEqual("\(scope)", scope.canonical())
        XCTAssertTrue(scope.hasApi())
        XCTAssertEqual(scope.deviceId(), "ABCDEFGHIJ")
        XCTAssertFalse(scope.synapseAdmin())
        XCTAssertEqual(scope.namespaces(), [.stable])
        XCTAssertEqual(scope.size(), 3)
        XCTAssertEqual(scope.parts().map(\.kind), [.openId, .api(namespace: .stable), .device(namespace: .stable, deviceId: "ABCDEFGHIJ")])
    }

    func testNormalizeAndSatisfies() throws {
        let granted = try Scope(text: "\(apiUnstable) openid")
        XCTAssertEqual(granted.normalize(form: .both).tokens(), ["openid", api, apiUnstable])
        XCTAssertEqual(granted.normalize(form: .stable), try Scope(text: "openid \(api)"))
        XCTAssertTrue(granted.satisfies(required: try Scope(text: api)))
        XCTAssertEqual(granted.missing(required: try Scope(text: "email \(api)")), ["email"])
        XCTAssertFalse(granted.satisfies(required: try Scope(text: "email")))
        XCTAssertTrue(Scope.empty().satisfies(required: Scope.empty()))
    }

    func testErrorsCarryCodes() {
        do {
            _ = try Scope(text: "openid  email")
            XCTFail("a doubled space must fail")
        } catch let error as AuthzError {
            XCTAssertEqual(error.code, "scope.empty_token")
            XCTAssertEqual(error.detail, "the scope has an empty token at byte 7 (a leading, trailing or doubled space)")
            XCTAssertEqual(error.localizedDescription, error.detail)
            XCTAssertEqual(error.description, error.detail)
            guard case .InvalidScope = error else { return XCTFail("expected .InvalidScope, got \(error)") }
        } catch {
            XCTFail("expected an AuthzError, got \(error)")
        }
        XCTAssertThrowsError(try Scope(text: "")) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "scope.empty")
        }
    }

    func testPolicies() throws {
        let synapse = Policy.preset(preset: .synapse)
        XCTAssertEqual(try Scope(text: "openid  email", policy: synapse).tokens(), ["email", "openid"])
        XCTAssertEqual(synapse.basePreset(), .synapse)
        _ = try Policy.fromJson(json: #"{"preset": "mas", "approval": "single_use"}"#)
        XCTAssertThrowsError(try Policy.fromJson(json: #"{"preset": "nope"}"#)) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "policy.unknown_preset")
        }
    }

    func testDeviceIds() throws {
        try validateDeviceId(deviceId: "ABCDEFGHIJ")
        XCTAssertThrowsError(try validateDeviceId(deviceId: "short", policy: .preset(preset: .mas))) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "device_id.too_short")
        }
        XCTAssertEqual(try generateDeviceId(entropy: Data([0, 1, 61, 62, 248, 255, 2]), length: 5), "AB9AC")
        XCTAssertThrowsError(try generateDeviceId(entropy: Data([248]), length: 1)) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "entropy.insufficient")
        }
        let random = try generateRandomDeviceId()
        XCTAssertEqual(random.count, 10)
        XCTAssertTrue(random.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        XCTAssertEqual(try generateRandomDeviceId(length: 24).count, 24)
        XCTAssertThrowsError(try generateRandomDeviceId(length: 0)) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "input.invalid")
        }
    }

    func testLoginScope() throws {
        let login = try loginScope(device: .id(deviceId: "ABCDEFGHIJ"), form: .both, extra: ["openid"])
        XCTAssertEqual(login.deviceId, "ABCDEFGHIJ")
        XCTAssertEqual(login.scope.size(), 5)
        let drawn = try loginScope(device: .entropy(bytes: Data(0..<10)))
        XCTAssertEqual(drawn.deviceId, "ABCDEFGHIJ")
        XCTAssertEqual(drawn.scope.canonical(), "\(api) urn:matrix:client:device:ABCDEFGHIJ")
        XCTAssertEqual(try loginScope(device: .random).deviceId.count, 10)
        XCTAssertThrowsError(try loginScope(device: .id(deviceId: "ABCDEFGHIJ"), extra: [""])) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "scope.empty_token")
        }
    }

    func testEvaluate() throws {
        let result = try JSONSerialization.jsonObject(with: Data(try evaluate(op: "scope.parse", inputJson: #"{"scope": "openid"}"#).utf8))
        XCTAssertEqual((result as? [String: Any])?["canonical"] as? String, "openid")
        XCTAssertThrowsError(try evaluate(op: "no.such.op", inputJson: "{}")) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "op.unknown")
        }
        XCTAssertThrowsError(try evaluate(op: "scope.parse", inputJson: "[")) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "input.invalid")
        }
        XCTAssertTrue(operations().contains("request.decide"))
        let envelope = try JSONSerialization.jsonObject(with: Data(evaluateJson(op: "scope.parse", inputJson: #"{"scope": ""}"#).utf8))
        XCTAssertEqual(((envelope as? [String: Any])?["error"] as? [String: Any])?["code"] as? String, "scope.empty")
    }
}

final class DecisionTests: XCTestCase {
    func testAllowAndDenyMatchEvaluate() throws {
        let allowed = try decide(request: DecideRequest(method: "GET", path: "/_matrix/client/v3/sync", token: TokenInfo(scope: deviceScope)))
        XCTAssertEqual(allowed.decision, .allow)
        XCTAssertNil(allowed.status)
        XCTAssertEqual(allowed.endpoint, "sync")
        XCTAssertEqual(allowed.device, "ABCDEFGHIJ")
        try assertMatchesEvaluate(allowed, #"{"method": "GET", "path": "/_matrix/client/v3/sync", "token": {"scope": "\#(deviceScope)"}}"#)
        let denied = try decide(request: DecideRequest(method: "GET", path: "/_matrix/client/v3/sync"))
        XCTAssertEqual(denied.decision, .deny)
        XCTAssertEqual(denied.status, 401)
        XCTAssertEqual(denied.errcode, "M_MISSING_TOKEN")
        try assertMatchesEvaluate(denied, #"{"method": "GET", "path": "/_matrix/client/v3/sync"}"#)
    }

    func testUiaAndAccountUrl() throws {
        let context = RequestContext(crossSigning: CrossSigningState(), accountManagementUri: account, uiaSession: "sess-1")
        let uia = try decide(request: DecideRequest(method: "POST", path: "/_matrix/client/v3/keys/device_signing/upload", token: TokenInfo(scope: deviceScope), context: context))
        XCTAssertEqual(uia.decision, .uia)
        XCTAssertEqual((try parse(uia.body ?? "null") as? [String: Any])?["session"] as? String, "sess-1")
        XCTAssertEqual(uia.consumesApproval, false)
        let legacy = try decide(request: DecideRequest(method: "POST", path: "/_matrix/client/v3/account/deactivate", token: TokenInfo(scope: deviceScope), context: RequestContext(accountManagementUri: account)))
        XCTAssertEqual(legacy.accountUrl, "\(account)?action=org.matrix.account_deactivate")
    }

    func testStepUpOnAPolicy() throws {
        let document = #"{"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]}"#
        let request = DecideRequest(method: "POST", path: "/_matrix/client/v3/createRoom", token: TokenInfo(scope: deviceScope, authTime: 1_749_999_000), now: 1_750_000_000)
        let result = try Policy.fromJson(json: document).decide(request: request)
        XCTAssertEqual(result.decision, .stepUp)
        XCTAssertEqual(result.errcode, "M_INSUFFICIENT_USER_AUTHENTICATION")
        XCTAssertEqual(result.headers.map(\.name), ["www-authenticate"])
        try assertMatchesEvaluate(result, #"{"policy": \#(document), "method": "POST", "path": "/_matrix/client/v3/createRoom", "token": {"scope": "\#(deviceScope)", "auth_time": 1749999000}, "now": 1750000000}"#)
    }

    func testErrors() {
        XCTAssertThrowsError(try decide(request: DecideRequest(method: "GET", path: "/_matrix/client/v3/sync", token: TokenInfo()))) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "input.invalid")
            guard case .InvalidInput = error as? AuthzError else { return XCTFail("expected .InvalidInput, got \(error)") }
        }
    }

    func testGrants() throws {
        let granted = try decideGrant(scope: deviceScope, grantType: .authorizationCode)
        XCTAssertTrue(granted.allowed)
        XCTAssertEqual(granted.granted?.canonical(), deviceScope)
        XCTAssertEqual(granted.device, "ABCDEFGHIJ")
        let refused = try Policy.preset(preset: .mas).decideGrant(scope: deviceScope, grantType: .clientCredentials)
        XCTAssertFalse(refused.allowed)
        XCTAssertNil(refused.granted)
        let input = #"{"policy": "mas", "scope": "\#(deviceScope)", "grant_type": "client_credentials"}"#
        XCTAssertEqual(try field("grant.decide", input, "violations") as? [String], refused.violations)
        // FORMAT.md v4: the tokens each violation concerns, in the order of `violations` (README Grants).
        XCTAssertEqual(refused.violations, ["grant.api_not_interactive"])
        XCTAssertEqual(refused.violationTokens, [[api, "urn:matrix:client:device:ABCDEFGHIJ"]])
        XCTAssertEqual(granted.violationTokens, [])
        XCTAssertEqual(try decideGrant(scope: api, grantType: .deviceCode, entropy: Data(0..<10)).device, "ABCDEFGHIJ")
        XCTAssertThrowsError(try decideGrant(scope: "openid  email", grantType: .authorizationCode)) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "scope.empty_token")
        }
    }
}

final class ClientHelperTests: XCTestCase {
    func testInterpretResponse() throws {
        let uia = #"{"session": "s", "flows": [{"stages": ["m.oauth"]}], "params": {"m.oauth": {"url": "https://a.example/m"}}}"#
        XCTAssertEqual(try interpretResponse(status: 401, body: uia), .openUrl(url: "https://a.example/m", session: "s"))
        XCTAssertEqual(try interpretResponse(status: 429, headers: [Header(name: "retry-after", value: "3")]), .retry(retryAfterMs: 3000))
        let challenge = #"Bearer error="insufficient_user_authentication", acr_values="urn:x urn:y", max_age="60""#
        let action = try interpretResponse(status: 401, headers: [Header(name: "WWW-Authenticate", value: challenge)])
        XCTAssertEqual(action, .reauthenticate(acrValues: "urn:x urn:y", maxAge: 60, scope: nil))
        XCTAssertEqual(try interpretResponse(status: 401, body: #"{"errcode": "M_UNKNOWN_TOKEN", "soft_logout": true}"#), .refresh)
        XCTAssertThrowsError(try interpretResponse(status: 200)) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "input.invalid")
        }
    }

    func testAccountUrl() throws {
        let url = try accountUrl(accountManagementUri: account, action: "org.matrix.device_view", deviceId: "ABCDEFGHIJ")
        let input = #"{"account_management_uri": "\#(account)", "action": "org.matrix.device_view", "device_id": "ABCDEFGHIJ"}"#
        XCTAssertEqual(try field("account.url", input, "url") as? String, url)
        XCTAssertEqual(try accountUrl(accountManagementUri: account, action: "org.matrix.devices_list", supported: ["org.matrix.sessions_list"]), "\(account)?action=org.matrix.sessions_list")
        XCTAssertThrowsError(try accountUrl(accountManagementUri: account, action: "org.matrix.profile", supported: ["org.matrix.devices_list"])) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "account.action_unsupported")
        }
    }

    func testRegistrationChecks() throws {
        let check = try checkRedirectUri(redirectUri: "com.exampleevil:/cb", clientUri: "https://example.com/", applicationType: .native)
        XCTAssertEqual(check, RedirectCheck(valid: false, violation: "redirect_uri.scheme"))
        XCTAssertTrue(try checkRedirectUri(redirectUri: "com.example:/cb", clientUri: "https://example.com/", applicationType: .native).valid)
        let late = try checkRedirectUri(redirectUri: "https://example.com/cb", clientUri: "https://example.com/", applicationType: .web, stage: .authorization, registered: ["https://example.com/other"])
        XCTAssertEqual(late.violation, "redirect_uri.not_registered")
        XCTAssertThrowsError(try checkRedirectUri(redirectUri: "x:/", clientUri: "http://example.com/", applicationType: .native)) { error in
            XCTAssertEqual((error as? AuthzError)?.code, "input.invalid")
        }
        XCTAssertEqual(try validateClientMetadata(metadataJson: #"{"client_uri": "https://example.com/", "grant_types": []}"#), MetadataReport(valid: true, violations: []))
        XCTAssertEqual(try validateClientMetadata(metadataJson: "null").violations, ["metadata.invalid_type"])
        let server = #"{"authorization_endpoint": "https://account.example.com/oauth2/auth"}"#
        let report = try validateServerMetadata(metadataJson: server)
        XCTAssertFalse(report.valid)
        XCTAssertTrue(report.violations.contains("issuer.missing"))
        XCTAssertEqual(try field("server_metadata.validate", #"{"metadata": \#(server)}"#, "violations") as? [String], report.violations)
        XCTAssertThrowsError(try validateServerMetadata(metadataJson: "{"))
    }
}

final class ConformanceTests: XCTestCase {
    func testVectors() {
        let report = runConformance()
        XCTAssertGreaterThan(report.passed, 0)
        XCTAssertEqual(report.failures, [], report.failures.joined(separator: "\n"))
    }
}
