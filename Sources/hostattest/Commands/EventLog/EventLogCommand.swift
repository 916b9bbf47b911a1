import ArgumentParser

struct EventLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventlog",
        abstract: "Show and replay TCG PC Client event logs.",
        subcommands: [EventLogShow.self, EventLogReplay.self]
    )
}
