import ArgumentParser
import AttestCore
import AttestTPM

/// `hostattest tpm pcrread`: every PCR of every (or the named) bank.
struct TPMPCRReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pcrread", abstract: "Read PCRs 0–23 of every active bank (or of --bank).")

    @OptionGroup var tpmOptions: TPMOptions

    @Option(name: .long, help: "A bank to read (repeatable): sha1, sha256, sha384.")
    var bank: [String] = []

    @OptionGroup var output: OutputOptions

    struct Bank: Encodable { var algorithm: String; var pcrs: [String: String] }

    func run() throws {
        let banks = try bank.map(TPMCLI.bank)
        let tpm = try tpmOptions.open()
        let read = try TPMCLI.wrap { try tpm.pcrRead(banks: banks.isEmpty ? nil : banks) }
        let result = read.map { b in
            Bank(algorithm: b.algorithm.rawValue, pcrs: Dictionary(uniqueKeysWithValues: b.values.enumerated().map { (String($0.offset), $0.element.hex) }))
        }
        try Output.emit(result, json: output.json) {
            read.map { b in
                "\(b.algorithm):\n" + b.values.enumerated().map { "  \($0.offset < 10 ? " " : "")\($0.offset): 0x\($0.element.hex.uppercased())" }.joined(separator: "\n")
            }.joined(separator: "\n")
        }
    }
}
