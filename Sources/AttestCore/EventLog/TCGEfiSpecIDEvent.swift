/// TCG_EfiSpecIDEvent (TCG PC Client PFP r1.05, 10.4.5.1 "Specification ID Version Event"): the data
/// of the first event of a crypto-agile log, carried in a SHA-1 `TCG_PCR_EVENT` (PCR 0,
/// EV_NO_ACTION). Its algorithm table (`TCG_EfiSpecIdEventAlgorithmSize[]`) gives the digest size of
/// every algorithm that may appear in the `TCG_PCR_EVENT2` records that follow.
public struct TCGEfiSpecIDEvent: Sendable, Hashable {
    /// TCG_EfiSpecIdEventAlgorithmSize (PFP 10.4.5.1).
    public struct AlgorithmSize: Sendable, Hashable {
        public var algorithmID: UInt16
        public var digestSize: UInt16
        public init(algorithmID: UInt16, digestSize: UInt16) {
            self.algorithmID = algorithmID
            self.digestSize = digestSize
        }
        /// The algorithm when hostattest can hash with it (SM3_256 and others are parsed but not replayed).
        public var algorithm: DigestAlgorithm? { DigestAlgorithm(tpmAlgorithmID: algorithmID) }
    }

    /// `"Spec ID Event03\0"`: the signature of a crypto-agile (TPM 2.0) log.
    public static let signature03: [UInt8] = Array("Spec ID Event03".utf8) + [0]
    /// `"Spec ID Event00\0"`: TCG_PCClientSpecIDEventStruct of a TPM 1.2 (SHA-1 only) log.
    public static let signature00: [UInt8] = Array("Spec ID Event00".utf8) + [0]
    /// Every Spec ID signature starts with this; any other version than 00 or 03 is rejected.
    static let signaturePrefix: [UInt8] = Array("Spec ID Event".utf8)

    /// Most algorithms the table may list (`eventlog.specid-too-many-algorithms`). Each is a PCR bank:
    /// the TCG Algorithm Registry defines eight hash algorithms (SHA-1, SHA-256/384/512, SM3-256,
    /// SHA3-256/384/512), and a TPML_DIGEST_VALUES holds at most HASH_COUNT digests (TPM 2.0 Part 2,
    /// 10.9.7). This bounds the digests of every record, so output per record is small.
    public static let maxAlgorithms = 16
    /// Largest digestSize accepted (`eventlog.specid-digest-size`): TPMU_HA's largest member
    /// (SHA-512, SHA3-512) is 64 bytes (TPM 2.0 Part 2, 10.3.1).
    public static let maxDigestSize: UInt16 = 64

    public var platformClass: UInt32
    public var specVersionMinor: UInt8
    public var specVersionMajor: UInt8
    public var specErrata: UInt8
    /// 1 = UINT32, 2 = UINT64 (UINTN of the firmware).
    public var uintnSize: UInt8
    public var algorithms: [AlgorithmSize]
    public var vendorInfo: [UInt8]

    public init(platformClass: UInt32 = 0, specVersionMinor: UInt8 = 0, specVersionMajor: UInt8 = 2,
                specErrata: UInt8 = 0, uintnSize: UInt8 = 2, algorithms: [AlgorithmSize], vendorInfo: [UInt8] = []) {
        self.platformClass = platformClass
        self.specVersionMinor = specVersionMinor
        self.specVersionMajor = specVersionMajor
        self.specErrata = specErrata
        self.uintnSize = uintnSize
        self.algorithms = algorithms
        self.vendorInfo = vendorInfo
    }

