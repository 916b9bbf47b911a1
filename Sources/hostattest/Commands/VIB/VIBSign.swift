import ArgumentParser
import AttestCore
import Foundation

/// `hostattest vib sign`: writes `sig.pkcs7`, a detached CMS signature over the exact descriptor.xml.
struct VIBSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a VIB: detached CMS (PEM, SHA-256) over descriptor.xml, stored as sig.pkcs7.",
        discussion: """
        Only a VIB signer may sign: --cert must have keyUsage digitalSignature, extended key usage codeSigning
        and CA:FALSE, as the vib-*-signer certificates of `hostattest keys init` do. Other keys (a CA key, a TLS
        or profile signer) are refused here (exit 2), as `verify vib` would refuse their signatures.
        """)

    @Argument(help: "The VIB to sign.") var input: String
    @Option(name: .long, help: "Signer private key (PEM).") var key: String
    @Option(name: .long, help: "Signer certificate (PEM or DER).") var cert: String
    @Option(name: .long, help: "Intermediate certificate file(s) to carry in the signature.") var chain: [String] = []
    @Option(name: .long, help: "Signing time (ISO 8601), default now.") var signingTime: String?
    @Option(name: .shortAndLong, help: "Output .vib file.") var output: String
    @OptionGroup var out: OutputOptions

    func run() throws {
        let vib: VIB
        do { vib = try VIB(data: try Files.read(input)) } catch let e as ParseError { throw CLIError.parse(input, e) }
        let signer = try SignerFiles.load(key: key, cert: cert, chain: chain)
        try SignerFiles.require(.vibSigning, signer.certificate, path: cert,
                                hint: "sign with a vib-<level>-signer key of a chain made by `hostattest keys init`")
        let time = try SignerFiles.date(signingTime)
        let signed: [UInt8]
        do {
            signed = try VIBSigner.sign(vib, key: signer.key, certificate: signer.certificate, chain: signer.chain, signingTime: time)
        } catch let e as SigningError {
            throw CLIError.file(key, e.description)
        }
        try Files.write(Data(signed), to: output)
        let summary = try VIBSummary(vib: VIB(bytes: signed), file: output)
        try Output.emit(summary, json: out.json) {
            "signed \(output): \(vib.descriptor.name) \(vib.descriptor.version) by \(signer.certificate.subject)"
        }
    }
}

/// Loading a signer (key, certificate, chain) for `vib sign` and `profile sign`.
enum SignerFiles {
    static func load(key: String, cert: String, chain: [String]) throws -> (key: SigningKey, certificate: X509Certificate, chain: [X509Certificate]) {
        let signingKey: SigningKey
        do { signingKey = try SigningKey(pemEncoded: try Files.readBytes(key)) } catch let e as CLIError { throw e } catch { throw CLIError.parse(key, error) }
        let certificates: [X509Certificate]
        do { certificates = try X509Certificate.load(try Files.readBytes(cert)) } catch let e as CLIError { throw e } catch { throw CLIError.parse(cert, error) }
        guard let certificate = certificates.first else { throw CLIError.file(cert, "holds no certificate") }
        var chainCerts = Array(certificates.dropFirst())
        for path in chain {
            do { chainCerts += try X509Certificate.load(try Files.readBytes(path)) } catch let e as CLIError { throw e } catch { throw CLIError.parse(path, error) }
        }
        guard signingKey.matches(certificate) else { throw CLIError.file(key, "is not the private key of \(cert) (\(certificate.subject))") }
        return (signingKey, certificate, chainCerts)
    }

    /// Refuses (exit 2) a certificate that `policy` would refuse at verification, naming every reason.
    static func require(_ policy: SignerPolicy, _ certificate: X509Certificate, path: String, hint: String) throws {
        let check = policy.check(certificate, component: path)
        guard check.isValid else {
            let reasons = check.failures.map { "[\($0.code)] \($0.message)" }.joined(separator: "; ")
            throw CLIError.file(path, "is not allowed to sign here (\(policy.name)): \(reasons); \(hint)")
        }
    }

    static func date(_ text: String?) throws -> Date {
        guard let text else { return Date() }
        guard let d = ISO8601DateFormatter().date(from: text) else { throw CLIError("--signing-time \(text): not an ISO 8601 date (e.g. 2026-01-01T00:00:00Z)") }
        return d
    }
}

