import AttestWire
import Foundation

/// The host rows an attestation reads, kept in memory by ``SQLiteStore`` so that a re-attesting
/// host's verdict needs no read transaction (and no hop to GRDB's reader queue) before its commit.
///
/// Outside the writer it is a hint: an attestation reads it before verifying, and its commit checks
/// the host again inside its write transaction, refusing a verdict computed on a stale row
/// (``HostRecord/commitConflict(current:verdict:)``, a consumed nonce). So a stale entry can cost a
/// rejection of a racing attestation, never admit one.
///
/// On the writer it is exact, and the commit uses it instead of reading the row: entries are changed
/// only from inside write transactions, in the writer's order (one connection, one queue). A verdict's
/// commit puts the row it wrote, as its last step (a savepoint that rolls back never reaches it);
/// every admin change of a host (insert, update, revoke, regroup, delete) removes its entry before
/// writing; a group transaction that fails as a whole (nothing of it written) empties the cache
/// before the next one starts. So within a write transaction an entry is the row as that connection
/// sees it, and a missing entry means "read the row". Reads that miss go to the database and do not
/// fill the cache (a read could otherwise put back a row that a write just replaced), and nothing
/// else may write the hosts table while the store is open (one server per file: `serve` holds a
/// lock). Rows are kept without their last verdict (the commit does not need it); the cache holds
/// at most `capacity` hosts.
final class HostRowCache: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [String: HostRecord] = [:]
    let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = max(0, capacity) }

    func row(id: String) -> HostRecord? { lock.withLock { rows[id] } }

    /// Called from inside the write transaction that wrote `row`.
    func put(_ row: HostRecord) {
        var row = row
        row.lastVerdict = nil
        lock.withLock {
            if rows[row.id] == nil, rows.count >= capacity {
                guard let victim = rows.keys.first else { return }
                rows.removeValue(forKey: victim)
            }
            rows[row.id] = row
        }
    }

    func remove(id: String) { _ = lock.withLock { rows.removeValue(forKey: id) } }
    func removeAll() { lock.withLock { rows.removeAll(keepingCapacity: true) } }
    var count: Int { lock.withLock { rows.count } }
}
