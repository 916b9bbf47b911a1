import AttestIO
import AttestWire
import Foundation
import GRDB

/// The embedded ``AttestationStore``: SQLite through GRDB, in WAL mode (a `DatabasePool`).
///
/// The audit tables (attestations, enrollment decisions) are append-only: triggers refuse UPDATE and
/// DELETE on them. A verdict, the
/// consumption of its nonce and the host's new state are written in one transaction.
public final class SQLiteStore: AttestationStore {
    private let pool: DatabasePool
    /// Verdict commits, grouped into shared transactions.
    private let batcher: CommitBatcher
    /// The rows of re-attesting hosts (a hint; every commit re-reads the host in its transaction).
    let rowCache: HostRowCache

    /// SQLite's `synchronous` setting in WAL mode (see Docs/design/attestation-server.md).
    public enum Synchronous: String, Sendable, CaseIterable {
        /// Every commit is fsynced to the WAL: durable across power loss.
        case full
        /// The WAL is fsynced only at checkpoints: durable across a crash or SIGKILL of the process
        /// (the OS holds the writes), but the last commits can be lost on power loss or a kernel crash.
        case normal
    }

    /// The writer's `synchronous` setting (set and read back at open).
    public let synchronous: Synchronous

    /// The writer connection's `PRAGMA synchronous` as SQLite reports it now (2 full, 1 normal).
    public func writerSynchronousLevel() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Files of this store whose group or other permission bits were taken off at open.
    public let tightened: [OwnerOnlyFile.Tightened]

    /// How long a group commit waits for more verdicts after one that carried two or more (0: never).
    public var commitDelay: Duration { batcher.delay }

    /// The default commit delay of `serve`: at 3,000 attestations/s it halves the transactions (and
    /// fsyncs) and cuts the server's CPU per attestation by about a tenth, for about 2 ms more median
    /// latency under load (README, "Server benchmark"); a lone request never waits.
    public static let defaultCommitDelayMs: Double = 2

