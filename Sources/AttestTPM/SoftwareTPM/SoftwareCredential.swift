import AttestCore
import Crypto

/// TPM2_ActivateCredential (TPM 2.0 Part 3, 12.5; Part 1, 24, B.10.3 and C.6.4): the inverse of
/// ``MakeCredential``. The integrity HMAC is checked, in constant time, before anything is decrypted.
enum SoftwareCredential {
    static func activate(_ blob: CredentialBlob, ekPrivate: P256.KeyAgreement.PrivateKey, ekPublic: TPMTPublic,
                         objectName: [UInt8], tpm: String) throws -> [UInt8] {
        func invalid(_ why: String) -> TPMError {
            TPMError(TPMError.credentialInvalid, "\(tpm): the credential was not made for this EK and AK (\(why))")
        }
        let nameAlg = ekPublic.nameAlg
        // 1. The seed: ECDH of the EK with the ephemeral point in the secret, then KDFe.
        let point: TPMSECCPoint
        do { point = try blob.encryptedSecret.eccPoint() } catch { throw invalid("the secret is not an ECC point: \(error)") }
        guard point.x.count <= 32, point.y.count <= 32 else { throw invalid("the ephemeral point is not a P-256 point") }
        let pad = { (c: [UInt8]) in [UInt8](repeating: 0, count: 32 - c.count) + c }
        let z: [UInt8]
        do {
            let eph = try P256.KeyAgreement.PublicKey(rawRepresentation: pad(point.x) + pad(point.y))
            z = try ekPrivate.sharedSecretFromKeyAgreement(with: eph).withUnsafeBytes { Array($0) }
        } catch {
            throw invalid("the ephemeral point is not on P-256")
        }
        let ekX = Array(ekPrivate.publicKey.rawRepresentation.prefix(32))
        let seed = TPMKDF.kdfe(nameAlg, z: z, label: "IDENTITY", partyUInfo: pad(point.x), partyVInfo: ekX, bits: nameAlg.digestSize * 8)
        return try unwrap(blob, seed: seed, ekPublic: ekPublic, objectName: objectName, invalid: invalid)
    }

    /// RSA EK: the seed is RSA-OAEP encrypted to the EK with the label "IDENTITY\0".
    static func activate(_ blob: CredentialBlob, ekPrivate: OpenSSLRSAPrivateKey, ekPublic: TPMTPublic,
                         objectName: [UInt8], tpm: String) throws -> [UInt8] {
        func invalid(_ why: String) -> TPMError {
            TPMError(TPMError.credentialInvalid, "\(tpm): the credential was not made for this EK and AK (\(why))")
        }
        let seed: [UInt8]
        do {
            seed = try ekPrivate.decryptOAEP(blob.encryptedSecret.secret, hash: ekPublic.nameAlg, label: MakeCredential.identityLabel)
        } catch {
            throw invalid("the secret does not decrypt with the EK")
        }
        guard seed.count == ekPublic.nameAlg.digestSize else { throw invalid("the seed has \(seed.count) bytes") }
        return try unwrap(blob, seed: seed, ekPublic: ekPublic, objectName: objectName, invalid: invalid)
    }

    /// With the seed: the integrity HMAC first, then the decrypted TPM2B_DIGEST.
    private static func unwrap(_ blob: CredentialBlob, seed: [UInt8], ekPublic: TPMTPublic, objectName: [UInt8],
                               invalid: (String) -> TPMError) throws -> [UInt8] {
        let nameAlg = ekPublic.nameAlg
        // 2. Integrity first (Part 1, 24.5).
        let hmacKey = TPMKDF.kdfa(nameAlg, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: nameAlg.digestSize * 8)
        let expected = TPMKDF.hmac(nameAlg, key: hmacKey, blob.idObject.encIdentity + objectName)
        guard ConstantTime.equal(expected, blob.idObject.integrityHMAC) else { throw invalid("integrity HMAC mismatch") }
        // 3. Decrypt the TPM2B_DIGEST credential.
        let symKey = TPMKDF.kdfa(nameAlg, key: seed, label: "STORAGE", contextU: objectName, contextV: [], bits: Int(ekPublic.symmetric.keyBits))
        let plain = try AESCFB.decrypt(key: symKey, iv: [UInt8](repeating: 0, count: 16), blob.idObject.encIdentity)
        guard plain.count >= 2 else { throw invalid("the credential is empty") }
        let size = Int(plain[0]) << 8 | Int(plain[1])
        guard size >= 1, size == plain.count - 2, size <= nameAlg.digestSize else { throw invalid("the credential's size field does not match") }
        return Array(plain[2...])
    }
}
