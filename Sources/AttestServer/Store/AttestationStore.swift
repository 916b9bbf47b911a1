import AttestWire
import Foundation

/// Where the server keeps everything another replica needs: hosts, nonces, baselines, the audit
/// trail and the token-signing keys. ``SQLiteStore`` (GRDB) is the embedded default and
/// ``MemoryStore`` serves tests; PostgreSQL will implement the same protocol. One contract test
/// suite runs against every implementation.
public protocol AttestationStore: Sendable {
    /// Adds a host and, in the same transaction, appends `decision` to the enrollment audit. Throws
    /// ``StoreError/hostExists(id:)`` when the name is taken (and then writes nothing).
    func insertHost(_ host: HostRecord, recording decision: EnrollmentDecision?) async throws
    func host(id: String) async throws -> HostRecord?
    func host(name: String) async throws -> HostRecord?
    /// At most `limit` hosts whose names sort after `after` (from the first when nil), by name (bytewise),
    /// and the name to ask after for the rest (nil when none follow).
    func hosts(after: String?, limit: Int) async throws -> (hosts: [HostRecord], next: String?)
    /// Replaces a host's mutable fields (never its EK) and, in the same transaction, appends `decision`
    /// to the enrollment audit.
    func updateHost(_ host: HostRecord, recording decision: EnrollmentDecision?) async throws
    /// Deletes a host (admin); its audit trail stays. Returns whether it existed.
    func deleteHost(id: String) async throws -> Bool
    /// Admin changes write only their own column (never a whole row read earlier), so a verdict committed
    /// between the admin's read and write keeps its counters and last verdict. Each returns the host after
    /// the change, or nil when there is no such host.
    func revokeHost(id: String) async throws -> HostRecord?
    func assignGroup(id: String, group: String) async throws -> HostRecord?

    /// Stores a `/challenge` nonce in the nonce table and drops nonces that expired before
    /// `purgeBefore` (bounded table).
    func insertNonce(_ nonce: NonceRecord, purgeBefore: Date) async throws
    /// A nonce: from the nonce table, or a host's current next challenge.
    func nonce(_ value: [UInt8]) async throws -> NonceRecord?
    /// An attestation's reads, at once: the host (its `lastVerdict` may be left nil) and the nonce. The
    /// host's own next challenge needs no second read: it is in the host's row; so is the last one it
    /// consumed, returned as `used`.
    func attestationContext(hostID: String, nonce: [UInt8]) async throws -> (host: HostRecord?, nonce: NonceRecord?)

    /// In one transaction: re-reads the host and refuses a verdict computed on a stale record
    /// (``HostRecord/commitConflict(current:verdict:)``: throws ``StoreError/notFound`` for a deleted
    /// host, ``StoreError/hostChanged(current:)`` otherwise, writing nothing); consumes `nonce` (when
    /// given; throws ``StoreError/nonceAlreadyUsed`` if it was used, and then writes nothing); appends
    /// `verdict` to the audit trail; writes only the attestation's fields of `host` over the current
    /// row (``HostRecord/committed(over:verdict:)``: a revoked host stays revoked, the counters only
    /// go forward). The nonce consumed is the host's current next challenge when it equals it (then
    /// kept as `lastChallenge`), else a nonce-table nonce. `next`, when given, becomes the host's next
    /// challenge (in its row: no nonce-table write); without it the host keeps its current one, unless
    /// that was just consumed. With `updatingHost` false (a verdict not made on the host's TPM answering
    /// a valid challenge: anyone can post one) the verdict goes to the audit trail only: the host's state,
    /// last verdict, attestation time and counters stay as they are (the nonce is still consumed).
    func commit(verdict: Verdict, host: HostRecord, consumingNonce nonce: [UInt8]?, issuing next: NonceRecord?, updatingHost: Bool) async throws
    /// A page of a host's audit trail, oldest first: at most `limit` entries after the cursor `after`
    /// (from the start when nil), and the cursor of the rest.
    func attestations(hostID: String, after: Int64?, limit: Int) async throws -> AuditPage<Verdict>

    /// Appends a decision that changed no host (a refusal) to the enrollment audit.
    func recordEnrollment(_ decision: EnrollmentDecision) async throws
    /// A page of the enrollment audit, oldest first (append-only, it outlives the hosts it names): at
    /// most `limit` decisions after the cursor `after` (from the start when nil), and the cursor of the rest.
    func enrollments(after: Int64?, limit: Int) async throws -> AuditPage<EnrollmentDecision>

