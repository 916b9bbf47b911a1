import ArgumentParser
import AttestCore
import Foundation

/// `hostattest baseline verify`: the signature to the given anchors, then the strict parse.
struct BaselineVerify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify a signed baseline against baseline signer anchors.")

    @Argument(help: "The baseline JSON.") var baseline: String
    @Option(name: .long, help: "The signature (default BASELINE.p7s).") var signature: String?
    @Option(name: .long, help: "Certificate file(s) trusted to sign baselines.") var trust: [String] = []
    @OptionGroup var out: OutputOptions

    struct Result: Encodable { var baseline: String; var signer: String?; var report: VerificationReport }

    func run() throws {
        guard !trust.isEmpty else { throw CLIError("--trust is required: nothing is trusted by default") }
        let anchors = try trust.flatMap { try TrustLoader.loadCertificates($0) }
        let bytes = try Files.readBytes(baseline)
        let sigPath = signature ?? baseline + ".p7s"
        let sig = FileManager.default.fileExists(atPath: sigPath) ? try Files.readBytes(sigPath) : nil
        let r: (report: VerificationReport, verified: VerifiedBaseline?)
        do { r = try BaselineVerifier.verify(bytes: bytes, signature: sig, anchors: anchors, time: Date()) } catch let e as ParseError { throw CLIError.parse(baseline, e) }
        try Output.emitVerdict(Result(baseline: baseline, signer: r.verified?.signer, report: r.report), verified: r.verified != nil, json: out.json) {
            Output.describe(r.report, subject: "baseline \(baseline)" + (r.verified.map { " (\($0.baseline.label), signed by \($0.signer))" } ?? ""))
        }
        if r.verified == nil { throw ExitCode.rejected }
    }
}
