import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct BenchAuthenticode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "authenticode", abstract: "(not built yet)")
    func run() throws { throw CLIError("'authenticode' is not built yet") }
}
