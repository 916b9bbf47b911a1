import ArgumentParser
import AttestCore
import AttestTPM
import Foundation

/// `hostattest tpm activate`: TPM2_ActivateCredential of a `tpm2_makecredential` file for the EK and AK.
struct TPMActivateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Activate a credential (tpm2_makecredential -o file) made for this TPM's EK and AK.")

    @OptionGroup var tpmOptions: TPMOptions

    @Option(name: .long, help: "The credential file (0xBADCC0DE, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET).")
    var credential: String

    @Option(name: .long, help: "The EK it was made for: rsa or ecc.")
    var ek: EndorsementKeyType = .eccP256

    @Option(name: .long, help: "The AK it was made for: ecc or rsa.")
    var ak: AttestationKeyType = .ecdsaP256

    @Option(name: .long, help: "Write the recovered secret here (else it is printed in hex).")
    var out: String?

    @OptionGroup var output: OutputOptions

    struct Result: Encodable { var secret: String? }

    func run() throws {
        let blob: CredentialBlob
        do { blob = try CredentialBlob(tpm2ToolsFile: try Files.readBytes(credential)) } catch let e as CLIError { throw e } catch {
            throw CLIError.parse(credential, error)
        }
        let tpm = try tpmOptions.open()
        let secret = try TPMCLI.wrap { try tpm.activateCredential(blob, ek: ek, key: ak) }
        if let out { try Files.write(Data(secret), to: out, mode: 0o600) }
        let result = Result(secret: out == nil ? secret.hex : nil)
        try Output.emit(result, json: output.json) { out == nil ? secret.hex : "activated; secret written to \(out!)" }
    }
}
