import ArgumentParser

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Create and sign image profiles.",
        subcommands: [ProfileCreate.self, ProfileSign.self]
    )
}
