// The Swift conformance runner: one line per failing case, `N passed, N failed` last, exit 1 on
// any failure, zero cases or a repeated id.
import Foundation
import MatrixAuthzConformance

let report = runConformance()
report.failures.forEach { print($0) }
print(report.summary)
exit(report.ok ? 0 : 1)
