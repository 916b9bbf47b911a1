import AttestCore
import Foundation

/// Enrolled hosts' attestation keys, loaded once: found again by the exact bytes of the stored
/// TPMT_PUBLIC (a hash picks the entry, equality of the bytes decides).
///
/// Loading a key parses its public area and sets up the curve point (with its on-curve check): 1 %
/// of an attestation's CPU, for the same few hundred keys over and over. The key is a pure function
/// of its bytes, so a kept key is the key a fresh load would make. Only keys that loaded are kept
/// (a stored area that does not load is refused afresh each time), at most ``capacity``; when full,
/// the cache starts again empty.
final class AttestationKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [[UInt8]: AttestationKey] = [:]
    let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = max(1, capacity) }

    /// The key stored as `publicArea` (TPMT_PUBLIC bytes), or nil when it does not load.
    func key(_ publicArea: [UInt8]) -> AttestationKey? {
        if let known = lock.withLock({ keys[publicArea] }) { return known }
        guard let area = try? TPMTPublic(bytes: publicArea), let key = try? AttestationKey(publicArea: area) else { return nil }
        lock.withLock {
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[publicArea] = key
        }
        return key
    }

    var count: Int { lock.withLock { keys.count } }
}
