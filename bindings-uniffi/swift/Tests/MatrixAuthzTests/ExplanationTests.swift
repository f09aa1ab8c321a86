// Why this answer, from Swift: every DecisionResult carries `step`, `reason` and `setting`
// (expected values from DECISIONS.md's step table and the README's reason table), and the HTTP
// answer built from it never does. Errors carry `path`, a JSON pointer, where one place is at
// fault, and the conformance runner compares it when a vector pins it.
import Foundation
import MatrixAuthz
import MatrixAuthzConformance
import XCTest

private let client = "/_matrix/client/v3"
private let deviceScope = "urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ"
private let now: Int64 = 1_750_000_000

/// One request, the explanation the tables give for it, and the step-up body fields it sends.
private struct Explained {
    let label: String
    let decision: DecisionKind
    let step: UInt8
    let reason: String
    let setting: String?
    var stepUpFields: Set<String> = []
    let run: () throws -> DecisionResult
}

private func under(_ document: String, _ request: DecideRequest) throws -> DecisionResult {
    try Policy.fromJson(json: document).decide(request: request)
}

private let explained: [Explained] = [
    Explained(label: "a CORS preflight", decision: .allow, step: 0, reason: "request.preflight", setting: nil) {
        try decide(request: DecideRequest(method: "OPTIONS", path: "\(client)/sync"))
    },
    Explained(label: "no token on /sync", decision: .deny, step: 4, reason: "token.missing", setting: nil) {
        try decide(request: DecideRequest(method: "GET", path: "\(client)/sync"))
    },
    Explained(label: "a guest creating a room", decision: .deny, step: 12, reason: "guest.endpoint_not_allowed", setting: nil) {
        try decide(request: DecideRequest(method: "POST", path: "\(client)/createRoom", token: TokenInfo(scope: deviceScope, guest: true)))
    },
    Explained(label: "a cross-signing reset without approval", decision: .uia, step: 15, reason: "cross_signing.needs_approval", setting: nil) {
        let context = RequestContext(crossSigning: CrossSigningState(), accountManagementUri: "https://account.example.org/", uiaSession: "s")
        return try decide(request: DecideRequest(method: "POST", path: "\(client)/keys/device_signing/upload", token: TokenInfo(scope: deviceScope), context: context))
    },
    Explained(label: "an unknown path under unknown_endpoints deny", decision: .deny, step: 16, reason: "endpoint.unknown", setting: "unknown_endpoints") {
        try under(#"{"unknown_endpoints": "deny"}"#, DecideRequest(method: "GET", path: "\(client)/no/such/endpoint", token: TokenInfo(scope: deviceScope)))
    },
    Explained(label: "max_age without auth_time", decision: .stepUp, step: 17, reason: "step_up.auth_time_missing", setting: "step_up[0]", stepUpFields: ["max_age"]) {
        try under(#"{"step_up": [{"endpoints": ["createRoom"], "max_age": 300}]}"#,
                  DecideRequest(method: "POST", path: "\(client)/createRoom", token: TokenInfo(scope: deviceScope), now: now))
    },
    // The second rule is the first that covers createRoom, so it is the one named.
    Explained(label: "an acr the second rule does not accept", decision: .stepUp, step: 17, reason: "step_up.acr_not_accepted", setting: "step_up[1]", stepUpFields: ["acr_values"]) {
        try under(#"{"step_up": [{"endpoints": ["sync"], "max_age": 60}, {"endpoints": ["createRoom"], "acr_values": ["urn:example:mfa"]}]}"#,
                  DecideRequest(method: "POST", path: "\(client)/createRoom", token: TokenInfo(scope: deviceScope, acr: "urn:example:password"), now: now))
    },
    Explained(label: "max_age passed, acr_values too", decision: .stepUp, step: 17, reason: "step_up.max_age_exceeded", setting: "step_up[0]", stepUpFields: ["acr_values", "max_age"]) {
        try under(#"{"step_up": [{"endpoints": ["createRoom"], "max_age": 300, "acr_values": ["urn:example:mfa"]}]}"#,
                  DecideRequest(method: "POST", path: "\(client)/createRoom", token: TokenInfo(scope: deviceScope, authTime: now - 301, acr: "urn:example:mfa"), now: now))
    },
    Explained(label: "a full token on /sync", decision: .allow, step: 18, reason: "request.allowed", setting: nil) {
        try decide(request: DecideRequest(method: "GET", path: "\(client)/sync", token: TokenInfo(scope: deviceScope)))
    },
]

/// DECISIONS.md "Output": the body's keys per kind (step-up adds acr_values and max_age as sent).
private func bodyKeys(_ explained: Explained) -> Set<String>? {
    switch explained.decision {
    case .allow: return nil
    case .deny: return ["errcode", "error"]
    case .uia: return ["flows", "params", "session"]
    case .stepUp: return Set(["errcode", "error"]).union(explained.stepUpFields)
    }
}

/// The error `call` throws, if it is an AuthzError.
private func authzError(_ call: () throws -> Void) -> AuthzError? {
    do {
        try call()
        return nil
    } catch {
        return error as? AuthzError
    }
}

final class ExplanationTests: XCTestCase {
    func testDecisionsExplainThemselves() throws {
        for expected in explained {
            let result = try expected.run()
            XCTAssertEqual(result.decision, expected.decision, expected.label)
            XCTAssertEqual(result.step, expected.step, expected.label)
            XCTAssertEqual(result.reason, expected.reason, expected.label)
            XCTAssertEqual(result.setting, expected.setting, expected.label)
        }
    }

    func testTheHttpAnswerCarriesNoExplanation() throws {
        for expected in explained {
            let result = try expected.run()
            let keys = try result.body.map { text -> Set<String> in
                Set(((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]).keys)
            }
            XCTAssertEqual(keys, bodyKeys(expected), "\(expected.label): body keys")
            let names = Set(result.headers.map(\.name))
            XCTAssertTrue(names.isEmpty || names == ["www-authenticate"], "\(expected.label): header names \(names)")
            if expected.decision == .allow { XCTAssertTrue(names.isEmpty, "\(expected.label): an allow sends no headers") }
            // The explanation is on the result, not hidden in a header value or the body text either.
            let sent = (result.body ?? "") + result.headers.map(\.value).joined()
            XCTAssertFalse(sent.contains(expected.reason), "\(expected.label): the reason leaked into the answer")
        }
    }

    func testErrorsCarryPaths() {
        let wrongType = authzError { _ = try evaluate(op: "request.decide", inputJson: #"{"method": "GET", "path": "/x", "token": {"scope": 5}}"#) }
        XCTAssertEqual(wrongType?.code, "input.invalid")
        XCTAssertEqual(wrongType?.path, "/token/scope")
        guard case .InvalidInput = wrongType else { return XCTFail("expected .InvalidInput, got \(String(describing: wrongType))") }
        let document = #"{"step_up": [{"endpoints": ["sync"], "max_age": "x"}]}"#
        let policy = authzError { _ = try Policy.fromJson(json: document) }
        XCTAssertEqual(policy?.code, "policy.invalid")
        XCTAssertEqual(policy?.path, "/step_up/0/max_age")
        // The same pointer when the policy arrives inside an op's input: it points into the document.
        let inline = authzError { _ = try evaluate(op: "request.decide", inputJson: #"{"policy": \#(document), "method": "GET", "path": "/x"}"#) }
        XCTAssertEqual(inline?.code, "policy.invalid")
        XCTAssertEqual(inline?.path, "/step_up/0/max_age")
        let badScope = authzError { _ = try Scope(text: "openid  email") }
        XCTAssertEqual(badScope?.code, "scope.empty_token")
        XCTAssertNotNil(badScope)
        XCTAssertNil(badScope?.path)
    }

    func testTheRunnerComparesPaths() {
        func testCase(_ expect: [String: Any]) -> [String: Any] {
            ["id": "t", "op": "request.decide", "input": ["method": "GET", "path": "/x", "token": ["scope": 5]], "expect": expect]
        }
        let (right, answer) = runCase(testCase(["error": "input.invalid", "path": "/token/scope"]))
        XCTAssertTrue(right, "answer \(answer)")
        XCTAssertEqual(answer["path"] as? String, "/token/scope")
        XCTAssertFalse(runCase(testCase(["error": "input.invalid", "path": "/token/active"])).0)
        // Without `path` in the vector, only the code counts.
        XCTAssertTrue(runCase(testCase(["error": "input.invalid"])).0)
        XCTAssertFalse(runCase(testCase(["error": "policy.invalid", "path": "/token/scope"])).0)
    }
}
