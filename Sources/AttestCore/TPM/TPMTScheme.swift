/// TPMT_RSA_SCHEME / TPMT_ECC_SCHEME / TPMT_KDF_SCHEME (TPM 2.0 Part 2, 11.2.4.2, 11.2.5.6, 11.2.3.3):
/// a scheme selector and its details (a hash, and for ECDAA a count).
public struct TPMTScheme: Sendable, Hashable, TPMMarshallable {
    public var scheme: TPMAlgorithmID
    /// `details.hashAlg`, absent for TPM_ALG_NULL and RSAES.
    public var hashAlg: DigestAlgorithm?
    /// `details.count` (ECDAA only).
    public var count: UInt16?

    public static let null = TPMTScheme(scheme: .null, hashAlg: nil)

    public init(scheme: TPMAlgorithmID, hashAlg: DigestAlgorithm?, count: UInt16? = nil) {
        self.scheme = scheme
        self.hashAlg = hashAlg
        self.count = count
    }

    init(from r: inout ByteReader, field: String, allowed: Set<TPMAlgorithmID>) throws {
        let at = r.position
        scheme = try r.alg("\(field).scheme")
        guard scheme == .null || allowed.contains(scheme) else { throw r.unknownAlgorithm("\(field).scheme", scheme, at: at) }
        switch scheme {
        case .null, .rsaes:
            hashAlg = nil
            count = nil
        case .ecdaa:
            hashAlg = try r.hashAlg("\(field).details.hashAlg")
            count = try r.u16be("\(field).details.count")
        default:
            hashAlg = try r.hashAlg("\(field).details.hashAlg")
            count = nil
        }
    }

    public func marshal(into w: inout TPMWriter) {
        w.alg(scheme)
        if let hashAlg { w.alg(hashAlg) }
        if let count { w.u16(count) }
    }

    static let rsaSchemes: Set<TPMAlgorithmID> = [.rsassa, .rsapss, .rsaes, .oaep]
    static let eccSchemes: Set<TPMAlgorithmID> = [.ecdsa, .ecdaa, .sm2, .ecschnorr, .ecdh, .ecmqv]
    static let kdfSchemes: Set<TPMAlgorithmID> = [.mgf1, .kdf1_sp800_56a, .kdf2, .kdf1_sp800_108]
}
