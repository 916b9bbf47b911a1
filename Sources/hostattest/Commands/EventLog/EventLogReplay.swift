import ArgumentParser
import AttestCore
import Foundation

/// `hostattest eventlog replay FILE [--json] [--bank sha256 ...]`: the final PCR values per bank.
struct EventLogReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a TCG event log and print the final PCR values per bank.",
        discussion: """
        PCR = H(PCR || digest) for every event but EV_NO_ACTION; a StartupLocality event sets \
        PCR 0's start; PCRs 17-22 start at all ones. Only PCRs that events touched are printed \
        unless --all is given.
        """
    )

    @Argument(help: "The event log.")
    var file: String

    @Option(name: .long, help: "Only this bank (sha1, sha256, sha384, sha512); repeat or separate with commas.")
    var bank: [String] = []

    @Flag(name: .long, help: "Print all 24 PCRs of each bank, not only those the log touched.")
    var all = false

    @OptionGroup var output: OutputOptions

    struct JSON: Encodable {
        var format: String
        /// bank -> PCR index (as a string) -> hex value.
        var banks: [String: [String: String]]
        /// Banks the log declares but hostattest cannot hash (e.g. sm3_256).
        var unsupportedBanks: [String]
        /// bank -> event numbers that carry no digest for it (the bank's values are then unusable).
        var incompleteBanks: [String: [Int]]
    }

    func validate() throws {
        for name in selectedNames where DigestAlgorithm(name: name) == nil {
            throw ValidationError("unknown bank '\(name)': use sha1, sha256, sha384 or sha512")
        }
    }

    private var selectedNames: [String] {
        bank.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func run() throws {
        let bytes = try Files.readBytes(file)
        let log: EventLog
        do { log = try EventLog(bytes: bytes) } catch { throw CLIError.parse(file, error) }
        let replayed = log.replay()
        var banks = replayed.banks
        let wanted = selectedNames.compactMap { DigestAlgorithm(name: $0) }
        if !wanted.isEmpty {
            for w in wanted where replayed.bank(w) == nil {
                throw CLIError.file(file, "the event log has no \(w) bank (it has \(replayed.banks.map(\.algorithm.rawValue).joined(separator: ", ")))")
            }
            banks = banks.filter { wanted.contains($0.algorithm) }
        }
        func pcrs(_ b: PCRBanks.Bank) -> [Int] { all ? Array(0..<EventLog.pcrCount) : b.touched.sorted() }

        var json = JSON(format: log.format.rawValue, banks: [:], unsupportedBanks: replayed.unsupported.map(\.name), incompleteBanks: [:])
        for b in banks {
            var values: [String: String] = [:]
            for p in pcrs(b) { values[String(p)] = b.values[p].hex }
            json.banks[b.algorithm.rawValue] = values
            if !b.isComplete { json.incompleteBanks[b.algorithm.rawValue] = b.eventsMissingDigest }
        }
        try Output.emit(json, json: output.json) {
            var lines: [String] = []
            for b in banks {
                lines.append("\(b.algorithm):")
                for p in pcrs(b) { lines.append("  " + EventLogShow.pad(String(p), 2) + " : 0x" + b.values[p].hex) }
                if !b.isComplete {
                    lines.append("  (not replayable: event(s) \(b.eventsMissingDigest.map { "#\($0)" }.joined(separator: ", ")) carry no \(b.algorithm) digest)")
                }
            }
            for u in replayed.unsupported {
                lines.append("\(u.name): not replayed (hostattest cannot hash with this algorithm)")
            }
            return lines.joined(separator: "\n")
        }
    }
}
