/// TPMT_SIGNATURE (TPM 2.0 Part 2, 11.3.4) for the schemes hostattest verifies: TPMS_SIGNATURE_RSA
/// (RSASSA, RSAPSS; 11.3.1) and TPMS_SIGNATURE_ECDSA (11.3.2).
///
/// `tpm2_quote -s` writes this structure in its default `tss` format.
public struct TPMTSignature: Sendable, Hashable, TPMMarshallable {
    public enum Signature: Sendable, Hashable {
        /// TPMS_SIGNATURE_RSASSA: TPM2B_PUBLIC_KEY_RSA `sig`.
        case rsassa(hash: DigestAlgorithm, sig: [UInt8])
        /// TPMS_SIGNATURE_RSAPSS: TPM2B_PUBLIC_KEY_RSA `sig`.
        case rsapss(hash: DigestAlgorithm, sig: [UInt8])
        /// TPMS_SIGNATURE_ECDSA: TPM2B_ECC_PARAMETER `signatureR`, `signatureS`.
        case ecdsa(hash: DigestAlgorithm, r: [UInt8], s: [UInt8])
    }

    public var signature: Signature

    public init(_ signature: Signature) { self.signature = signature }

    /// `sigAlg`.
    public var sigAlg: TPMAlgorithmID {
        switch signature {
        case .rsassa: return .rsassa
        case .rsapss: return .rsapss
        case .ecdsa: return .ecdsa
        }
    }

    /// The hash the signature was made with (and with which a quote's pcrDigest is computed).
    public var hashAlg: DigestAlgorithm {
        switch signature {
        case .rsassa(let h, _), .rsapss(let h, _), .ecdsa(let h, _, _): return h
        }
    }

    /// Parses a marshalled TPMT_SIGNATURE; trailing bytes are an error.
    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, structure: "TPMT_SIGNATURE")
        try self.init(from: &r)
        try r.expectEnd("TPMT_SIGNATURE")
    }

    init(from r: inout ByteReader) throws {
        let at = r.position
        let alg = try r.alg("sigAlg")
        switch alg {
        case .rsassa, .rsapss:
            let hash = try r.hashAlg("hash")
            let sig = try r.tpm2b("sig", max: TPMLimits.rsaKey)
            signature = alg == .rsassa ? .rsassa(hash: hash, sig: sig) : .rsapss(hash: hash, sig: sig)
        case .ecdsa:
            let hash = try r.hashAlg("hash")
            let sr = try r.tpm2b("signatureR", max: TPMLimits.eccParameter)
            let ss = try r.tpm2b("signatureS", max: TPMLimits.eccParameter)
            signature = .ecdsa(hash: hash, r: sr, s: ss)
        default:
            throw r.unknownAlgorithm("sigAlg", alg, at: at)
        }
    }

    public func marshal(into w: inout TPMWriter) {
        w.alg(sigAlg)
        switch signature {
        case .rsassa(let h, let sig), .rsapss(let h, let sig):
            w.alg(h)
            w.tpm2b(sig)
        case .ecdsa(let h, let sr, let ss):
            w.alg(h)
            w.tpm2b(sr)
            w.tpm2b(ss)
        }
    }

    /// Fuzz entry point: parses arbitrary bytes, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let s = try? TPMTSignature(bytes: data) { _ = s.marshalled() }
    }
}
