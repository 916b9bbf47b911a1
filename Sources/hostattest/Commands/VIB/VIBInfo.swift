import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct VIBInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "(not built yet)")
    func run() throws { throw CLIError("'info' is not built yet") }
}
