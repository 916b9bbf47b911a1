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
