import ArgumentParser
import AttestCore
import Foundation

/// `hostattest verify pe FILE --trust CERT [--dbx FILE] [--enforce-validity [--at ISO8601]]`
struct VerifyPE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pe",
        abstract: "Verify the Authenticode signatures of a PE/EFI image against trust anchors (UEFI db/dbx semantics).",
        discussion: """
        Valid = at least one signature verifies (digest, PKCS#7 signature, chain to a --trust anchor with \
        code-signing usage) and nothing is revoked (neither the image digest nor any certificate in a \
        signer chain is in --dbx). Every signature is reported. Anchors need not be self-signed.
        SHA-1 Authenticode digests are refused unless --allow-weak-algorithms. Data hidden in the \
        certificate table (bytes after a signature beyond its padding, non-zero padding, entries that \
        are not signatures, slack after the last entry) is reported as a warning, and refused with --strict.
        Exit codes: 0 valid, 1 invalid (each failed check listed with its code), 2 bad input.
        """
    )

    @Argument(help: "The PE/EFI image.")
    var file: String

    @Option(name: .long, help: "Trust anchor certificate (PEM/DER) or trust.json; repeatable.")
    var trust: [String] = []

    @Option(name: .long, help: "Deny list: EFI_SIGNATURE_LIST (dbx), a DER certificate, or text (hex digests, PEM certificates); repeatable.")
    var dbx: [String] = []

    @Flag(name: .long, help: "Enforce certificate validity periods (firmware does not).")
    var enforceValidity = false

    @Option(name: .long, help: "With --enforce-validity: the time to judge validity at (ISO 8601); default now.")
    var at: String?

    @Flag(name: .long, help: "Accept SHA-1 Authenticode digests (refused by default).")
    var allowWeakAlgorithms = false

    @Flag(name: .long, help: "Refuse images whose certificate table hides data (reported as warnings by default).")
    var strict = false

    @Flag(name: .long, help: .hidden)
    var reportPeakMemory = false

    @OptionGroup var output: OutputOptions

    struct Result: Encodable {
        var file: String
        var report: VerificationReport
        var signatures: [AuthenticodeSignatureResult]
        var authenticodeDigests: [String: String]
        var peakMemoryKiB: Int?
        var baselineMemoryKiB: Int?
    }

    func validate() throws {
        if at != nil && !enforceValidity { throw ValidationError("--at needs --enforce-validity") }
    }

    func run() throws {
        let baseline = reportPeakMemory ? PeakMemory.kibibytes() : nil
        let anchors = try TrustLoader.load(trust)
        var deny = DenyList.empty
        for blob in anchors.dbxFiles {
            do { deny = deny.merged(with: try DenyList(bytes: blob)) }
            catch let e as ParseError { throw CLIError.coded("dbx file named in \(trust.joined(separator: ","))", e) }
        }
        for path in dbx {
            do { deny = deny.merged(with: try DenyList(bytes: try Files.readBytes(path))) }
            catch let e as ParseError { throw CLIError.coded(path, e) }
        }
        for guid in deny.ignoredTypes {
            Output.warn("deny list entries of type \(guid.name ?? guid.description) are not used")
        }
        let time: CertificateTimePolicy
        if enforceValidity {
            if let at {
                guard let date = ISO8601DateFormatter().date(from: at) else {
                    throw CLIError("--at '\(at)' is not an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)")
                }
                time = .at(date)
            } else {
                time = .at(Date())
            }
        } else {
            time = .ignoreValidity
        }

        let mapped = try MappedFile(file)
        let image: PEImage
        do { image = try PEImage(bytes: mapped.data) } catch let e as ParseError { throw CLIError.coded(file, e) }
        let progress = ProgressBar(total: image.authenticodeHashedByteCount, label: "hashing")
        var done = 0
        let options = AuthenticodeOptions(allowWeakAlgorithms: allowWeakAlgorithms, strictCertificateTable: strict)
        let verification = AuthenticodeVerifier.verify(image, anchors: anchors.platform, dbx: deny, time: time,
                                                       component: file, options: options) { range in
            mapped.release(range)
            done += range.count
            progress.update(done)
        }
        progress.finish()

        var digests: [String: String] = [:]
        for (alg, d) in verification.digests { digests[alg.rawValue] = d.hex }
        let result = Result(file: file, report: verification.report, signatures: verification.signatures,
                            authenticodeDigests: digests,
                            peakMemoryKiB: reportPeakMemory ? PeakMemory.kibibytes() : nil,
                            baselineMemoryKiB: baseline)
        try Output.emitVerdict(result, verified: verification.isValid, json: output.json) {
            var lines: [String] = []
            for s in verification.signatures {
                let state = s.isValid ? "ok" : "FAILED"
                lines.append("signature #\(s.index): \(state) — signer \(s.signerSubject ?? "?"), issuer \(s.signerIssuer ?? "?"), \(s.digestAlgorithm?.rawValue ?? "?")")
                if !s.chain.isEmpty { lines.append("  chain: \(s.chain.joined(separator: " → "))") }
                for f in s.failures { lines.append("  ✗ [\(f.code)] \(f.message)") }
            }
            lines.append("Authenticode SHA-256: \(digests["sha256"] ?? "?")")
            if let peak = result.peakMemoryKiB { lines.append("peak memory: \(peak) KiB (baseline \(baseline ?? 0) KiB)") }
            lines.append(Output.describe(verification.report, subject: file))
            return lines.joined(separator: "\n")
        }
        if !verification.isValid { throw ExitCode.rejected }
    }
}
