import ArgumentParser
import AttestCore
import Foundation

/// `hostattest baseline sign`: detached CMS over the exact baseline bytes.
struct BaselineSign: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Sign a baseline (detached CMS, PEM) into BASELINE.p7s.")

    @Argument(help: "The baseline JSON.") var baseline: String
    @Option(name: .long, help: "Signer private key (PEM).") var key: String
    @Option(name: .long, help: "Signer certificate.") var cert: String
    @Option(name: .long, help: "Intermediate certificate file(s) to carry.") var chain: [String] = []
    @Option(name: .shortAndLong, help: "Output signature (default BASELINE.p7s).") var output: String?
    @OptionGroup var out: OutputOptions

    struct Result: Encodable { var baseline: String; var signature: String; var signer: String }

    func run() throws {
        let bytes = try Files.readBytes(baseline)
        do { _ = try Baseline(jsonBytes: bytes) } catch let e as ParseError { throw CLIError.parse(baseline, e) }
        let signer = try SignerFiles.load(key: key, cert: cert, chain: chain)
        let pem: String
        do {
            pem = try DetachedCMS.sign(content: bytes, key: signer.key, certificate: signer.certificate, chain: signer.chain)
        } catch let e as SigningError { throw CLIError.file(key, e.description) }
        let path = output ?? baseline + ".p7s"
        try Files.write(Data(pem.utf8), to: path)
        try Output.emit(Result(baseline: baseline, signature: path, signer: signer.certificate.subject), json: out.json) {
            "signed \(baseline) → \(path) by \(signer.certificate.subject)"
        }
    }
}
