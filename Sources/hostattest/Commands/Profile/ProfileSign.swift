import ArgumentParser
import AttestCore
import Foundation

/// `hostattest profile sign`: detached CMS over the exact profile bytes, written beside it.
struct ProfileSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign an image profile (detached CMS, PEM) into PROFILE.p7s.",
        discussion: """
        Only a profile signer may sign: --cert must carry the image-profile-signing extended key usage
        (\(SignerPolicy.profileSigningOID)), keyUsage digitalSignature and CA:FALSE, as the profile-signer
        of `hostattest keys init` does. Other keys are refused here (exit 2), as `verify image` would refuse them.
        """)

    @Argument(help: "The profile JSON.") var profile: String
    @Option(name: .long, help: "Signer private key (PEM).") var key: String
    @Option(name: .long, help: "Signer certificate.") var cert: String
    @Option(name: .long, help: "Intermediate certificate file(s) to carry.") var chain: [String] = []
    @Option(name: .long, help: "Signing time (ISO 8601), default now.") var signingTime: String?
    @Option(name: .shortAndLong, help: "Output signature (default PROFILE.p7s).") var output: String?
    @OptionGroup var out: OutputOptions

    struct Result: Encodable { var profile: String; var signature: String; var signer: String }

    func run() throws {
        let bytes = try Files.readBytes(profile)
        do { _ = try ImageProfile(jsonBytes: bytes) } catch let e as ParseError { throw CLIError.parse(profile, e) }
        let signer = try SignerFiles.load(key: key, cert: cert, chain: chain)
        try SignerFiles.require(.profileSigning, signer.certificate, path: cert,
                                hint: "only a profile signer may sign profiles: use profile-signer.key.pem and profile-signer.crt.pem of a chain made by `hostattest keys init`")
        let pem: String
        do {
            pem = try DetachedCMS.sign(content: bytes, key: signer.key, certificate: signer.certificate, chain: signer.chain,
                                       signingTime: try SignerFiles.date(signingTime))
        } catch let e as SigningError { throw CLIError.file(key, e.description) }
        let path = output ?? profile + ".p7s"
        try Files.write(Data(pem.utf8), to: path)
        try Output.emit(Result(profile: profile, signature: path, signer: signer.certificate.subject), json: out.json) {
            "signed \(profile) → \(path) by \(signer.certificate.subject)"
        }
    }
}
