import ArgumentParser
import AttestCore
import AttestTPM
import Foundation

/// `--tpm` and `--timeout`, shared by every command that talks to a TPM.
struct TPMOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The TPM: soft:PATH, swtpm:host=H,port=P, mssim:host=H,port=P, device:/dev/tpmrm0, tabrmd:…, tcti:CONF.",
        discussion: "Default: $HOSTATTEST_TPM, else the software TPM in ~/.local/state/hostattest/software-tpm.json."))
    var tpm: String?

    @Option(name: .long, help: "Seconds to wait for the TPM to answer each operation (1–300).")
    var timeout: Double = 10

    func validate() throws {
        guard timeout.isFinite, (1...300).contains(timeout) else { throw ValidationError("--timeout must be 1…300 seconds") }
    }

    /// Parses the spec and opens the TPM; every TPM failure is a bad-input error (exit 2).
    func open() throws -> any TPM {
        try TPMCLI.wrap {
            try TPMSpec.resolve(tpm, environment: ProcessInfo.processInfo.environment).open(timeout: timeout)
        }
    }
}

enum TPMCLI {
    /// Runs a TPM operation; a ``TPMError`` becomes a CLIError (exit 2) carrying its code and message.
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as TPMError {
            throw CLIError(e.description)
        }
    }

    static func bank(_ name: String) throws -> DigestAlgorithm {
        guard let b = DigestAlgorithm(name: name) else { throw ValidationError("unknown PCR bank \"\(name)\" (sha1, sha256, sha384, sha512)") }
        return b
    }
}

extension EndorsementKeyType: ExpressibleByArgument {}
extension AttestationKeyType: ExpressibleByArgument {}
