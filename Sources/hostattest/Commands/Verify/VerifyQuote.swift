import ArgumentParser
import AttestCore
import Foundation

/// `hostattest verify quote`: checks a `tpm2_quote` (or `hostattest quote`) result against an AK and a nonce.
struct VerifyQuote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Verify a TPM 2.0 quote: signature, magic, type, nonce, PCR selection and digest, optional event log.",
        discussion: """
        Files are those of tpm2-tools 5.x: --msg is `tpm2_quote -m` (TPMS_ATTEST, or a TPM2B_ATTEST),
        --sig is `tpm2_quote -s` (TPMT_SIGNATURE, the default tss format; or `-f plain` with
        --sig-format plain), --pcrs is `tpm2_quote -o`
        (serialized, the default, or `-F values` with --pcr-format values). --ak is a PEM public key
        (`tpm2_createak -f pem -u`) or a TPM2B_PUBLIC / TPMT_PUBLIC (`tpm2_createak -u`); a TPM public
        area also gets its attributes checked (restricted, sign, fixedTPM, fixedParent,
        sensitiveDataOrigin); a PEM key cannot be checked, which the verdict says (warning
        ak.attributes-unchecked; refused with --require-ak-attributes). Exit 0: every check passed; 1: a check failed (all are listed); 2: bad input.
        """
    )

    enum PCRFormat: String, ExpressibleByArgument, CaseIterable {
        case serialized, values
    }

    enum SignatureFormat: String, ExpressibleByArgument, CaseIterable {
        case tss, plain
    }

    @Option(name: .long, help: "Attestation key: PEM, TPM2B_PUBLIC or TPMT_PUBLIC.")
    var ak: String

    @Option(name: .long, help: "The quoted message (TPMS_ATTEST), as tpm2_quote -m writes it.")
    var msg: String

    @Option(name: .long, help: "The signature (TPMT_SIGNATURE), as tpm2_quote -s writes it.")
    var sig: String

    @Option(name: .long, help: "The PCR values, as tpm2_quote -o writes them.")
    var pcrs: String

    @Option(name: .long, help: "The expected nonce (qualifying data), in hex.")
    var nonce: String

    @Option(name: .long, help: "A TCG event log whose replay must produce the quoted PCR values.")
    var eventlog: String?

    @Option(name: .long, help: "Form of the --pcrs file: serialized (tpm2-tools default) or values (-F values).")
    var pcrFormat: PCRFormat = .serialized

    @Option(name: .long, help: "Form of the --sig file: tss (TPMT_SIGNATURE, tpm2-tools default) or plain (-f plain).")
    var sigFormat: SignatureFormat = .tss

    @Option(name: .long, help: "Hash of a plain signature (default: the AK's scheme hash, else sha256).")
    var sigHash: String?

    @Flag(name: .long, help: "Accept SHA-1 quote signatures and RSA AKs below 2048 bits (refused by default).")
    var allowWeakAlgorithms = false

    @Flag(name: .long, help: "Refuse an AK whose TPM attributes cannot be checked (a PEM key); by default a warning.")
    var requireAKAttributes = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Hex.decode(nonce) != nil else { throw ValidationError("--nonce must be hexadecimal") }
        if let sigHash, DigestAlgorithm(name: sigHash) == nil { throw ValidationError("--sig-hash must be sha1, sha256, sha384 or sha512") }
    }

    struct Result: Encodable {
        var report: VerificationReport
        var attestationKey: String
        var akName: String?
        var hashAlgorithm: String?
        var nonce: String?
        var clock: TPMSClockInfo?
        var firmwareVersion: String?
        var pcrs: [PCR]?
    }

    struct PCR: Encodable {
        var bank: String
        var index: Int
        var digest: String
    }

    func run() throws {
        let nonceBytes = Hex.decode(nonce) ?? []
        let key: AttestationKey
        do { key = try AttestationKey(bytes: try Files.readBytes(ak)) } catch let e as CLIError { throw e } catch { throw CLIError.parse(ak, error) }
        let attestBytes = try Files.readBytes(msg)
        let signature: TPMTSignature
        do {
            let sigBytes = try Files.readBytes(sig)
            switch sigFormat {
            case .tss:
                signature = try TPMTSignature(bytes: sigBytes)
            case .plain:
                let hash = sigHash.flatMap(DigestAlgorithm.init(name:)) ?? key.schemeHash ?? .sha256
                signature = try key.signature(plain: sigBytes, hash: hash)
            }
        } catch let e as CLIError { throw e } catch { throw CLIError.parse(sig, error) }
        let pcrBytes = try Files.readBytes(pcrs)
        let values: PCRValues
        do {
            switch pcrFormat {
            case .serialized:
                values = try PCRValues(tpm2ToolsSerialized: pcrBytes)
            case .values:
                // The values form carries no selection: take the quote's own.
                let selection: TPMLPCRSelection
                do { selection = try TPMSAttest.pcrSelection(ofQuote: attestBytes) } catch { throw CLIError.parse(msg, error) }
                values = try PCRValues(tpm2ToolsValues: pcrBytes, selection: selection)
            }
        } catch let e as CLIError { throw e } catch { throw CLIError.parse(pcrs, error) }

        var log: EventLog?
        if let eventlog {
            do { log = try EventLog(bytes: try Files.readBytes(eventlog)) } catch let e as CLIError { throw e } catch { throw CLIError.parse(eventlog, error) }
        }

        let outcome = QuoteVerifier(attestationKey: key, allowWeakAlgorithms: allowWeakAlgorithms, requireAKAttributes: requireAKAttributes).verify(attest: attestBytes, signature: signature, pcrs: values,
                                                                nonce: nonceBytes, eventLog: log)
        let v = outcome.verified
        let result = Result(report: outcome.report,
                            attestationKey: key.algorithmDescription, akName: key.name?.hex,
                            hashAlgorithm: v?.hashAlgorithm.rawValue, nonce: v?.nonce.hex, clock: v?.clockInfo,
                            firmwareVersion: v.map { String(format: "0x%016llx", $0.firmwareVersion) },
                            pcrs: v?.pcrs.values.map { PCR(bank: $0.algorithm.rawValue, index: $0.index, digest: $0.digest.hex) })
        try Output.emitVerdict(result, verified: outcome.isValid, json: output.json) {
            var text = Output.describe(outcome.report, subject: "quote \(msg) signed by \(key.algorithmDescription) AK \(ak)")
            if let v {
                text += "\n  nonce \(v.nonce.hex), \(v.hashAlgorithm), clock \(v.clockInfo.clock) ms, resets \(v.clockInfo.resetCount)"
                for p in v.pcrs.values { text += "\n  PCR \(p.algorithm):\(p.index) = \(p.digest.hex)" }
            }
            return text
        }
        if !outcome.isValid { throw ExitCode.rejected }
    }
}
