/// TPMS_PCR_SELECTION (TPM 2.0 Part 2, 10.6.2): a hash bank and a bitmap of PCRs, PCR n at
/// bit (n mod 8) of byte (n / 8).
public struct TPMSPCRSelection: Sendable, Hashable, TPMMarshallable {
    public var hash: DigestAlgorithm
    /// `pcrSelect[0..<sizeofSelect]`.
    public var pcrSelect: [UInt8]

    public init(hash: DigestAlgorithm, pcrSelect: [UInt8]) {
        self.hash = hash
        self.pcrSelect = pcrSelect
    }

    /// A selection of the given PCR indices (0...31) with the usual 3-byte (24 PCR) bitmap, grown as needed.
    public init(hash: DigestAlgorithm, indices: [Int]) {
        let maxIndex = indices.max() ?? 0
        var select = [UInt8](repeating: 0, count: Swift.max(3, Swift.min(TPMLimits.pcrSelectMax, maxIndex / 8 + 1)))
        for i in indices where i >= 0 && i < select.count * 8 { select[i / 8] |= UInt8(1) << UInt8(i % 8) }
        self.init(hash: hash, pcrSelect: select)
    }

    /// The selected PCR indices, ascending.
    public var indices: [Int] {
        var out: [Int] = []
        for (byteIndex, byte) in pcrSelect.enumerated() where byte != 0 {
            for bit in 0..<8 where byte & (UInt8(1) << UInt8(bit)) != 0 { out.append(byteIndex * 8 + bit) }
        }
        return out
    }

    /// Number of selected PCRs.
    public var count: Int { pcrSelect.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// True when both select the same PCRs of the same bank (a shorter bitmap equals a longer one
    /// padded with zero bytes).
    public func selectsSame(as other: TPMSPCRSelection) -> Bool {
        guard hash == other.hash else { return false }
        let n = Swift.max(pcrSelect.count, other.pcrSelect.count)
        for i in 0..<n {
            let a = i < pcrSelect.count ? pcrSelect[i] : 0
            let b = i < other.pcrSelect.count ? other.pcrSelect[i] : 0
            if a != b { return false }
        }
        return true
    }

    public func marshal(into w: inout TPMWriter) {
        w.alg(hash)
        w.u8(UInt8(truncatingIfNeeded: pcrSelect.count))
        w.raw(pcrSelect)
    }

    init(from r: inout ByteReader) throws {
        hash = try r.hashAlg("hash")
        let at = r.position
        let size = Int(try r.u8("sizeofSelect"))
        guard size <= TPMLimits.pcrSelectMax else {
            throw ParseError(r.structure, at: at, "sizeofSelect \(size) exceeds PCR_SELECT_MAX (\(TPMLimits.pcrSelectMax))", code: .parseLength)
        }
        pcrSelect = try r.bytes(size, "pcrSelect")
    }
}
