import Foundation

/// An image profile whose detached signature verified, by a profile signer chaining to a `profile`
/// anchor. Only ``ProfileSignatureVerifier`` makes one.
public struct VerifiedProfileSignature: Sendable {
    public let signature: VerifiedCMSSignature
    public var signer: X509Certificate { signature.signer }

    init(signature: VerifiedCMSSignature) { self.signature = signature }
}

/// The outcome of ``ProfileSignatureVerifier/verify(profileBytes:signature:trust:revoked:time:component:)``.
public struct ProfileSignatureVerification: Sendable {
    public var report: VerificationReport
    /// Present only when every check passed.
    public var verified: VerifiedProfileSignature?
    /// The signer whose signature verified cryptographically, if any (its chain or role may still have failed).
    public var signer: X509Certificate?
    public var isValid: Bool { verified != nil }
}

/// Who may sign an image profile. A profile decides the host's acceptance level and the exact boot
/// chain, so it has a signing role of its own: the signer must chain to a `profile` anchor of the trust
/// configuration (the profile CA of `keys init`, never the VIB CAs) and carry the profile-signing usage
/// (``SignerPolicy/profileSigning``). A VIB, kernel or platform key, even one that chains to a
/// trusted root, is refused.
///
/// Codes: `profile.unsigned`, `profile.signature-invalid` (not a CMS signature, or it does not verify
/// over the exact profile bytes), `profile.no-trust-for-profiles` (the trust has no `profile` anchor:
/// an older trust.json; fail closed), `profile.signer-wrong-role` (the signer belongs to another role of
/// the trust configuration: a VIB signer, a VIB or platform CA), `profile.signer-untrusted` (it chains
/// to no configured anchor), `profile.signer-not-profile-role` (it chains to a profile anchor but
/// its certificate lacks the profile-signing usage, or is a CA), `profile.signer-revoked`; with the
/// underlying `signature.*` and `chain.*` findings.
public enum ProfileSignatureVerifier {
    /// - Parameters:
    ///   - profileBytes: the exact profile file bytes the signature covers.
    ///   - signature: the `.p7s` bytes; nil, empty or only whitespace means unsigned.
    ///   - time: how certificate validity is judged (by default at the signature's signing time).
    public static func verify(profileBytes: [UInt8], signature: [UInt8]?, trust: TrustAnchors, revoked: VIBRevocations = .none,
                              time: SignatureTimeRule = .signingTime, component: String) -> ProfileSignatureVerification {
        var report = VerificationReport()
        guard let sigBytes = signature, sigBytes.contains(where: { !$0.isASCIIWhitespace }) else {
            report.fail(.profileUnsigned, "the profile has no signature (.p7s)", component: component)
            return ProfileSignatureVerification(report: report)
        }
        let cms: DetachedCMSSignature
        do {
            cms = try DetachedCMSSignature(bytes: sigBytes)
        } catch {
            let code: VerificationCode = (error as? ParseError)?.code == .signatureTooManyCertificates ? .signatureTooManyCertificates : .profileSignatureInvalid
            report.fail(code, "the profile signature is not a CMS signature: \(error)", component: component)
            return ProfileSignatureVerification(report: report)
        }
        guard !trust.profile.isEmpty else {
            report.fail(.profileNoTrustForProfiles,
                        "the trust configuration has no `profile` anchor, so no profile signer can be trusted (a trust.json made before the profile-signing role existed?): add \"profile\": [\"profile-ca.crt.pem\"] from a key chain made by `hostattest keys init` and sign the profile with its profile-signer",
                        component: component)
            return ProfileSignatureVerification(report: report)
        }

        let v = cms.verify(content: profileBytes, anchors: trust.profile, time: time, policy: .profileSigning, component: component)
        report.merge(v.report)
        let codes = Set(v.report.failures.map(\.code))
        if let verified = v.verified {
            report.pass("profile signed by \(verified.signer.subject)")
        } else if let signer = v.signer {
            if codes.contains(where: { $0.hasPrefix("chain.") && !SignerPolicy.usageCodes.contains($0) }) {
                let others = cms.untrustedCertificates.filter { $0 != signer }
                let elsewhere = ChainVerifier.verify(signer: signer, untrusted: others, anchors: trust.nonProfileAnchors,
                                                     time: .ignoreValidity, policy: .unrestricted, component: component)
                if !trust.nonProfileAnchors.isEmpty && elsewhere.isValid {
                    report.fail(.profileSignerWrongRole,
                                "signer \(signer.subject) belongs to another role of the trust configuration (its chain ends at \(elsewhere.chain.last?.subject ?? "?")); only a profile signer under a `profile` anchor may sign image profiles",
                                component: component)
                } else {
                    report.fail(.profileSignerUntrusted, "signer \(signer.subject) does not chain to a `profile` anchor", component: component)
                }
            }
            if codes.contains(where: { SignerPolicy.usageCodes.contains($0) }) {
                report.fail(.profileSignerNotProfileRole, "signer \(signer.subject) was not issued for signing image profiles (see the usage findings)", component: component)
            }
            if codes.contains(where: { $0.hasPrefix("signature.") }) {
                report.fail(.profileSignatureInvalid, "the profile's signature does not verify", component: component)
            }
        } else {
            report.fail(.profileSignatureInvalid, "the profile's signature does not verify", component: component)
        }

        if let signer = v.signer, revoked.isRevoked(signer) {
            report.fail(.profileSignerRevoked, "profile signer \(signer.subject) is revoked (dbx)", component: component)
        }
        for cert in v.verified?.chain.dropFirst() ?? [] where revoked.isRevoked(cert) {
            report.fail(.profileSignerRevoked, "certificate \(cert.subject) in the profile signer's chain is revoked (dbx)", component: component)
        }
        let verified = report.isValid ? v.verified.map(VerifiedProfileSignature.init(signature:)) : nil
        return ProfileSignatureVerification(report: report, verified: verified, signer: v.signer)
    }
}
