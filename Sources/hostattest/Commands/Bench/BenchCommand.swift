import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed against hardware and library baselines.",
        subcommands: [BenchAuthenticode.self, BenchEventLog.self, BenchQuote.self, BenchImage.self, BenchTPM.self, BenchBoot.self, BenchServer.self]
    )
}
