import Foundation

/// Shared counters of the measured window (a lock: a few thousand updates a second).
final class BenchCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var windowStart: UInt64 = .max
    private var windowEnd: UInt64 = .max
    private var _stopped = false
    private(set) var admitted = 0
    private(set) var rejected = 0
    private(set) var errors = 0
    /// All rounds, counted or not (for progress).
    private(set) var total = 0
    private(set) var firstProblem: String?

    var stopped: Bool { lock.withLock { _stopped } }
    func stop() { lock.withLock { _stopped = true } }
    func openWindow(at t: UInt64) { lock.withLock { windowStart = t; admitted = 0 } }
    func closeWindow(at t: UInt64) { lock.withLock { windowEnd = t } }
    func snapshot() -> (total: Int, admitted: Int, rejected: Int, errors: Int, firstProblem: String?) {
        lock.withLock { (total, admitted, rejected, errors, firstProblem) }
    }

    /// Counts a verdict; true when it ended inside the measured window (its latency counts).
    func record(admitted ok: Bool, end: UInt64, problem: String?) -> Bool {
        lock.withLock {
            total += 1
            // A rejection is reported whenever it happens (warm-up included): the bench is wrong then.
            if !ok { rejected += 1; if firstProblem == nil { firstProblem = "rejected: \(problem ?? "no reason given")" } }
            guard end >= windowStart, end <= windowEnd else { return false }
            if ok { admitted += 1 }
            return ok
        }
    }

    func error(_ text: String) {
        lock.withLock {
            errors += 1
            if firstProblem == nil { firstProblem = text }
        }
    }
}
