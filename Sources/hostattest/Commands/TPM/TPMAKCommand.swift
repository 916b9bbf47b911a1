import ArgumentParser
import AttestCore
import AttestTPM
import Foundation

/// `hostattest tpm ak`: the attestation key (the same on every run).
struct TPMAKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ak", abstract: "Show (and write) the attestation key.")

    @OptionGroup var tpmOptions: TPMOptions

    @Option(name: .long, help: "AK type: ecc (ECDSA P-256, SHA-256) or rsa (RSASSA 2048, SHA-256).")
    var ak: AttestationKeyType = .ecdsaP256

    @Option(name: .long, help: "Write the AK public area (TPM2B_PUBLIC, as tpm2_createak -u) here.")
    var outPublic: String?

    @Option(name: .long, help: "Write the AK as a PEM public key (as tpm2_createak -f pem) here.")
    var outPem: String?

    @OptionGroup var output: OutputOptions

    struct Result: Encodable { var type: String; var name: String; var attributes: String; var pem: String }

    func run() throws {
        let tpm = try tpmOptions.open()
        let area = try TPMCLI.wrap { try tpm.attestationKey(ak) }
        let pem = try TPMCLI.wrap { try area.pemRepresentation() }
        if let outPublic { try Files.write(Data(TPM2BPublic(area).marshalled()), to: outPublic) }
        if let outPem { try Files.write(Data(pem.utf8), to: outPem) }
        let result = Result(type: ak.rawValue, name: area.name.hex, attributes: area.objectAttributes.description, pem: pem)
        try Output.emit(result, json: output.json) {
            "AK (\(ak == .ecdsaP256 ? "ECDSA P-256" : "RSASSA 2048"), SHA-256)\n  name:       \(result.name)\n  attributes: \(result.attributes)\n\(pem)"
        }
    }
}
