import AttestCore
import Crypto
import _CryptoExtras
import X509

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

extension EndorsementKey {
    /// Whether the certificate certifies this EK's public key (nil without a certificate). A TPM may hold
    /// certificates for other EK templates at nearby NV indices; only a matching one describes this key.
    public var certificateMatchesKey: Bool? {
        guard let der = certificateDER else { return nil }
        guard let cert = try? Certificate(derEncoded: der) else { return false }
        do {
            switch publicArea.key {
            case .rsa(let parms, let modulus):
                let e = parms.effectiveExponent
                let exponent = Array([UInt8(e >> 24), UInt8((e >> 16) & 0xff), UInt8((e >> 8) & 0xff), UInt8(e & 0xff)].drop { $0 == 0 })
                return cert.publicKey == Certificate.PublicKey(try _RSA.Signing.PublicKey(n: modulus, e: exponent))
            case .ecc(let parms, let point):
                guard parms.curveID == TPMECCCurve.nistP256, point.x.count <= 32, point.y.count <= 32 else { return false }
                let pad = { (c: [UInt8]) in [UInt8](repeating: 0, count: 32 - c.count) + c }
                return cert.publicKey == Certificate.PublicKey(try P256.Signing.PublicKey(rawRepresentation: pad(point.x) + pad(point.y)))
            }
        } catch {
            return false
        }
    }
}
