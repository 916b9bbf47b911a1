/// TPMS_ATTEST (TPM 2.0 Part 2, 10.12.12): what a TPM signs in TPM2_Quote and TPM2_Certify.
///
/// `tpm2_quote -m` writes exactly these bytes (the contents of the TPM2B_ATTEST, without its size);
/// ``init(bytes:)`` also accepts the TPM2B_ATTEST form.
public struct TPMSAttest: Sendable, Hashable, TPMMarshallable {
    /// TPM_GENERATED (`TPM_GENERATED_VALUE` for anything the TPM made).
    public var magic: UInt32
    /// TPMI_ST_ATTEST, the union selector: `TPM_ST_ATTEST_QUOTE` or `TPM_ST_ATTEST_CERTIFY`.
    public var type: UInt16 { attested.tag }
    /// TPM2B_NAME of the signing key's qualified name.
    public var qualifiedSigner: [UInt8]
    /// TPM2B_DATA: the caller's qualifying data (the nonce).
    public var extraData: [UInt8]
    public var clockInfo: TPMSClockInfo
    public var firmwareVersion: UInt64
    public var attested: TPMUAttest

    public init(magic: UInt32 = TPM_GENERATED_VALUE, qualifiedSigner: [UInt8], extraData: [UInt8],
                clockInfo: TPMSClockInfo, firmwareVersion: UInt64, attested: TPMUAttest) {
        self.magic = magic
        self.qualifiedSigner = qualifiedSigner
        self.extraData = extraData
        self.clockInfo = clockInfo
        self.firmwareVersion = firmwareVersion
        self.attested = attested
    }

    /// Parses a TPMS_ATTEST (or a TPM2B_ATTEST wrapping one). Strict: the magic must be
    /// TPM_GENERATED_VALUE, the type quote or certify, every size within bounds and no byte may follow.
    public init(bytes: [UInt8]) throws {
        try self.init(bytes: Self.unwrapTPM2B(bytes), requireMagic: true)
    }

    /// The verifier reports a wrong magic as a finding rather than as malformed input.
    init(bytes: [UInt8], requireMagic: Bool) throws {
        var r = ByteReader(bytes, structure: "TPMS_ATTEST")
        magic = try r.u32be("magic")
        if requireMagic && magic != TPM_GENERATED_VALUE {
            throw ParseError("TPMS_ATTEST", at: 0, "magic 0x\(String(magic, radix: 16)) is not TPM_GENERATED_VALUE (0xff544347)", code: .parseBadMagic)
        }
        let typeAt = r.position
        let type = try r.u16be("type")
        guard type == TPMST.attestQuote || type == TPMST.attestCertify else {
            throw ParseError("TPMS_ATTEST", at: typeAt, "type 0x\(String(type, radix: 16)) is not TPM_ST_ATTEST_QUOTE or TPM_ST_ATTEST_CERTIFY", code: .parseWrongType)
        }
        qualifiedSigner = try r.tpm2b("qualifiedSigner", max: TPMLimits.name)
        extraData = try r.tpm2b("extraData", max: TPMLimits.data)
        clockInfo = try TPMSClockInfo(from: &r)
        firmwareVersion = try r.u64be("firmwareVersion")
        if type == TPMST.attestQuote {
            let select = try TPMLPCRSelection(from: &r)
            let digest = try r.tpm2b("pcrDigest", max: TPMLimits.digest)
            attested = .quote(TPMSQuoteInfo(pcrSelect: select, pcrDigest: digest))
        } else {
            let name = try r.tpm2b("name", max: TPMLimits.name)
            let qualifiedName = try r.tpm2b("qualifiedName", max: TPMLimits.name)
            attested = .certify(TPMSCertifyInfo(name: name, qualifiedName: qualifiedName))
        }
        try r.expectEnd("TPMS_ATTEST")
    }

    /// If `bytes` is a TPM2B_ATTEST (size prefix equal to the rest, followed by the magic), its contents;
    /// otherwise `bytes` unchanged.
    public static func unwrapTPM2B(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 6 else { return bytes }
        let size = Int(bytes[0]) << 8 | Int(bytes[1])
        let magicFollows = bytes[2] == 0xFF && bytes[3] == 0x54 && bytes[4] == 0x43 && bytes[5] == 0x47
        guard size == bytes.count - 2, magicFollows, !(bytes[0] == 0xFF && bytes[1] == 0x54) else { return bytes }
        return Array(bytes[2...])
    }

    /// The PCR selection of a quote, read without judging `magic` (the verifier reports that): for pairing a
    /// `values`-form PCR file with the quote it belongs to. Throws if the bytes are not a quote.
    public static func pcrSelection(ofQuote bytes: [UInt8]) throws -> TPMLPCRSelection {
        let a = try TPMSAttest(bytes: unwrapTPM2B(bytes), requireMagic: false)
        guard let info = a.quoteInfo else {
            throw ParseError("TPMS_ATTEST", at: 4, "type 0x\(String(a.type, radix: 16)) is not TPM_ST_ATTEST_QUOTE", code: .parseWrongType)
        }
        return info.pcrSelect
    }

    public var quoteInfo: TPMSQuoteInfo? {
        if case .quote(let q) = attested { return q }
        return nil
    }

    public func marshal(into w: inout TPMWriter) {
        w.u32(magic)
        w.u16(type)
        w.tpm2b(qualifiedSigner)
        w.tpm2b(extraData)
        clockInfo.marshal(into: &w)
        w.u64(firmwareVersion)
        switch attested {
        case .quote(let q): q.marshal(into: &w)
        case .certify(let c): c.marshal(into: &w)
        }
    }

    /// Fuzz entry point: parses arbitrary bytes, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let a = try? TPMSAttest(bytes: data) { _ = a.marshalled() }
        _ = try? TPMSAttest(bytes: data, requireMagic: false)
    }
}
