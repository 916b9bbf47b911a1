import ArgumentParser
import AttestCore
import Foundation

/// `hostattest baseline capture`: a baseline from a reference host's event log.
struct BaselineCapture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture a baseline from a reference host's event log (for firmware PCRs, which differ per machine model).")

    @Option(name: .long, help: "The reference host's TCG event log.") var eventlog: String
    @Option(name: .long, help: "PCRs to govern, comma-separated (default 0-7).") var pcrs: String = "0,1,2,3,4,5,6,7"
    @Option(name: .long, help: "Bank: sha256 (default), sha384, sha512, sha1.") var bank: String = "sha256"
    @Option(name: .long, help: "Baseline name.") var name: String
    @Option(name: .long, help: "Baseline version.") var version: String
    @Option(name: .shortAndLong, help: "Output baseline JSON.") var output: String
    @OptionGroup var out: OutputOptions

    struct Result: Encodable { var baseline: String; var name: String; var version: String; var pcrs: [Int]; var events: Int }

    func run() throws {
        guard let alg = DigestAlgorithm(name: bank) else { throw CLIError("--bank \(bank): not one of sha1, sha256, sha384, sha512") }
        let indices = try Self.parsePCRs(pcrs)
        let log: EventLog
        do { log = try EventLog(bytes: try Files.readBytes(eventlog)) } catch let e as ParseError { throw CLIError.parse(eventlog, e) }
        let baseline: Baseline
        do {
            baseline = try Baseline.capture(from: log, pcrs: indices, bank: alg, name: name, version: version)
        } catch let e as ParseError { throw CLIError.parse(eventlog, e) }
        try Files.write(Data(baseline.encoded()), to: output)
        try Output.emit(Result(baseline: output, name: name, version: version, pcrs: baseline.pcrs, events: baseline.events.count), json: out.json) {
            "captured baseline \(baseline.label): \(baseline.events.count) event(s) in \(alg) PCR(s) \(baseline.pcrs.map(String.init).joined(separator: ",")) → \(output)"
        }
    }

    static func parsePCRs(_ text: String) throws -> [Int] {
        var out: [Int] = []
        for part in text.split(separator: ",") {
            let p = part.trimmingCharacters(in: .whitespaces)
            if let dash = p.firstIndex(of: "-"), let a = Int(p[..<dash]), let b = Int(p[p.index(after: dash)...]), a <= b, (0...23).contains(a), (0...23).contains(b) {
                out += Array(a...b)
            } else if let v = Int(p), (0...23).contains(v) {
                out.append(v)
            } else {
                throw CLIError("--pcrs \(text): \"\(p)\" is not a PCR index 0-23 or a range like 0-7")
            }
        }
        guard !out.isEmpty else { throw CLIError("--pcrs is empty: a baseline must govern at least one PCR") }
        return out
    }
}
