import ArgumentParser

struct PECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pe",
        abstract: "Inspect PE/COFF (EFI) images.",
        subcommands: [PEInfo.self]
    )
}
