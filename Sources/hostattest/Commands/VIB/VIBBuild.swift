import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct VIBBuild: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "(not built yet)")
    func run() throws { throw CLIError("'build' is not built yet") }
}