    /// Opens (or creates) the store at `path`. The database holds the token signing keys, so it and
    /// its `-wal`, `-shm` and `-journal` files are made owner-only (0600) before SQLite opens them;
    /// a symbolic link or a non-regular file at `path` is refused. `commitDelay`: see ``CommitBatcher``.
    public init(path: String, synchronous: Synchronous = .full, commitDelay: Duration = .zero) throws {
        tightened = try OwnerOnlyFile.prepare(path, companions: ["-wal", "-shm", "-journal"])
        var config = Configuration()
        config.busyMode = .timeout(10)
        let pragma = "PRAGMA synchronous = \(synchronous == .full ? "FULL" : "NORMAL")"
        config.prepareDatabase { db in try db.execute(sql: pragma) }
        pool = try DatabasePool(path: path, configuration: config)
        // GRDB's pool sets `synchronous = NORMAL` on its writer when it turns WAL on, after
        // `prepareDatabase` ran: the writer's setting is made here, last, and read back.
        let wanted = synchronous == .full ? 2 : 1
        let actual = try pool.writeWithoutTransaction { db -> Int in
            try db.execute(sql: pragma)
            return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        guard actual == wanted else {
            throw DatabaseError(message: "SQLite refused PRAGMA synchronous = \(synchronous.rawValue) (it reads \(actual))")
        }
        self.synchronous = synchronous
        let cache = HostRowCache()
        rowCache = cache
        batcher = CommitBatcher(pool: pool, delay: commitDelay, onTransactionFailure: { cache.removeAll() })
        try migrator.migrate(pool)
    }

    private var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE hosts (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, grp TEXT NOT NULL, state TEXT NOT NULL,
                    ekPublic BLOB NOT NULL, ekFingerprint TEXT NOT NULL, ekBasis TEXT NOT NULL,
                    akPublic BLOB NOT NULL, akName TEXT NOT NULL, secretHash BLOB, enrolledAt DOUBLE NOT NULL,
                    lastAttestationAt DOUBLE, lastResetCount INTEGER, lastRestartCount INTEGER, lastClock INTEGER,
                    lastVerdict TEXT);
                CREATE TABLE nonces (nonce BLOB PRIMARY KEY, hostId TEXT NOT NULL, expiresAt DOUBLE NOT NULL, used INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX nonces_expiry ON nonces(expiresAt);
                CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, hostId TEXT NOT NULL,
                    at TEXT NOT NULL, status TEXT NOT NULL, verdict TEXT NOT NULL);
                CREATE INDEX audit_host ON audit(hostId, seq);
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TABLE baselines (id TEXT NOT NULL, grp TEXT NOT NULL, bytes BLOB NOT NULL, signature BLOB NOT NULL,
                    addedAt DOUBLE NOT NULL, PRIMARY KEY (id, grp));
                CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, privateKeyPEM TEXT NOT NULL, createdAt DOUBLE NOT NULL,
                    retired INTEGER NOT NULL DEFAULT 0);
                """)
        }
        m.registerMigration("v2-enrollment-audit") { db in
            try db.execute(sql: """
                CREATE TABLE enrollment_audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
                    name TEXT NOT NULL, grp TEXT NOT NULL, outcome TEXT NOT NULL, hostId TEXT, code TEXT, detail TEXT NOT NULL,
                    ekFingerprint TEXT, ekBasis TEXT, akName TEXT);
                CREATE TRIGGER enrollment_audit_no_update BEFORE UPDATE ON enrollment_audit BEGIN SELECT RAISE(ABORT, 'the enrollment audit is append-only'); END;
                CREATE TRIGGER enrollment_audit_no_delete BEFORE DELETE ON enrollment_audit BEGIN SELECT RAISE(ABORT, 'the enrollment audit is append-only'); END;
                """)
        }
        m.registerMigration("v3-chained-challenge") { db in
            // The verdict's next challenge lives in its host's row (no nonce-table insert, purge and
            // update per attestation); the unique index finds another host's one (`nonce.other-host`).
            try db.execute(sql: """
                ALTER TABLE hosts ADD COLUMN nextNonce BLOB;
                ALTER TABLE hosts ADD COLUMN nextNonceExpiresAt DOUBLE;
                ALTER TABLE hosts ADD COLUMN lastNonce BLOB;
                CREATE UNIQUE INDEX hosts_next_nonce ON hosts(nextNonce) WHERE nextNonce IS NOT NULL;
                """)
        }
        return m
    }

    private static func record(_ d: EnrollmentDecision, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO enrollment_audit (id, at, name, grp, outcome, hostId, code, detail, ekFingerprint, ekBasis, akName)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [d.id, d.at, d.name, d.group, d.outcome.rawValue, d.hostId, d.code, d.detail, d.ekFingerprint, d.ekBasis, d.akName])
    }

    private static let decoder = JSONDecoder()

    /// Every column of `hosts` but `lastVerdict` (``host(_:)`` then leaves it nil).
    private static let hostColumnsButVerdict = """
        id, name, grp, state, ekPublic, ekFingerprint, ekBasis, akPublic, akName, secretHash, enrolledAt,
        lastAttestationAt, lastResetCount, lastRestartCount, lastClock, nextNonce, nextNonceExpiresAt, lastNonce
        """

    /// A `hosts` row, by position (GRDB's by-name lookup lowercases every name: a measurable cost on
    /// the hot path): ``hostColumnsButVerdict``, then `lastVerdict` when selected. Decoded with GRDB's
    /// throwing accessors: a value of the wrong type or a NULL where the schema says NOT NULL (a
    /// hand-edited database) fails the request that read it (HTTP 500), never the process.
    private static func host(_ row: Row) throws -> HostRecord {
        func value<T: DatabaseValueConvertible>(_ i: Int, _ type: T.Type = T.self) throws -> T { try row.decode(T.self, atIndex: i) }
        var h = HostRecord(id: try value(0), name: try value(1), group: try value(2), state: HostState(rawValue: try value(3)) ?? .revoked,
                           ekPublic: Array(try value(4, Data.self)), ekFingerprint: try value(5), ekBasis: try value(6),
                           akPublic: Array(try value(7, Data.self)), akName: try value(8),
                           secretHash: try value(9, Data?.self).map(Array.init),
                           enrolledAt: Date(timeIntervalSince1970: try value(10)))
        h.lastAttestationAt = try value(11, Double?.self).map(Date.init(timeIntervalSince1970:))
        h.lastResetCount = try value(12, Int64?.self).map { UInt32(truncatingIfNeeded: $0) }
        h.lastRestartCount = try value(13, Int64?.self).map { UInt32(truncatingIfNeeded: $0) }
        h.lastClock = try value(14, Int64?.self).map { UInt64(bitPattern: $0) }
        if let nonce = try value(15, Data?.self), let expires = try value(16, Double?.self) {
            h.nextChallenge = NonceRecord(nonce: Array(nonce), hostId: h.id, expiresAt: Date(timeIntervalSince1970: expires))
        }
        h.lastChallenge = try value(17, Data?.self).map(Array.init)
        h.lastVerdict = row.count > 18 ? try value(18, String?.self).flatMap { try? decoder.decode(Verdict.self, from: Data($0.utf8)) } : nil
        return h
    }

    private static func verdictJSON(_ v: Verdict?) -> String? {
        v.map { String(decoding: $0.jsonBytes(), as: UTF8.self) }
    }

    public func insertHost(_ h: HostRecord, recording decision: EnrollmentDecision?) async throws {
        try await pool.write { db in
            if let id = try String.fetchOne(db, sql: "SELECT id FROM hosts WHERE name = ?", arguments: [h.name]) {
                throw StoreError.hostExists(id: id)
            }
            try db.execute(sql: """
                INSERT INTO hosts (id, name, grp, state, ekPublic, ekFingerprint, ekBasis, akPublic, akName, secretHash, enrolledAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [h.id, h.name, h.group, h.state.rawValue, Data(h.ekPublic), h.ekFingerprint, h.ekBasis,
                                 Data(h.akPublic), h.akName, h.secretHash.map { Data($0) }, h.enrolledAt.timeIntervalSince1970])
            self.rowCache.remove(id: h.id)
            if let decision { try Self.record(decision, in: db) }
        }
    }

    public func host(id: String) async throws -> HostRecord? {
        try await pool.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT \(Self.hostColumnsButVerdict), lastVerdict FROM hosts WHERE id = ?"), arguments: [id]).map { try Self.host($0) }
        }
    }

    public func host(name: String) async throws -> HostRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.hostColumnsButVerdict), lastVerdict FROM hosts WHERE name = ?", arguments: [name]).map { try Self.host($0) } }
    }

    /// Names compare bytewise (SQLite's BINARY collation; names are ASCII).
    public func hosts(after: String?, limit: Int) async throws -> (hosts: [HostRecord], next: String?) {
        let limit = AuditPage<HostRecord>.clamp(limit)
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.hostColumnsButVerdict), lastVerdict FROM hosts WHERE name > ? ORDER BY name LIMIT ?",
                             arguments: [after ?? "", limit + 1]).map { try Self.host($0) }
        }
        let page = Array(rows.prefix(limit))
        return (page, rows.count > limit ? page.last?.name : nil)
    }

    private static func update(_ h: HostRecord, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE hosts SET grp = ?, state = ?, ekBasis = ?, akPublic = ?, akName = ?, secretHash = ?, lastAttestationAt = ?,
                lastResetCount = ?, lastRestartCount = ?, lastClock = ?, lastVerdict = ? WHERE id = ?
            """).execute(arguments: [h.group, h.state.rawValue, h.ekBasis, Data(h.akPublic), h.akName, h.secretHash.map { Data($0) },
                             h.lastAttestationAt?.timeIntervalSince1970, h.lastResetCount.map { Int64($0) },
                             h.lastRestartCount.map { Int64($0) }, h.lastClock.map { Int64(bitPattern: $0) },
                             verdictJSON(h.lastVerdict), h.id])
    }

    public func updateHost(_ h: HostRecord, recording decision: EnrollmentDecision?) async throws {
        try await pool.write { db in
            self.rowCache.remove(id: h.id)
            try Self.update(h, in: db)
            if db.changesCount == 0 { throw StoreError.notFound }
            if let decision { try Self.record(decision, in: db) }
        }
    }

    public func recordEnrollment(_ decision: EnrollmentDecision) async throws {
        try await pool.write { db in try Self.record(decision, in: db) }
    }

    /// Cursors are the audit table's `seq`.
    public func enrollments(after: Int64?, limit: Int) async throws -> AuditPage<EnrollmentDecision> {
        let limit = AuditPage<EnrollmentDecision>.clamp(limit)
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM enrollment_audit WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after ?? 0, limit + 1])
            return AuditPage.from(try rows.map { row -> (Int64, EnrollmentDecision) in
                (try row.decode(forColumn: "seq"),
                 EnrollmentDecision(id: try row.decode(forColumn: "id"), at: try row.decode(forColumn: "at"), name: try row.decode(forColumn: "name"), group: try row.decode(forColumn: "grp"),
                                    outcome: EnrollmentDecision.Outcome(rawValue: try row.decode(forColumn: "outcome")) ?? .refused, hostId: try row.decode(String?.self, forColumn: "hostId"),
                                    code: try row.decode(String?.self, forColumn: "code"), detail: try row.decode(forColumn: "detail"), ekFingerprint: try row.decode(String?.self, forColumn: "ekFingerprint"),
                                    ekBasis: try row.decode(String?.self, forColumn: "ekBasis"), akName: try row.decode(String?.self, forColumn: "akName")))
            }, limit: limit)
        }
    }

    public func revokeHost(id: String) async throws -> HostRecord? {
        try await pool.write { db in
            self.rowCache.remove(id: id)
            try db.execute(sql: "UPDATE hosts SET state = ? WHERE id = ?", arguments: [HostState.revoked.rawValue, id])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(Self.hostColumnsButVerdict), lastVerdict FROM hosts WHERE id = ?", arguments: [id]).map { try Self.host($0) }
        }
    }

    public func assignGroup(id: String, group: String) async throws -> HostRecord? {
        try await pool.write { db in
            self.rowCache.remove(id: id)
            try db.execute(sql: "UPDATE hosts SET grp = ? WHERE id = ?", arguments: [group, id])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(Self.hostColumnsButVerdict), lastVerdict FROM hosts WHERE id = ?", arguments: [id]).map { try Self.host($0) }
        }
    }

    public func deleteHost(id: String) async throws -> Bool {
        try await pool.write { db in
            self.rowCache.remove(id: id)
            try db.execute(sql: "DELETE FROM hosts WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func insertNonce(_ n: NonceRecord, purgeBefore: Date) async throws {
        try await pool.write { db in try Self.insert(n, purgeBefore: purgeBefore, in: db) }
    }

    private static func insert(_ n: NonceRecord, purgeBefore: Date, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM nonces WHERE expiresAt < ?").execute(arguments: [purgeBefore.timeIntervalSince1970])
        try db.cachedStatement(sql: "INSERT INTO nonces (nonce, hostId, expiresAt, used) VALUES (?, ?, ?, ?)")
            .execute(arguments: [Data(n.nonce), n.hostId, n.expiresAt.timeIntervalSince1970, n.used])
    }

    public func nonce(_ value: [UInt8]) async throws -> NonceRecord? {
        try await pool.read { db in try Self.nonce(value, in: db) }
    }

    /// A nonce-table nonce, else a host's current next challenge.
    private static func nonce(_ value: [UInt8], in db: Database) throws -> NonceRecord? {
        if let n = try Row.fetchOne(try db.cachedStatement(sql: "SELECT nonce, hostId, expiresAt, used FROM nonces WHERE nonce = ?"), arguments: [Data(value)]).map({
            NonceRecord(nonce: Array(try $0.decode(Data.self, atIndex: 0)), hostId: try $0.decode(atIndex: 1), expiresAt: Date(timeIntervalSince1970: try $0.decode(atIndex: 2)), used: (try $0.decode(Int.self, atIndex: 3)) != 0)
        }) { return n }
        return try Row.fetchOne(try db.cachedStatement(sql: "SELECT id, nextNonceExpiresAt FROM hosts WHERE nextNonce = ?"), arguments: [Data(value)]).map {
            NonceRecord(nonce: value, hostId: try $0.decode(atIndex: 0), expiresAt: Date(timeIntervalSince1970: try $0.decode(atIndex: 1)))
        }
    }

    /// The host without its last verdict (not decoded on the hot path).
    private static func hostButVerdict(id: String, in db: Database) throws -> HostRecord? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT \(hostColumnsButVerdict) FROM hosts WHERE id = ?"), arguments: [id]).map { try host($0) }
    }

    /// A re-attesting host's row from ``rowCache`` when the nonce is its own (no read transaction);
    /// otherwise one read transaction (one pool hop): the host without its last verdict, and the
    /// nonce, which for a host using its own next challenge is in that row already.
    public func attestationContext(hostID: String, nonce: [UInt8]) async throws -> (host: HostRecord?, nonce: NonceRecord?) {
        if let cached = rowCache.row(id: hostID), let own = cached.ownNonce(nonce) { return (cached, own) }
        return try await pool.read { db in
            let host = try Self.hostButVerdict(id: hostID, in: db)
            if let own = host?.ownNonce(nonce) { return (host, own) }
            return (host, try Self.nonce(nonce, in: db))
        }
    }

    public func commit(verdict: Verdict, host: HostRecord, consumingNonce nonce: [UInt8]?, issuing next: NonceRecord?, updatingHost: Bool) async throws {
        let json = Self.verdictJSON(verdict) ?? "{}"
        try await batcher.commit { db in
            // The host as it is now, inside the write transaction (an admin's revoke, group change or
            // delete may have landed while the quote was verified); its last verdict is not decoded.
            // Here, on the writer, a cached row is the row as this connection sees it (see
            // HostRowCache), so only a host without one is read.
            guard let current = try self.rowCache.row(id: host.id) ?? Self.hostButVerdict(id: host.id, in: db) else { throw StoreError.notFound }
            if host.commitConflict(current: current, verdict: verdict) { throw StoreError.hostChanged(current: current) }
            var row = host.committed(over: current, verdict: verdict, updatingHost: updatingHost)
            let chained = row.settleChallenges(current: current, consuming: nonce, issuing: next)
            if let nonce, !chained {
                try db.cachedStatement(sql: "UPDATE nonces SET used = 1 WHERE nonce = ? AND used = 0").execute(arguments: [Data(nonce)])
                if db.changesCount != 1 { throw StoreError.nonceAlreadyUsed }
            }
            try db.cachedStatement(sql: "INSERT INTO audit (id, hostId, at, status, verdict) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [verdict.attestationId, verdict.hostId, verdict.at, verdict.status.rawValue, json])
            guard updatingHost else {
                // The audit trail only; the row's challenge columns still follow a consumed nonce.
                try db.cachedStatement(sql: "UPDATE hosts SET nextNonce = ?, nextNonceExpiresAt = ?, lastNonce = ? WHERE id = ?")
                    .execute(arguments: [row.nextChallenge.map { Data($0.nonce) }, row.nextChallenge?.expiresAt.timeIntervalSince1970,
                                         row.lastChallenge.map { Data($0) }, row.id])
                self.rowCache.put(row)
                return
            }
            try db.cachedStatement(sql: """
                UPDATE hosts SET state = ?, lastAttestationAt = ?, lastResetCount = ?, lastRestartCount = ?, lastClock = ?, lastVerdict = ?,
                    nextNonce = ?, nextNonceExpiresAt = ?, lastNonce = ?
                WHERE id = ?
                """).execute(arguments: [row.state.rawValue, row.lastAttestationAt?.timeIntervalSince1970, row.lastResetCount.map { Int64($0) },
                                   row.lastRestartCount.map { Int64($0) }, row.lastClock.map { Int64(bitPattern: $0) },
                                   row.lastVerdict == verdict ? json : Self.verdictJSON(row.lastVerdict),
                                   row.nextChallenge.map { Data($0.nonce) }, row.nextChallenge?.expiresAt.timeIntervalSince1970,
                                   row.lastChallenge.map { Data($0) }, row.id])
            self.rowCache.put(row)
        }
    }

    /// Cursors are the audit table's `seq`. A stored verdict that does not decode (a hand-edited row)
    /// fails the read: the audit trail is never shown with entries silently missing.
    public func attestations(hostID: String, after: Int64?, limit: Int) async throws -> AuditPage<Verdict> {
        let limit = AuditPage<Verdict>.clamp(limit)
        return try await pool.read { db in
            let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT seq, verdict FROM audit WHERE hostId = ? AND seq > ? ORDER BY seq LIMIT ?"),
                                        arguments: [hostID, after ?? 0, limit + 1])
            return AuditPage.from(try rows.map { row -> (Int64, Verdict) in
                (try row.decode(Int64.self, atIndex: 0), try Self.decoder.decode(Verdict.self, from: Data(try row.decode(String.self, atIndex: 1).utf8)))
            }, limit: limit)
        }
    }

    public func insertBaseline(_ b: BaselineRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO baselines (id, grp, bytes, signature, addedAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [b.id, b.group, Data(b.bytes), Data(b.signature), b.addedAt.timeIntervalSince1970])
        }
    }

    public func baselines() async throws -> [BaselineRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM baselines ORDER BY addedAt").map {
                BaselineRecord(id: try $0.decode(forColumn: "id"), group: try $0.decode(forColumn: "grp"), bytes: Array(try $0.decode(Data.self, forColumn: "bytes")), signature: Array(try $0.decode(Data.self, forColumn: "signature")),
                               addedAt: Date(timeIntervalSince1970: try $0.decode(forColumn: "addedAt")))
            }
        }
    }

    public func deleteBaseline(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM baselines WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func insertSigningKey(_ k: SigningKeyRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO signing_keys (kid, privateKeyPEM, createdAt, retired) VALUES (?, ?, ?, ?)",
                           arguments: [k.kid, k.privateKeyPEM, k.createdAt.timeIntervalSince1970, k.retired])
        }
    }

    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signing_keys ORDER BY createdAt").map {
                SigningKeyRecord(kid: try $0.decode(forColumn: "kid"), privateKeyPEM: try $0.decode(forColumn: "privateKeyPEM"), createdAt: Date(timeIntervalSince1970: try $0.decode(forColumn: "createdAt")),
                                 retired: (try $0.decode(Int.self, forColumn: "retired")) != 0)
            }
        }
    }

    public func retireSigningKeys(except kid: String) async throws {
        try await pool.write { db in try db.execute(sql: "UPDATE signing_keys SET retired = 1 WHERE kid != ?", arguments: [kid]) }
    }
}
