import AttestServer
import AttestWire
import Foundation
import GRDB
import Testing
import TestSupport

/// One contract, every store: what the server relies on.
@Suite struct StoreContractTests {
    enum Kind: String, CaseIterable { case memory, sqlite, sqliteNormal }

    /// Lives as long as the test (Swift Testing makes one suite instance per test).
    let dir = TempDir("store")

    func make(_ kind: Kind) throws -> (any AttestationStore, Kind) {
        switch kind {
        case .memory: return (MemoryStore(), kind)
        case .sqlite: return (try SQLiteStore(path: dir.file("attest-\(UUID().uuidString).db").path), kind)
        case .sqliteNormal: return (try SQLiteStore(path: dir.file("attest-\(UUID().uuidString).db").path, synchronous: .normal), kind)
        }
    }

    func host(_ name: String = "h1") -> HostRecord {
        HostRecord(id: UUID().uuidString, name: name, group: "g", state: .enrolled, ekPublic: [1, 2, 3], ekFingerprint: "ek1", ekBasis: "allowlist",
                   akPublic: [4, 5], akName: "000b", secretHash: nil, enrolledAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    func verdict(_ hostID: String, _ status: Verdict.Status = .admitted) -> Verdict {
        Verdict(attestationId: UUID().uuidString, hostId: hostID, status: status, at: "2026-01-01T00:00:00Z", findings: [], notes: [], baseline: nil, token: nil)
    }

    @Test(arguments: Kind.allCases) func hostsRoundTripAndNamesAreUnique(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        #expect(try await store.host(id: h.id) == h)
        #expect(try await store.host(name: "h1")?.id == h.id)
        await #expect(throws: StoreError.hostExists(id: h.id)) { try await store.insertHost(host()) }
    }

    @Test(arguments: Kind.allCases) func updateNeverChangesTheEK(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        var h = host()
        try await store.insertHost(h)
        h.ekPublic = [9, 9]
        h.ekFingerprint = "other"
        h.state = .admitted
        try await store.updateHost(h)
        let got = try #require(try await store.host(id: h.id))
        #expect(got.ekPublic == [1, 2, 3] && got.ekFingerprint == "ek1" && got.state == .admitted)
    }

    @Test(arguments: Kind.allCases) func nonceIsSingleUseInTheVerdictTransaction(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        let nonce = [UInt8](repeating: 3, count: 32)
        try await store.insertNonce(NonceRecord(nonce: nonce, hostId: h.id, expiresAt: Date().addingTimeInterval(60)), purgeBefore: Date())
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nonce)
        #expect(try await store.nonce(nonce)?.used == true)
        await #expect(throws: StoreError.nonceAlreadyUsed) { try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nonce) }
        // The failed commit wrote nothing.
        #expect(try await store.attestations(hostID: h.id).count == 1)
    }

    /// Equal but for the store's date precision (a Double of seconds since 1970).
    static func same(_ a: NonceRecord?, _ b: NonceRecord) -> Bool {
        guard let a else { return false }
        return a.nonce == b.nonce && a.hostId == b.hostId && a.used == b.used && abs(a.expiresAt.timeIntervalSince(b.expiresAt)) < 0.001
    }

    /// The next challenge is written with the verdict, into the host's row, and not at all when the
    /// verdict's commit fails; it is single use like a nonce-table nonce, and the last one consumed
    /// is remembered (`nonce.reused`).
    @Test(arguments: Kind.allCases) func theNextNonceIsIssuedInTheVerdictTransaction(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        let nonce = [UInt8](repeating: 4, count: 32)
        try await store.insertNonce(NonceRecord(nonce: nonce, hostId: h.id, expiresAt: Date().addingTimeInterval(60)), purgeBefore: Date())
        let next = NonceRecord(nonce: [UInt8](repeating: 5, count: 32), hostId: h.id, expiresAt: Date().addingTimeInterval(60))
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nonce, issuing: next)
        #expect(Self.same(try await store.nonce(next.nonce), next))
        #expect(Self.same(try await store.host(id: h.id)?.nextChallenge, next))
        let other = NonceRecord(nonce: [UInt8](repeating: 6, count: 32), hostId: h.id, expiresAt: Date().addingTimeInterval(60))
        await #expect(throws: StoreError.nonceAlreadyUsed) {
            try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nonce, issuing: other)
        }
        #expect(try await store.nonce(other.nonce) == nil)
        #expect(Self.same(try await store.host(id: h.id)?.nextChallenge, next))
        // Consuming the host's own next challenge: the new one replaces it, the old one is remembered.
        let third = NonceRecord(nonce: [UInt8](repeating: 8, count: 32), hostId: h.id, expiresAt: Date().addingTimeInterval(60))
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: next.nonce, issuing: third)
        #expect(try await store.nonce(next.nonce) == nil)
        let after = try #require(try await store.host(id: h.id))
        #expect(Self.same(after.nextChallenge, third) && after.lastChallenge == next.nonce)
        #expect(try await store.attestationContext(hostID: h.id, nonce: next.nonce).nonce?.used == true)
        await #expect(throws: StoreError.nonceAlreadyUsed) {
            try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: next.nonce, issuing: other)
        }
        // A verdict that issues none (a quote that did not verify) leaves the current one alone.
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nil, issuing: nil)
        #expect(Self.same(try await store.host(id: h.id)?.nextChallenge, third))
        // Another host presenting it finds it is not its own.
        let g = host("other-host")
        try await store.insertHost(g)
        #expect(try await store.attestationContext(hostID: g.id, nonce: third.nonce).nonce?.hostId == h.id)
    }

    @Test(arguments: Kind.allCases) func expiredNoncesArePurged(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let old = [UInt8](repeating: 1, count: 32)
        try await store.insertNonce(NonceRecord(nonce: old, hostId: "h", expiresAt: Date(timeIntervalSince1970: 10)), purgeBefore: Date(timeIntervalSince1970: 0))
        try await store.insertNonce(NonceRecord(nonce: [2], hostId: "h", expiresAt: Date().addingTimeInterval(60)), purgeBefore: Date())
        #expect(try await store.nonce(old) == nil)
    }

    @Test(arguments: Kind.allCases) func auditTrailOutlivesTheHost(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nil)
        try await store.commit(verdict: verdict(h.id, .rejected), host: h, consumingNonce: nil)
        #expect(try await store.deleteHost(id: h.id))
        #expect(try await store.attestations(hostID: h.id).map(\.status) == [.admitted, .rejected])
    }

    /// The attestation's one read: the host (its last verdict may be left out) and the nonce.
    @Test(arguments: Kind.allCases) func theAttestationContextReadsHostAndNonce(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        let n = NonceRecord(nonce: [UInt8](repeating: 1, count: 32), hostId: h.id, expiresAt: Date().addingTimeInterval(60))
        try await store.insertNonce(n, purgeBefore: Date())
        var stored = h
        stored.state = .admitted; stored.lastVerdict = verdict(h.id)
        try await store.commit(verdict: stored.lastVerdict!, host: stored, consumingNonce: nil)
        let (got, nonce) = try await store.attestationContext(hostID: h.id, nonce: n.nonce)
        var expected = try #require(try await store.host(id: h.id))
        #expect(expected.lastVerdict == stored.lastVerdict)
        expected.lastVerdict = got?.lastVerdict
        #expect(got == expected && Self.same(nonce, n))
        let none = try await store.attestationContext(hostID: "nobody", nonce: [2])
        #expect(none.host == nil && none.nonce == nil)
    }

    /// A re-attesting host's reads (the SQLite store keeps its row in memory after a commit) see
    /// every admin change made since: revoke, group, AK update, delete. The nonce is the host's own
    /// next challenge, the case the SQLite store answers without a read transaction.
    @Test(arguments: Kind.allCases) func theAttestationContextSeesEveryAdminChange(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        func chained(_ h: HostRecord, _ byte: UInt8) async throws -> NonceRecord {
            let next = NonceRecord(nonce: [UInt8](repeating: byte, count: 32), hostId: h.id, expiresAt: Date().addingTimeInterval(60))
            var row = h
            row.state = .admitted
            try await store.commit(verdict: verdict(h.id), host: row, consumingNonce: nil, issuing: next)
            let (got, nonce) = try await store.attestationContext(hostID: h.id, nonce: next.nonce)
            #expect(got?.state == .admitted && Self.same(nonce, next))
            return next
        }
        let h = host()
        try await store.insertHost(h)
        var next = try await chained(h, 0x31)
        _ = try await store.revokeHost(id: h.id)
        #expect(try await store.attestationContext(hostID: h.id, nonce: next.nonce).host?.state == .revoked)

        let g = host("h2")
        try await store.insertHost(g)
        next = try await chained(g, 0x32)
        _ = try await store.assignGroup(id: g.id, group: "other")
        #expect(try await store.attestationContext(hostID: g.id, nonce: next.nonce).host?.group == "other")

        next = try await chained(try #require(try await store.host(id: g.id)), 0x33)
        var newAK = try #require(try await store.host(id: g.id))
        newAK.akPublic = [7, 7, 7]
        newAK.state = .pending
        try await store.updateHost(newAK)
        let afterUpdate = try await store.attestationContext(hostID: g.id, nonce: next.nonce).host
        #expect(afterUpdate?.akPublic == [7, 7, 7] && afterUpdate?.state == .pending)

        let d = host("h3")
        try await store.insertHost(d)
        next = try await chained(d, 0x34)
        #expect(try await store.deleteHost(id: d.id))
        #expect(try await store.attestationContext(hostID: d.id, nonce: next.nonce).host == nil)
    }

    /// A consumed next challenge reads as used at once (the SQLite store's in-memory row follows the
    /// commit that consumed it).
    @Test(arguments: Kind.allCases) func aConsumedNextChallengeReadsAsUsed(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        let first = NonceRecord(nonce: [UInt8](repeating: 0x41, count: 32), hostId: h.id, expiresAt: Date().addingTimeInterval(60))
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nil, issuing: first)
        let (read, nonce) = try await store.attestationContext(hostID: h.id, nonce: first.nonce)
        #expect(nonce?.used == false)
        try await store.commit(verdict: verdict(h.id), host: try #require(read), consumingNonce: first.nonce, issuing: nil)
        let again = try await store.attestationContext(hostID: h.id, nonce: first.nonce)
        #expect(again.nonce?.used == true && again.host?.nextChallenge == nil)
        await #expect(throws: StoreError.nonceAlreadyUsed) {
            try await store.commit(verdict: verdict(h.id), host: try #require(read), consumingNonce: first.nonce, issuing: nil)
        }
    }

    /// A verdict for the audit trail only (`updatingHost: false`) appends its entry and consumes its
    /// nonce, and leaves the host's state, last verdict, attestation time and counters as they were.
    @Test(arguments: Kind.allCases) func anAuditOnlyVerdictLeavesTheHostAlone(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        var h = host()
        try await store.insertHost(h)
        h.state = .admitted
        h.lastVerdict = verdict(h.id)
        h.lastAttestationAt = Date(timeIntervalSince1970: 1_700_000_100)
        h.lastResetCount = 5
        try await store.commit(verdict: h.lastVerdict!, host: h, consumingNonce: nil)
        let before = try #require(try await store.host(id: h.id))
        let nonce = [UInt8](repeating: 0x51, count: 32)
        try await store.insertNonce(NonceRecord(nonce: nonce, hostId: h.id, expiresAt: Date().addingTimeInterval(60)), purgeBefore: Date())
        var forged = h
        forged.state = .rejected
        forged.lastAttestationAt = Date(timeIntervalSince1970: 1_700_000_900)
        forged.lastResetCount = 9
        let rejection = verdict(h.id, .rejected)
        forged.lastVerdict = rejection
        try await store.commit(verdict: rejection, host: forged, consumingNonce: nonce, issuing: nil, updatingHost: false)
        let after = try #require(try await store.host(id: h.id))
        #expect(after == before)
        #expect(try await store.attestations(hostID: h.id).map(\.attestationId) == [h.lastVerdict!.attestationId, rejection.attestationId])
        #expect(try await store.nonce(nonce)?.used == true)
    }

    /// Concurrent commits (the SQLite store groups them into shared transactions): each succeeds or
    /// fails on its own; of two commits of one nonce exactly one succeeds, and the other writes nothing.
    @Test(arguments: Kind.allCases) func concurrentCommitsSucceedOrFailEachOnItsOwn(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        let nonces = (0..<20).map { i in [UInt8](repeating: UInt8(i + 100), count: 32) }
        for n in nonces { try await store.insertNonce(NonceRecord(nonce: n, hostId: h.id, expiresAt: Date().addingTimeInterval(60)), purgeBefore: Date()) }
        // 20 distinct nonces, and the first one a second time: 21 commits at once.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for (n, v) in zip(nonces + [nonces[0]], (0...20).map { _ in verdict(h.id) }) {
                group.addTask { (try? await store.commit(verdict: v, host: h, consumingNonce: n)) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 20 && outcomes.filter { !$0 }.count == 1)
        #expect(try await store.attestations(hostID: h.id).count == 20)
        for n in nonces { #expect(try await store.nonce(n)?.used == true) }
    }

    /// The commit re-reads the host: a verdict on a stale record writes nothing.
    @Test(arguments: Kind.allCases) func aStaleVerdictIsRefusedAndWritesNothing(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let read = host()
        try await store.insertHost(read)
        let nonce = [UInt8](repeating: 9, count: 32)
        try await store.insertNonce(NonceRecord(nonce: nonce, hostId: read.id, expiresAt: Date().addingTimeInterval(60)), purgeBefore: Date())
        var revoked = read
        revoked.state = .revoked
        try await store.updateHost(revoked)
        var admitted = read
        admitted.state = .admitted
        await #expect(throws: StoreError.hostChanged(current: revoked)) {
            try await store.commit(verdict: verdict(read.id), host: admitted, consumingNonce: nonce)
        }
        var regrouped = revoked
        regrouped.state = .enrolled; regrouped.group = "other"
        try await store.updateHost(regrouped)
        await #expect(throws: StoreError.hostChanged(current: regrouped)) {
            try await store.commit(verdict: verdict(read.id, .rejected), host: admitted, consumingNonce: nonce)
        }
        var newAK = read
        newAK.akPublic = [7, 7]
        try await store.updateHost(newAK)
        await #expect(throws: StoreError.hostChanged(current: newAK)) {
            try await store.commit(verdict: verdict(read.id, .rejected), host: admitted, consumingNonce: nonce)
        }
        #expect(try await store.attestations(hostID: read.id).isEmpty)
        #expect(try await store.nonce(nonce)?.used == false)
        #expect(try await store.host(id: read.id) == newAK)
        #expect(try await store.deleteHost(id: read.id))
        await #expect(throws: StoreError.notFound) {
            try await store.commit(verdict: verdict(read.id), host: admitted, consumingNonce: nonce)
        }
        #expect(try await store.attestations(hostID: read.id).isEmpty)
    }

    /// A rejection that names the revoke is written, and the host stays revoked; the counters only
    /// go forward; the admin's fields are never written back by a verdict.
    @Test(arguments: Kind.allCases) func aVerdictKeepsTheRevokeAndOnlyRaisesTheCounters(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        var high = h
        high.state = .admitted; high.lastResetCount = 2; high.lastRestartCount = 5; high.lastClock = 1_000
        try await store.commit(verdict: verdict(h.id), host: high, consumingNonce: nil)
        var low = h
        low.state = .admitted; low.lastResetCount = 2; low.lastRestartCount = 5; low.lastClock = 900
        try await store.commit(verdict: verdict(h.id), host: low, consumingNonce: nil)
        var got = try #require(try await store.host(id: h.id))
        #expect(got.lastResetCount == 2 && got.lastRestartCount == 5 && got.lastClock == 1_000)
        var rebooted = h
        rebooted.lastResetCount = 3; rebooted.lastRestartCount = 0; rebooted.lastClock = 10
        try await store.commit(verdict: verdict(h.id), host: rebooted, consumingNonce: nil)
        got = try #require(try await store.host(id: h.id))
        #expect(got.lastResetCount == 3 && got.lastRestartCount == 0 && got.lastClock == 10 && got.state == .admitted)

        var revoked = got
        revoked.state = .revoked
        try await store.updateHost(revoked)
        var rejection = verdict(h.id, .rejected)
        rejection.findings = [WireFinding(code: "host.revoked", message: "revoked", component: "host h1")]
        rebooted.lastVerdict = rejection
        try await store.commit(verdict: rejection, host: rebooted, consumingNonce: nil)
        got = try #require(try await store.host(id: h.id))
        #expect(got.state == .revoked && got.lastVerdict == rejection)
    }

    /// An admin's revoke or group change writes only its column: a verdict committed after the admin
    /// looked at the host (its counters and last verdict) survives it, and an unknown host is nil.
    @Test(arguments: Kind.allCases) func adminChangesWriteOnlyTheirColumn(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        try await store.insertHost(h)
        let seenByAdmin = try #require(try await store.host(id: h.id))
        var attested = h
        attested.state = .admitted; attested.lastResetCount = 4; attested.lastRestartCount = 1; attested.lastClock = 5_000
        let v = verdict(h.id)
        attested.lastVerdict = v
        try await store.commit(verdict: v, host: attested, consumingNonce: nil)

        let moved = try #require(try await store.assignGroup(id: h.id, group: "quarantine"))
        #expect(moved.group == "quarantine" && moved.state == .admitted && moved.lastClock == 5_000 && moved.lastVerdict == v)
        let revoked = try #require(try await store.revokeHost(id: h.id))
        #expect(revoked.state == .revoked && revoked.group == "quarantine")
        #expect(revoked.lastResetCount == 4 && revoked.lastRestartCount == 1 && revoked.lastClock == 5_000 && revoked.lastVerdict == v)
        #expect(seenByAdmin.lastClock == nil)  // what a read-modify-write would have written back
        #expect(try await store.revokeHost(id: "no-such-host") == nil)
        #expect(try await store.assignGroup(id: "no-such-host", group: "g") == nil)
    }

    @Test(arguments: Kind.allCases) func baselinesAndKeys(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        try await store.insertBaseline(BaselineRecord(id: "b1", group: "g", bytes: [1], signature: [2], addedAt: Date()))
        #expect(try await store.baselines().map(\.id) == ["b1"])
        #expect(try await store.deleteBaseline(id: "b1"))
        #expect(try await store.baselines().isEmpty)
        try await store.insertSigningKey(SigningKeyRecord(kid: "k1", privateKeyPEM: "pem1", createdAt: Date(timeIntervalSince1970: 1)))
        try await store.insertSigningKey(SigningKeyRecord(kid: "k2", privateKeyPEM: "pem2", createdAt: Date(timeIntervalSince1970: 2)))
        try await store.retireSigningKeys(except: "k2")
        #expect(try await store.signingKeys().map { "\($0.kid):\($0.retired)" } == ["k1:true", "k2:false"])
    }

    func decision(_ name: String, _ outcome: EnrollmentDecision.Outcome, host: String? = nil, code: String? = nil) -> EnrollmentDecision {
        EnrollmentDecision(id: UUID().uuidString, at: "2026-01-01T00:00:00Z", name: name, group: "g", outcome: outcome, hostId: host, code: code,
                           detail: "d", ekFingerprint: "ek1", ekBasis: outcome == .refused ? nil : "allowlist", akName: "000b")
    }

    @Test(arguments: Kind.allCases) func enrollmentDecisionsAreKeptInOrderWithTheirHost(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let h = host()
        let accepted = decision("h1", .accepted, host: h.id)
        try await store.insertHost(h, recording: accepted)
        // A refused insert (the name is taken) writes no decision with it.
        await #expect(throws: StoreError.hostExists(id: h.id)) { try await store.insertHost(host(), recording: decision("h1", .accepted)) }
        let refused = decision("h1", .refused, host: h.id, code: "host.ek-mismatch")
        try await store.recordEnrollment(refused)
        var activated = h
        activated.state = .enrolled
        let activation = decision("h1", .activated, host: h.id)
        try await store.updateHost(activated, recording: activation)
        #expect(try await store.enrollments() == [accepted, refused, activation])
        #expect(try await store.host(id: h.id)?.state == .enrolled)
        // An update of a missing host writes no decision either.
        await #expect(throws: StoreError.notFound) { try await store.updateHost(host("ghost"), recording: decision("ghost", .activated)) }
        // The enrollment audit outlives the host.
        #expect(try await store.deleteHost(id: h.id))
        #expect(try await store.enrollments().count == 3)
    }

    /// A row the schema does not allow (edited by hand: text where a date is stored) fails the reads
    /// of that host with an error, and the process goes on.
    @Test func aHandEditedRowIsAnErrorNotACrash() async throws {
        let path = dir.file("edited.db").path
        let store = try SQLiteStore(path: path)
        let h = host()
        try await store.insertHost(h)
        try await store.insertHost(host("h2"))
        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in try db.execute(sql: "UPDATE hosts SET enrolledAt = 'yesterday' WHERE id = ?", arguments: [h.id]) }
        await #expect(throws: (any Error).self) { try await store.host(id: h.id) }
        await #expect(throws: (any Error).self) { try await store.hosts() }
        await #expect(throws: (any Error).self) { try await store.attestationContext(hostID: h.id, nonce: [1]) }
        await #expect(throws: (any Error).self) { try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nil) }
        #expect(try await store.host(name: "h2")?.name == "h2")
        #expect(try await store.attestations(hostID: h.id).isEmpty)
        try await store.insertBaseline(BaselineRecord(id: "b", group: "g", bytes: [1], signature: [2], addedAt: Date()))
        try await raw.write { db in try db.execute(sql: "UPDATE baselines SET addedAt = 'soon'") }
        await #expect(throws: (any Error).self) { try await store.baselines() }
    }

    /// Hosts page by name (bytewise), `next` only when more follow; any limit is clamped.
    @Test(arguments: Kind.allCases) func hostsPageByName(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let names = ["b-2", "A-1", "a-3", "c", "B", "a.1"]
        for n in names { try await store.insertHost(host(n)) }
        let sorted = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var seen: [String] = []
        var cursor: String? = nil
        var pages = 0
        repeat {
            let page = try await store.hosts(after: cursor, limit: 4)
            seen += page.hosts.map(\.name)
            cursor = page.next
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == sorted && pages == 2)
        #expect(try await store.hosts().map(\.name) == sorted)
        let exact = try await store.hosts(after: nil, limit: 6)
        #expect(exact.hosts.count == 6 && exact.next == nil)
        #expect(try await store.hosts(after: "a-3", limit: 10).hosts.map(\.name) == Array(sorted.drop { $0 != "a-3" }.dropFirst()))
        for limit in [Int.max, Int.min, 0] {
            #expect(try await store.hosts(after: nil, limit: limit).hosts.count == (limit == Int.max ? 6 : 1), "limit \(limit)")
        }
    }

    /// Audit listings page oldest first: `limit` entries after a cursor, `next` only when more follow;
    /// another host's entries never appear; entries appended later come after every cursor given out.
    @Test(arguments: Kind.allCases) func auditListingsPageOldestFirst(_ kind: Kind) async throws {
        let (store, _) = try make(kind)
        let a = host("a"), b = host("b")
        try await store.insertHost(a)
        try await store.insertHost(b)
        var ids: [String] = []
        for i in 0..<5 {
            let v = verdict(a.id)
            ids.append(v.attestationId)
            try await store.commit(verdict: v, host: a, consumingNonce: nil)
            if i % 2 == 0 { try await store.commit(verdict: verdict(b.id), host: b, consumingNonce: nil) }
        }
        var seen: [String] = []
        var cursor: Int64? = nil
        var pages = 0
        repeat {
            let page = try await store.attestations(hostID: a.id, after: cursor, limit: 2)
            #expect(page.entries.count == (pages < 2 ? 2 : 1))
            #expect(page.entries.allSatisfy { $0.hostId == a.id })
            seen += page.entries.map(\.attestationId)
            cursor = page.next
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == ids && pages == 3)
        // A page that is exactly the rest has no next; a limit over the count gives everything at once.
        let whole = try await store.attestations(hostID: a.id, after: nil, limit: 5)
        #expect(whole.entries.map(\.attestationId) == ids && whole.next == nil)
        #expect(try await store.attestations(hostID: a.id, after: nil, limit: 1000).next == nil)
        // Any limit a caller passes is clamped, never trapped on.
        for limit in [Int.max, Int.min, 0, -1] {
            let page = try await store.attestations(hostID: a.id, after: Int64.min, limit: limit)
            #expect(page.entries.count == (limit == Int.max ? 5 : 1), "limit \(limit)")
        }
        #expect(try await store.attestations(hostID: a.id, after: Int64.max, limit: 10).entries.isEmpty)
        // Later entries come after an earlier cursor.
        let first = try await store.attestations(hostID: a.id, after: nil, limit: 4)
        let late = verdict(a.id)
        try await store.commit(verdict: late, host: a, consumingNonce: nil)
        let rest = try await store.attestations(hostID: a.id, after: first.next, limit: 10)
        #expect(rest.entries.map(\.attestationId) == [ids[4], late.attestationId] && rest.next == nil)
        #expect(try await store.attestations(hostID: b.id).count == 3)
        #expect(try await store.attestations(hostID: "nobody", after: nil, limit: 10).entries.isEmpty)

        // The enrollment audit pages the same way.
        let decisions = (0..<3).map { decision("h\($0)", .refused, code: "ek.untrusted") }
        for d in decisions { try await store.recordEnrollment(d) }
        let one = try await store.enrollments(after: nil, limit: 2)
        #expect(one.entries == Array(decisions[0..<2]) && one.next != nil)
        let two = try await store.enrollments(after: one.next, limit: 2)
        #expect(two.entries == [decisions[2]] && two.next == nil)
        #expect(try await store.enrollments() == decisions)
    }

    /// The writer commits with the `synchronous` level asked for. GRDB's pool turns WAL on after
    /// `prepareDatabase` ran and sets the writer to NORMAL then; a `full` store that silently ran
    /// NORMAL answered verdicts before their WAL frames were fsynced.
    @Test(arguments: [(SQLiteStore.Synchronous.full, 2), (.normal, 1)])
    func sqliteWriterRunsTheSynchronousLevelAskedFor(_ mode: SQLiteStore.Synchronous, _ level: Int) async throws {
        let store = try SQLiteStore(path: dir.file("sync-\(mode.rawValue).db").path, synchronous: mode)
        #expect(store.synchronous == mode)
        #expect(try await store.writerSynchronousLevel() == level)
        // Still so after group commits and an admin write.
        let h = host()
        try await store.insertHost(h)
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nil)
        #expect(try await store.writerSynchronousLevel() == level)
        // And by default: full.
        #expect(try await SQLiteStore(path: dir.file("sync-default-\(mode.rawValue).db").path).writerSynchronousLevel() == 2)
    }

    @Test func sqliteEnrollmentAuditIsAppendOnly() async throws {
        let dir = TempDir("store")
        let path = dir.file("attest.db").path
        let store = try SQLiteStore(path: path)
        try await store.recordEnrollment(decision("h1", .refused, code: "ek.untrusted"))
        for sql in ["DELETE FROM enrollment_audit;", "UPDATE enrollment_audit SET code = NULL;"] {
            let r = try Run.process("sqlite3", [path, sql])
            #expect(r.status != 0 && r.stderr.contains("append-only"), "\(sql)")
        }
        #expect(try await store.enrollments().map(\.code) == ["ek.untrusted"])
    }

    @Test func sqliteAuditTableIsAppendOnly() async throws {
        let dir = TempDir("store")
        let path = dir.file("attest.db").path
        let store = try SQLiteStore(path: path)
        let h = host()
        try await store.insertHost(h)
        try await store.commit(verdict: verdict(h.id), host: h, consumingNonce: nil)
        let r = try Run.process("sqlite3", [path, "DELETE FROM audit;"])
        #expect(r.status != 0 && r.stderr.contains("append-only"))
        #expect(try await store.attestations(hostID: h.id).count == 1)
    }
}
