/// Who may sign what: the usage rules a signer certificate must meet for one role (a PE image, a VIB,
/// an image profile). Checked next to the chain to that role's anchors by ``ChainVerifier``, never
/// instead of it: the anchors say *whose* hierarchy a signer belongs to, the policy says *which job*
/// its certificate was issued for.
///
/// Failure codes (each prefixed by the policy's name in the message):
/// - `chain.not-digital-signature`: keyUsage is present without digitalSignature (a CA key with only
///   keyCertSign/cRLSign, a keyEncipherment-only key);
/// - `chain.key-usage-missing`: the role requires a keyUsage extension and there is none;
/// - `chain.not-code-signing`: an extended key usage is present without codeSigning (e.g. serverAuth);
/// - `chain.eku-missing`: the role requires an extended key usage and there is none;
/// - `chain.not-profile-signing`: the signer lacks the hostattest image-profile-signing usage;
/// - `chain.signer-is-ca`: the signer may act as a CA, but the role is signed by end-entity keys only;
/// - `chain.usage-unreadable`: the certificate's extensions cannot be decoded.
public struct SignerPolicy: Sendable, Hashable, CustomStringConvertible {
    /// The extended key usage a role's signer must carry.
    public enum Usage: String, Sendable, Hashable {
        case codeSigning
        case profileSigning
    }

    /// The role, as findings name it ("VIB signing").
    public let name: String
    /// The extended key usage the signer needs; nil for none.
    public let usage: Usage?
    /// True: keyUsage and extendedKeyUsage must be present (with digitalSignature and ``usage``).
    /// False: they only restrict where present (Authenticode and UEFI practice).
    public let extensionsRequired: Bool
    /// Whether the signer may itself be a CA. UEFI `db` semantics allow it (the platform root signs
    /// bootloaders directly); VIBs and profiles are signed by end-entity keys only.
    public let signerMayBeCA: Bool

    public init(name: String, usage: Usage?, extensionsRequired: Bool, signerMayBeCA: Bool) {
        self.name = name
        self.usage = usage
        self.extensionsRequired = extensionsRequired
        self.signerMayBeCA = signerMayBeCA
    }

    /// No usage rules: only the chain decides.
    public static let unrestricted = SignerPolicy(name: "any signer", usage: nil, extensionsRequired: false, signerMayBeCA: true)

    /// Authenticode PE images (UEFI `db` semantics): keyUsage digitalSignature and EKU codeSigning (or
    /// anyExtendedKeyUsage) where those extensions are present; the signer may be a CA.
    public static let authenticode = SignerPolicy(name: "Authenticode code signing", usage: .codeSigning,
                                                  extensionsRequired: false, signerMayBeCA: true)

    /// VIB signatures: what `keys init` issues to `vib-*-signer`: keyUsage with digitalSignature, EKU
    /// with codeSigning (anyExtendedKeyUsage does not count), not a CA.
    public static let vibSigning = SignerPolicy(name: "VIB signing", usage: .codeSigning,
                                                extensionsRequired: true, signerMayBeCA: false)

    /// Image-profile signatures: what `keys init` issues to `profile-signer`: keyUsage with
    /// digitalSignature, EKU with ``profileSigningOID`` (neither codeSigning nor anyExtendedKeyUsage
    /// count), not a CA.
    public static let profileSigning = SignerPolicy(name: "image-profile signing", usage: .profileSigning,
                                                    extensionsRequired: true, signerMayBeCA: false)

    /// hostattest's extended key usage for image-profile signers: the GUID-based OID of UUID
    /// 372d01d8-2379-4a10-92c5-70576ad0375f under `1.2.840.113556.1.8000.2554`, the arc set aside for
    /// anyone to mint OIDs from a GUID without registration (the GUID `aaaabbbb-cccc-dddd-eeee-ffffffgggggg`
    /// becomes `….2554.A.B.C.D.E.F.G`, each group in decimal). Unlike the X.667 `2.25.<128-bit UUID>` form,
    /// every arc fits 64 bits, which swift-asn1 (and much other tooling) requires. A dedicated usage,
    /// rather than codeSigning, keeps a VIB or kernel signing key from signing a profile, which decides
    /// the host's acceptance level.
    public static let profileSigningOID = "1.2.840.113556.1.8000.2554.14125.472.9081.18960.37573.7362410.13645663"

    public var description: String { name }

    /// Every code ``check(_:component:)`` can report.
    public static let usageCodes: Set<VerificationCode> = [
        .chainNotDigitalSignature, .chainKeyUsageMissing, .chainNotCodeSigning, .chainEkuMissing,
        .chainNotProfileSigning, .chainSignerIsCa, .chainUsageUnreadable,
    ]

    /// Checks `signer` against the policy; every violated rule is its own finding.
    public func check(_ signer: X509Certificate, component: String) -> VerificationReport {
        var report = VerificationReport()
        let who = "\(name): signer \(signer.subject)"
        let usages: SignerUsages
        do {
            usages = try SignerUsages(signer)
        } catch {
            report.fail(.chainUsageUnreadable, "\(who) has extensions that cannot be decoded (\(error))", component: component)
            return report
        }
        if usage != nil || extensionsRequired {
            switch usages.digitalSignature {
            case .some(false):
                report.fail(.chainNotDigitalSignature, "\(who) has a key usage that does not allow digital signatures (\(usages.keyUsageText))", component: component)
            case .none where extensionsRequired:
                report.fail(.chainKeyUsageMissing, "\(who) has no key usage extension; digitalSignature is required", component: component)
            default: break
            }
        }
        switch usage {
        case .codeSigning:
            if let ekus = usages.extendedKeyUsages {
                let ok = ekus.contains(SignerUsages.codeSigning) || (!extensionsRequired && ekus.contains(SignerUsages.anyUsage))
                if !ok {
                    report.fail(.chainNotCodeSigning, "\(who) has an extended key usage that does not allow code signing (\(usages.ekuText))", component: component)
                }
            } else if extensionsRequired {
                report.fail(.chainEkuMissing, "\(who) has no extended key usage extension; codeSigning is required", component: component)
            }
        case .profileSigning:
            if !(usages.extendedKeyUsages ?? []).contains(Self.profileSigningOID) {
                report.fail(.chainNotProfileSigning, "\(who) lacks the image-profile-signing extended key usage \(Self.profileSigningOID) (has \(usages.ekuText)); only a profile signer may sign image profiles", component: component)
            }
        case nil: break
        }
        if !signerMayBeCA && signer.isCA {
            report.fail(.chainSignerIsCa, "\(who) is a CA certificate; only end-entity (CA:FALSE) certificates may sign here", component: component)
        }
        if report.isValid, usage != nil { report.pass("\(name) usage of \(signer.subject)") }
        return report
    }
}
