/// The attributes an attestation key must have before a verifier trusts what it signs
/// (TPM 2.0 Part 2, 8.3.3; Part 1, 24 — the properties MakeCredential lets a server bind to the EK):
/// `restricted` (signs only digests the TPM made, so TPM_GENERATED_VALUE means something), `sign`,
/// `fixedTPM`, `fixedParent` and `sensitiveDataOrigin` (the key was made in, and cannot leave, the TPM).
public enum AKPolicy {
    static let required: [(TPMAObject, VerificationCode, String)] = [
        (.restricted, .akNotRestricted, "restricted"),
        (.sign, .akNotSigning, "sign"),
        (.fixedTPM, .akNotFixedTpm, "fixedTPM"),
        (.fixedParent, .akNotFixedParent, "fixedParent"),
        (.sensitiveDataOrigin, .akNotSensitiveDataOrigin, "sensitiveDataOrigin"),
    ]

    /// One finding per missing attribute (and one if `decrypt` is set).
    public static func check(_ publicArea: TPMTPublic) -> VerificationReport {
        var report = VerificationReport()
        let attrs = publicArea.objectAttributes
        for (bit, code, name) in required {
            report.check(attrs.contains(bit), pass: "AK attribute \(name) set", fail: code,
                         "the attestation key lacks the \(name) attribute (attributes: \(attrs.description))", component: "AK")
        }
        report.check(!attrs.contains(.decrypt), pass: "AK attribute decrypt clear", fail: .akDecryptSet,
                     "the attestation key is also a decryption key", component: "AK")
        return report
    }
}
