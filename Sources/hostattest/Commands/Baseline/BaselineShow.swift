import ArgumentParser
import AttestCore
import Foundation

/// `hostattest baseline show`: the PCRs and expected events, by component. Does not check a signature.
struct BaselineShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a baseline's PCRs and expected events (no signature check).")

    @Argument(help: "The baseline JSON.") var baseline: String
    @OptionGroup var out: OutputOptions

    func run() throws {
        let b: Baseline
        do { b = try Baseline(jsonBytes: try Files.readBytes(baseline)) } catch let e as ParseError { throw CLIError.parse(baseline, e) }
        try Output.emit(b, json: out.json) {
            var lines = ["baseline \(b.label) (\(b.source)), \(b.bank) PCR(s) \(b.pcrs.map(String.init).joined(separator: ","))"]
            for pcr in b.pcrs {
                let events = b.events(pcr: pcr)
                lines.append("PCR \(pcr): \(events.isEmpty ? "no events" : "\(events.count) event(s)")")
                for e in events { lines.append("  \(e.eventType.name) \(e.component.label) \(e.digest)") }
            }
            return lines.joined(separator: "\n")
        }
    }
}