    /// Parses the event data of the Spec ID event (exactly `eventSize` bytes). Strict: the
    /// algorithm table and `vendorInfoSize` must fit the event data exactly; vendor data that runs
    /// past `eventSize` (which tpm2-tools tolerates) is rejected.
    /// - Parameter baseOffset: offset of `data` in the whole log, for error messages.
    public init(bytes data: ArraySlice<UInt8>, baseOffset: Int = 0) throws {
        let s = "TCG_EfiSpecIDEvent"
        var r = ByteReader(Array(data), structure: s, baseOffset: baseOffset)
        let sig = try r.bytes(16, "Signature")
        guard sig == Self.signature03 else {
            throw ParseError(s, at: baseOffset, "Signature is \(Self.printable(sig)), expected \"Spec ID Event03\"", code: .eventlogSpecidSignature)
        }
        platformClass = try r.u32le("platformClass")
        specVersionMinor = try r.u8("specVersionMinor")
        specVersionMajor = try r.u8("specVersionMajor")
        specErrata = try r.u8("specErrata")
        uintnSize = try r.u8("uintnSize")
        guard specVersionMajor == 2 else {
            throw ParseError(s, at: r.position - 3, "specVersionMajor is \(specVersionMajor), expected 2", code: .eventlogSpecidVersion)
        }
        guard uintnSize == 1 || uintnSize == 2 else {
            throw ParseError(s, at: r.position - 1, "uintnSize is \(uintnSize), expected 1 (UINT32) or 2 (UINT64)", code: .eventlogSpecidMalformed)
        }
        let countAt = r.position
        let count = try r.u32le("numberOfAlgorithms")
        // Each entry is 4 bytes and must fit in what remains of the event: bounds the allocation.
        guard count >= 1, UInt64(count) * 4 <= UInt64(r.remaining) else {
            throw ParseError(s, at: countAt, "numberOfAlgorithms \(count) does not fit the \(r.remaining) bytes left in the event", code: count == 0 ? .eventlogSpecidMalformed : .parseLength)
        }
        guard count <= UInt32(Self.maxAlgorithms) else {
            throw ParseError(s, at: countAt, "numberOfAlgorithms \(count) exceeds \(Self.maxAlgorithms): a TPM has one PCR bank per hash algorithm it implements", code: .eventlogSpecidTooManyAlgorithms)
        }
        var algs: [AlgorithmSize] = []
        algs.reserveCapacity(Int(count))
        // A set, not a search of `algs`: up to 65536 distinct IDs fit in an event, and a linear
        // search per entry is quadratic.
        var seen = Set<UInt16>()
        for i in 0..<Int(count) {
            let at = r.position
            let id = try r.u16le("digestSizes[\(i)].algorithmId")
            let size = try r.u16le("digestSizes[\(i)].digestSize")
            guard seen.insert(id).inserted else {
                throw ParseError(s, at: at, "algorithm 0x\(String(id, radix: 16)) is listed twice", code: .eventlogSpecidMalformed)
            }
            guard size > 0 else {
                throw ParseError(s, at: at, "algorithm 0x\(String(id, radix: 16)) has digestSize 0", code: .eventlogSpecidMalformed)
            }
            guard size <= Self.maxDigestSize else {
                throw ParseError(s, at: at, "algorithm 0x\(String(id, radix: 16)) has digestSize \(size), larger than any TPM digest (\(Self.maxDigestSize) bytes)", code: .eventlogSpecidDigestSize)
            }
            if let known = DigestAlgorithm(tpmAlgorithmID: id), known.digestSize != Int(size) {
                throw ParseError(s, at: at, "\(known) has digestSize \(size), expected \(known.digestSize)", code: .eventlogSpecidMalformed)
            }
            algs.append(AlgorithmSize(algorithmID: id, digestSize: size))
        }
        algorithms = algs
        let vendorAt = r.position
        let vendorSize = try r.u8("vendorInfoSize")
        guard Int(vendorSize) <= r.remaining else {
            throw ParseError(s, at: vendorAt, "vendorInfoSize \(vendorSize) runs past the end of the event: eventSize \(data.count) leaves \(r.remaining) bytes for vendorInfo", code: .eventlogSpecidVendorinfo)
        }
        vendorInfo = try r.bytes(Int(vendorSize), "vendorInfo")
        try r.expectEnd("vendorInfo")
    }

    /// The encoded event data.
    public var bytes: [UInt8] {
        var out = Self.signature03
        out.tcgAppendLE(platformClass)
        out += [specVersionMinor, specVersionMajor, specErrata, uintnSize]
        out.tcgAppendLE(UInt32(algorithms.count))
        for a in algorithms {
            out.tcgAppendLE(a.algorithmID)
            out.tcgAppendLE(a.digestSize)
        }
        let vendor = vendorInfo.prefix(255)
        out.append(UInt8(vendor.count))
        out += vendor
        return out
    }

    /// Digest size declared for an algorithm ID, if the table lists it.
    public func digestSize(of algorithmID: UInt16) -> Int? {
        for a in algorithms where a.algorithmID == algorithmID { return Int(a.digestSize) }
        return nil
    }

    static func printable<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let trimmed = bytes.prefix { $0 != 0 }
        if trimmed.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
            return "\"" + String(decoding: trimmed, as: UTF8.self) + "\""
        }
        return "0x" + bytes.hex
    }
}

extension Array where Element == UInt8 {
    mutating func tcgAppendLE<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }
}
