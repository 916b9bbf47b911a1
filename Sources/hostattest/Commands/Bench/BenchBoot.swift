import ArgumentParser
import AttestCore
import Foundation

/// `hostattest bench boot`: `boot` of an image end to end (a fresh process each run), next to
/// `verify image` of the same image, so the cost of measuring shows against the cost of verifying.
struct BenchBoot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boot",
        abstract: "Time `boot` of an image end to end (verify image, boot --predict, boot into a TPM), median of --runs.",
        discussion: "Defaults to the sample image (Images/demo-host, Manifests/demo-host.profile.json, Keys/demo/trust.json) and a throw-away software TPM. A TPM other than soft: must be at reset values and is booted once.")

    @Option(name: .long, help: "The image directory.") var image = "Images/demo-host"
    @Option(name: .long, help: "The signed profile.") var profile = "Manifests/demo-host.profile.json"
    @Option(name: .long, help: "trust.json.") var trust = "Keys/demo/trust.json"
    @Option(name: .long, help: "The TPM to boot into (default: a throw-away software TPM).") var tpm: String?
    @Option(name: .long, help: "Runs of each command (the median is reported).") var runs = 10
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...1000).contains(runs) else { throw ValidationError("--runs must be 1…1000") }
    }

    struct Figures: Encodable {
        var image: String
        var tpm: String
        var runs: Int
        var verifyImageMilliseconds: Double
        var bootPredictMilliseconds: Double
        var bootMilliseconds: Double
        var bootRuns: Int
    }

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostattest-bench-boot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = tpm ?? "soft:\(dir.appendingPathComponent("tpm.json").path)"
        let log = dir.appendingPathComponent("boot.log").path
        let common = [image, "--profile", profile, "--trust", trust]
        let verify = try median(["verify", "image"] + common)
        let predict = try median(["boot"] + common + ["--predict", "--eventlog", log])
        // Only soft: can be power-cycled by `boot`: another TPM boots once (a second boot is refused).
        let bootRuns = target.hasPrefix("soft:") ? runs : 1
        let boot = try median(["boot"] + common + ["--tpm", target, "--eventlog", log], runs: bootRuns)
        let figures = Figures(image: image, tpm: target, runs: runs, verifyImageMilliseconds: verify,
                              bootPredictMilliseconds: predict, bootMilliseconds: boot, bootRuns: bootRuns)
        try Output.emit(figures, json: output.json) {
            """
            boot of \(image), median of \(runs) runs (each a new process):
              verify image      \(verify) ms
              boot --predict    \(predict) ms
              boot --tpm        \(boot) ms  (\(target)\(bootRuns == 1 ? ", one run: a TPM other than soft: boots once" : ""))
            """
        }
    }

    /// Median wall time in ms of running this executable with `arguments`; a run that fails stops the bench.
    private func median(_ arguments: [String], runs: Int? = nil) throws -> Double {
        let runs = runs ?? self.runs
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var times: [Double] = []
        for _ in 0..<runs {
            let p = Process()
            p.executableURL = exe
            p.arguments = arguments
            p.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            p.standardError = errors
            let start = DispatchTime.now().uptimeNanoseconds
            try p.run()
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            guard p.terminationStatus == 0 else {
                throw CLIError("bench boot: `hostattest \(arguments.joined(separator: " "))` exited \(p.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
            }
        }
        times.sort()
        return (times[times.count / 2] * 10).rounded() / 10
    }
}
