import ArgumentParser

// Placeholder: replaced by the implementation of this command.
struct VerifyImage: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "image", abstract: "(not built yet)")
    func run() throws { throw CLIError("'image' is not built yet") }
}
