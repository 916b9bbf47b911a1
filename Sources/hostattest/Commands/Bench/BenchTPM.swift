import ArgumentParser
import AttestCore
import AttestTPM
import Foundation

/// `hostattest bench tpm`: PCR extends per second and quote latency on the chosen TPM.
struct BenchTPM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpm",
        abstract: "Measure PCR extends per second and quote latency on a TPM (--tpm).",
        discussion: "Extends go into PCR 16 (debug) of every active bank; quotes cover sha256:0-7. The software TPM writes its state file (fsync) on every extend.")

    @OptionGroup var tpmOptions: TPMOptions

    @Option(name: .long, help: "Extends to time.")
    var extends: Int = 200

    @Option(name: .long, help: "Quotes to time (the median is reported).")
    var quotes: Int = 20

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...100_000).contains(extends) else { throw ValidationError("--extends must be 1…100000") }
        guard (1...10_000).contains(quotes) else { throw ValidationError("--quotes must be 1…10000") }
    }

    struct Figures: Encodable {
        var tpm: String
        var extendsPerSecond: Double
        var quoteMedianMilliseconds: Double
        var quoteMinMilliseconds: Double
        var extends: Int
        var quotes: Int
    }

    func run() throws {
        let tpm = try tpmOptions.open()
        let banks = try TPMCLI.wrap { try tpm.info().banks }
        var digests: [DigestAlgorithm: [UInt8]] = [:]
        for b in banks { digests[b] = b.hash(Array("hostattest bench".utf8)) }
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        let start = now()
        try TPMCLI.wrap { for _ in 0..<extends { try tpm.extend(pcr: 16, digests: digests) } }
        let extendRate = Double(extends) / (Double(now() - start) / 1e9)
        let selection = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: Array(0..<8))])
        var times: [Double] = []
        try TPMCLI.wrap {
            for i in 0..<quotes {
                let t = now()
                _ = try tpm.quote(nonce: Array(SHA256Nonce.make(i)), selection: selection, key: .ecdsaP256)
                times.append(Double(now() - t) / 1e6)
            }
        }
        times.sort()
        let figures = Figures(tpm: tpm.description, extendsPerSecond: extendRate.rounded(),
                              quoteMedianMilliseconds: (times[times.count / 2] * 100).rounded() / 100,
                              quoteMinMilliseconds: (times[0] * 100).rounded() / 100, extends: extends, quotes: quotes)
        try Output.emit(figures, json: output.json) {
            """
            \(figures.tpm)
            PCR extends: \(Int(extendRate)) /s (\(extends) extends into PCR 16, banks \(banks.map(\.rawValue).joined(separator: ",")))
            quote (sha256:0-7, ECDSA P-256 AK): median \(figures.quoteMedianMilliseconds) ms, min \(figures.quoteMinMilliseconds) ms over \(quotes)
            """
        }
    }
}

enum SHA256Nonce {
    static func make(_ i: Int) -> [UInt8] { DigestAlgorithm.sha256.hash(Array("nonce \(i)".utf8)) }
}
