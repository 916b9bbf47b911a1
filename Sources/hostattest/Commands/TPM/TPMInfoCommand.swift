import ArgumentParser
import AttestCore
import AttestTPM

/// `hostattest tpm info`.
struct TPMInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Manufacturer, firmware, clock, counters and PCR banks.")

    @OptionGroup var tpmOptions: TPMOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let tpm = try tpmOptions.open()
        let info = try TPMCLI.wrap { try tpm.info() }
        try Output.emit(info, json: output.json) {
            var lines = [
                info.isSoftware ? "SOFTWARE TPM (hostattest, not hardware: it protects nothing)" : "TPM via tpm2-tss",
                "  location:     \(info.location)",
                "  manufacturer: \(info.manufacturer)",
                "  vendor:       \(info.vendor)",
                "  firmware:     0x\(String(info.firmwareVersion, radix: 16))",
                "  clock:        \(info.clockInfo.clock) ms, resets \(info.clockInfo.resetCount), restarts \(info.clockInfo.restartCount), safe \(info.clockInfo.safe ? "yes" : "no")",
                "  PCR banks:    \(info.banks.map(\.rawValue).joined(separator: ", "))",
            ]
            if info.isSoftware { lines.append("  warning:      its keys are in the state file; never trust it as a hardware TPM") }
            return lines.joined(separator: "\n")
        }
    }
}
