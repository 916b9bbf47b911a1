import Foundation
import GRDB

/// Group commit for ``SQLiteStore``: verdict commits that arrive while a write transaction runs are
/// collected and written together in the next one, each in its own savepoint (a commit that throws,
/// such as a nonce already used, rolls back only itself). Every caller resumes only after the
/// transaction holding its commit has committed (with `synchronous=full`, after the WAL fsync):
/// no answer is sent before its verdict is durable, and concurrent verdicts share one fsync and
/// one hop to GRDB's writer queue.
final class CommitBatcher: @unchecked Sendable {
    typealias Work = @Sendable (Database) throws -> Void
    private struct Item {
        let work: Work
        let done: CheckedContinuation<Void, any Error>
    }

    private let pool: DatabasePool
    private let lock = NSLock()
    private var pending: [Item] = []
    private var flushing = false
    /// Called when a group transaction fails as a whole (nothing of it was written).
    private let onTransactionFailure: @Sendable () -> Void

    init(pool: DatabasePool, onTransactionFailure: @escaping @Sendable () -> Void = {}) {
        self.pool = pool
        self.onTransactionFailure = onTransactionFailure
    }

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
        while true {
            let batch: [Item] = lock.withLock {
                let b = pending
                pending = []
                if b.isEmpty { flushing = false }
                return b
            }
            if batch.isEmpty { return }
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
