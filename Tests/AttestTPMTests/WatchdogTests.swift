import Foundation
import Testing
@testable import AttestTPM

/// The watchdog that bounds every tpm2-tss call.
@Suite struct WatchdogTests {
    final class Token: Sendable {}

    /// When `run` returns, its worker has ended and released the work and its result: nothing it held
    /// can still be alive at process exit (LeakSanitizer reported exactly that when the worker was a
    /// Foundation `Thread` that was never joined).
    @Test func theWorkerHasReleasedEverythingWhenRunReturns() throws {
        for _ in 0..<200 {
            weak var captured: Token?
            weak var returned: Token?
            try {
                let input = Token()
                captured = input
                let output = try Watchdog.run(seconds: 30, "test") { () -> Token in
                    _ = input
                    return Token()
                }
                returned = output
                #expect(returned != nil)
            }()
            #expect(captured == nil, "the worker still holds its closure")
            #expect(returned == nil, "the worker still holds its result")
        }
    }

    @Test func anErrorOfTheWorkIsRethrown() {
        struct Failure: Error {}
        #expect(throws: Failure.self) { try Watchdog.run(seconds: 30, "test") { () throws -> Int in throw Failure() } }
    }

    @Test func aWorkerThatDoesNotAnswerIsATimeout() {
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        #expect { try Watchdog.run(seconds: 1, "blocked call") { release.wait() } } throws: { e in
            guard let e = e as? TPMError else { return false }
            return e.code == TPMError.timeout && "\(e)".contains("blocked call")
        }
    }
}
