import ArgumentParser

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Capture, sign, verify and show baselines (golden reference values for attestation).",
        subcommands: [BaselineCapture.self, BaselinePredict.self, BaselineSign.self, BaselineVerify.self, BaselineShow.self])
}
