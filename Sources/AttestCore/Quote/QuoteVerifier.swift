/// Verifies TPM2_Quote output (TPM 2.0 Part 3, 18.4) against an attestation key: the server's check.
///
/// Checks, each reported on its own: the AK's attributes (when the key is a TPM public area; see
/// ``AKPolicy``), the signature over the TPMS_ATTEST bytes with the signature's hash
/// (`quote.signature-invalid`), `magic` = TPM_GENERATED_VALUE (`quote.bad-magic`), `type` =
/// TPM_ST_ATTEST_QUOTE (`quote.wrong-type`), `extraData` = the nonce, in constant time
/// (`nonce.mismatch`; an empty expected nonce is `nonce.empty`), the quoted PCR selection = the selection of the supplied values
/// (`quote.pcr-selection-mismatch`), `pcrDigest` = H(values in selection order)
/// (`quote.pcr-digest-mismatch`) and, given replayed event log values, that they equal the PCR values
/// (`pcr.replay-mismatch`, one finding per PCR).
public struct QuoteVerifier: Sendable {
    public let attestationKey: AttestationKey
    private let keyReport: VerificationReport

    /// `checkAKAttributes`: apply ``AKPolicy`` when the key is a TPM public area.
    public init(attestationKey: AttestationKey, checkAKAttributes: Bool = true) {
        self.attestationKey = attestationKey
        if checkAKAttributes, let area = attestationKey.publicArea {
            keyReport = AKPolicy.check(area)
        } else {
            keyReport = VerificationReport()
        }
    }

    /// Verifies one quote.
    /// - Parameters:
    ///   - attest: the signed TPMS_ATTEST bytes (`tpm2_quote -m`; a TPM2B_ATTEST is unwrapped).
    ///   - signature: the TPMT_SIGNATURE (`tpm2_quote -s`).
    ///   - pcrs: the PCR values the quote claims to cover (`tpm2_quote -o`).
    ///   - nonce: the qualifying data the verifier issued.
    ///   - expectedFromLog: PCR values per bank from replaying an event log, if one is to be checked.
    public func verify(attest attestInput: [UInt8], signature: TPMTSignature, pcrs: PCRValues, nonce: [UInt8],
                       expectedFromLog: [DigestAlgorithm: [Int: [UInt8]]]? = nil) -> QuoteVerification {
        var report = keyReport
        let attest = TPMSAttest.unwrapTPM2B(attestInput)
        let hash = signature.hashAlg

        if let problem = attestationKey.signatureProblem(signature, over: attest) {
            report.fail("quote.signature-invalid", problem, component: "quote")
        } else {
            report.pass("signature valid")
        }
        if let area = attestationKey.publicArea, area.scheme.scheme != .null {
            let scheme = area.scheme
            report.check(scheme.scheme == signature.sigAlg && scheme.hashAlg == hash,
                         pass: "signature scheme matches the AK's scheme", fail: "quote.signature-scheme-mismatch",
                         "the signature uses \(signature.sigAlg)/\(hash) but the AK is restricted to \(scheme.scheme)/\(scheme.hashAlg.map(\.rawValue) ?? "-")",
                         component: "quote")
        }

        // magic and type are findings, read from the raw bytes before the structure is parsed.
        var typeIsQuote = false
        if attest.count >= 6 {
            let magic = UInt32(attest[0]) << 24 | UInt32(attest[1]) << 16 | UInt32(attest[2]) << 8 | UInt32(attest[3])
            report.check(magic == TPM_GENERATED_VALUE, pass: "magic is TPM_GENERATED_VALUE", fail: "quote.bad-magic",
                         "magic is 0x\(String(magic, radix: 16)), not TPM_GENERATED_VALUE 0xff544347: the TPM did not generate this structure",
                         component: "quote")
            let type = UInt16(attest[4]) << 8 | UInt16(attest[5])
            typeIsQuote = type == TPMST.attestQuote
            report.check(typeIsQuote, pass: "type is TPM_ST_ATTEST_QUOTE", fail: "quote.wrong-type",
                         "type is 0x\(String(type, radix: 16)), not TPM_ST_ATTEST_QUOTE 0x8018", component: "quote")
        }

        let parsed: TPMSAttest
        do {
            parsed = try TPMSAttest(bytes: attest, requireMagic: false)
        } catch {
            if typeIsQuote || attest.count < 6 {
                report.fail("quote.malformed", "the TPMS_ATTEST does not parse: \(error)", component: "quote")
            }
            return QuoteVerification(report: report, verified: nil)
        }
        guard case .quote(let info) = parsed.attested else {
            return QuoteVerification(report: report, verified: nil)
        }

        if nonce.isEmpty {
            report.fail("nonce.empty", "no nonce was given, so the quote's freshness cannot be checked", component: "nonce")
        } else if ConstantTime.equal(parsed.extraData, nonce) {
            report.pass("nonce matches")
        } else {
            report.fail("nonce.mismatch", "the quote's extraData is \(parsed.extraData.hex), the expected nonce is \(nonce.hex)", component: "nonce")
        }

        report.check(info.pcrSelect.selectsSame(as: pcrs.selection), pass: "PCR selection matches",
                     fail: "quote.pcr-selection-mismatch",
                     "the quote covers \(info.pcrSelect.description) but the PCR values given are for \(pcrs.selection.description)",
                     component: "PCRs")

        var hasher = hash.hasher()
        for v in pcrs.values { v.digest.withUnsafeBytes { hasher.update($0) } }
        let digest = hasher.finalize()
        if ConstantTime.equal(digest, info.pcrDigest) {
            report.pass("pcrDigest matches the PCR values")
        } else {
            report.fail("quote.pcr-digest-mismatch",
                        "the quote's pcrDigest is \(info.pcrDigest.hex) but the \(hash) digest of the given PCR values is \(digest.hex)",
                        component: "PCRs")
        }

        if let expectedFromLog {
            var allMatch = true
            for v in pcrs.values {
                let component = "PCR \(v.algorithm):\(v.index)"
                guard let bank = expectedFromLog[v.algorithm] else {
                    allMatch = false
                    report.fail("pcr.replay-mismatch", "the event log has no replayable \(v.algorithm) bank; the quoted value is \(v.digest.hex)", component: component)
                    continue
                }
                let replayed = bank[v.index] ?? Self.resetValue(v.algorithm, index: v.index)
                let note = bank[v.index] == nil ? " (no event in the log extends it)" : ""
                if !ConstantTime.equal(replayed, v.digest) {
                    allMatch = false
                    report.fail("pcr.replay-mismatch", "the event log replays to \(replayed.hex)\(note), the quoted value is \(v.digest.hex)", component: component)
                }
            }
            if allMatch { report.pass("event log replays to the quoted PCR values") }
        }

        let verified = report.isValid
            ? VerifiedQuote(attest: parsed, pcrs: pcrs, hashAlgorithm: hash, eventLogChecked: expectedFromLog != nil,
                            attestationKeyName: attestationKey.name)
            : nil
        return QuoteVerification(report: report, verified: verified)
    }

    /// A PCR's value after TPM reset: zeros, except PCRs 17–22 (DRTM) which start all-ones
    /// (TCG PC Client Platform TPM Profile, PCR attributes).
    static func resetValue(_ alg: DigestAlgorithm, index: Int) -> [UInt8] {
        [UInt8](repeating: (17...22).contains(index) ? 0xFF : 0x00, count: alg.digestSize)
    }
}
