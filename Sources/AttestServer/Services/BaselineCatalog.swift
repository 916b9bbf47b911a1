import AttestCore
import AttestWire
import Foundation

/// The signed baselines in the store, verified once per process (by id = SHA-256 of the bytes)
/// and re-verified only when a new id appears.
public actor BaselineCatalog {
    private let store: any AttestationStore
    private let anchors: [X509Certificate]
    private var verified: [String: VerifiedBaseline] = [:]

    public init(store: any AttestationStore, anchors: [X509Certificate]) {
        self.store = store
        self.anchors = anchors
    }

    /// Verifies and stores a baseline for a group (`POST /v1/baselines`).
    public func add(bytes: [UInt8], signature: [UInt8], group: String, now: Date) async throws -> BaselineView {
        let result: (report: VerificationReport, verified: VerifiedBaseline?)
        do {
            result = try BaselineVerifier.verify(bytes: bytes, signature: signature, anchors: anchors, time: now)
        } catch let e as ParseError {
            throw APIError(422, e.code, "the baseline does not parse: \(e)")
        }
        guard let v = result.verified else {
            throw APIError(422, result.report.failures.first?.code ?? .baselineSignatureInvalid, "the baseline is not signed by a baseline anchor",
                           findings: result.report.failures.map(\.wire))
        }
        verified[v.digest] = v
        let record = BaselineRecord(id: v.digest, group: group, bytes: bytes, signature: signature, addedAt: now)
        try await store.insertBaseline(record)
        return Self.view(record, v)
    }

    /// The active baselines of a group, verified (a stored baseline that no longer verifies, e.g.
    /// after the anchors changed, is left out: it admits nothing).
    public func active(group: String, now: Date) async throws -> [VerifiedBaseline] {
        var out: [VerifiedBaseline] = []
        for record in try await store.baselines() where record.group == group {
            if let v = verified[record.id] { out.append(v); continue }
            if let v = try? BaselineVerifier.verify(bytes: record.bytes, signature: record.signature, anchors: anchors, time: now).verified {
                verified[record.id] = v
                out.append(v)
            }
        }
        return out
    }

    public func list(now: Date) async throws -> [BaselineView] {
        var out: [BaselineView] = []
        for record in try await store.baselines() {
            let v = try? (verified[record.id] ?? BaselineVerifier.verify(bytes: record.bytes, signature: record.signature, anchors: anchors, time: now).verified)
            if let v { out.append(Self.view(record, v)) }
        }
        return out
    }

    static func view(_ r: BaselineRecord, _ v: VerifiedBaseline) -> BaselineView {
        BaselineView(id: r.id, name: v.baseline.name, version: v.baseline.version, group: r.group, pcrs: v.baseline.pcrs,
                     signer: v.signer, addedAt: Timestamp.string(r.addedAt))
    }
}

enum Timestamp {
    static func string(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }
}
