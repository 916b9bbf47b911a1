import Foundation

/// One row of the demo's table: what the step expected, what happened, and whether they agree.
struct DemoStep: Encodable {
    var step: Int
    var name: String
    var expected: String
    var got: String
    var ok: Bool
    var skipped: Bool = false
}

/// The demo's outcome: `--json` prints exactly this.
struct DemoReport: Encodable {
    var verdict: String
    var steps: [DemoStep]

    init(steps: [DemoStep]) {
        self.steps = steps
        verdict = steps.allSatisfy(\.ok) ? "verified" : "failed"
    }

    /// The table: step, expected, got, ok.
    var table: String {
        let headers = ["#", "step", "expected", "got", "ok"]
        let rows = steps.map { ["\($0.step)", $0.name, $0.expected, $0.got, $0.skipped ? "skip" : ($0.ok ? "yes" : "NO")] }
        let caps = [2, 28, 56, 78, 4]
        let widths = headers.indices.map { i in min(caps[i], ([headers[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.indices.map { i in
                let c = cells[i].count > widths[i] ? String(cells[i].prefix(widths[i] - 1)) + "…" : cells[i]
                return c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: " | ").trimmingCharacters(in: .whitespaces)
        }
        var out = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-")]
        out += rows.map(line)
        let failed = steps.filter { !$0.ok }
        if failed.isEmpty {
            out.append("\ndemo: every step behaved as expected (\(steps.filter(\.skipped).count) skipped)")
        } else {
            out.append("\ndemo: \(failed.count) step(s) did not behave as expected:")
            out += failed.map { "  - step \($0.step) (\($0.name)): expected \($0.expected), got \($0.got)" }
        }
        return out.joined(separator: "\n")
    }
}
