// The typed API from Swift: scopes, device ids, login scopes, policies, errors, evaluate.
import Foundation
import MatrixAuthz
import MatrixAuthzConformance
import XCTest

private let api = "urn:matrix:client:api:*"
private let apiUnstable = "urn:matrix:org.matrix.msc2967.client:api:*"

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
            XCTAssertEqual(error.message, "the scope has an empty token at byte 7 (a leading, trailing or doubled space)")
            XCTAssertEqual(error.localizedDescription, error.message)
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

final class ConformanceTests: XCTestCase {
    func testVectors() {
        let report = runConformance()
        XCTAssertGreaterThan(report.passed, 0)
        XCTAssertEqual(report.failures, [], report.failures.joined(separator: "\n"))
    }
}
