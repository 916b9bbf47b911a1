import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct ProfileCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "(not built yet)")
    func run() throws { throw CLIError("'create' is not built yet") }
}
