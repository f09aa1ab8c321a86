// What Swift's types let through to the binding, and exactly what comes back. Non-optional
// parameters cannot be nil; optional ones take nil as absent. A string reaches the engine whole,
// however long: the engine's own limits answer, with its own codes. A Swift `String` holds only
// Unicode scalars, so it cannot carry a lone surrogate: building one from UTF-16 with a lone
// surrogate already gives U+FFFD, which the engine then judges. NUL is a character like any other.
import Foundation
import MatrixAuthz
import XCTest

private let scopeCeiling = 1 << 20
private let sync = "/_matrix/client/v3/sync"

private func code(_ call: () throws -> Void) -> String? {
    do {
        try call()
        return nil
    } catch let error as AuthzError {
        return error.code
    } catch {
        return "not an AuthzError: \(error)"
    }
}

final class HostileInputTests: XCTestCase {
    func testHugeStrings() throws {
        let past = String(repeating: "a", count: scopeCeiling + 1)
        XCTAssertEqual(code { _ = try Scope(text: past) }, "scope.too_long")
        let wide = try Policy.fromJson(json: #"{"scope_limits": {"max_bytes": \#(scopeCeiling)}}"#)
        XCTAssertEqual(try Scope(text: String(past.dropFirst()), policy: wide).size(), 1)
        XCTAssertEqual(code { _ = try Scope(text: past, policy: wide) }, "scope.too_long")
        // 64 Mi characters: copied in whole (uniffi has no cap of its own), refused by the engine.
        XCTAssertEqual(code { _ = try Scope(text: String(repeating: "a", count: 64 << 20)) }, "scope.too_long")
        XCTAssertEqual(code { try validateDeviceId(deviceId: String(repeating: "A", count: 4097)) }, "device_id.too_long")
        // In a request, a token's scope that does not parse is a decision: the token is unknown.
        let denied = try decide(request: DecideRequest(method: "GET", path: sync, token: TokenInfo(scope: past)))
        XCTAssertEqual(denied.status, 401)
        XCTAssertEqual(denied.errcode, "M_UNKNOWN_TOKEN")
        XCTAssertEqual(code { _ = try evaluate(op: "scope.parse", inputJson: #"{"scope": "\#(past)"}"#) }, "scope.too_long")
        XCTAssertEqual(try Scope(text: "openid").canonical(), "openid")
    }

    func testNoLoneSurrogates() throws {
        let text = String(decoding: [0x6F, 0xD800] as [UInt16], as: UTF16.self)
        XCTAssertEqual(text, "o\u{FFFD}")
        XCTAssertEqual(code { _ = try Scope(text: "openid \(text)") }, "scope.invalid_char")
        // Written as a JSON escape, the surrogate reaches the engine's JSON reader, which refuses it.
        XCTAssertEqual(code { _ = try evaluate(op: "scope.parse", inputJson: #"{"scope": "\ud800"}"#) }, "input.invalid")
    }

    func testNulCharacters() {
        XCTAssertEqual(code { _ = try Scope(text: "openid\u{0}") }, "scope.invalid_char")
        XCTAssertEqual(code { try validateDeviceId(deviceId: "AB\u{0}CD") }, "device_id.invalid_char")
        XCTAssertTrue(evaluateJson(op: "scope.parse", inputJson: #"{"scope": "openid\u0000"}"#).contains("\"scope.invalid_char\""))
    }

    func testNilMeansAbsent() throws {
        XCTAssertEqual(try Scope(text: "openid"), try Scope(text: "openid", policy: nil))
        try validateDeviceId(deviceId: "ABCDEFGHIJ", policy: nil)
        let account = "https://account.example.org/account/"
        XCTAssertEqual(try accountUrl(accountManagementUri: account, action: "org.matrix.profile"),
                       try accountUrl(accountManagementUri: account, action: "org.matrix.profile", deviceId: nil))
        let uri = "https://example.com/cb", client = "https://example.com/"
        XCTAssertEqual(try checkRedirectUri(redirectUri: uri, clientUri: client, applicationType: .web),
                       try checkRedirectUri(redirectUri: uri, clientUri: client, applicationType: .web, stage: nil))
        let device = LoginDevice.id(deviceId: "ABCDEFGHIJ")
        XCTAssertEqual(try loginScope(device: device).scope, try loginScope(device: device, form: nil, policy: nil).scope)
        let entropy = Data(0..<10)
        XCTAssertEqual(try decideGrant(scope: "urn:matrix:client:api:*", grantType: .deviceCode, entropy: entropy).device,
                       try decideGrant(scope: "urn:matrix:client:api:*", grantType: .deviceCode, entropy: entropy, policy: nil).device)
        XCTAssertEqual(try interpretResponse(status: 401), try interpretResponse(status: 401, body: nil))
        let request = DecideRequest(method: "GET", path: sync, token: nil, context: nil, now: nil)
        XCTAssertEqual(try decide(request: request), try decide(request: DecideRequest(method: "GET", path: sync), policy: nil))
    }
}
