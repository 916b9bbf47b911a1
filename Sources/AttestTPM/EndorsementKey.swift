import AttestCore

/// The EK templates of the TCG EK Credential Profile 2.0 (§B.3.3, templates L-1 and L-2).
public enum EndorsementKeyType: String, Sendable, Hashable, Codable, CaseIterable {
    case rsa2048 = "rsa"
    case eccP256 = "ecc"

    /// The NV index where the manufacturer stores the EK certificate (EK Credential Profile 2.0 §2.2.1.4).
    public var certificateNVIndex: UInt32 {
        switch self {
        case .rsa2048: return 0x01C0_0002
        case .eccP256: return 0x01C0_000A
        }
    }
}

/// The attestation key types hostattest creates.
public enum AttestationKeyType: String, Sendable, Hashable, Codable, CaseIterable {
    /// ECDSA P-256 with SHA-256 (the default).
    case ecdsaP256 = "ecc"
    /// RSASSA-PKCS1-v1_5 2048 with SHA-256.
    case rsassa2048 = "rsa"
}

/// An endorsement key's public area and, when the TPM holds one, its certificate (DER).
public struct EndorsementKey: Sendable, Hashable {
    public var type: EndorsementKeyType
    public var publicArea: TPMTPublic
    public var certificateDER: [UInt8]?

    public init(type: EndorsementKeyType, publicArea: TPMTPublic, certificateDER: [UInt8]?) {
        self.type = type
        self.publicArea = publicArea
        self.certificateDER = certificateDER
    }
}
