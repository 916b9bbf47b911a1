/// A TCG PC Client event log (TCG PC Client PFP r1.05, 10 "Event Logging"), parsed strictly from
/// bytes.
///
/// Two formats are accepted:
/// - crypto-agile (PFP 10.2.2): a leading SHA-1 `TCG_PCR_EVENT` whose data is the
///   `TCG_EfiSpecIDEvent` ("Spec ID Event03") with the log's algorithm/digest-size table, then
///   `TCG_PCR_EVENT2` records with one digest per bank;
/// - legacy SHA-1 (PFP 10.2.1): `TCG_PCR_EVENT` records throughout.
///
/// Every length and count is checked against the bytes that remain, so malformed input throws
/// ``ParseError`` and never traps. Events keep slices of the one input buffer (no per-event copy
/// of event data or digests).
///
/// Replay (``replay()``) recomputes the PCRs; ``verifyReplay(against:)`` compares them with PCR
/// values from a quote. Event data is only trustworthy when its digest covers it: see
/// ``Event/verifiedData`` and ``Event/untrustedDecoded``.
public struct EventLog: Sendable {
    public enum Format: String, Sendable, Hashable, Codable {
        /// `TCG_PCR_EVENT` records, SHA-1 only (PFP 10.2.1).
        case sha1Legacy
        /// Spec ID Event03 then `TCG_PCR_EVENT2` records (PFP 10.2.2).
        case cryptoAgile
    }

    /// The number of PCRs of a PC Client TPM (PC Client PTP); a larger index is an error.
    public static let pcrCount = 24

    public let format: Format
    /// The Spec ID event of a crypto-agile log (nil for a legacy SHA-1 log).
    public let specID: TCGEfiSpecIDEvent?
    /// Every event in log order. In a crypto-agile log `events[0]` is the Spec ID event itself.
    public let events: [Event]
    /// Firmware quirks that were needed to read this log (see ``Workaround``); empty for a clean log.
    public let appliedWorkarounds: [Workaround]
    /// The input.
    public let bytes: [UInt8]

    /// Parses a log. Throws ``ParseError`` naming the record, the byte offset and the problem.
    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        var r = ByteReader(bytes, structure: "TCG_PCR_EVENT")
        var events: [Event] = []
        events.reserveCapacity(bytes.count / 96)
        var workarounds: [Workaround] = []

        guard !bytes.isEmpty else {
            throw ParseError("TCG_PCR_EVENT", at: 0, "the event log is empty", code: .parseTruncated)
        }
        // The first record is always a TCG_PCR_EVENT (PFP 10.2.1); its data says which format follows.
        let first = try Self.readLegacyEvent(&r, number: 0)
        var spec: TCGEfiSpecIDEvent? = nil
        if first.data.starts(with: TCGEfiSpecIDEvent.signaturePrefix) {
            // A Spec ID event anywhere but PCR 0 / EV_NO_ACTION would make the format ambiguous.
            guard first.pcrIndex == 0, first.type == .EV_NO_ACTION else {
                throw ParseError("TCG_PCR_EVENT #0", at: 0, "carries a Spec ID event but is \(first.type.name) in PCR \(first.pcrIndex), expected EV_NO_ACTION in PCR 0", code: .eventlogSpecidMalformed)
            }
            if first.data.starts(with: TCGEfiSpecIDEvent.signature03) {
                spec = try TCGEfiSpecIDEvent(bytes: first.data, baseOffset: first.dataOffset)
            } else if !first.data.starts(with: TCGEfiSpecIDEvent.signature00) {
                throw ParseError("TCG_EfiSpecIDEvent", at: first.dataOffset,
                                 "Signature is \(TCGEfiSpecIDEvent.printable(first.data.prefix(16))), expected \"Spec ID Event03\" (crypto-agile) or \"Spec ID Event00\" (SHA-1)",
                                 code: .eventlogSpecidSignature)
            }
        }
        events.append(first)
        let paddingStart = Workaround.trailingPaddingStart(bytes)

