import AttestWire
import Foundation

/// An in-memory ``AttestationStore`` for tests and throw-away servers (`--db memory`).
public actor MemoryStore: AttestationStore {
    private var hostsByID: [String: HostRecord] = [:]
    private var nonces: [[UInt8]: NonceRecord] = [:]
    private var audit: [Verdict] = []
    private var enrollmentAudit: [EnrollmentDecision] = []
    private var baselineList: [BaselineRecord] = []
    private var keys: [SigningKeyRecord] = []

    public init() {}

    public func insertHost(_ host: HostRecord, recording decision: EnrollmentDecision?) throws {
        if let existing = hostsByID.values.first(where: { $0.name == host.name }) { throw StoreError.hostExists(id: existing.id) }
        hostsByID[host.id] = host
        if let decision { enrollmentAudit.append(decision) }
    }
    public func host(id: String) -> HostRecord? { hostsByID[id] }
    public func host(name: String) -> HostRecord? { hostsByID.values.first { $0.name == name } }
    public func hosts(after: String?, limit: Int) -> (hosts: [HostRecord], next: String?) {
        let limit = AuditPage<HostRecord>.clamp(limit)
        let sorted = hostsByID.values.filter { h in after.map { Array($0.utf8).lexicographicallyPrecedes(Array(h.name.utf8)) } ?? true }
            .sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        let page = Array(sorted.prefix(limit))
        return (page, sorted.count > limit ? page.last?.name : nil)
    }
    public func updateHost(_ host: HostRecord, recording decision: EnrollmentDecision?) throws {
        guard let old = hostsByID[host.id] else { throw StoreError.notFound }
        var h = host
        h.ekPublic = old.ekPublic; h.ekFingerprint = old.ekFingerprint
        hostsByID[host.id] = h
        if let decision { enrollmentAudit.append(decision) }
    }
    public func revokeHost(id: String) -> HostRecord? {
        hostsByID[id]?.state = .revoked
        return hostsByID[id]
    }
    public func assignGroup(id: String, group: String) -> HostRecord? {
        hostsByID[id]?.group = group
        return hostsByID[id]
    }
    public func deleteHost(id: String) -> Bool { hostsByID.removeValue(forKey: id) != nil }

    public func insertNonce(_ nonce: NonceRecord, purgeBefore: Date) {
        nonces = nonces.filter { $0.value.expiresAt >= purgeBefore }
        nonces[nonce.nonce] = nonce
    }
    public func nonce(_ value: [UInt8]) -> NonceRecord? {
        nonces[value] ?? hostsByID.values.lazy.compactMap(\.nextChallenge).first { $0.nonce == value }
    }

    public func commit(verdict: Verdict, host: HostRecord, consumingNonce nonce: [UInt8]?, issuing next: NonceRecord?, updatingHost: Bool) throws {
        guard let current = hostsByID[host.id] else { throw StoreError.notFound }
        if host.commitConflict(current: current, verdict: verdict) { throw StoreError.hostChanged(current: current) }
        var row = host.committed(over: current, verdict: verdict, updatingHost: updatingHost)
        let chained = row.settleChallenges(current: current, consuming: nonce, issuing: next)
        if let nonce, !chained {
            guard var n = nonces[nonce], !n.used else { throw StoreError.nonceAlreadyUsed }
            n.used = true
            nonces[nonce] = n
        }
        audit.append(verdict)
        hostsByID[host.id] = row
    }
    /// Cursors are positions in the whole audit list (1-based).
    public func attestations(hostID: String, after: Int64?, limit: Int) -> AuditPage<Verdict> {
        Self.page(audit, after: after, limit: limit) { $0.hostId == hostID }
    }

    private static func page<E: Sendable>(_ list: [E], after: Int64?, limit: Int, _ include: (E) -> Bool) -> AuditPage<E> {
        var candidates: [(Int64, E)] = []
        let limit = AuditPage<E>.clamp(limit)
        var i = Int(clamping: max(0, after ?? 0))
        while i < list.count, candidates.count <= limit {
            if include(list[i]) { candidates.append((Int64(i + 1), list[i])) }
            i += 1
        }
        return AuditPage.from(candidates, limit: limit)
    }

    public func recordEnrollment(_ decision: EnrollmentDecision) { enrollmentAudit.append(decision) }
    public func enrollments(after: Int64?, limit: Int) -> AuditPage<EnrollmentDecision> {
        Self.page(enrollmentAudit, after: after, limit: limit) { _ in true }
    }

    public func insertBaseline(_ baseline: BaselineRecord) { baselineList.removeAll { $0.id == baseline.id && $0.group == baseline.group }; baselineList.append(baseline) }
    public func baselines() -> [BaselineRecord] { baselineList }
    public func deleteBaseline(id: String) -> Bool {
        let before = baselineList.count
        baselineList.removeAll { $0.id == id }
        return baselineList.count != before
    }

    public func insertSigningKey(_ key: SigningKeyRecord) { keys.append(key) }
    public func signingKeys() -> [SigningKeyRecord] { keys }
    public func retireSigningKeys(except kid: String) {
        for i in keys.indices where keys[i].kid != kid { keys[i].retired = true }
    }
}
