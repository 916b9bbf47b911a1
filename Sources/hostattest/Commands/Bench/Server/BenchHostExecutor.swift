import NIOCore

/// Where a simulated host's rounds run: an actor whose executor is the event loop of the host's
/// connection. The round's code (quote, request, verdict), the channel handler and the resumption of
/// the round's continuation then share one thread, so a round costs no hop between Swift's
/// cooperative pool and the event loop (each hop was a futex or eventfd wake-up).
actor BenchHostExecutor {
    let loop: any EventLoop
    nonisolated let unownedExecutor: UnownedSerialExecutor

    init(loop: any EventLoop) {
        self.loop = loop
        unownedExecutor = loop.executor.asUnownedSerialExecutor()
    }
}

/// A host's event loop as the task executor its round task prefers: a continuation resumed on the
/// loop (a response arrived, a timer fired) resumes the task on the same loop instead of Swift's
/// global pool (a futex wake-up there, then an eventfd wake-up back to the loop for the actor).
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
