import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct BenchEventLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eventlog", abstract: "(not built yet)")
    func run() throws { throw CLIError("'eventlog' is not built yet") }
}
