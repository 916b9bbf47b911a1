import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct EventLogShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "(not built yet)")
    func run() throws { throw CLIError("'show' is not built yet") }
}
