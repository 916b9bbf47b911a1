import Foundation

/// What every step uses: the executable, the repository paths, the work folder and the child runner.
struct DemoContext {
    let paths: DemoPaths
    let work: URL
    let child: DemoChild
    let cleanup: DemoCleanup

    func path(_ relative: String) -> String { work.appendingPathComponent(relative).path }

    /// Runs `hostattest ARGS` as a child.
    func hostattest(_ arguments: [String], label: String, timeout: TimeInterval = 300) async throws -> DemoChildResult {
        try await child.run(paths.executable, arguments, label: label, timeout: timeout)
    }

    /// Runs `hostattest ARGS`; an exit status other than 0 ends the step with what it printed.
    @discardableResult
    func must(_ arguments: [String], label: String, timeout: TimeInterval = 300) async throws -> DemoChildResult {
        let r = try await hostattest(arguments, label: label, timeout: timeout)
        guard r.status == 0 else { throw StepFailure(r.timedOut ? "\(label) timed out" : "\(label) exited \(r.status): \(r.lastLine)") }
        return r
    }
}

/// Ends a step with what actually happened (the row's "got").
struct StepFailure: Error { var got: String; init(_ got: String) { self.got = got } }
