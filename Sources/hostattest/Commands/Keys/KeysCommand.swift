import ArgumentParser

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create and inspect signing key chains.",
        subcommands: [KeysInit.self]
    )
}
