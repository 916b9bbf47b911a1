import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct EventLogReplay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "(not built yet)")
    func run() throws { throw CLIError("'replay' is not built yet") }
}
