@testable import hostattest
import Foundation
import NIOCore
import NIOPosix
import Testing

/// The load generator's task executor: a task that prefers a host's event loop resumes there after a
/// continuation is resumed from another thread (not on Swift's global pool).
@Suite struct EventLoopTaskExecutorTests {
    @Test func resumptionsRunOnThePreferredLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let onLoop = await withTaskGroup(of: [Bool].self) { tasks in
            tasks.addTask(executorPreference: EventLoopTaskExecutor(loop: loop)) {
                var seen = [loop.inEventLoop]
                for _ in 0..<5 {
                    // Resumed from a Dispatch thread, as a timer or another library would.
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        DispatchQueue.global().async { c.resume() }
                    }
                    seen.append(loop.inEventLoop)
                }
                return seen
            }
            return await tasks.next() ?? []
        }
        try await group.shutdownGracefully()
        #expect(onLoop.count == 6 && onLoop.allSatisfy { $0 })
    }
}
