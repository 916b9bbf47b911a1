import Crypto
import Foundation
@testable import AttestCore

/// A TPM made of swift-crypto keys, for server tests: an ECC P-256 EK (restricted decryption key,
/// AES-128-CFB) that can answer MakeCredential as TPM2_ActivateCredential would, and an ECC P-256
/// AK (restricted signing key) that signs TPMS_ATTEST quotes built with AttestCore's structures.
final class SoftwareTPM: @unchecked Sendable {
    let ekKey: P256.KeyAgreement.PrivateKey
    let akKey = P256.Signing.PrivateKey()
    var clock = TPMSClockInfo(clock: 1000, resetCount: 5, restartCount: 0, safe: true)

    init(ekKey: P256.KeyAgreement.PrivateKey = P256.KeyAgreement.PrivateKey()) {
        self.ekKey = ekKey
    }

    static func point(_ raw: Data) -> TPMSECCPoint {
        TPMSECCPoint(x: Array(raw.prefix(32)), y: Array(raw.suffix(32)))
    }

    var ekPublic: TPMTPublic {
        TPMTPublic(nameAlg: .sha256,
                   objectAttributes: [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .adminWithPolicy, .restricted, .decrypt],
                   authPolicy: Array(repeating: 0x83, count: 32),
                   key: .ecc(TPMSECCParms(symmetric: .aes128CFB, scheme: .null, curveID: TPMECCCurve.nistP256, kdf: .null),
                             point: Self.point(ekKey.publicKey.rawRepresentation)))
    }

    var akPublic: TPMTPublic {
        TPMTPublic(nameAlg: .sha256,
                   objectAttributes: [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .restricted, .sign],
                   authPolicy: [],
                   key: .ecc(TPMSECCParms(symmetric: .null, scheme: TPMTScheme(scheme: .ecdsa, hashAlg: .sha256), curveID: TPMECCCurve.nistP256, kdf: .null),
                             point: Self.point(akKey.publicKey.rawRepresentation)))
    }

    /// TPM2_ActivateCredential (TPM 2.0 Part 1, 24; Part 3, 12.5) for an ECC EK.
    func activate(idObject: [UInt8], encryptedSecret: [UInt8]) throws -> [UInt8] {
        let blob = try TPM2BIDObject(bytes: idObject)
        let ephemeral = try TPM2BEncryptedSecret(bytes: encryptedSecret).eccPoint()
        let pub = try P256.KeyAgreement.PublicKey(rawRepresentation: ephemeral.x + ephemeral.y)
        let z = try ekKey.sharedSecretFromKeyAgreement(with: pub).withUnsafeBytes { Array($0) }
        let ekX = Array(ekKey.publicKey.rawRepresentation.prefix(32))
        let seed = TPMKDF.kdfe(.sha256, z: z, label: "IDENTITY", partyUInfo: ephemeral.x, partyVInfo: ekX, bits: 256)
        let name = akPublic.name
        let hmacKey = TPMKDF.kdfa(.sha256, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: 256)
        guard TPMKDF.hmac(.sha256, key: hmacKey, blob.encIdentity + name) == blob.integrityHMAC else {
            throw CredentialError("integrity check failed")
        }
        let symKey = TPMKDF.kdfa(.sha256, key: seed, label: "STORAGE", contextU: name, contextV: [], bits: 128)
        let plain = try AESCFB.decrypt(key: symKey, iv: [UInt8](repeating: 0, count: 16), blob.encIdentity)
        return Array(plain.dropFirst(2))
    }

    /// A quote over `pcrs` (selection order) with `nonce`, signed by `signer` (the AK by default).
    func quote(nonce: [UInt8], pcrs: PCRValues, signer: P256.Signing.PrivateKey? = nil) -> (attest: [UInt8], signature: TPMTSignature) {
        let digest = DigestAlgorithm.sha256.hash(pcrs.values.flatMap(\.digest))
        let attest = TPMSAttest(magic: TPM_GENERATED_VALUE, qualifiedSigner: akPublic.name, extraData: nonce, clockInfo: clock,
                                firmwareVersion: 0x2_0000_0001,
                                attested: .quote(TPMSQuoteInfo(pcrSelect: pcrs.selection, pcrDigest: digest))).marshalled()
        let raw = Array(try! (signer ?? akKey).signature(for: attest).rawRepresentation)
        return (attest, TPMTSignature(.ecdsa(hash: .sha256, r: Array(raw[0..<32]), s: Array(raw[32...]))))
    }
}
