import ArgumentParser
import AttestCore
import Foundation

/// `hostattest eventlog show FILE [--json]`: every event with its PCR, type, digests and decoded
/// data, saying for each whether the digests cover the data.
struct EventLogShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the events of a TCG PC Client event log (SHA-1 or crypto-agile).",
        discussion: """
        Decoded event data is marked [covered] when every digest of the event equals the hash of \
        the data, [VariableData covered] when only the EFI variable's contents are hashed, and \
        [not covered] otherwise (e.g. an image's Authenticode hash): data that is not covered is \
        display only and may have been altered without changing any PCR.
        """
    )

    @Argument(help: "The event log, e.g. /sys/kernel/security/tpm0/binary_bios_measurements.")
    var file: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let bytes = try Files.readBytes(file)
        let log: EventLog
        do { log = try EventLog(bytes: bytes) } catch { throw CLIError.parse(file, error) }
        // Streamed: one record at a time, never the whole document in memory.
        let out = StreamOutput()
        if output.json { try EventLogJSON.write(log, to: out) } else { Self.writeText(log, to: out) }
        out.flush()
    }

    static func coverageLabel(_ event: EventLog.Event) -> String {
        guard event.isExtended else { return "not extended" }
        if let v = event.verifiedData { return v.scope == .eventData ? "covered" : "VariableData covered" }
        return "not covered"
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func writeText(_ log: EventLog, to out: StreamOutput) {
        var head = "TCG event log: \(log.format == .cryptoAgile ? "crypto-agile" : "SHA-1 (legacy)"), \(log.events.count) events, \(log.bytes.count) bytes"
        if let s = log.specID {
            let algs = s.algorithms.map { "\(EventLogJSON.algName($0.algorithmID))(\($0.digestSize))" }.joined(separator: " ")
            head += "; Spec ID Event03 platformClass \(s.platformClass), spec \(s.specVersionMajor).\(s.specVersionMinor) errata \(s.specErrata), uintnSize \(s.uintnSize), banks \(algs)"
        }
        out.write(head + "\n")
        for w in log.appliedWorkarounds { out.write("workaround applied: \(w)\n") }
        for e in log.events {
            out.write("#\(pad(String(e.number), 4)) PCR \(pad(String(e.pcrIndex), 2)) \(e.type.name)  (\(e.data.count) bytes, \(coverageLabel(e)))\n")
            if e.isExtended {
                for d in e.digests { out.write("      \(pad(d.algorithmName, 7)) \(d.digest.hex)\n") }
            }
            let decoded = e.untrustedDecoded
            if !decoded.fields.isEmpty {
                out.write("      \(decoded.kind): \(decoded.summary)\n")
            }
        }
    }
}
