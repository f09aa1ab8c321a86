// The conformance vectors through `evaluate` (FORMAT.md "Runners"): core/conformance/*.json under
// MATRIX_AUTHZ_ROOT (else the working directory) and, when MATRIX_AUTHZ_VECTORS names a folder,
// every *.json in it. Codes are compared, never messages; an error's `path` too when the vector
// pins one (FORMAT.md v4).
import Foundation
import MatrixAuthz

public struct ConformanceReport {
    public var passed = 0
    public var failures: [String] = []
    /// `N passed, N failed`.
    public var summary: String { "\(passed) passed, \(failures.count) failed" }
    /// Green: at least one case, none failed.
    public var ok: Bool { passed > 0 && failures.isEmpty }
}

/// FORMAT.md's subset pattern: objects by named keys, arrays element by element, else equal.
public func matches(_ pattern: Any, _ actual: Any) -> Bool {
    switch (pattern, actual) {
    case let (p as [String: Any], a as [String: Any]):
        return p.allSatisfy { key, value in a[key].map { matches(value, $0) } ?? false }
    case let (p as [Any], a as [Any]):
        return p.count == a.count && zip(p, a).allSatisfy { matches($0, $1) }
    case (is [String: Any], _), (is [Any], _), (_, is [String: Any]), (_, is [Any]):
        return false
    default:
        // Scalars: compare their JSON text, which keeps `true` apart from `1` on every platform
        // (JSONSerialization hands both out as NSNumber on Darwin).
        return jsonText(pattern) == jsonText(actual)
    }
}

private func jsonText(_ value: Any?) -> String {
    guard let value else { return "null" }
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) else {
        return "\(value)"
    }
    return String(decoding: data, as: UTF8.self)
}

/// Runs one case: whether it passed, and the answer as `{"ok": ...}`, `{"error": CODE}` or, when
/// the error points at a place, `{"error": CODE, "path": POINTER}`.
public func runCase(_ testCase: [String: Any]) -> (Bool, [String: Any]) {
    let op = testCase["op"] as? String ?? ""
    var answer: [String: Any]
    do {
        // `input_json`: the input as JSON text, for what host values cannot hold (a number past
        // a double); handed over as it is.
        let input = testCase["input_json"] as? String ?? jsonText(testCase["input"] ?? NSNull())
        let result = try evaluate(op: op, inputJson: input)
        answer = ["ok": try JSONSerialization.jsonObject(with: Data(result.utf8), options: [.fragmentsAllowed])]
    } catch let error as AuthzError {
        answer = ["error": error.code]
        if let path = error.path { answer["path"] = path }
    } catch {
        answer = ["error": "not JSON: \(error)"]
    }
    guard let expect = testCase["expect"] as? [String: Any] else { return (false, answer) }
    switch (expect["ok"], expect["error"]) {
    case let (pattern?, nil):
        return (answer["ok"].map { matches(pattern, $0) } ?? false, answer)
    case let (nil, code?):
        // A vector may pin the error's `path` too; then both must match.
        let pathMatches = expect["path"].map { path in path is String && (answer["path"] as? String) == (path as? String) } ?? true
        return ((answer["error"] as? String) == (code as? String) && code is String && pathMatches, answer)
    default:
        return (false, answer)
    }
}

public func vectorFiles(root: URL) -> [URL] {
    var folders = [root.appendingPathComponent("core/conformance")]
    if let extra = ProcessInfo.processInfo.environment["MATRIX_AUTHZ_VECTORS"], !extra.isEmpty {
        folders.append(URL(fileURLWithPath: extra))
    }
    return folders.flatMap { folder -> [URL] in
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }
}

/// The repository root: MATRIX_AUTHZ_ROOT, else the working directory.
public func repoRoot() -> URL {
    URL(fileURLWithPath: ProcessInfo.processInfo.environment["MATRIX_AUTHZ_ROOT"] ?? FileManager.default.currentDirectoryPath)
}

/// Runs every case of every file.
public func runConformance(root: URL = repoRoot()) -> ConformanceReport {
    var report = ConformanceReport()
    var seen = Set<String>()
    for file in vectorFiles(root: root) {
        guard let data = try? Data(contentsOf: file),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = doc["cases"] as? [Any]
        else {
            report.failures.append("FAIL \(file.path): expected a vector file got unreadable JSON or no `cases` array")
            continue
        }
        for item in cases {
            let testCase = item as? [String: Any] ?? [:]
            let expected = jsonText(testCase["expect"])
            guard let id = testCase["id"] as? String, !id.isEmpty, seen.insert(id).inserted else {
                report.failures.append("FAIL \(testCase["id"] ?? "null"): expected \(expected) got a missing or repeated id")
                continue
            }
            let (ok, answer) = runCase(testCase)
            if ok {
                report.passed += 1
            } else {
                report.failures.append("FAIL \(id): expected \(expected) got \(jsonText(answer))")
            }
        }
    }
    return report
}
