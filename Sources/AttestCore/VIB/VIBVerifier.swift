import Foundation

/// Options of a VIB verification.
public struct VIBVerificationOptions: Sendable {
    /// The host's acceptance level: VIBs declaring a lower level are refused (`vib.acceptance-below-host`).
    public var hostAcceptance: AcceptanceLevel
    /// How signer certificates are judged in time: by default at the signature's signingTime,
    /// because signed VIBs outlive their signer certificates.
    public var time: SignatureTimeRule
    /// Also check the gunzip checksums: decompresses each payload, only once every other check of
    /// the VIB and that payload's member checksum passed, and never past its bound (``VIBPayloadCheck``).
    public var deep: Bool

    public init(hostAcceptance: AcceptanceLevel = .partner, time: SignatureTimeRule = .signingTime, deep: Bool = false) {
        self.hostAcceptance = hostAcceptance
        self.time = time
        self.deep = deep
    }
}

/// A VIB whose signature, chain, acceptance level and payload checksums all verified.
/// Only ``VIBVerifier`` makes one.
public struct VerifiedVIB: Sendable {
    public let descriptor: VIBDescriptor
    public let descriptorSHA256: [UInt8]
    /// The level the signature proves: the most trusted level whose anchors the signer chains to
    /// (`community` for an unsigned VIB).
    public let provenLevel: AcceptanceLevel
    public let signature: VerifiedCMSSignature?

    init(descriptor: VIBDescriptor, descriptorSHA256: [UInt8], provenLevel: AcceptanceLevel, signature: VerifiedCMSSignature?) {
        self.descriptor = descriptor
        self.descriptorSHA256 = descriptorSHA256
        self.provenLevel = provenLevel
        self.signature = signature
    }
}

/// The outcome of verifying one VIB: every failed check, and the verified VIB when none failed.
public struct VIBVerification: Sendable {
    public var report: VerificationReport
    public var verified: VerifiedVIB?
    /// The signer that verified cryptographically, if any (its chain may still have failed).
    public var signer: X509Certificate?
    public var signingTime: Date?
    public var isValid: Bool { verified != nil }
}

/// Verifies a VIB: `sig.pkcs7` over the exact `descriptor.xml` bytes, the signer's chain to the CAs
/// configured for the declared acceptance level or a higher one, the signer's usage
/// (``SignerPolicy/vibSigning``: keyUsage digitalSignature, EKU codeSigning, not a CA; codes
/// `chain.not-digital-signature`, `chain.key-usage-missing`, `chain.not-code-signing`,
/// `chain.eku-missing`, `chain.signer-is-ca`, summed up as `vib.signer-not-vib-signer`), revocation,
/// the host's acceptance level, and the payload checksums.
public enum VIBVerifier {
    public static func verify(_ vib: VIB, trust: TrustAnchors, revoked: VIBRevocations = .none,
                              options: VIBVerificationOptions = VIBVerificationOptions(), component: String? = nil) -> VIBVerification {
        let d = vib.descriptor
        let component = component ?? "\(d.name) \(d.version)"
        var report = VerificationReport()
        let declared = d.acceptanceLevel
        let descriptorDigest = vib.descriptorSHA256

        // Acceptance level against the host.
        report.check(declared >= options.hostAcceptance,
                     pass: "acceptance level \(declared) is at or above the host's \(options.hostAcceptance)",
                     fail: .vibAcceptanceBelowHost,
                     "declares acceptance level \(declared), below the host acceptance level \(options.hostAcceptance)",
                     component: component)

        // Signature and chain.
        var verifiedSignature: VerifiedCMSSignature? = nil
        var signer: X509Certificate? = nil
        var signingTime: Date? = nil
        var provenLevel = AcceptanceLevel.community
        if declared == .community {
            report.pass("community level: no signature required")
        } else if !vib.isSigned {
            report.fail(.vibUnsigned, "declares acceptance level \(declared) but sig.pkcs7 is empty; an unsigned VIB is only community", component: component)
        } else {
            do {
                let signature = try DetachedCMSSignature(bytes: vib.signature)
                let anchors = trust.vibAnchors(atLeast: declared)
                if anchors.isEmpty {
                    report.fail(.vibNoTrustForLevel, "the trust configuration has no CA for acceptance level \(declared) or higher", component: component)
                } else {
                    let result = signature.verify(content: vib.descriptorBytes, anchors: anchors, time: options.time,
                                                  policy: .vibSigning, component: component)
                    signer = result.signer
                    signingTime = result.signingTime
                    if let v = result.verified, let anchor = v.anchor, let level = trust.vibLevel(ofAnchor: anchor) {
                        verifiedSignature = v
                        provenLevel = level
                        report.merge(result.report)
                        report.pass("signed by \(v.signer.subject), chaining to \(anchor.subject) (\(level) CA)")
                    } else if result.verified != nil {
                        report.fail(.vibSignerLevel, "the signer's chain ends at an anchor not configured for any acceptance level", component: component)
                    } else {
                        report.merge(result.report)
                        if result.report.failures.contains(where: { SignerPolicy.usageCodes.contains($0.code) }) {
                            report.fail(.vibSignerNotVibSigner, "the signer's certificate was not issued for signing VIBs (see the usage findings)", component: component)
                        }
                        if result.report.failures.contains(where: { ($0.code.hasPrefix("chain.") && !SignerPolicy.usageCodes.contains($0.code)) }) {
                            report.fail(.vibSignerUntrusted, "the signer does not chain to a CA for acceptance level \(declared) or higher", component: component)
                        }
                    }
                }
            } catch {
                let code: VerificationCode = (error as? ParseError)?.code == .signatureTooManyCertificates ? .signatureTooManyCertificates : .signatureMalformed
                report.fail(code, "sig.pkcs7 is not a CMS signature: \(error)", component: component)
            }
        }

        // Revocation.
        if let signer, revoked.isRevoked(signer) {
            report.fail(.vibSignerRevoked, "signer \(signer.subject) is revoked (dbx)", component: component)
        }
        for cert in verifiedSignature?.chain.dropFirst() ?? [] where revoked.isRevoked(cert) {
            report.fail(.vibSignerRevoked, "certificate \(cert.subject) in the signer's chain is revoked (dbx)", component: component)
        }
        if revoked.isRevoked(digest: descriptorDigest) {
            report.fail(.vibRevokedDigest, "descriptor.xml SHA-256 \(descriptorDigest.hex) is revoked (dbx)", component: component)
        }
        for p in d.payloads {
            if let digest = p.sha256, revoked.isRevoked(digest: digest) {
                report.fail(.vibRevokedDigest, "payload \"\(p.name)\" SHA-256 \(digest.hex) is revoked (dbx)", component: component)
            }
        }

        // Payloads. `--deep` decompresses only what a verified signature vouches for: after any
        // failure above (signature, chain, level, revocation) nothing is inflated.
        report.merge(VIBPayloadCheck.check(vib, deep: options.deep && report.isValid, component: component))

        let verified = report.isValid
            ? VerifiedVIB(descriptor: d, descriptorSHA256: descriptorDigest, provenLevel: provenLevel, signature: verifiedSignature)
            : nil
        return VIBVerification(report: report, verified: verified, signer: signer, signingTime: signingTime)
    }
}
