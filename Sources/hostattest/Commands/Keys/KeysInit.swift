import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct KeysInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "(not built yet)")
    func run() throws { throw CLIError("'init' is not built yet") }
}
