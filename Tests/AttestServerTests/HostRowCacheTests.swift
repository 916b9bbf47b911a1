@testable import AttestServer
import AttestWire
import Foundation
import GRDB
import Testing
import TestSupport

/// The SQLite store's in-memory host rows: a hint kept in the writer's order, bounded, never holding
/// a last verdict; emptied when a group transaction fails.
@Suite struct HostRowCacheTests {
    let dir = TempDir("rowcache")

    func host(_ name: String) -> HostRecord {
        HostRecord(id: UUID().uuidString, name: name, group: "g", state: .enrolled, ekPublic: [1], ekFingerprint: "ek-\(name)", ekBasis: "allowlist",
                   akPublic: [2], akName: "000b", secretHash: nil, enrolledAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    func verdict(_ hostID: String) -> Verdict {
        Verdict(attestationId: UUID().uuidString, hostId: hostID, status: .admitted, at: "2026-01-01T00:00:00Z", findings: [], notes: [], baseline: nil, token: nil)
    }

    @Test func boundedAndWithoutVerdicts() {
        let cache = HostRowCache(capacity: 3)
        var rows = (0..<5).map { host("h\($0)") }
        rows[0].lastVerdict = verdict(rows[0].id)
        for r in rows { cache.put(r) }
        #expect(cache.count == 3)
        cache.put(rows[4])
        #expect(cache.count == 3 && cache.row(id: rows[4].id) != nil)
        cache.removeAll()
        cache.put(rows[0])
        #expect(cache.row(id: rows[0].id)?.lastVerdict == nil && cache.row(id: rows[0].id)?.name == "h0")
        cache.remove(id: rows[0].id)
        #expect(cache.row(id: rows[0].id) == nil && cache.count == 0)
        #expect(HostRowCache(capacity: 0).count == 0)
        let none = HostRowCache(capacity: 0)
        none.put(rows[1])
        #expect(none.count == 0)
    }

    /// Only commits fill it; admin changes empty the host's entry; plain reads leave it alone.
    @Test func filledByCommitsEmptiedByAdminChanges() async throws {
        let store = try SQLiteStore(path: dir.file("a.db").path)
        let h = host("one")
        try await store.insertHost(h)
        _ = try await store.host(id: h.id)
        _ = try await store.attestationContext(hostID: h.id, nonce: [1])
        #expect(store.rowCache.row(id: h.id) == nil)
        let next = NonceRecord(nonce: [UInt8](repeating: 9, count: 32), hostId: h.id, expiresAt: Date().addingTimeInterval(60))
        var admitted = h
        admitted.state = .admitted
        admitted.lastVerdict = verdict(h.id)
        try await store.commit(verdict: admitted.lastVerdict!, host: admitted, consumingNonce: nil, issuing: next)
        let cached = try #require(store.rowCache.row(id: h.id))
        #expect(cached.state == .admitted && cached.nextChallenge?.nonce == next.nonce && cached.lastVerdict == nil)
        _ = try await store.revokeHost(id: h.id)
        #expect(store.rowCache.row(id: h.id) == nil)
    }

    /// A group transaction that fails as a whole calls back (the store then empties its cache): here
    /// another connection holds the write lock and the pool does not wait, so BEGIN IMMEDIATE fails.
    @Test func aFailedGroupTransactionIsReported() async throws {
        let path = dir.file("busy.db").path
        _ = try SQLiteStore(path: path)
        let pool = try DatabasePool(path: path, configuration: Configuration())  // busyMode: immediateError
        let holder = try DatabaseQueue(path: path)
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? holder.write { db in
                try db.execute(sql: "INSERT INTO nonces (nonce, hostId, expiresAt) VALUES (x'02', 'h', 0)")
                inside.signal()
                release.wait()
            }
        }
        inside.wait()
        let failures = Counter()
        let batcher = CommitBatcher(pool: pool, onTransactionFailure: { failures.add() })
        await #expect(throws: (any Error).self) {
            try await batcher.commit { db in try db.execute(sql: "INSERT INTO nonces (nonce, hostId, expiresAt) VALUES (x'01', 'h', 0)") }
        }
        release.signal()
        #expect(failures.value == 1)
        // Once the lock is free the same commit goes through, with no further callback.
        try await batcher.commit { db in try db.execute(sql: "INSERT INTO nonces (nonce, hostId, expiresAt) VALUES (x'01', 'h', 0)") }
        #expect(failures.value == 1)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.withLock { n += 1 } }
        var value: Int { lock.withLock { n } }
    }
}
