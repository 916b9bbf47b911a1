/// Big-endian marshalling of TPM 2.0 structures (TPM 2.0 Part 1, 18 "Data Types"; Part 2 canonical form).
public struct TPMWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xff)) }
    public mutating func u32(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((v >> UInt32(shift)) & 0xff)) }
    }
    public mutating func u64(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((v >> UInt64(shift)) & 0xff)) }
    }
    public mutating func raw<C: Collection>(_ data: C) where C.Element == UInt8 { bytes.append(contentsOf: data) }
    public mutating func alg(_ a: TPMAlgorithmID) { u16(a.rawValue) }
    public mutating func alg(_ a: DigestAlgorithm) { u16(a.tpmAlgorithmID) }
    /// A TPM2B: UINT16 size followed by the bytes. Callers keep `data` within the structure's maximum.
    public mutating func tpm2b<C: Collection>(_ data: C) where C.Element == UInt8 {
        u16(UInt16(truncatingIfNeeded: data.count))
        raw(data)
    }
}

/// A structure with a canonical TPM marshalling.
public protocol TPMMarshallable {
    func marshal(into writer: inout TPMWriter)
}

extension TPMMarshallable {
    /// The canonical big-endian TPM marshalling of the structure.
    public func marshalled() -> [UInt8] {
        var w = TPMWriter()
        marshal(into: &w)
        return w.bytes
    }
}

extension ByteReader {
    /// Reads a TPM2B: UINT16 size then that many bytes. A size larger than `max` (the union or buffer
    /// size the spec gives) or than what remains is an error.
    mutating func tpm2b(_ field: String, max: Int) throws -> [UInt8] {
        let at = position
        let size = Int(try u16be("\(field).size"))
        guard size <= max else {
            throw ParseError(structure, at: at, "\(field).size \(size) exceeds the maximum \(max)", code: .parseLength)
        }
        guard size <= remaining else {
            throw ParseError(structure, at: at, "\(field).size \(size) runs past the end of the data (\(remaining) bytes remain)", code: .parseLength)
        }
        return try bytes(size, field)
    }

    /// Reads a TPM_ALG_ID.
    mutating func alg(_ field: String) throws -> TPMAlgorithmID { TPMAlgorithmID(try u16be(field)) }

    /// Reads a TPMI_ALG_HASH and requires a hash hostattest supports.
    mutating func hashAlg(_ field: String) throws -> DigestAlgorithm {
        let at = position
        let raw = try u16be(field)
        guard let alg = DigestAlgorithm(tpmAlgorithmID: raw) else {
            throw ParseError(structure, at: at, "\(field) 0x\(String(raw, radix: 16)) is not a supported hash algorithm", code: .parseUnknownAlgorithm)
        }
        return alg
    }

    func unknownAlgorithm(_ field: String, _ alg: TPMAlgorithmID, at: Int) -> ParseError {
        ParseError(structure, at: at, "\(field) \(alg) is not a supported algorithm here", code: .parseUnknownAlgorithm)
    }
}

/// Size limits of TPM2B buffers (TPM 2.0 Part 2 with the TCG reference implementation's sizes, as used by
/// tpm2-tss: `sizeof(TPMU_HA)` = 64, `sizeof(TPMT_HA)` = 66, MAX_RSA_KEY_BYTES = 512,
/// MAX_ECC_KEY_BYTES = 128).
enum TPMLimits {
    static let digest = 64               // TPM2B_DIGEST: sizeof(TPMU_HA)
    static let data = 66                 // TPM2B_DATA: sizeof(TPMT_HA)
    static let name = 66                 // TPM2B_NAME: sizeof(TPMU_NAME)
    static let rsaKey = 512              // TPM2B_PUBLIC_KEY_RSA: MAX_RSA_KEY_BYTES
    static let eccParameter = 128        // TPM2B_ECC_PARAMETER: MAX_ECC_KEY_BYTES
    static let idObject = 2 + 64 + 2 + 64 // TPM2B_ID_OBJECT: sizeof(TPMS_ID_OBJECT)
    static let encryptedSecret = 512     // TPM2B_ENCRYPTED_SECRET: sizeof(TPMU_ENCRYPTED_SECRET)
    static let attest = 2304             // TPM2B_ATTEST: sizeof(TPMS_ATTEST) in tpm2-tss
    static let publicArea = 2 + 2 + 4 + 2 + 64 + 1024 // generous bound for TPMT_PUBLIC
    static let pcrBanks = 16             // TPML_PCR_SELECTION: HASH_COUNT (TPM2_NUM_PCR_BANKS)
    static let pcrSelectMax = 4          // PCR_SELECT_MAX
    static let digestListMax = 8         // TPML_DIGEST: at most 8 digests
}
