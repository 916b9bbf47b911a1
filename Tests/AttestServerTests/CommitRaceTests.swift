import AttestServer
import AttestWire
import Foundation
import Testing
import TestSupport

/// An admin's revoke, group change, new AK or delete that lands while an attestation is verified
/// (after the host was read, before the verdict is committed) is never overwritten, and the verdict
/// is never admitted on the stale record.
@Suite struct CommitRaceTests {
    func codes(_ v: Verdict) -> [String] { v.findings.map(\.code) }

    enum Backing: String, CaseIterable { case memory, sqlite }
    let dir = TempDir("commit-race")

    func store(_ b: Backing, _ interfere: @escaping @Sendable (any AttestationStore, HostRecord) async throws -> Void) throws -> InterferingStore {
        let inner: any AttestationStore = b == .memory ? MemoryStore() : try SQLiteStore(path: dir.file("attest-\(UUID().uuidString).db").path)
        return InterferingStore(inner, interfere: interfere)
    }

    func setUp(_ api: API, _ world: World) async throws -> (String, SoftwareTPM) {
        let (tpm, cert) = try world.tpm()
        let id = try await api.enroll(tpm, cert: cert, name: "host-a")
        try await api.addBaseline(try world.signedBaseline(BootLog()))
        return (id, tpm)
    }

    @Test(arguments: Backing.allCases) func aRevokeDuringVerificationRejectsAndStaysRevoked(_ b: Backing) async throws {
        let world = try World()
        let store = try store(b) { inner, host in
            var h = try #require(try await inner.host(id: host.id))
            h.state = .revoked
            try await inner.updateHost(h)
        }
        try await withServer(world, store: store) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(v.status == .rejected && codes(v) == ["host.revoked"])
            #expect(v.token == nil && v.baseline == nil && v.nextChallenge == nil)
            let host = try api.decode(HostView.self, try await api.send(.get, "/v1/hosts/\(id)", admin: true))
            #expect(host.state == .revoked)
            #expect(try await api.audit(id).map(\.status) == [.rejected])
            // Later attestations stay rejected too.
            let again = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(again.status == .rejected && codes(again) == ["host.revoked"])
        }
    }

    @Test(arguments: Backing.allCases) func aGroupChangeDuringVerificationIsNotAdmitted(_ b: Backing) async throws {
        let world = try World()
        let store = try store(b) { inner, host in
            var h = try #require(try await inner.host(id: host.id))
            h.group = "quarantine"
            try await inner.updateHost(h)
        }
        try await withServer(world, store: store) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(v.status == .rejected && codes(v) == ["host.changed"] && v.token == nil)
            let host = try #require(try await store.inner.host(id: id))
            #expect(host.group == "quarantine" && host.state == .rejected)
        }
    }

    @Test(arguments: Backing.allCases) func anAKChangeDuringVerificationIsNotAdmitted(_ b: Backing) async throws {
        let world = try World()
        let store = try store(b) { inner, host in
            var h = try #require(try await inner.host(id: host.id))
            h.akPublic = [0xde, 0xad]
            try await inner.updateHost(h)
        }
        try await withServer(world, store: store) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(v.status == .rejected && codes(v) == ["host.changed"] && v.token == nil)
            let host = try #require(try await store.inner.host(id: id))
            #expect(host.akPublic == [0xde, 0xad] && host.lastResetCount == nil)
        }
    }

    @Test(arguments: Backing.allCases) func aDeleteDuringVerificationIsA404AndWritesNothing(_ b: Backing) async throws {
        let world = try World()
        let store = try store(b) { inner, host in _ = try await inner.deleteHost(id: host.id) }
        try await withServer(world, store: store) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let error = await #expect(throws: TestError.self) { try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id)) }
            #expect(error?.description.contains("404") == true && error?.description.contains("host.unknown") == true)
            #expect(try await store.inner.host(id: id) == nil)
            #expect(try await store.inner.attestations(hostID: id).isEmpty)
        }
    }
}
