import AttestCore
import Foundation

/// Event logs the server has already parsed, replayed and appraised, found again by their exact text
/// (the request's base64, so a log seen before is not even decoded).
///
/// A host re-attesting between reboots sends the same log every time, and hosts booted from one image
/// on one machine model send the same log as each other: parsing, replaying and appraising it again
/// was a tenth of an attestation's CPU. An entry is found only when its text equals the request's, byte
/// for byte (a hash picks the candidate, `memcmp` decides); equal text decodes to equal bytes, so a
/// memoized result is the result of the same computation on the same input. The quote itself (signature, nonce, PCR digest, the PCR values
/// against the kept replay) is verified afresh every time.
///
/// Only a log whose quote verified under an enrolled host's AK is kept (no one else can fill the memo),
/// only up to ``maxLogBytes`` each and ``budgetBytes`` in all; when full, an arbitrary entry goes. An
/// appraisal is kept per (active baselines, quoted PCR selection), at most ``maxAppraisals`` per log.
final class EventLogMemo: @unchecked Sendable {
    struct AppraisalKey: Hashable, Sendable {
        var baselines: [String]
        var selection: TPMLPCRSelection
        var eventLogChecked: Bool
    }

    final class Entry: @unchecked Sendable {
        /// The log's text (base64, as the request carried it).
        let bytes: [UInt8]
        let replayed: ReplayedEventLog
        fileprivate var appraisals: [AppraisalKey: Appraisal] = [:]
        init(bytes: [UInt8], replayed: ReplayedEventLog) { self.bytes = bytes; self.replayed = replayed }
    }

    static let maxLogBytes = 1 << 20
    static let maxAppraisals = 8
    let budgetBytes: Int
    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]
    private var bytesHeld = 0

    init(budgetBytes: Int = 32 << 20) { self.budgetBytes = budgetBytes }

    /// The candidate's slot: the length and up to 256 bytes from each end (cheap; equality is checked in full).
    static func slot(_ raw: UnsafeRawBufferPointer) -> Int {
        var h = Hasher()
        h.combine(raw.count)
        h.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.prefix(256)))
        h.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.suffix(256)))
        return h.finalize()
    }

    static func slot(_ bytes: [UInt8]) -> Int { bytes.withUnsafeBytes { slot($0) } }

    static func same(_ a: [UInt8], _ y: UnsafeRawBufferPointer) -> Bool {
        guard a.count == y.count else { return false }
        return a.withUnsafeBytes { x in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
    }

    /// The entry holding exactly `bytes`, if any.
    func entry(for bytes: UnsafeRawBufferPointer) -> Entry? {
        let key = Self.slot(bytes)
        guard let e = lock.withLock({ entries[key] }), Self.same(e.bytes, bytes) else { return nil }
        return e
    }

    func entry(for bytes: [UInt8]) -> Entry? { bytes.withUnsafeBytes { entry(for: $0) } }

    /// The entry for exactly this text (a native string's UTF-8 is read in place).
    func entry(for text: String) -> Entry? {
        var text = text
        return text.withUTF8 { entry(for: UnsafeRawBufferPointer($0)) }
    }

    /// Keeps `replayed` (parsed from `bytes`) after its quote verified; returns its entry (nil when too large).
    @discardableResult
    func keep(bytes: [UInt8], replayed: ReplayedEventLog) -> Entry? {
        guard bytes.count <= Self.maxLogBytes, bytes.count <= budgetBytes else { return nil }
        let key = Self.slot(bytes)
        let entry = Entry(bytes: bytes, replayed: replayed)
        lock.withLock {
            if let old = entries.removeValue(forKey: key) { bytesHeld -= old.bytes.count }
            while bytesHeld + bytes.count > budgetBytes, let victim = entries.first {
                entries.removeValue(forKey: victim.key)
                bytesHeld -= victim.value.bytes.count
            }
            entries[key] = entry
            bytesHeld += bytes.count
        }
        return entry
    }

    func appraisal(_ entry: Entry, _ key: AppraisalKey) -> Appraisal? { lock.withLock { entry.appraisals[key] } }

    func keep(_ appraisal: Appraisal, in entry: Entry, _ key: AppraisalKey) {
        lock.withLock {
            if entry.appraisals.count >= Self.maxAppraisals { entry.appraisals.removeAll() }
            entry.appraisals[key] = appraisal
        }
    }

    var count: Int { lock.withLock { entries.count } }
    var heldBytes: Int { lock.withLock { bytesHeld } }
}
