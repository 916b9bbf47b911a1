import ArgumentParser
import AttestCore
import AttestTPM
import Foundation

/// `hostattest quote`: TPM2_Quote with the AK, written in tpm2-tools' file formats.
struct QuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Quote PCRs with the TPM's attestation key; write tpm2-tools files.",
        discussion: """
        Writes into --out-dir: quote.msg (TPMS_ATTEST, as tpm2_quote -m), quote.sig (TPMT_SIGNATURE, as
        tpm2_quote -s), quote.pcrs (serialized PCR values, as tpm2_quote -o; what tpm2_checkquote -f reads),
        ak.pub (TPM2B_PUBLIC, as tpm2_createak -u) and ak.pem (PEM public key). They verify with
        `tpm2_checkquote -u ak.pem -m quote.msg -s quote.sig -f quote.pcrs -q NONCE` and with
        `hostattest verify quote --ak ak.pub --msg quote.msg --sig quote.sig --pcrs quote.pcrs --nonce NONCE`.
        """)

    @OptionGroup var tpmOptions: TPMOptions

    @Option(name: .long, help: "The nonce (qualifying data) in hex, 1–64 bytes.")
    var nonce: String

    @Option(name: .long, help: "PCR selection in tpm2-tools notation, e.g. sha256:0,4,7 or sha1:0+sha256:all.")
    var pcrs: String = "sha256:0,1,2,3,4,5,6,7"

    @Option(name: .long, help: "AK type: ecc (ECDSA P-256) or rsa (RSASSA 2048).")
    var ak: AttestationKeyType = .ecdsaP256

    @Option(name: .long, help: "Directory to write the files into (created if missing).")
    var outDir: String

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard let n = Hex.decode(nonce), (1...64).contains(n.count) else { throw ValidationError("--nonce must be 1–64 bytes of hex") }
    }

    struct Result: Encodable { var files: [String]; var selection: String; var akName: String; var clock: TPMSClockInfo }

    func run() throws {
        let selection = try TPMCLI.wrap { try PCRSelectionParser.parse(pcrs) }
        let tpm = try tpmOptions.open()
        let q = try TPMCLI.wrap { try tpm.quote(nonce: Hex.decode(nonce)!, selection: selection, key: ak) }
        let pem = try TPMCLI.wrap { try q.attestationKey.pemRepresentation() }
        do {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        } catch {
            throw CLIError.file(outDir, "cannot create the directory: \(error.localizedDescription)")
        }
        let files: [(String, [UInt8])] = [
            ("quote.msg", q.attest), ("quote.sig", q.signature.marshalled()), ("quote.pcrs", q.pcrs.tpm2ToolsSerialized()),
            ("ak.pub", TPM2BPublic(q.attestationKey).marshalled()), ("ak.pem", Array(pem.utf8)),
        ]
        for (name, bytes) in files { try Files.write(Data(bytes), to: "\(outDir)/\(name)") }
        let attest = try TPMSAttest(bytes: q.attest)
        let result = Result(files: files.map { "\(outDir)/\($0.0)" }, selection: selection.description,
                            akName: q.attestationKey.name.hex, clock: attest.clockInfo)
        try Output.emit(result, json: output.json) {
            "quoted \(selection.description) with \(tpm.description)\n" + result.files.map { "  wrote \($0)" }.joined(separator: "\n")
        }
    }
}
