import ArgumentParser
import AttestCore
import AttestTPM

/// `hostattest tpm reset`: a power cycle of the software TPM.
struct TPMResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Power-cycle the software TPM: PCRs to their reset values, reset count + 1 (soft: only).")

    @OptionGroup var tpmOptions: TPMOptions
    @OptionGroup var output: OutputOptions

    struct Result: Encodable { var resetCount: UInt32 }

    func run() throws {
        let tpm = try tpmOptions.open()
        guard let soft = tpm as? any ResettableTPM else {
            throw CLIError("[tpm.unsupported] \(tpm.description): only the software TPM can be reset by hostattest (a real TPM resets with the platform)")
        }
        let info = try TPMCLI.wrap { try soft.reset(); return try soft.info() }
        try Output.emit(Result(resetCount: info.clockInfo.resetCount), json: output.json) {
            "reset \(tpm.description): PCRs at their reset values, reset count \(info.clockInfo.resetCount)"
        }
    }
}
