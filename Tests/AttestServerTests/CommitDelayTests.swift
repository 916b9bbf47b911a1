@testable import AttestServer
import Foundation
import GRDB
import Testing
import TestSupport

/// The group commit's delay: after a transaction that carried two or more commits, the next one
/// waits and gathers the commits that arrive meanwhile into one transaction; a lone commit never
/// waits. Every caller still resumes only once its own transaction committed.
@Suite struct CommitDelayTests {
    let dir = TempDir("commit-delay")

    func pool() throws -> DatabasePool {
        let pool = try DatabasePool(path: dir.file("b-\(UUID().uuidString).db").path)
        try pool.write { try $0.execute(sql: "CREATE TABLE t (x INTEGER NOT NULL)") }
        return pool
    }

    func count(_ pool: DatabasePool) throws -> Int { try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") ?? -1 } }

    /// The delays the batcher took, each held open until the test opens its gate.
    final class Pauses: @unchecked Sendable {
        private let lock = NSLock()
        private var taken: [Duration] = []
        let gate = DispatchSemaphore(value: 0)
        var count: Int { lock.withLock { taken.count } }
        var durations: [Duration] { lock.withLock { taken } }
        func pause(_ d: Duration) async {
            lock.withLock { taken.append(d) }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async { self.gate.wait(); c.resume() }
            }
        }
    }

    @Test func afterABatchTheNextTransactionGathersWhatArrivesDuringTheDelay() async throws {
        let pool = try pool()
        let pauses = Pauses()
        let batcher = CommitBatcher(pool: pool, delay: .milliseconds(3), recordBatches: true, pause: pauses.pause)
        let gate = DispatchSemaphore(value: 0)
        // c1's transaction is held open until c2 and c3 are queued behind it.
        async let c1: Void = batcher.commit { db in
            gate.wait()
            try db.execute(sql: "INSERT INTO t VALUES (1)")
        }
        while batcher.batchSizes.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        async let c2: Void = batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (2)") }
        async let c3: Void = batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (3)") }
        while batcher.pendingCount < 2 { try await Task.sleep(for: .milliseconds(2)) }
        gate.signal()
        _ = try await (c1, c2, c3)
        #expect(try count(pool) == 3)
        // After a batch of one, no delay; after [c2, c3] the next transaction waits (held here):
        // c4 and c5, sent one after the other meanwhile, share it.
        while pauses.count < 1 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(pauses.durations == [.milliseconds(3)])
        async let c4: Void = batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (4)") }
        while batcher.pendingCount < 1 { try await Task.sleep(for: .milliseconds(2)) }
        async let c5: Void = batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (5)") }
        while batcher.pendingCount < 2 { try await Task.sleep(for: .milliseconds(2)) }
        pauses.gate.signal()
        _ = try await (c4, c5)
        #expect(batcher.batchSizes == [1, 2, 2])
        #expect(try count(pool) == 5)
        // The [c4, c5] transaction waits again before the loop ends.
        while pauses.count < 2 { try await Task.sleep(for: .milliseconds(2)) }
        pauses.gate.signal()
    }

    @Test func aLoneCommitNeverWaits() async throws {
        let pool = try pool()
        let pauses = Pauses()
        let batcher = CommitBatcher(pool: pool, delay: .seconds(60), recordBatches: true, pause: pauses.pause)
        for i in 1...3 {
            try await batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [i]) }
            // Committed when the call returns.
            #expect(try count(pool) == i)
        }
        #expect(batcher.batchSizes == [1, 1, 1])
        #expect(pauses.count == 0)
    }

    @Test func aFailingCommitInADelayedBatchRollsBackOnlyItself() async throws {
        let pool = try pool()
        let batcher = CommitBatcher(pool: pool, delay: .milliseconds(200), recordBatches: true)
        struct Refused: Error {}
        async let a: Void = batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (1)") }
        async let b: Void = batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (2)") }
        _ = try await (a, b)
        let bad = Task { try await batcher.commit { db in
            try db.execute(sql: "INSERT INTO t VALUES (99)")
            throw Refused()
        } }
        try await batcher.commit { db in try db.execute(sql: "INSERT INTO t VALUES (3)") }
        await #expect(throws: Refused.self) { try await bad.value }
        #expect(try count(pool) == 3)
        let rows = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT x FROM t ORDER BY x") }
        #expect(rows == [1, 2, 3])
    }
}
