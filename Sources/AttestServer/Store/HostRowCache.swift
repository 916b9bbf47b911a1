import AttestWire
import Foundation

/// The host rows an attestation reads, kept in memory by ``SQLiteStore`` so that a re-attesting
/// host's verdict needs no read transaction (and no hop to GRDB's reader queue) before its commit.
///
/// It is a hint, never the authority: every commit re-reads the host inside its write transaction
/// and refuses a verdict computed on a stale row (``HostRecord/commitConflict(current:verdict:)``,
/// a consumed nonce). So a stale entry can cost a rejection of a racing attestation, never admit one.
/// Entries are written only from inside write transactions, in the writer's order: a verdict's
/// commit puts the row it wrote; every admin change of a host removes its entry; a failed
/// transaction empties the cache. Reads that miss go to the database and do not fill the cache
/// (a read could otherwise put back a row that a write just replaced). Rows are kept without their
/// last verdict; the cache holds at most `capacity` hosts.
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