    func insertBaseline(_ baseline: BaselineRecord) async throws
    func baselines() async throws -> [BaselineRecord]
    func deleteBaseline(id: String) async throws -> Bool

    func insertSigningKey(_ key: SigningKeyRecord) async throws
    func signingKeys() async throws -> [SigningKeyRecord]
    /// Marks every key but `kid` retired.
    func retireSigningKeys(except kid: String) async throws
}

/// A page of an append-only audit list, oldest first. `next` is the cursor that asks for the rest (the
/// position of the last entry given), nil when nothing follows: a cursor is opaque to clients, and
/// entries appended later come after every cursor already given out.
public struct AuditPage<Entry: Sendable>: Sendable {
    public var entries: [Entry]
    public var next: Int64?
    public init(entries: [Entry], next: Int64?) { self.entries = entries; self.next = next }

    /// The largest page a store reads at once, whatever a caller asks (the HTTP API allows 1 000).
    public static var maxLimit: Int { 100_000 }

    /// `limit` within 1…``maxLimit``.
    static func clamp(_ limit: Int) -> Int { Swift.min(Swift.max(1, limit), maxLimit) }

    /// The page of `limit` from `candidates` (position, entry; oldest first, up to `limit + 1` of them).
    static func from(_ candidates: [(Int64, Entry)], limit: Int) -> AuditPage {
        let page = candidates.prefix(limit)
        return AuditPage(entries: page.map(\.1), next: candidates.count > limit ? page.last?.0 : nil)
    }
}

/// Reads a paged listing to its end: `page(cursor)` gives a page's entries and the cursor of the
/// next page (nil at the end), starting from a nil cursor.
func readAllPages<Entry, Cursor>(_ page: (Cursor?) async throws -> (entries: [Entry], next: Cursor?)) async throws -> [Entry] {
    var all: [Entry] = []
    var cursor: Cursor? = nil
    repeat {
        let p = try await page(cursor)
        all += p.entries
        cursor = p.next
    } while cursor != nil
    return all
}

extension AttestationStore {
    /// The whole audit trail of a host, oldest first (page by page).
    public func attestations(hostID: String) async throws -> [Verdict] {
        try await readAllPages { cursor in
            let p = try await attestations(hostID: hostID, after: cursor, limit: 1000)
            return (p.entries, p.next)
        }
    }

    /// Every host, by name (page by page).
    public func hosts() async throws -> [HostRecord] {
        try await readAllPages { cursor in
            let p = try await hosts(after: cursor, limit: 1000)
            return (p.hosts, p.next)
        }
    }

    /// The whole enrollment audit, oldest first (page by page).
    public func enrollments() async throws -> [EnrollmentDecision] {
        try await readAllPages { cursor in
            let p = try await enrollments(after: cursor, limit: 1000)
            return (p.entries, p.next)
        }
    }

    /// Adds a host without an enrollment-audit entry (administration and tests).
    public func insertHost(_ host: HostRecord) async throws { try await insertHost(host, recording: nil) }
    /// Replaces a host's mutable fields without an enrollment-audit entry.
    public func updateHost(_ host: HostRecord) async throws { try await updateHost(host, recording: nil) }

    /// Two reads; a store that can do both in one round trip overrides it.
    public func attestationContext(hostID: String, nonce: [UInt8]) async throws -> (host: HostRecord?, nonce: NonceRecord?) {
        let host = try await host(id: hostID)
        if let own = host?.ownNonce(nonce) { return (host, own) }
        return (host, try await self.nonce(nonce))
    }

    /// ``commit(verdict:host:consumingNonce:issuing:updatingHost:)`` without a next challenge.
    public func commit(verdict: Verdict, host: HostRecord, consumingNonce nonce: [UInt8]?) async throws {
        try await commit(verdict: verdict, host: host, consumingNonce: nonce, issuing: nil, updatingHost: true)
    }

    /// ``commit(verdict:host:consumingNonce:issuing:updatingHost:)`` of a verdict that updates the host.
    public func commit(verdict: Verdict, host: HostRecord, consumingNonce nonce: [UInt8]?, issuing next: NonceRecord?) async throws {
        try await commit(verdict: verdict, host: host, consumingNonce: nonce, issuing: next, updatingHost: true)
    }
}
