import Foundation

/// A baseline whose detached CMS signature verified to the caller's baseline anchors, over the exact
/// bytes that were parsed. Only ``BaselineVerifier`` makes one.
public struct VerifiedBaseline: Sendable, Hashable {
    public let baseline: Baseline
    /// The exact signed bytes.
    public let bytes: [UInt8]
    /// The signer's subject.
    public let signer: String
    /// SHA-256 of `bytes`, lower-case hex: the baseline's identity in the store and in tokens.
    public let digest: String
    /// The earliest notAfter in the verified chain (signer to anchor): after it, this verification no
    /// longer holds and a cache of it must be dropped. Nil only when no certificate carries a date.
    public let validUntil: Date?
    /// What every appraisal against this baseline needs, computed once (not per attestation).
    let appraisalIndex: AppraisalIndex

    init(baseline: Baseline, bytes: [UInt8], signer: String, validUntil: Date? = nil) {
        self.baseline = baseline
        self.bytes = bytes
        self.signer = signer
        self.digest = DigestAlgorithm.sha256.hash(bytes).hex
        self.validUntil = validUntil
        self.appraisalIndex = AppraisalIndex(baseline)
    }

    /// The baseline's expected events by PCR, its label and its pass message.
    struct AppraisalIndex: Sendable, Hashable {
        let expectedByPCR: [Int: [Baseline.ExpectedEvent]]
        let label: String
        let passMessage: String

        init(_ baseline: Baseline) {
            var byPCR: [Int: [Baseline.ExpectedEvent]] = [:]
            for e in baseline.events { byPCR[e.pcr, default: []].append(e) }
            expectedByPCR = byPCR
            label = "baseline \(baseline.label)"
            passMessage = "every event in \(baseline.bank) PCR(s) \(baseline.pcrs.map(String.init).joined(separator: ", ")) is in \(label)"
        }
    }
}

/// Verifies a signed baseline: the signature (`baseline.signature-invalid`, `baseline.unsigned`) over
/// the exact bytes, chained to `anchors` (who may sign baselines is the caller's choice; no anchors
/// trusts nothing), then the strict parse. Malformed baseline JSON throws ``ParseError``.
public enum BaselineVerifier {
    public static func verify(bytes: [UInt8], signature: [UInt8]?, anchors: [X509Certificate], time: Date) throws
        -> (report: VerificationReport, verified: VerifiedBaseline?) {
        let baseline = try Baseline(jsonBytes: bytes)
        var report = VerificationReport()
        let component = "baseline \(baseline.label)"
        guard let signature, signature.contains(where: { !$0.isASCIIWhitespace }) else {
            report.fail(.baselineUnsigned, "the baseline has no signature", component: component)
            return (report, nil)
        }
        let cms: DetachedCMSSignature
        do {
            cms = try DetachedCMSSignature(bytes: signature)
        } catch {
            report.fail(.baselineSignatureInvalid, "the signature is not a CMS signature: \(error)", component: component)
            return (report, nil)
        }
        let v = cms.verify(content: bytes, anchors: anchors, time: .at(time), requireCodeSigning: false, component: component)
        guard let verified = v.verified, let signer = v.signer else {
            report.fail(.baselineSignatureInvalid, "the baseline's signature does not verify to the baseline anchors", component: component)
            report.failures += v.report.failures
            return (report, nil)
        }
        report.pass("baseline signed by \(signer.subject)")
        let validUntil = ([signer] + verified.chain).compactMap(\.notAfter).min()
        return (report, VerifiedBaseline(baseline: baseline, bytes: bytes, signer: signer.subject, validUntil: validUntil))
    }
}
