import ArgumentParser

/// `hostattest tpm …`: talk to a TPM (software or real).
struct TPMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpm",
        abstract: "Use a TPM: hostattest's software TPM or a real one through tpm2-tss.",
        discussion: "Pick the TPM with --tpm or HOSTATTEST_TPM. Errors (unreachable TPM, bad --tpm, a TPM error) exit 2.",
        subcommands: [TPMInfoCommand.self, TPMEKCommand.self, TPMAKCommand.self, TPMPCRReadCommand.self,
                      TPMExtendCommand.self, TPMActivateCommand.self, TPMResetCommand.self]
    )
}