        if let spec {
            format = .cryptoAgile
            // Algorithm lookup table for the records: ID -> (size, known algorithm).
            // Keyed by ID (the Spec ID event lists each at most once): a search per digest would be
            // quadratic in a table of thousands of algorithms.
            let table = Dictionary(uniqueKeysWithValues: spec.algorithms.map { ($0.algorithmID, (size: Int($0.digestSize), alg: $0.algorithm)) })
            let uintnBytes = spec.uintnSize == 1 ? 4 : 8
            while !r.isAtEnd {
                if let quirk = Workaround.matchTrailing(r, paddingStart: paddingStart) {
                    workarounds.append(quirk)
                    break
                }
                events.append(try Self.readEvent2(&r, number: events.count, table: table, uintnBytes: uintnBytes))
            }
        } else {
            format = .sha1Legacy
            while !r.isAtEnd {
                if let quirk = Workaround.matchTrailing(r, paddingStart: paddingStart) {
                    workarounds.append(quirk)
                    break
                }
                events.append(try Self.readLegacyEvent(&r, number: events.count))
            }
        }
        specID = spec
        self.events = events
        appliedWorkarounds = workarounds
        try Self.checkStartupLocality(events)
    }

    /// Fuzz entry point: parses arbitrary bytes and, when they parse, replays, verifies and decodes
    /// every event. Must never trap; errors are expected and ignored.
    public static func fuzz(_ data: [UInt8]) {
        guard let log = try? EventLog(bytes: data) else { return }
        let banks = log.replay()
        var expected: [DigestAlgorithm: [Int: [UInt8]]] = [:]
        for bank in banks.banks { expected[bank.algorithm] = [0: bank.values[0], 7: [UInt8](repeating: 0, count: bank.algorithm.digestSize)] }
        expected[.sha512, default: [:]][23] = [1, 2, 3]
        _ = log.verifyReplay(against: expected)
        for event in log.events {
            _ = event.untrustedDecoded.summary
            _ = event.dataCoveredByDigest
            _ = event.verifiedData
        }
    }

    // MARK: - Records

    /// TCG_PCR_EVENT (PFP 10.2.1): PCRIndex, EventType, SHA-1 Digest, EventSize, Event.
    static func readLegacyEvent(_ r: inout ByteReader, number: Int) throws -> Event {
        let start = r.position
        do {
            let pcr = try r.u32le("PCRIndex")
            let type = EventType(try r.u32le("EventType"))
            let digestOffset = r.offset
            try r.skip(20, "Digest")
            let digest = r.bytes[digestOffset..<(digestOffset + 20)]
            let (data, dataOffset) = try readEventData(&r)
            let pcrIndex = try checkPCR(pcr, at: start)
            return Event(number: number, offset: start, pcrIndex: pcrIndex, type: type,
                         digests: [EventDigest(algorithmID: DigestAlgorithm.sha1.tpmAlgorithmID, algorithm: .sha1, digest: digest)],
                         data: data, dataOffset: dataOffset, uintnBytes: 8)
        } catch var e as ParseError {
            e.structure = "TCG_PCR_EVENT #\(number)"
            throw e
        }
    }

    /// TCG_PCR_EVENT2 (PFP 10.2.2): PCRIndex, EventType, TPML_DIGEST_VALUES Digests, EventSize, Event.
    /// Every digest's algorithm must be in the Spec ID table, which gives its size; an algorithm may
    /// appear once per record.
    static func readEvent2(_ r: inout ByteReader, number: Int,
                           table: [UInt16: (size: Int, alg: DigestAlgorithm?)], uintnBytes: Int = 8) throws -> Event {
        let start = r.position
        do {
            let pcr = try r.u32le("PCRIndex")
            let type = EventType(try r.u32le("EventType"))
            let countAt = r.position
            let count = try r.u32le("Digests.count")
            guard count <= UInt32(table.count) else {
                // One digest per bank (PFP 10.2.2), each bank at most once: never more than the table lists.
                throw ParseError("TCG_PCR_EVENT2", at: countAt, "Digests.count \(count) exceeds the \(table.count) algorithms of the Spec ID event", code: .eventlogDigestCount)
            }
            var digests: [EventDigest] = []
            digests.reserveCapacity(Int(count))
            var seen = Set<UInt16>()
            for i in 0..<Int(count) {
                let at = r.position
                // Constant field names: no string building per record on the happy path.
                let id = try r.u16le("Digests.digests[].hashAlg")
                guard let entry = table[id] else {
                    throw ParseError("TCG_PCR_EVENT2", at: at, "Digests[\(i)] has algorithm 0x\(String(id, radix: 16)), which the Spec ID event does not list", code: .eventlogUnknownAlgorithm)
                }
                guard seen.insert(id).inserted else {
                    throw ParseError("TCG_PCR_EVENT2", at: at, "Digests lists algorithm 0x\(String(id, radix: 16)) twice", code: .eventlogDuplicateDigest)
                }
                let o = r.offset
                try r.skip(entry.size, "Digests.digests[].digest")
                digests.append(EventDigest(algorithmID: id, algorithm: entry.alg, digest: r.bytes[o..<(o + entry.size)]))
            }
            let (data, dataOffset) = try readEventData(&r)
            let pcrIndex = try checkPCR(pcr, at: start)
            return Event(number: number, offset: start, pcrIndex: pcrIndex, type: type, digests: digests,
                         data: data, dataOffset: dataOffset, uintnBytes: uintnBytes)
        } catch var e as ParseError {
            e.structure = "TCG_PCR_EVENT2 #\(number)"
            throw e
        }
    }

    private static func readEventData(_ r: inout ByteReader) throws -> (ArraySlice<UInt8>, Int) {
        let at = r.position
        let size = try r.u32le("EventSize")
        guard let n = Int(exactly: size), n <= r.remaining else {
            throw ParseError("", at: at, "EventSize \(size) runs past the end of the data (\(r.remaining) bytes remain)", code: .parseLength)
        }
        let o = r.offset
        try r.skip(n, "Event")
        return (r.bytes[o..<(o + n)], r.position - n)
    }

    private static func checkPCR(_ pcr: UInt32, at offset: Int) throws -> Int {
        guard pcr < UInt32(pcrCount) else {
            throw ParseError("", at: offset, "PCRIndex \(pcr) is not a PCR (0–\(pcrCount - 1))", code: .eventlogPcrIndex)
        }
        return Int(pcr)
    }

    /// A StartupLocality event (PFP 10.4.5.3) is EV_NO_ACTION in PCR 0, at most once, before any
    /// event that extends PCR 0, with locality 0, 3 or 4 (4 = H-CRTM).
    private static func checkStartupLocality(_ events: [Event]) throws {
        var seenLocality = false
        var pcr0Extended = false
        for e in events where e.pcrIndex == 0 {
            if e.type != .EV_NO_ACTION { pcr0Extended = true; continue }
            guard e.data.starts(with: Event.startupLocalitySignature) else { continue }
            let s = "TCG_EfiStartupLocalityEvent #\(e.number)"
            guard e.data.count == 17 else {
                throw ParseError(s, at: e.dataOffset, "EventSize is \(e.data.count), expected 17", code: .eventlogStartupLocality)
            }
            guard !seenLocality else {
                throw ParseError(s, at: e.offset, "a second StartupLocality event", code: .eventlogStartupLocality)
            }
            guard !pcr0Extended else {
                throw ParseError(s, at: e.offset, "StartupLocality comes after PCR 0 was already extended", code: .eventlogStartupLocality)
            }
            let locality = e.data[e.data.startIndex + 16]
            guard [0, 3, 4].contains(locality) else {
                throw ParseError(s, at: e.dataOffset + 16, "StartupLocality is \(locality), expected 0, 3 or 4 (H-CRTM)", code: .eventlogStartupLocality)
            }
            seenLocality = true
        }
    }
}
