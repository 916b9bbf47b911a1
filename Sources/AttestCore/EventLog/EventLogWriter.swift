/// Writes a crypto-agile TCG PC Client event log (TCG PC Client PFP r1.05, 10.2.2): a SHA-1
/// `TCG_PCR_EVENT` carrying the `TCG_EfiSpecIDEvent` (10.4.5.1: platformClass, spec version 2.0
/// errata, uintnSize 2, the algorithm/digest-size table, vendorInfoSize), then one
/// `TCG_PCR_EVENT2` per event with a digest in every bank.
///
/// ```swift
/// var w = EventLogWriter(banks: [.sha1, .sha256])
/// w.measure(pcr: 4, type: .EV_EFI_ACTION, data: Array("Calling EFI Application from Boot Option".utf8))
/// w.extend(pcr: 4, type: .EV_EFI_BOOT_SERVICES_APPLICATION, digests: authenticodeDigests, data: imageLoadEvent)
/// let log = w.bytes
/// ```
public struct EventLogWriter: Sendable {
    public let banks: [DigestAlgorithm]
    public let specID: TCGEfiSpecIDEvent
    public private(set) var bytes: [UInt8]

    /// - Parameters:
    ///   - banks: the PCR banks, in the order their digests are written (duplicates are dropped).
    ///   - platformClass: 0 = client, 1 = server (PFP 10.4.5.1).
    ///   - specErrata: the PFP errata the firmware follows (0 for 2.0 r1.00 up to the log format
    ///     of later revisions, which did not change it).
    ///   - vendorInfo: at most 255 bytes (vendorInfoSize is a UINT8); longer input is cut.
    public init(banks: [DigestAlgorithm], platformClass: UInt32 = 0, specErrata: UInt8 = 0, vendorInfo: [UInt8] = []) {
        var unique: [DigestAlgorithm] = []
        for b in banks where !unique.contains(b) { unique.append(b) }
        if unique.isEmpty { unique = [.sha256] }
        self.banks = unique
        specID = TCGEfiSpecIDEvent(platformClass: platformClass, specVersionMinor: 0, specVersionMajor: 2,
                                   specErrata: specErrata, uintnSize: 2,
                                   algorithms: unique.map { .init(algorithmID: $0.tpmAlgorithmID, digestSize: UInt16($0.digestSize)) },
                                   vendorInfo: Array(vendorInfo.prefix(255)))
        let data = specID.bytes
        var out: [UInt8] = []
        out.tcgAppendLE(UInt32(0))                                  // PCRIndex
        out.tcgAppendLE(EventType.EV_NO_ACTION.rawValue)            // EventType
        out += [UInt8](repeating: 0, count: 20)                     // Digest (SHA-1, zero)
        out.tcgAppendLE(UInt32(data.count))                         // EventSize
        out += data
        bytes = out
    }

    /// Appends an event whose digest in each bank is H(data): the data is covered by its digests
    /// (EV_SEPARATOR, EV_EFI_ACTION, EV_IPL, EV_EFI_VARIABLE_DRIVER_CONFIG, …).
    public mutating func measure(pcr: Int, type: EventType, data: [UInt8]) {
        let digests = banks.map { ($0, $0.hash(data)) }
        append(pcr: pcr, type: type, digests: digests, data: data)
    }

    /// Appends an event with digests computed elsewhere (e.g. an image's Authenticode hash in each
    /// bank for EV_EFI_BOOT_SERVICES_APPLICATION, whose data is the UEFI_IMAGE_LOAD_EVENT).
    /// `digests` must hold every bank of the writer with the right size.
    public mutating func extend(pcr: Int, type: EventType, digests: [DigestAlgorithm: [UInt8]], data: [UInt8]) throws {
        guard (0..<EventLog.pcrCount).contains(pcr) else {
            throw ParseError("EventLogWriter", "PCR index \(pcr) for a \(type.name) event is outside 0–\(EventLog.pcrCount - 1)", code: .eventlogWriterPcr)
        }
        var list: [(DigestAlgorithm, [UInt8])] = []
        for b in banks {
            guard let d = digests[b], d.count == b.digestSize else {
                throw ParseError("EventLogWriter", "no \(b.digestSize)-byte \(b) digest for a \(type.name) event in PCR \(pcr)", code: .eventlogWriterDigest)
            }
            list.append((b, d))
        }
        append(pcr: pcr, type: type, digests: list, data: data)
    }

    /// Appends an EV_NO_ACTION event (extended into nothing; digests are zero).
    public mutating func noAction(pcr: Int = 0, data: [UInt8]) {
        append(pcr: pcr, type: .EV_NO_ACTION, digests: banks.map { ($0, [UInt8](repeating: 0, count: $0.digestSize)) }, data: data)
    }

    /// Appends a StartupLocality event (PFP 10.4.5.3): 3 for TPM2_Startup at locality 3, 4 when
    /// an H-CRTM sequence ran. Must come before any event extended into PCR 0.
    public mutating func startupLocality(_ locality: UInt8) {
        noAction(pcr: 0, data: EventLog.Event.startupLocalitySignature + [locality])
    }

    /// Appends an EV_SEPARATOR with value 0 (PFP 10.4.4) to each PCR given (0–7 by default).
    public mutating func separators(pcrs: [Int] = Array(0...7)) {
        for p in pcrs { measure(pcr: p, type: .EV_SEPARATOR, data: [0, 0, 0, 0]) }
    }

    private mutating func append(pcr: Int, type: EventType, digests: [(DigestAlgorithm, [UInt8])], data: [UInt8]) {
        bytes.tcgAppendLE(UInt32(truncatingIfNeeded: pcr))
        bytes.tcgAppendLE(type.rawValue)
        bytes.tcgAppendLE(UInt32(digests.count))
        for (alg, d) in digests {
            bytes.tcgAppendLE(alg.tpmAlgorithmID)
            bytes += d
        }
        bytes.tcgAppendLE(UInt32(truncatingIfNeeded: data.count))
        bytes += data
    }
}
