import ArgumentParser

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify PE images, VIBs, whole host images and TPM quotes.",
        subcommands: [VerifyPE.self, VerifyVIB.self, VerifyImage.self, VerifyQuote.self]
    )
}
