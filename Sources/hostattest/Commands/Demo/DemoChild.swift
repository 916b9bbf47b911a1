import Foundation

/// What a finished child printed and how it exited.
struct DemoChildResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var timedOut: Bool
    var text: String { String(decoding: stdout, as: UTF8.self) }
    /// The last line of stderr (else stdout), for a table cell.
    var lastLine: String {
        let lines = (stderr.isEmpty ? text : stderr).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return String((lines.last ?? "").prefix(160))
    }
}

/// Runs one child process of the demo with standard input from /dev/null, its output in files of
/// the work folder's `logs/` (no pipe can fill up and block it), and a deadline: a child still
/// running then is stopped and reported as timed out. Never hangs.
struct DemoChild {
    let logs: URL
    let cleanup: DemoCleanup
    private static let counter = Counter()

    func run(_ executable: String, _ arguments: [String], label: String, environment: [String: String]? = nil,
             timeout: TimeInterval = 300) async throws -> DemoChildResult {
        cleanup.parkIfInterrupted()
        let n = Self.counter.next()
        let number = String(repeating: "0", count: max(0, 3 - String(n).count)) + String(n)
        let base = logs.appendingPathComponent(number + "-" + label.filter { $0.isLetter || $0.isNumber || $0 == "-" })
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = out
        p.standardError = err
        try p.run()
        cleanup.started(p)
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        let timedOut = p.isRunning
        if timedOut { DemoCleanup.stop(p.processIdentifier) }
        p.waitUntilExit()
        cleanup.ended(p)
        cleanup.parkIfInterrupted()
        return DemoChildResult(status: timedOut ? -1 : p.terminationStatus, stdout: (try? Data(contentsOf: outURL)) ?? Data(),
                               stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "", timedOut: timedOut)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int { lock.withLock { n += 1; return n } }
    }
}
