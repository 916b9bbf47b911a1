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

    static func subjects() throws -> (ca: DistinguishedName, ek: DistinguishedName) {
        let ca = try DistinguishedName {
            OrganizationName(organization)
            CommonName(caName)
        }
        let ek = try DistinguishedName {
            OrganizationName(organization)
            CommonName(ekName)
        }
        return (ca, ek)
    }

    /// A new self-signed CA and the certificate it issues for the ECC EK.
    static func issue(caKey: P256.Signing.PrivateKey, ekPublicKey: P256.KeyAgreement.PublicKey, now: Date) throws -> (caDER: [UInt8], ekDER: [UInt8]) {
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let (caSubject, _) = try subjects()
        let caPrivate = Certificate.PrivateKey(caKey)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caPrivate.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(20 * 365 * 86400),
            issuer: caSubject, subject: caSubject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: caPrivate.publicKey)
            },
            issuerPrivateKey: caPrivate)
        let ekKey = try Certificate.PublicKey(P256.Signing.PublicKey(rawRepresentation: ekPublicKey.rawRepresentation))
        return (try der(ca), try issueEK(caKey: caKey, ekKey: ekKey, keyUsage: KeyUsage(keyAgreement: true), now: now))
    }

    /// An EK certificate from the CA whose key is `caKey` (an RSA EK decrypts: keyEncipherment; an ECC
    /// EK agrees keys: keyAgreement), with the TCG EK certificate EKU.
    static func issueEK(caKey: P256.Signing.PrivateKey, ekKey: Certificate.PublicKey, keyUsage: KeyUsage, now: Date) throws -> [UInt8] {
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let (caSubject, ekSubject) = try subjects()
        let caPrivate = Certificate.PrivateKey(caKey)
        let ek = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: ekKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(20 * 365 * 86400),
            issuer: caSubject, subject: ekSubject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(keyUsage)
                try ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: ekCertificateEKU)])
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: caPrivate.publicKey).keyIdentifier)
            },
            issuerPrivateKey: caPrivate)
        return try der(ek)
    }

    private static func der(_ c: Certificate) throws -> [UInt8] {
        var s = DER.Serializer()
        try s.serialize(c)
        return s.serializedBytes
    }
}
