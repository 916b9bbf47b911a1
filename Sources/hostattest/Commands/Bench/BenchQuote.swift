import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct BenchQuote: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quote", abstract: "(not built yet)")
    func run() throws { throw CLIError("'quote' is not built yet") }
}
