import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct VIBSign: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "(not built yet)")
    func run() throws { throw CLIError("'sign' is not built yet") }
}
