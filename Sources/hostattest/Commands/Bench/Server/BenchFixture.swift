import AttestCore
import Crypto
import Foundation
import X509

/// What `bench server` attests with: a throwaway baseline CA and signer made in memory, a crypto-agile
/// event log of `events` events (the quoted bank, sha256), and the baseline
/// captured from that log, signed. Nothing is written except the CA certificate the child server
/// is told to trust.
struct BenchFixture {
    /// PCRs the baseline governs: firmware (0), the separators' PCR 7 and the components' PCR 13.
    static let pcrs = [0, 7, 13]
    static let group = "bench"

    let caPEM: String
    let signerKeyPEM: String
    let signerCertPEM: String
    let log: [UInt8]
    /// Each extended event's digests, in order, for TPM2_PCR_Extend.
    let extends: [(pcr: Int, digests: [DigestAlgorithm: [UInt8]])]
    let baseline: [UInt8]
    let signature: [UInt8]

    /// `events` ≥ 3: a CRTM version in PCR 0, separators in PCRs 0 and 7, the rest component events in PCR 13.
    init(events: Int, now: Date = Date()) throws {
        let (ca, signerKey, signer) = try Self.pki(now: now)
        caPEM = ca; signerKeyPEM = signerKey; signerCertPEM = signer
        var w = EventLogWriter(banks: [.sha256])
        w.measure(pcr: 0, type: .EV_S_CRTM_VERSION, data: Array("hostattest bench firmware 1.0".utf8))
        w.separators(pcrs: [0, 7])
        for i in 0..<(events - 3) {
            let name = "bench-vib-\(i)"
            let c = ComponentEventData(kind: "vib", name: name, version: "1.0.0-1", vendor: "bench",
                                       digest: DigestAlgorithm.sha256.hash(Array(name.utf8)).hex)
            w.measure(pcr: 13, type: .EV_EVENT_TAG, data: c.encoded())
        }
        log = w.bytes
        let parsed = try EventLog(bytes: log)
        var extends: [(pcr: Int, digests: [DigestAlgorithm: [UInt8]])] = []
        for e in parsed.events where e.isExtended {
            // The log carries the quoted bank (sha256); the TPM's other banks get the data's digests,
            // as firmware would extend them.
            var d: [DigestAlgorithm: [UInt8]] = [.sha1: DigestAlgorithm.sha1.hash(Array(e.data)), .sha384: DigestAlgorithm.sha384.hash(Array(e.data))]
            for digest in e.digests { if let a = digest.algorithm { d[a] = Array(digest.digest) } }
            extends.append((e.pcrIndex, d))
        }
        self.extends = extends
        let b = try Baseline.capture(from: parsed, pcrs: Self.pcrs, bank: .sha256, name: "bench-host", version: "1.0")
        baseline = b.encoded()
        signature = try Self.sign(baseline, keyPEM: signerKeyPEM, certPEM: signerCertPEM)
    }

    static func sign(_ content: [UInt8], keyPEM: String, certPEM: String) throws -> [UInt8] {
        let key = try SigningKey(pemEncoded: Array(keyPEM.utf8))
        guard let cert = try X509Certificate.load(Array(certPEM.utf8)).first else { throw CLIError("the baseline signer certificate is empty") }
        return try DetachedCMS.signDER(content: content, key: key, certificate: cert)
    }

    /// A P-256 root valid for a day and a baseline signer it issued, in PEM.
    static func pki(now: Date) throws -> (ca: String, signerKey: String, signer: String) {
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let caKey = P256.Signing.PrivateKey()
        let caPrivate = Certificate.PrivateKey(caKey)
        let caName = try DistinguishedName { OrganizationName("hostattest bench (throwaway)"); CommonName("bench baseline CA") }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caPrivate.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: caPrivate.publicKey)
            },
            issuerPrivateKey: caPrivate)
        let signerKey = P256.Signing.PrivateKey()
        let signerName = try DistinguishedName { OrganizationName("hostattest bench (throwaway)"); CommonName("bench baseline signer") }
        let signer = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(signerKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400),
            issuer: caName, subject: signerName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: caPrivate.publicKey).keyIdentifier)
            },
            issuerPrivateKey: caPrivate)
        return (try ca.serializeAsPEM().pemString, signerKey.pemRepresentation, try signer.serializeAsPEM().pemString)
    }
}
