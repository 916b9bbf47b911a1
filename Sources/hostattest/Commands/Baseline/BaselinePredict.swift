import ArgumentParser
import AttestCore
import Foundation

/// `hostattest baseline predict`: the baseline of a good boot of an image, from its signed artifacts
/// alone (the same plan `boot` extends), so a new image ships with its own baseline.
struct BaselinePredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict a baseline from a signed image alone: the events and component of each image PCR a good boot extends.",
        discussion: """
        Verifies the image as `boot` does and plans an enforce-mode boot; the baseline governs the image PCRs
        (4, 7, 8, 12, 13; --pcrs to change) and names the component of every event (kind, name, version, vendor,
        digest). An image that does not verify is refused (baseline.image-not-verified, exit 1): a baseline
        describes a good boot. Sign it with `baseline sign` like a captured one.
        Exit 0 written, 1 the image does not verify, 2 bad input.
        """)

    @Argument(help: "The image directory.") var imageDir: String
    @Option(name: .long, help: "The image profile (its signature is read from PROFILE.p7s).") var profile: String
    @Option(name: .long, help: "The profile signature, default PROFILE.p7s.") var signature: String?
    @Option(name: .long, help: "trust.json, or certificate file(s) trusted for every role.") var trust: [String] = []
    @Option(name: .long, help: "PCRs to govern, comma-separated (default 4,7,8,12,13: those that depend only on the image).")
    var pcrs: String = PCRMap.imagePCRs.map(String.init).joined(separator: ",")
    @Option(name: .long, help: "Bank: sha256 (default), sha384, sha512, sha1.") var bank: String = "sha256"
    @Option(name: .long, help: "Baseline name (default: the profile's name).") var name: String?
    @Option(name: .long, help: "Baseline version (default: the profile's version).") var version: String?
    @Option(name: .shortAndLong, help: "Output baseline JSON.") var output: String
    @Flag(name: .long, help: "Also check the VIB payloads' gunzip checksums.") var deep = false
    @OptionGroup var time: CheckTimeOptions
    @OptionGroup var out: OutputOptions

    struct Result: Encodable {
        var baseline: String; var name: String; var version: String; var bank: String; var pcrs: [Int]; var events: Int
        var predictedPCRs: [String: String]
    }

    func run() throws {
        guard let alg = DigestAlgorithm(name: bank) else { throw CLIError("--bank \(bank): not one of sha1, sha256, sha384, sha512") }
        let indices = try BaselineCapture.parsePCRs(pcrs)
        let plan = try BootCommand.plan(imageDir: imageDir, profile: profile, signature: signature, trust: trust,
                                        time: try time.rule(), deep: deep, mode: .enforce)
        let baseline: Baseline
        let values: [Int: [UInt8]]
        do {
            baseline = try Baseline.predict(from: plan, pcrs: indices, bank: alg,
                                            name: name ?? plan.policy.profile.name, version: version ?? plan.policy.profile.version)
            values = try plan.predictedPCRs(banks: [alg])[alg] ?? [:]
        } catch let e as ParseError where e.code == .baselineImageNotVerified {
            struct Refused: Encodable { var image: String; var code: String; var message: String }
            try Output.emit(Refused(image: imageDir, code: e.code.rawValue, message: e.problem), json: out.json) {
                "\(imageDir): no baseline predicted\n  ✗ [\(e.code)] \(e.problem)"
            }
            throw ExitCode.rejected
        } catch let e as ParseError { throw CLIError.parse(imageDir, e) }
        try Files.write(Data(baseline.encoded()), to: output)
        let governed = Dictionary(uniqueKeysWithValues: baseline.pcrs.map { (String($0), (values[$0] ?? [UInt8](repeating: 0, count: alg.digestSize)).hex) })
        let result = Result(baseline: output, name: baseline.name, version: baseline.version, bank: "\(alg)", pcrs: baseline.pcrs,
                            events: baseline.events.count, predictedPCRs: governed)
        try Output.emit(result, json: out.json) {
            var lines = ["predicted baseline \(baseline.label): \(baseline.events.count) event(s) in \(alg) PCR(s) \(baseline.pcrs.map(String.init).joined(separator: ",")) → \(output)"]
            for p in baseline.pcrs { lines.append("  PCR \(p): \(governed[String(p)]!)") }
            return lines.joined(separator: "\n")
        }
    }
}
