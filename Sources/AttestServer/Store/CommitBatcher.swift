import Foundation
import GRDB

/// Group commit for ``SQLiteStore``: verdict commits that arrive while a write transaction runs are
/// collected and written together in the next one, each in its own savepoint (a commit that throws,
/// such as a nonce already used, rolls back only itself). Every caller resumes only after the
/// transaction holding its commit has committed (with `synchronous=full`, after the WAL fsync):
/// no answer is sent before its verdict is durable, and concurrent verdicts share one fsync and
/// one hop to GRDB's writer queue.
///
/// Under load the next transaction waits `delay` before it collects its batch (a commit delay, as
/// PostgreSQL's `commit_delay` with `commit_siblings`): only after a transaction that carried two or
/// more commits, so a lone commit, or the first after a quiet spell, never waits. The wait gathers
/// the commits of attestations already being verified into one transaction: fewer, larger
/// transactions (one fsync, one WAL append and one hop each) cost less CPU per verdict.
final class CommitBatcher: @unchecked Sendable {
    typealias Work = @Sendable (Database) throws -> Void
    private struct Item {
        let work: Work
        let done: CheckedContinuation<Void, any Error>
    }

    private let pool: DatabasePool
    /// How long a transaction waits for more commits after one that carried two or more (0: never).
    let delay: Duration
    private let lock = NSLock()
    /// The size of every batch written, oldest first, kept only when `recordBatches` (tests).
    private var batches: [Int] = []
    private let recordBatches: Bool
    /// How the delay is waited (a sleep; tests hold it open on a gate).
    private let pause: @Sendable (Duration) async -> Void
    private var pending: [Item] = []
    private var flushing = false
    /// Called when a group transaction fails as a whole (nothing of it was written).
    private let onTransactionFailure: @Sendable () -> Void

    init(pool: DatabasePool, delay: Duration = .zero, recordBatches: Bool = false,
         pause: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
         onTransactionFailure: @escaping @Sendable () -> Void = {}) {
        self.pool = pool
        self.delay = max(.zero, delay)
        self.recordBatches = recordBatches
        self.pause = pause
        self.onTransactionFailure = onTransactionFailure
    }

    /// The sizes of the batches written so far (only with `recordBatches`).
    var batchSizes: [Int] { lock.withLock { batches } }
    /// Commits waiting for the next transaction.
    var pendingCount: Int { lock.withLock { pending.count } }

    /// Runs `work` in the next group transaction; returns once that transaction committed, or throws
    /// `work`'s own error (its savepoint rolled back) or the transaction's.
    func commit(_ work: @escaping Work) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let start = lock.withLock {
                pending.append(Item(work: work, done: done))
                if flushing { return false }
                flushing = true
                return true
            }
            if start { Task { await self.flushLoop() } }
        }
    }

    /// Writes batches until none is waiting; one flush loop at a time.
    private func flushLoop() async {
        var previous = 0
        while true {
            if previous >= 2, delay > .zero { await pause(delay) }
            let batch: [Item] = lock.withLock {
                let b = pending
                pending = []
                if b.isEmpty { flushing = false }
                if recordBatches, !b.isEmpty { batches.append(b.count) }
                return b
            }
            if batch.isEmpty { return }
            previous = batch.count
            let results: [Result<Void, any Error>]
            do {
                results = try await pool.write { db in
                    batch.map { item in
                        Result { try db.inSavepoint { try item.work(db); return .commit } }
                    }
                }
            } catch {
                // The transaction itself failed: nothing of this batch was written.
                onTransactionFailure()
                results = batch.map { _ in .failure(error) }
            }
            for (item, result) in zip(batch, results) { item.done.resume(with: result) }
        }
    }
}
