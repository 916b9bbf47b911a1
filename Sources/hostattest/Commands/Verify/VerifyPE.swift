import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct VerifyPE: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pe", abstract: "(not built yet)")
    func run() throws { throw CLIError("'pe' is not built yet") }
}
