import ArgumentParser

struct VIBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vib",
        abstract: "Build, sign and inspect VIB bundles.",
        subcommands: [VIBBuild.self, VIBSign.self, VIBInfo.self]
    )
}
