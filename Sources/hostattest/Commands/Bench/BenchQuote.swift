import ArgumentParser
import AttestCore
import Crypto
import Foundation

/// `hostattest bench quote`: full quote verification against a bare P-256 signature check.
struct BenchQuote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Measure quote verification (ECDSA P-256 AK) against bare P-256 signature verification.",
        discussion: "Target: the full verification runs at >= 75% of the bare signature rate (use a release build)."
    )

    @Option(name: .long, help: "Seconds to run each measurement round.")
    var seconds: Double = 1.0

    @Option(name: .long, help: "Measurement rounds (alternating baseline and full verification; the best of each counts).")
    var rounds: Int = 3

    @OptionGroup var output: OutputOptions

    struct Figures: Encodable {
        var bareP256VerifiesPerSecond: Double
        var quoteVerifiesPerSecond: Double
        var ratio: Double
        var target: Double
        var meetsTarget: Bool
        var attestParsesPerSecond: Double
        var pcrs: Int
    }

    func validate() throws {
        guard seconds.isFinite, (0.01...60).contains(seconds) else { throw ValidationError("--seconds must be 0.01…60") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1…20") }
    }

    func run() throws {
        // A synthetic quote over sha256:0..7, signed like a TPM would sign it.
        let key = P256.Signing.PrivateKey()
        let selection = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: Array(0..<8))])
        let digests = (0..<8).map { i in Array(SHA256.hash(data: [UInt8(i)])) }
        let pcrs = try PCRValues(selection: selection, digests: digests)
        let pcrDigest = Array(SHA256.hash(data: digests.flatMap { $0 }))
        let nonce = (0..<32).map { UInt8($0) }
        let attest = TPMSAttest(qualifiedSigner: [0x00, 0x0b] + [UInt8](repeating: 0xab, count: 32), extraData: nonce,
                                clockInfo: TPMSClockInfo(clock: 123_456, resetCount: 1, restartCount: 0, safe: true),
                                firmwareVersion: 0x2019_1023_0016_3636,
                                attested: .quote(TPMSQuoteInfo(pcrSelect: selection, pcrDigest: pcrDigest))).marshalled()
        let ecdsa = try key.signature(for: attest)
        let raw = Array(ecdsa.rawRepresentation)
        let signature = TPMTSignature(.ecdsa(hash: .sha256, r: Array(raw[0..<32]), s: Array(raw[32...])))
        let pem = key.publicKey.pemRepresentation
        let verifier = QuoteVerifier(attestationKey: try AttestationKey(pemEncoded: pem))
        let publicKey = key.publicKey
        guard verifier.verify(attest: attest, signature: signature, pcrs: pcrs, nonce: nonce).isValid,
              publicKey.isValidSignature(ecdsa, for: attest) else {
            throw CLIError("benchmark setup: the synthetic quote does not verify")
        }

        func rate(_ body: () -> Bool) -> Double {
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
            var n = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var now = start
            while now < deadline {
                for _ in 0..<16 { precondition(body()); n += 1 }
                now = DispatchTime.now().uptimeNanoseconds
            }
            return Double(n) / (Double(now - start) / 1e9)
        }

        var bare = 0.0, full = 0.0
        let bar = ProgressBar(total: rounds * 2, label: "bench quote")
        for round in 0..<max(1, rounds) {
            bare = max(bare, rate { publicKey.isValidSignature(ecdsa, for: attest) })
            bar.update(round * 2 + 1)
            full = max(full, rate { verifier.verify(attest: attest, signature: signature, pcrs: pcrs, nonce: nonce).isValid })
            bar.update(round * 2 + 2)
        }
        bar.finish()
        let parses = rate { (try? TPMSAttest(bytes: attest)) != nil }
        let ratio = full / bare
        let figures = Figures(bareP256VerifiesPerSecond: bare.rounded(), quoteVerifiesPerSecond: full.rounded(),
                              ratio: (ratio * 1000).rounded() / 1000, target: 0.75, meetsTarget: ratio >= 0.75,
                              attestParsesPerSecond: parses.rounded(), pcrs: pcrs.values.count)
        try Output.emit(figures, json: output.json) {
            """
            bare P-256 signature verification: \(Int(bare)) /s
            full quote verification (8 PCRs):  \(Int(full)) /s
            ratio: \(String(format: "%.3f", ratio)) (target >= 0.75: \(ratio >= 0.75 ? "met" : "NOT met"))
            TPMS_ATTEST parse alone: \(Int(parses)) /s
            """
        }
    }
}
