import ArgumentParser
import AttestCore
import AttestTPM
import Foundation
import X509

/// `hostattest tpm ek`: the endorsement key (TCG default template) and its certificate.
struct TPMEKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ek", abstract: "Show (and write) the endorsement key and its certificate.")

    @OptionGroup var tpmOptions: TPMOptions

    @Option(name: .long, help: "EK template: rsa (L-1, RSA 2048) or ecc (L-2, NIST P-256).")
    var ek: EndorsementKeyType = .eccP256

    @Option(name: .long, help: "Write the EK public area (TPM2B_PUBLIC, as tpm2_createek -u) here.")
    var outPublic: String?

    @Option(name: .long, help: "Write the EK certificate (DER) here, when the TPM has one.")
    var outCert: String?

    @OptionGroup var output: OutputOptions

    struct Result: Encodable {
        var type: String
        var name: String
        var attributes: String
        var certificate: Certificate?
        struct Certificate: Encodable { var subject: String; var issuer: String; var matchesKey: Bool; var der: String }
    }

    func run() throws {
        let tpm = try tpmOptions.open()
        let key = try TPMCLI.wrap { try tpm.endorsementKey(ek) }
        if let outPublic { try Files.write(Data(TPM2BPublic(key.publicArea).marshalled()), to: outPublic) }
        if let outCert, let der = key.certificateDER { try Files.write(Data(der), to: outCert) }
        var cert: Result.Certificate?
        if let der = key.certificateDER {
            let parsed = try? X509.Certificate(derEncoded: der)
            cert = .init(subject: parsed.map { "\($0.subject)" } ?? "(unparseable)", issuer: parsed.map { "\($0.issuer)" } ?? "(unparseable)",
                         matchesKey: key.certificateMatchesKey ?? false, der: der.hex)
        }
        let result = Result(type: ek.rawValue, name: key.publicArea.name.hex, attributes: key.publicArea.objectAttributes.description, certificate: cert)
        try Output.emit(result, json: output.json) {
            var lines = ["EK (\(ek == .eccP256 ? "ECC NIST P-256, template L-2" : "RSA 2048, template L-1"))",
                         "  name:       \(result.name)",
                         "  attributes: \(result.attributes)"]
            if let cert {
                lines.append("  certificate subject: \(cert.subject)")
                lines.append("  certificate issuer:  \(cert.issuer)")
                lines.append("  certificate key:     \(cert.matchesKey ? "matches the EK" : "DOES NOT match the EK")")
            } else {
                lines.append("  certificate: none in the TPM (NV 0x\(String(ek.certificateNVIndex, radix: 16)))")
            }
            if outCert != nil && cert == nil { lines.append("  (no certificate written)") }
            return lines.joined(separator: "\n")
        }
    }
}
