import Foundation

/// Runs blocking TPM calls on a worker thread and gives up after a deadline, so that an unreachable
/// TPM (a TCTI blocked in connect or read) fails with `tpm.timeout` instead of hanging the caller.
///
/// After a timeout the worker may still be blocked inside tpm2-tss: the owner must not use (or free)
/// that ESAPI context again — ``TSSDevice`` marks itself broken and leaks the context by design.
///
/// A worker that answers in time is joined before `run` returns: it has released everything it held
/// (its closure, the result box) by then. A worker still running when the process exits would race
/// its own teardown against the exit, which LeakSanitizer reports as a leak of whatever it held; a
/// Foundation `Thread` cannot be joined, so the worker is a plain POSIX thread.
enum Watchdog {
    /// What the worker and the caller share: the work and, when it is done, its result.
    final class Job<T>: @unchecked Sendable {
        let work: () throws -> T
        var result: Result<T, Error>?
        let done = DispatchSemaphore(value: 0)
        init(_ work: @escaping () throws -> T) { self.work = work }
    }

    /// The type-erased entry point of a worker: `Unmanaged` holds a `+1` on the job until it has run.
    final class Entry: @unchecked Sendable {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    static func run<T>(seconds: TimeInterval, _ what: @autoclosure () -> String, _ body: @escaping () throws -> T) throws -> T {
        let job = Job(body)
        let entry = Entry {
            let r: Result<T, Error>
            do { r = .success(try job.work()) } catch { r = .failure(error) }
            job.result = r
            job.done.signal()
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 1 << 20)
        let context = Unmanaged.passRetained(entry).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { raw in
            let entry = Unmanaged<Entry>.fromOpaque(raw!).takeRetainedValue()
            entry.run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Entry>.fromOpaque(context).release()
            throw TPMError(TPMError.unreachable, "\(what()): cannot start a worker thread (error \(created))")
        }
        guard job.done.wait(timeout: .now() + seconds) == .success else {
            // Still blocked inside tpm2-tss: let it finish (or not) on its own.
            pthread_detach(thread)
            throw TPMError(TPMError.timeout, "\(what()): no answer within \(Int(seconds)) s")
        }
        pthread_join(thread, nil)
        guard let result = job.result else {
            throw TPMError(TPMError.unreachable, "\(what()): the worker ended without an answer")
        }
        return try result.get()
    }
}
