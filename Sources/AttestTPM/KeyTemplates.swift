import AttestCore

/// The public-area templates hostattest creates keys from. The same template always yields the same
/// primary key from the same hierarchy seed (TPM 2.0 Part 1, 26.1), which is how both backends keep
/// one EK and one AK per TPM without storing them.
public enum KeyTemplates {
    /// The EK authPolicy of the default templates: PolicySecret(TPM_RH_ENDORSEMENT)
    /// (EK Credential Profile 2.0, B.3.3).
    public static let ekPolicy: [UInt8] = [
        0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xB3, 0xF8, 0x1A, 0x90, 0xCC, 0x8D, 0x46, 0xA5, 0xD7, 0x24,
        0xFD, 0x52, 0xD7, 0x6E, 0x06, 0x52, 0x0B, 0x64, 0xF2, 0xA1, 0xDA, 0x1B, 0x33, 0x14, 0x69, 0xAA,
    ]

    /// fixedTPM | fixedParent | sensitiveDataOrigin | adminWithPolicy | restricted | decrypt (0x000300B2).
    public static let ekAttributes: TPMAObject = [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .adminWithPolicy, .restricted, .decrypt]

    /// fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign (0x00050072).
    public static let akAttributes: TPMAObject = [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .restricted, .sign]

    /// Template L-1 (RSA 2048) or L-2 (ECC NIST P-256) of the EK Credential Profile 2.0, B.3.3, with the
    /// given unique field (zeros of the key size in the template itself).
    public static func endorsementKey(_ type: EndorsementKeyType, unique: TPMTPublic.Key? = nil) -> TPMTPublic {
        switch type {
        case .rsa2048:
            let parms = TPMSRSAParms(symmetric: .aes128CFB, scheme: .null, keyBits: 2048, exponent: 0)
            return TPMTPublic(nameAlg: .sha256, objectAttributes: ekAttributes, authPolicy: ekPolicy,
                              key: unique ?? .rsa(parms, modulus: [UInt8](repeating: 0, count: 256)))
        case .eccP256:
            let parms = TPMSECCParms(symmetric: .aes128CFB, scheme: .null, curveID: TPMECCCurve.nistP256, kdf: .null)
            let zero = [UInt8](repeating: 0, count: 32)
            return TPMTPublic(nameAlg: .sha256, objectAttributes: ekAttributes, authPolicy: ekPolicy,
                              key: unique ?? .ecc(parms, point: TPMSECCPoint(x: zero, y: zero)))
        }
    }

    /// The AK: a restricted signing key with SHA-256 (what `tpm2_createak -G ecc -g sha256 -s ecdsa`
    /// makes), created as a primary key of the endorsement hierarchy. The unique field is empty.
    public static func attestationKey(_ type: AttestationKeyType) -> TPMTPublic {
        switch type {
        case .ecdsaP256:
            let parms = TPMSECCParms(symmetric: .null, scheme: TPMTScheme(scheme: .ecdsa, hashAlg: .sha256),
                                     curveID: TPMECCCurve.nistP256, kdf: .null)
            return TPMTPublic(nameAlg: .sha256, objectAttributes: akAttributes, authPolicy: [],
                              key: .ecc(parms, point: TPMSECCPoint(x: [], y: [])))
        case .rsassa2048:
            let parms = TPMSRSAParms(symmetric: .null, scheme: TPMTScheme(scheme: .rsassa, hashAlg: .sha256), keyBits: 2048, exponent: 0)
            return TPMTPublic(nameAlg: .sha256, objectAttributes: akAttributes, authPolicy: [], key: .rsa(parms, modulus: []))
        }
    }

    /// The qualified name of a primary key of `hierarchy` (TPM 2.0 Part 1, 16: QN = nameAlg ‖
    /// H(QN(parent) ‖ Name), where a hierarchy's qualified name is its handle).
    public static func qualifiedName(primary publicArea: TPMTPublic, hierarchy: UInt32) -> [UInt8] {
        var parent = TPMWriter(capacity: 4)
        parent.u32(hierarchy)
        var w = TPMWriter(capacity: 2 + publicArea.nameAlg.digestSize)
        w.alg(publicArea.nameAlg)
        w.raw(publicArea.nameAlg.hash(parent.bytes + publicArea.name))
        return w.bytes
    }

    /// TPM_RH_ENDORSEMENT.
    public static let endorsementHierarchy: UInt32 = 0x4000_000B
}
