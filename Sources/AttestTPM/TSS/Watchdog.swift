import Foundation

/// Runs blocking TPM calls on a worker thread and gives up after a deadline, so that an unreachable
/// TPM (a TCTI blocked in connect or read) fails with `tpm.timeout` instead of hanging the caller.
///
/// After a timeout the worker may still be blocked inside tpm2-tss: the owner must not use (or free)
/// that ESAPI context again — ``TSSDevice`` marks itself broken and leaks the context by design.
enum Watchdog {
    final class Box<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }

    static func run<T>(seconds: TimeInterval, _ what: @autoclosure () -> String, _ body: @escaping () throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let work = body
        let thread = Thread {
            let r: Result<T, Error>
            do { r = .success(try work()) } catch { r = .failure(error) }
            box.result = r
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        guard done.wait(timeout: .now() + seconds) == .success, let result = box.result else {
            throw TPMError(TPMError.timeout, "\(what()): no answer within \(Int(seconds)) s")
        }
        return try result.get()
    }
}
