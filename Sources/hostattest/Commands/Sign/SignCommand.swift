import ArgumentParser

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign boot images.",
        subcommands: [SignPE.self]
    )
}
