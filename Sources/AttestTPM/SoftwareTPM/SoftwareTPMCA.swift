import AttestCore
import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificate authority a software TPM keeps in its own state, and the EK certificate it issues.
/// Both say, in their names, that they are a software TPM and not hardware: nothing may mistake them
/// for a manufacturer's EK certificate.
enum SoftwareTPMCA {
    static let organization = "hostattest SOFTWARE TPM - not hardware"
    static let caName = "hostattest software TPM CA (not hardware)"
    static let ekName = "hostattest software TPM EK (not hardware)"
    /// tcg-kp-EKCertificate (TCG EK Credential Profile 2.0, 3.2.16).
    static let ekCertificateEKU = try! ASN1ObjectIdentifier(dotRepresentation: "2.23.133.8.1")

    static func issue(caKey: P256.Signing.PrivateKey, ekPublicKey: P256.KeyAgreement.PublicKey, now: Date) throws -> (caDER: [UInt8], ekDER: [UInt8]) {
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let caSubject = try DistinguishedName {
            OrganizationName(organization)
            CommonName(caName)
        }
        let ekSubject = try DistinguishedName {
            OrganizationName(organization)
            CommonName(ekName)
        }
        let caPrivate = Certificate.PrivateKey(caKey)
        let caSKI = SubjectKeyIdentifier(hash: caPrivate.publicKey)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caPrivate.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(20 * 365 * 86400),
            issuer: caSubject, subject: caSubject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                caSKI
            },
            issuerPrivateKey: caPrivate)
        let ekKey = try Certificate.PublicKey(P256.Signing.PublicKey(rawRepresentation: ekPublicKey.rawRepresentation))
        let ek = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: ekKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(20 * 365 * 86400),
            issuer: caSubject, subject: ekSubject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(keyAgreement: true))
                try ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: ekCertificateEKU)])
                AuthorityKeyIdentifier(keyIdentifier: caSKI.keyIdentifier)
            },
            issuerPrivateKey: caPrivate)
        return (try der(ca), try der(ek))
    }

    private static func der(_ c: Certificate) throws -> [UInt8] {
        var s = DER.Serializer()
        try s.serialize(c)
        return s.serializedBytes
    }
}
