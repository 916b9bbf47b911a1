import ArgumentParser
import AttestCore
import Foundation

/// `hostattest verify vib`: signature, chain to the CA of the declared level (or higher), host
/// acceptance level, revocation and payload checksums.
struct VerifyVIB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vib",
        abstract: "Verify a VIB: signature over descriptor.xml, signer level, host acceptance, payload checksums.",
        discussion: """
        --trust takes a trust.json (per-level CAs) or certificate file(s), which then anchor every signed level.
        Certificates are judged at the signature's signingTime unless --check-time says otherwise.
        Exit 0 verified, 1 refused (codes such as vib.acceptance-below-host, vib.unsigned, vib.checksum-mismatch), 2 bad input.
        """)

    @Argument(help: "The VIB file.") var file: String
    @Option(name: .long, help: "trust.json, or certificate file(s) trusted for every signed level.") var trust: [String] = []
    @Option(name: .long, help: "Host acceptance level: certified, accepted, partner (default) or community.") var hostAcceptance: String = "partner"
    @Flag(name: .long, help: "Also check the gunzip checksums (decompresses each payload once the signature and its checksum passed, up to its declared uncompressed-size).") var deep = false
    @OptionGroup var time: CheckTimeOptions
    @OptionGroup var out: OutputOptions

    struct Result: Encodable {
        var file: String
        var provenLevel: AcceptanceLevel?
        var signer: String?
        var signingTime: Date?
        var vib: VIBSummary
        var report: VerificationReport
    }

    func run() throws {
        guard let host = AcceptanceLevel(rawValue: hostAcceptance.lowercased()) else {
            throw CLIError("--host-acceptance \(hostAcceptance): expected certified, accepted, partner or community")
        }
        let anchors = try TrustLoader.load(trust)
        let revoked = try DBXLoader.revocations(anchors)
        let vib: VIB
        do { vib = try VIB(data: try Files.read(file)) } catch let e as ParseError { throw CLIError.parse(file, e) }
        let v = VIBVerifier.verify(vib, trust: anchors, revoked: revoked,
                                   options: VIBVerificationOptions(hostAcceptance: host, time: try time.rule(), deep: deep))
        let result = Result(file: file, provenLevel: v.verified?.provenLevel,
                            signer: v.signer?.subject, signingTime: v.signingTime, vib: VIBSummary(vib: vib, file: file), report: v.report)
        try Output.emitVerdict(result, verified: v.isValid, json: out.json) {
            var text = Output.describe(v.report, subject: "\(file) (\(vib.descriptor.name) \(vib.descriptor.version), \(vib.descriptor.acceptanceLevel))")
            if let verified = v.verified {
                text += "\n  level proven: \(verified.provenLevel)" + (verified.signature.map { ", signer \($0.signer.subject)" } ?? "")
            }
            return text
        }
        if !v.isValid { throw ExitCode.rejected }
    }
}

/// `--check-time`: how certificate validity is judged for signatures.
struct CheckTimeOptions: ParsableArguments {
    @Option(name: .long, help: "Certificate time rule: signing-time (default), now, ignore, or an ISO 8601 date.")
    var checkTime: String = "signing-time"

    func rule() throws -> SignatureTimeRule {
        switch checkTime {
        case "signing-time": return .signingTime
        case "now", "wall-clock": return .at(Date())
        case "ignore": return .ignoreValidity
        default:
            guard let d = ISO8601DateFormatter().date(from: checkTime) else {
                throw CLIError("--check-time \(checkTime): expected signing-time, now, ignore or an ISO 8601 date")
            }
            return .at(d)
        }
    }
}

/// The deny list (dbx) named by trust.json, parsed by ``DenyList`` (EFI_SIGNATURE_LIST, DER
/// certificate, or text of digests and PEM certificates). For VIBs, its certificates revoke signers
/// and its SHA-256 digests revoke descriptors and payloads; for boot images, it is UEFI dbx.
enum DBXLoader {
    static func denyList(_ trust: TrustAnchors) throws -> DenyList {
        do { return try DenyList(files: trust.dbxFiles) } catch let e as ParseError { throw CLIError.parse("dbx file named in the trust file", e) }
    }

    static func revocations(_ trust: TrustAnchors) throws -> VIBRevocations { VIBRevocations(try denyList(trust)) }
}
