import Crypto
import Foundation
import _CryptoExtras

/// An endorsement key the server decided to trust, and why. Only ``EndorsementKeyVerifier`` makes one.
public struct VerifiedEndorsementKey: Sendable, Hashable {
    public enum Basis: String, Sendable, Hashable, Codable {
        /// The EK certificate chains to the configured TPM manufacturer CA bundle.
        case manufacturerCertificate = "manufacturer-certificate"
        /// The EK is on the server's allowlist.
        case allowlist
        /// A software TPM, admitted only because the server was started to allow them.
        case softwareTPM = "software-tpm"
    }

    public let publicArea: TPMTPublic
    /// SHA-256 of the marshalled TPMT_PUBLIC, lower-case hex: the EK's identity.
    public let fingerprint: String
    public let basis: Basis
    /// The certificate's subject and issuer, when there was a certificate.
    public let certificateIssuer: String?

    init(publicArea: TPMTPublic, fingerprint: String, basis: Basis, certificateIssuer: String?) {
        self.publicArea = publicArea; self.fingerprint = fingerprint; self.basis = basis; self.certificateIssuer = certificateIssuer
    }
}

/// Decides whether an EK belongs to a real TPM the operator trusts: its certificate chains to a
/// TPM manufacturer CA (`ek.untrusted` otherwise) and certifies this very key
/// (`ek.certificate-key-mismatch`), or it is on the allowlist; a revoked EK is refused
/// (`ek.revoked`); an EK with no certificate is refused (`ek.no-certificate`) and a software TPM's
/// certificate (issuer naming swtpm or a software TPM) is refused (`ek.software-tpm`) unless software TPMs are
/// allowed; the EK must be a restricted decryption key (`ek.not-storage-key`).
public struct EndorsementKeyVerifier: Sendable {
    public var manufacturerCAs: [X509Certificate]
    /// EK fingerprints (``VerifiedEndorsementKey/fingerprint``) trusted without a certificate.
    public var allowlist: Set<String>
    public var revoked: Set<String>
    public var allowSoftwareTPM: Bool

    public init(manufacturerCAs: [X509Certificate], allowlist: Set<String> = [], revoked: Set<String> = [], allowSoftwareTPM: Bool = false) {
        self.manufacturerCAs = manufacturerCAs; self.allowlist = allowlist; self.revoked = revoked; self.allowSoftwareTPM = allowSoftwareTPM
    }

    /// A software TPM's EK CA says so in its name: swtpm's ("swtpm-localca"), or hostattest's own
    /// software TPM ("hostattest software TPM CA (not hardware)"). Such a certificate is refused unless
    /// software TPMs are allowed, whether or not it chains.
    static func isSoftwareTPMIssuer(_ issuer: String) -> Bool {
        let i = issuer.lowercased()
        return i.contains("swtpm") || i.contains("software tpm")
    }

    public static func fingerprint(_ ek: TPMTPublic) -> String { DigestAlgorithm.sha256.hash(ek.marshalled()).hex }

    public func verify(ek: TPMTPublic, certificate: [UInt8]?, time: Date) -> (report: VerificationReport, verified: VerifiedEndorsementKey?) {
        var report = VerificationReport()
        let fp = Self.fingerprint(ek)
        let component = "EK \(fp.prefix(16))"
        if revoked.contains(fp) {
            report.fail(.ekRevoked, "the endorsement key \(fp) is revoked", component: component)
        }
        if !(ek.objectAttributes.contains(.restricted) && ek.objectAttributes.contains(.decrypt)) || ek.objectAttributes.contains(.sign) {
            report.fail(.ekNotStorageKey, "the endorsement key is not a restricted decryption key (attributes \(ek.objectAttributes.description))", component: component)
        }
        let onAllowlist = allowlist.contains(fp)
        var basis: VerifiedEndorsementKey.Basis?
        var issuer: String?
        if let certificate, !certificate.isEmpty {
            do {
                let cert = try EKCertificate.parse(certificate)
                issuer = cert.issuer
                let software = Self.isSoftwareTPMIssuer(cert.issuer)
                if Self.spki(ek) != cert.publicKeyDER {
                    report.fail(.ekCertificateKeyMismatch, "the EK certificate (\(cert.subject)) certifies another key than the EK presented", component: component)
                } else if software && !allowSoftwareTPM && !onAllowlist {
                    report.fail(.ekSoftwareTpm, "the EK certificate was issued by a software TPM's CA (\(cert.issuer)); start the server with --allow-software-tpm to admit software TPMs", component: component)
                } else if software {
                    basis = onAllowlist ? .allowlist : .softwareTPM
                } else {
                    let chain = ChainVerifier.verify(signer: cert, anchors: manufacturerCAs, time: .at(time), requireCodeSigning: false, component: component)
                    if chain.isValid {
                        basis = .manufacturerCertificate
                    } else if onAllowlist {
                        basis = .allowlist
                    } else {
                        report.fail(.ekUntrusted, "the EK certificate (issuer \(cert.issuer)) does not chain to a configured TPM manufacturer CA and the EK is not on the allowlist", component: component)
                        report.failures += chain.report.failures
                    }
                }
            } catch {
                report.fail(.ekCertificateMalformed, "the EK certificate does not parse: \(error)", component: component)
            }
        } else if onAllowlist {
            basis = .allowlist
        } else if allowSoftwareTPM {
            basis = .softwareTPM
        } else {
            report.fail(.ekNoCertificate, "no EK certificate was given and the EK is not on the allowlist", component: component)
        }
        guard report.isValid, let basis else { return (report, nil) }
        report.pass("EK trusted (\(basis.rawValue))")
        return (report, VerifiedEndorsementKey(publicArea: ek, fingerprint: fp, basis: basis, certificateIssuer: issuer))
    }

    /// The DER SubjectPublicKeyInfo of the EK's public key (to compare with its certificate's).
    static func spki(_ ek: TPMTPublic) -> [UInt8]? {
        func pad(_ c: [UInt8], _ size: Int) -> [UInt8]? {
            let t = Array(c.drop { $0 == 0 })
            return t.count <= size ? [UInt8](repeating: 0, count: size - t.count) + t : nil
        }
        switch ek.key {
        case .rsa(let parms, let modulus):
            let e = parms.effectiveExponent
            let exp = [UInt8(e >> 24), UInt8(e >> 16 & 0xff), UInt8(e >> 8 & 0xff), UInt8(e & 0xff)].drop { $0 == 0 }
            return (try? _RSA.Signing.PublicKey(n: modulus, e: Array(exp)))?.derRepresentation.map { $0 }
        case .ecc(let parms, let point):
            switch parms.curveID {
            case TPMECCCurve.nistP256:
                guard let x = pad(point.x, 32), let y = pad(point.y, 32) else { return nil }
                return (try? P256.KeyAgreement.PublicKey(rawRepresentation: x + y))?.derRepresentation.map { $0 }
            case TPMECCCurve.nistP384:
                guard let x = pad(point.x, 48), let y = pad(point.y, 48) else { return nil }
                return (try? P384.KeyAgreement.PublicKey(rawRepresentation: x + y))?.derRepresentation.map { $0 }
            default:
                return nil
            }
        }
    }
}
