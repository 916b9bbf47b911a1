/// Verifies TPM2_Quote output (TPM 2.0 Part 3, 18.4) against an attestation key: the server's check.
///
/// Checks, each reported on its own: the AK's attributes (when the key is a TPM public area; see
/// ``AKPolicy``), the signature over the TPMS_ATTEST bytes with the signature's hash
/// (`quote.signature-invalid`), `magic` = TPM_GENERATED_VALUE (`quote.bad-magic`), `type` =
/// TPM_ST_ATTEST_QUOTE (`quote.wrong-type`), `extraData` = the nonce, in constant time
/// (`nonce.mismatch`; an empty expected nonce is `nonce.empty`), the quoted PCR selection = the selection of the supplied values
/// (`quote.pcr-selection-mismatch`), `pcrDigest` = H(values in selection order)
/// (`quote.pcr-digest-mismatch`) and, given the host's event log, that replaying it produces the quoted
/// PCR values (``EventLog/verifyReplay(against:)``: `pcr.replay-mismatch` per PCR, naming the events
/// extended into it; `pcr.bank-missing`, `pcr.replay-incomplete`).
public struct QuoteVerifier: Sendable {
    public let attestationKey: AttestationKey
    private let keyReport: VerificationReport

    /// RSA attestation keys below this size are refused (`ak.weak-key`) unless weak algorithms are allowed.
    public static let minimumRSABits = 2048

    private let allowWeakAlgorithms: Bool

    /// - Parameters:
    ///   - checkAKAttributes: apply ``AKPolicy`` when the key is a TPM public area.
    ///   - allowWeakAlgorithms: accept SHA-1 quote signatures and RSA AKs below
    ///     ``minimumRSABits``; refused by default (`quote.weak-hash`, `ak.weak-key`).
    ///   - requireAKAttributes: refuse when the AK's TPM attributes cannot be checked (a PEM key carries
    ///     none). By default that is a warning, `ak.attributes-unchecked`, never a silent pass.
    public init(attestationKey: AttestationKey, checkAKAttributes: Bool = true, allowWeakAlgorithms: Bool = false,
                requireAKAttributes: Bool = false) {
        self.attestationKey = attestationKey
        self.allowWeakAlgorithms = allowWeakAlgorithms
        var report = VerificationReport()
        if checkAKAttributes, let area = attestationKey.publicArea {
            report = AKPolicy.check(area)
        } else {
            let why = attestationKey.publicArea == nil
                ? "the attestation key was given as a bare public key (PEM), which carries no TPM attributes"
                : "the attestation key's attribute check was turned off"
            let message = "\(why): nothing shows that it is restricted, fixedTPM, fixedParent and sensitiveDataOrigin, i.e. that a TPM made this quote; give the TPM2B_PUBLIC (tpm2_createak -u) to check them"
            if requireAKAttributes {
                report.fail(.akAttributesUnchecked, message, component: "attestation key")
            } else {
                report.warn(.akAttributesUnchecked, message, component: "attestation key")
            }
        }
        if !allowWeakAlgorithms, case .rsa(let key) = attestationKey.verifier, key.bits < Self.minimumRSABits {
            report.fail(.akWeakKey, "the AK is RSA \(key.bits), below the \(Self.minimumRSABits)-bit minimum", component: "attestation key")
        }
        keyReport = report
    }

    /// Verifies one quote.
    /// - Parameters:
    ///   - attest: the signed TPMS_ATTEST bytes (`tpm2_quote -m`; a TPM2B_ATTEST is unwrapped).
    ///   - signature: the TPMT_SIGNATURE (`tpm2_quote -s`).
    ///   - pcrs: the PCR values the quote claims to cover (`tpm2_quote -o`).
    ///   - nonce: the qualifying data the verifier issued.
    ///   - eventLog: the host's event log, if its replay is to be checked against the quoted values.
    public func verify(attest attestInput: [UInt8], signature: TPMTSignature, pcrs: PCRValues, nonce: [UInt8],
                       eventLog: EventLog? = nil) -> QuoteVerification {
        verify(attest: attestInput, signature: signature, pcrs: pcrs, nonce: nonce, replayedLog: eventLog.map(ReplayedEventLog.init))
    }

