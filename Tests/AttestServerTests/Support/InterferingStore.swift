import AttestServer
import AttestWire
import Foundation

/// A store that runs `interfere` once, inside the first `commit`, before delegating: an admin's
/// revoke, group change or delete landing between an attestation's read and its commit.
final class InterferingStore: AttestationStore, @unchecked Sendable {
    let inner: any AttestationStore
    private let interfere: @Sendable (any AttestationStore, HostRecord) async throws -> Void
    private let lock = NSLock()
    private var fired = false

    init(_ inner: any AttestationStore = MemoryStore(), interfere: @escaping @Sendable (any AttestationStore, HostRecord) async throws -> Void) {
        self.inner = inner; self.interfere = interfere
    }

    private func takeTurn() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if fired { return false }
        fired = true
        return true
    }

    func commit(verdict: Verdict, host: HostRecord, consumingNonce nonce: [UInt8]?, issuing next: NonceRecord?, updatingHost: Bool) async throws {
        if takeTurn() { try await interfere(inner, host) }
        try await inner.commit(verdict: verdict, host: host, consumingNonce: nonce, issuing: next, updatingHost: updatingHost)
    }

    func insertHost(_ host: HostRecord, recording decision: EnrollmentDecision?) async throws { try await inner.insertHost(host, recording: decision) }
    func host(id: String) async throws -> HostRecord? { try await inner.host(id: id) }
    func host(name: String) async throws -> HostRecord? { try await inner.host(name: name) }
    func hosts(after: String?, limit: Int) async throws -> (hosts: [HostRecord], next: String?) { try await inner.hosts(after: after, limit: limit) }
    func updateHost(_ host: HostRecord, recording decision: EnrollmentDecision?) async throws { try await inner.updateHost(host, recording: decision) }
    func deleteHost(id: String) async throws -> Bool { try await inner.deleteHost(id: id) }
    func revokeHost(id: String) async throws -> HostRecord? { try await inner.revokeHost(id: id) }
    func assignGroup(id: String, group: String) async throws -> HostRecord? { try await inner.assignGroup(id: id, group: group) }
    func insertNonce(_ nonce: NonceRecord, purgeBefore: Date) async throws { try await inner.insertNonce(nonce, purgeBefore: purgeBefore) }
    func nonce(_ value: [UInt8]) async throws -> NonceRecord? { try await inner.nonce(value) }
    func attestations(hostID: String, after: Int64?, limit: Int) async throws -> AuditPage<Verdict> { try await inner.attestations(hostID: hostID, after: after, limit: limit) }
    func recordEnrollment(_ decision: EnrollmentDecision) async throws { try await inner.recordEnrollment(decision) }
    func enrollments(after: Int64?, limit: Int) async throws -> AuditPage<EnrollmentDecision> { try await inner.enrollments(after: after, limit: limit) }
    func insertBaseline(_ baseline: BaselineRecord) async throws { try await inner.insertBaseline(baseline) }
    func baselines() async throws -> [BaselineRecord] { try await inner.baselines() }
    func deleteBaseline(id: String) async throws -> Bool { try await inner.deleteBaseline(id: id) }
    func insertSigningKey(_ key: SigningKeyRecord) async throws { try await inner.insertSigningKey(key) }
    func signingKeys() async throws -> [SigningKeyRecord] { try await inner.signingKeys() }
    func retireSigningKeys(except kid: String) async throws { try await inner.retireSigningKeys(except: kid) }
}
