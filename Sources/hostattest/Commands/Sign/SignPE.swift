import ArgumentParser
import AttestCore
import Foundation

/// `hostattest sign pe IN --key KEY.pem --cert CERT.pem [--chain PEM...] [--append] -o OUT`
struct SignPE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pe",
        abstract: "Sign a PE32/PE32+ (EFI) image with Authenticode (SHA-256), as sbsign does.",
        discussion: """
        Appends a WIN_CERTIFICATE (revision 0x0200, PKCS_SIGNED_DATA, 8-byte aligned) holding PKCS#7 \
        SignedData over SpcIndirectDataContent, and updates the certificate-table directory and the PE \
        checksum. Without --append an existing signature is replaced; with it, the new signature is \
        added as a further WIN_CERTIFICATE entry (as shim images carry).
        """
    )

    @Argument(help: "The image to sign.")
    var input: String

    @Option(name: .long, help: "The signer's private key (unencrypted PEM, RSA or EC).")
    var key: String

    @Option(name: .long, help: "The signer's certificate (PEM or DER).")
    var cert: String

    @Option(name: .long, parsing: .upToNextOption, help: "Intermediate certificates to carry in the signature (PEM/DER).")
    var chain: [String] = []

    @Flag(name: .long, help: "Add a signature after the existing ones instead of replacing them.")
    var append = false

    @Option(name: .shortAndLong, help: "Where to write the signed image.")
    var output: String

    @OptionGroup var outputOptions: OutputOptions

    struct Result: Encodable {
        var input: String
        var output: String
        var signer: String
        var authenticodeSHA256: String
        var signatures: Int
    }

    func run() throws {
        let signingKey: SigningKey
        do { signingKey = try SigningKey(pemEncoded: try Files.readBytes(key)) } catch let e as ParseError { throw CLIError.coded(key, e) }
        let certs = try TrustLoader.loadCertificates(cert)
        var chainCerts: [X509Certificate] = []
        for path in chain { chainCerts += try TrustLoader.loadCertificates(path) }
        let signer: AuthenticodeSigner
        do {
            signer = try AuthenticodeSigner(key: signingKey, certificate: certs[0], chain: Array(certs.dropFirst()) + chainCerts)
        } catch let e as ParseError {
            throw CLIError.coded(cert, e)
        }
        let image: PEImage
        do { image = try PEImage(bytes: try Files.read(input)) } catch let e as ParseError { throw CLIError.coded(input, e) }
        let signed: Data
        do { signed = try signer.sign(image, append: append) } catch let e as ParseError { throw CLIError.coded(input, e) }
        try Files.write(signed, to: output)
        let result = try PEImage(bytes: signed)
        let r = Result(input: input, output: output, signer: certs[0].subject,
                       authenticodeSHA256: result.authenticodeDigest(.sha256).hex, signatures: result.certificates.count)
        try Output.emit(r, json: outputOptions.json) {
            "signed \(input) → \(output) as \(r.signer) (Authenticode SHA-256 \(r.authenticodeSHA256), \(r.signatures) signature\(r.signatures == 1 ? "" : "s"))"
        }
    }
}