    /// ``verify(attest:signature:pcrs:nonce:eventLog:)`` with the log's replay already computed.
    public func verify(attest attestInput: [UInt8], signature: TPMTSignature, pcrs: PCRValues, nonce: [UInt8],
                       replayedLog eventLog: ReplayedEventLog?) -> QuoteVerification {
        var report = keyReport
        let attest = TPMSAttest.unwrapTPM2B(attestInput)
        let hash = signature.hashAlg

        if hash == .sha1 && !allowWeakAlgorithms {
            report.fail(.quoteWeakHash, "the quote is signed over a SHA-1 digest; SHA-256 or stronger is required", component: "quote")
        }
        if let problem = attestationKey.signatureProblem(signature, over: attest) {
            report.fail(.quoteSignatureInvalid, problem, component: "quote")
        } else {
            report.pass("signature valid")
        }
        if let area = attestationKey.publicArea, area.scheme.scheme != .null {
            let scheme = area.scheme
            report.check(scheme.scheme == signature.sigAlg && scheme.hashAlg == hash,
                         pass: "signature scheme matches the AK's scheme", fail: .quoteSignatureSchemeMismatch,
                         "the signature uses \(signature.sigAlg)/\(hash) but the AK is restricted to \(scheme.scheme)/\(scheme.hashAlg.map(\.rawValue) ?? "-")",
                         component: "quote")
        }

        // magic and type are findings, read from the raw bytes before the structure is parsed.
        var typeIsQuote = false
        if attest.count >= 6 {
            let magic = UInt32(attest[0]) << 24 | UInt32(attest[1]) << 16 | UInt32(attest[2]) << 8 | UInt32(attest[3])
            report.check(magic == TPM_GENERATED_VALUE, pass: "magic is TPM_GENERATED_VALUE", fail: .quoteBadMagic,
                         "magic is 0x\(String(magic, radix: 16)), not TPM_GENERATED_VALUE 0xff544347: the TPM did not generate this structure",
                         component: "quote")
            let type = UInt16(attest[4]) << 8 | UInt16(attest[5])
            typeIsQuote = type == TPMST.attestQuote
            report.check(typeIsQuote, pass: "type is TPM_ST_ATTEST_QUOTE", fail: .quoteWrongType,
                         "type is 0x\(String(type, radix: 16)), not TPM_ST_ATTEST_QUOTE 0x8018", component: "quote")
        }

        let parsed: TPMSAttest
        do {
            parsed = try TPMSAttest(bytes: attest, requireMagic: false)
        } catch {
            if typeIsQuote || attest.count < 6 {
                report.fail(.quoteMalformed, "the TPMS_ATTEST does not parse: \(error)", component: "quote")
            }
            return QuoteVerification(report: report, verified: nil)
        }
        guard case .quote(let info) = parsed.attested else {
            return QuoteVerification(report: report, verified: nil)
        }

        if nonce.isEmpty {
            report.fail(.nonceEmpty, "no nonce was given, so the quote's freshness cannot be checked", component: "nonce")
        } else if ConstantTime.equal(parsed.extraData, nonce) {
            report.pass("nonce matches")
        } else {
            report.fail(.nonceMismatch, "the quote's extraData is \(parsed.extraData.hex), the expected nonce is \(nonce.hex)", component: "nonce")
        }

        report.check(info.pcrSelect.selectsSame(as: pcrs.selection), pass: "PCR selection matches",
                     fail: .quotePcrSelectionMismatch,
                     "the quote covers \(info.pcrSelect.description) but the PCR values given are for \(pcrs.selection.description)",
                     component: "PCRs")

        var hasher = hash.hasher()
        for v in pcrs.values { v.digest.withUnsafeBytes { hasher.update($0) } }
        let digest = hasher.finalize()
        if ConstantTime.equal(digest, info.pcrDigest) {
            report.pass("pcrDigest matches the PCR values")
        } else {
            report.fail(.quotePcrDigestMismatch,
                        "the quote's pcrDigest is \(info.pcrDigest.hex) but the \(hash) digest of the given PCR values is \(digest.hex)",
                        component: "PCRs")
        }

        if let eventLog {
            var quoted: [DigestAlgorithm: [Int: [UInt8]]] = [:]
            for v in pcrs.values { quoted[v.algorithm, default: [:]][v.index] = v.digest }
            let replay = eventLog.verifyReplay(against: quoted)
            if replay.isValid { report.pass("event log replays to the quoted PCR values") }
            report.failures += replay.failures
        }

        let verified = report.isValid
            ? VerifiedQuote(attest: parsed, pcrs: pcrs, hashAlgorithm: hash, eventLogChecked: eventLog != nil,
                            attestationKeyName: attestationKey.name)
            : nil
        return QuoteVerification(report: report, verified: verified)
    }
}
