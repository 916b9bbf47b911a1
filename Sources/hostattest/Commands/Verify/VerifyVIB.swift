import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct VerifyVIB: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vib", abstract: "(not built yet)")
    func run() throws { throw CLIError("'vib' is not built yet") }
}
