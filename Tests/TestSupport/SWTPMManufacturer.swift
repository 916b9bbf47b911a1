import Foundation

/// A TPM manufacturer for tests: a private EC CA (key and self-signed certificate in its own temp
/// directory) that `swtpm_setup --create-ek-cert` uses, through its own `swtpm_setup.conf` and
/// `swtpm-localca.conf`, to certify the EKs of the swtpms it manufactures. Tests so never share (or
/// lock) the machine-wide /var/lib/swtpm-localca, and two manufacturers are two CAs. Its name does
/// not say "swtpm", so a server told to trust it (`--ek-ca`) checks the EKs' chain like a vendor's.
///
///     let vendor = try SWTPMManufacturer(name: "Acme TPM")
///     let tpm = try SWTPM(manufacturer: vendor)     // EK certificates at 0x01c00002 (RSA), 0x01c00016 (ECC P-384)
///     // hostattest serve --ek-ca \(vendor.caCertificatePath)
public final class SWTPMManufacturer: @unchecked Sendable {
    public let directory: TempDir
    /// PEM of the CA certificate (what a server's `--ek-ca` takes).
    public var caCertificatePath: String { directory.file("issuercert.pem").path }
    /// The `swtpm_setup --config` file.
    public var setupConfig: String { directory.file("swtpm_setup.conf").path }

    public init(name: String) throws {
        directory = TempDir("swtpm-ca")
        let d = directory.path
        let r = try Run.process("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                            "-keyout", "\(d)/signkey.pem", "-out", "\(d)/issuercert.pem", "-days", "3650",
                                            "-subj", "/O=\(name)/CN=\(name) EK CA",
                                            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        guard r.status == 0 else { throw SWTPMError("openssl req for the test EK CA failed: \(r.stderr)") }
        try "1\n".write(toFile: "\(d)/certserial", atomically: true, encoding: .utf8)
        let localca = [
            "statedir = \(d)",
            "signingkey = \(d)/signkey.pem",
            "issuercert = \(d)/issuercert.pem",
            "certserial = \(d)/certserial",
        ]
        try (localca.joined(separator: "\n") + "\n").write(toFile: "\(d)/swtpm-localca.conf", atomically: true, encoding: .utf8)
        let setup = [
            "create_certs_tool = \(try Run.resolve("swtpm_localca"))",
            "create_certs_tool_config = \(d)/swtpm-localca.conf",
            "create_certs_tool_options = /etc/swtpm-localca.options",
            "active_pcr_banks = sha256",
        ]
        try (setup.joined(separator: "\n") + "\n").write(toFile: setupConfig, atomically: true, encoding: .utf8)
    }
}
