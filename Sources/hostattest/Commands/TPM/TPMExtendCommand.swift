import ArgumentParser
import AttestCore
import AttestTPM

/// `hostattest tpm extend`: extend one event's digests (one per active bank) into a PCR.
struct TPMExtendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Extend digests into a PCR: one per active bank (--digest sha256:HEX …), or --data hashed into every bank.")

    @OptionGroup var tpmOptions: TPMOptions

    @Option(name: .long, help: "The PCR index (0–23).")
    var pcr: Int

    @Option(name: .long, help: "BANK:HEX, one per active bank (repeatable).")
    var digest: [String] = []

    @Option(name: .long, help: "Text whose digest in every active bank is extended (instead of --digest).")
    var data: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (digest.isEmpty) != (data == nil) else { throw ValidationError("give either --digest BANK:HEX (per bank) or --data TEXT") }
    }

    struct Result: Encodable { var pcr: Int; var digests: [String: String] }

    func run() throws {
        var digests: [DigestAlgorithm: [UInt8]] = [:]
        for d in digest {
            let parts = d.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let bytes = Hex.decode(String(parts[1])) else { throw CLIError("--digest \(d): expected BANK:HEX") }
            let b = try TPMCLI.bank(String(parts[0]))
            guard digests[b] == nil else { throw CLIError("--digest: bank \(b) given twice") }
            digests[b] = bytes
        }
        let tpm = try tpmOptions.open()
        if let data {
            let banks = try TPMCLI.wrap { try tpm.info().banks }
            for b in banks { digests[b] = b.hash(Array(data.utf8)) }
        }
        try TPMCLI.wrap { try tpm.extend(pcr: pcr, digests: digests) }
        let result = Result(pcr: pcr, digests: Dictionary(uniqueKeysWithValues: digests.map { ($0.key.rawValue, $0.value.hex) }))
        try Output.emit(result, json: output.json) {
            "extended PCR \(pcr): " + digests.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0)" }.joined(separator: ", ")
        }
    }
}
