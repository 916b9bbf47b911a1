import Crypto

/// TPM2_MakeCredential done by the server without a TPM (TPM 2.0 Part 1, 24 "Credential Protection";
/// Part 3, 12.6): protects `credential` so that only the TPM holding the EK, and only for the object
/// named `objectName` (the AK), returns it from TPM2_ActivateCredential.
///
/// 1. seed: RSA EK — random, nameAlg-digest-sized, RSA-OAEP encrypted to the EK with label
///    "IDENTITY\0" (Part 1, B.10.3); ECC EK — Z from ECDH of an ephemeral key with the EK,
///    seed = KDFe(nameAlg, Z, "IDENTITY", Qe.x, QEK.x) and the secret is the ephemeral point (Part 1, C.6.4).
/// 2. symKey = KDFa(nameAlg, seed, "STORAGE", name, ∅, symmetric.keyBits) (Part 1, 24.4).
/// 3. encIdentity = AES-CFB(symKey, IV = 0, TPM2B_DIGEST credential).
/// 4. HMACkey = KDFa(nameAlg, seed, "INTEGRITY", ∅, ∅, digest bits);
///    integrityHMAC = HMAC(HMACkey, encIdentity ‖ name) (Part 1, 24.5).
public enum MakeCredential {
    /// The OAEP label of the seed: "IDENTITY" with its terminating NUL (Part 1, 24.4).
    public static let identityLabel: [UInt8] = Array("IDENTITY".utf8) + [0]

    public static func make(ekPublic: TPMTPublic, objectName: [UInt8], credential: [UInt8]) throws -> CredentialBlob {
        let nameAlg = ekPublic.nameAlg
        try validate(ekPublic: ekPublic, objectName: objectName, credential: credential)
        let seed: [UInt8]
        let secret: [UInt8]
        switch ekPublic.key {
        case .rsa(let parms, let modulus):
            var random = SystemRandomNumberGenerator()
            seed = (0..<nameAlg.digestSize).map { _ in UInt8.random(in: 0...255, using: &random) }
            let key = try OpenSSLRSAPublicKey(modulus: modulus, exponent: parms.effectiveExponent)
            secret = try key.encryptOAEP(seed, hash: nameAlg, label: identityLabel)
        case .ecc(let parms, let point):
            (seed, secret) = try eccSeed(curveID: parms.curveID, ekPoint: point, nameAlg: nameAlg)
        }
        return try protect(credential: credential, seed: seed, encryptedSecret: secret, ekPublic: ekPublic, objectName: objectName)
    }

    /// Steps 2–4 with a given seed (for tests and known-answer vectors).
    static func protect(credential: [UInt8], seed: [UInt8], encryptedSecret: [UInt8], ekPublic: TPMTPublic, objectName: [UInt8]) throws -> CredentialBlob {
        let nameAlg = ekPublic.nameAlg
        let symmetric = ekPublic.symmetric
        let symKey = TPMKDF.kdfa(nameAlg, key: seed, label: "STORAGE", contextU: objectName, contextV: [], bits: Int(symmetric.keyBits))
        var plain = TPMWriter(capacity: 2 + credential.count)
        plain.tpm2b(credential)
        let encIdentity = try AESCFB.encrypt(key: symKey, iv: [UInt8](repeating: 0, count: 16), plain.bytes)
        let hmacKey = TPMKDF.kdfa(nameAlg, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: nameAlg.digestSize * 8)
        let integrity = TPMKDF.hmac(nameAlg, key: hmacKey, encIdentity + objectName)
        return CredentialBlob(idObject: TPM2BIDObject(integrityHMAC: integrity, encIdentity: encIdentity),
                              encryptedSecret: TPM2BEncryptedSecret(secret: encryptedSecret))
    }

    static func validate(ekPublic: TPMTPublic, objectName: [UInt8], credential: [UInt8]) throws {
        let nameAlg = ekPublic.nameAlg
        guard !credential.isEmpty, credential.count <= nameAlg.digestSize else {
            throw CredentialError("the credential has \(credential.count) bytes; it must have 1...\(nameAlg.digestSize) (the EK's nameAlg \(nameAlg) digest size)")
        }
        guard objectName.count >= 2, let alg = DigestAlgorithm(tpmAlgorithmID: UInt16(objectName[0]) << 8 | UInt16(objectName[1])),
              objectName.count == 2 + alg.digestSize else {
            throw CredentialError("the object name (\(objectName.hex)) is not nameAlg ‖ digest")
        }
        let sym = ekPublic.symmetric
        guard sym.algorithm == .aes, sym.mode == .cfb, [128, 192, 256].contains(sym.keyBits) else {
            throw CredentialError("the EK's symmetric algorithm (\(sym.algorithm) \(sym.keyBits) \(sym.mode)) is not AES-CFB")
        }
        guard ekPublic.objectAttributes.contains(.decrypt), ekPublic.objectAttributes.contains(.restricted) else {
            throw CredentialError("the EK is not a restricted decryption key (attributes \(ekPublic.objectAttributes.description))")
        }
    }

    static func eccSeed(curveID: UInt16, ekPoint: TPMSECCPoint, nameAlg: DigestAlgorithm) throws -> (seed: [UInt8], secret: [UInt8]) {
        func coordinate(_ c: [UInt8], _ size: Int) throws -> [UInt8] {
            let trimmed = Array(c.drop { $0 == 0 })
            guard trimmed.count <= size else { throw CredentialError("EK point coordinate longer than \(size) bytes") }
            return [UInt8](repeating: 0, count: size - trimmed.count) + trimmed
        }
        let z: [UInt8], ephemeralRaw: [UInt8], size: Int
        do {
            switch curveID {
            case TPMECCCurve.nistP256:
                size = 32
                let ek = try P256.KeyAgreement.PublicKey(rawRepresentation: try coordinate(ekPoint.x, size) + coordinate(ekPoint.y, size))
                let eph = P256.KeyAgreement.PrivateKey()
                z = try eph.sharedSecretFromKeyAgreement(with: ek).withUnsafeBytes { Array($0) }
                ephemeralRaw = Array(eph.publicKey.rawRepresentation)
            case TPMECCCurve.nistP384:
                size = 48
                let ek = try P384.KeyAgreement.PublicKey(rawRepresentation: try coordinate(ekPoint.x, size) + coordinate(ekPoint.y, size))
                let eph = P384.KeyAgreement.PrivateKey()
                z = try eph.sharedSecretFromKeyAgreement(with: ek).withUnsafeBytes { Array($0) }
                ephemeralRaw = Array(eph.publicKey.rawRepresentation)
            default:
                throw CredentialError("ECC curve 0x\(String(curveID, radix: 16)) is not supported (NIST P-256 and P-384 are)")
            }
        } catch let e as CredentialError {
            throw e
        } catch {
            throw CredentialError("the EK's ECC point is not on its curve: \(error)")
        }
        let ephemeral = TPMSECCPoint(x: Array(ephemeralRaw[0..<size]), y: Array(ephemeralRaw[size...]))
        let seed = TPMKDF.kdfe(nameAlg, z: z, label: "IDENTITY", partyUInfo: ephemeral.x, partyVInfo: try coordinate(ekPoint.x, size), bits: nameAlg.digestSize * 8)
        return (seed, ephemeral.marshalled())
    }
}
