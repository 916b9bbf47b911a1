import Foundation

/// Makes throw-away certificate chains for happy-path and negative tests with the real `openssl`
/// command, in a temporary directory. Keys are EC P-256 unless RSA is asked for.
public final class TestPKI: @unchecked Sendable {
    public struct Identity: Sendable {
        public let name: String
        public let certPath: String
        public let keyPath: String
        public var certPEM: [UInt8] { Array((try? Data(contentsOf: URL(fileURLWithPath: certPath))) ?? Data()) }
        public var keyPEM: [UInt8] { Array((try? Data(contentsOf: URL(fileURLWithPath: keyPath))) ?? Data()) }
    }

    public enum KeyType: Sendable { case p256, rsa2048 }

    public let dir = TempDir("pki")
    private var serial = 1000

    public init() {}

    private func keyArgs(_ type: KeyType) -> [String] {
        switch type {
        case .p256: return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        case .rsa2048: return ["-newkey", "rsa:2048"]
        }
    }

    /// A self-signed CA (basicConstraints CA:TRUE, keyCertSign, digitalSignature; codeSigning EKU
    /// when `codeSigning`).
    public func root(_ name: String, key: KeyType = .p256, codeSigning: Bool = false, days: Int = 3650) throws -> Identity {
        let cert = dir.file("\(name).crt.pem").path, keyPath = dir.file("\(name).key.pem").path
        var args = ["req", "-x509"] + keyArgs(key) + ["-nodes", "-keyout", keyPath, "-out", cert, "-subj", "/CN=\(name)/O=hostattest tests",
                    "-days", "\(days)", "-sha256",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
                    "-addext", "subjectKeyIdentifier=hash"]
        if codeSigning { args += ["-addext", "extendedKeyUsage=codeSigning"] }
        try openssl(args)
        return Identity(name: name, certPath: cert, keyPath: keyPath)
    }

    /// A certificate issued by `issuer`: an intermediate CA when `ca`, else a leaf with
    /// `extendedKeyUsage` (default codeSigning; nil for none) and keyUsage digitalSignature.
    public func issue(_ name: String, by issuer: Identity, ca: Bool = false, key: KeyType = .p256,
                      extendedKeyUsage: String? = "codeSigning", days: Int = 1825) throws -> Identity {
        let cert = dir.file("\(name).crt.pem").path, keyPath = dir.file("\(name).key.pem").path
        let csr = dir.file("\(name).csr").path, ext = dir.file("\(name).ext").path
        try openssl(["req", "-new"] + keyArgs(key) + ["-nodes", "-keyout", keyPath, "-out", csr, "-subj", "/CN=\(name)/O=hostattest tests"])
        var lines = ["subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid"]
        if ca {
            lines += ["basicConstraints=critical,CA:TRUE,pathlen:0", "keyUsage=critical,keyCertSign,cRLSign"]
        } else {
            lines += ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature"]
            if let eku = extendedKeyUsage { lines.append("extendedKeyUsage=\(eku)") }
        }
        try lines.joined(separator: "\n").write(toFile: ext, atomically: true, encoding: .utf8)
        serial += 1
        try openssl(["x509", "-req", "-in", csr, "-CA", issuer.certPath, "-CAkey", issuer.keyPath, "-set_serial", "\(serial)",
                     "-days", "\(days)", "-sha256", "-extfile", ext, "-out", cert])
        return Identity(name: name, certPath: cert, keyPath: keyPath)
    }

    /// A certificate issued by `issuer` with exactly the given extension lines (openssl `-extfile`
    /// syntax, e.g. `keyUsage=critical,keyEncipherment`), for odd certificates in refusal tests.
    /// Subject and authority key identifiers are always added.
    public func issue(_ name: String, by issuer: Identity, extensions: [String], key: KeyType = .p256, days: Int = 1825) throws -> Identity {
        let cert = dir.file("\(name).crt.pem").path, keyPath = dir.file("\(name).key.pem").path
        let csr = dir.file("\(name).csr").path, ext = dir.file("\(name).ext").path
        try openssl(["req", "-new"] + keyArgs(key) + ["-nodes", "-keyout", keyPath, "-out", csr, "-subj", "/CN=\(name)/O=hostattest tests"])
        let lines = ["subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid"] + extensions
        try lines.joined(separator: "\n").write(toFile: ext, atomically: true, encoding: .utf8)
        serial += 1
        try openssl(["x509", "-req", "-in", csr, "-CA", issuer.certPath, "-CAkey", issuer.keyPath, "-set_serial", "\(serial)",
                     "-days", "\(days)", "-sha256", "-extfile", ext, "-out", cert])
        return Identity(name: name, certPath: cert, keyPath: keyPath)
    }

    private func openssl(_ args: [String]) throws {
        let r = try Run.process("openssl", args)
        guard r.status == 0 else {
            throw ToolFailure(command: "openssl \(args.joined(separator: " "))", status: r.status, stderr: r.stderr)
        }
    }
}

public struct ToolFailure: Error, CustomStringConvertible {
    public let command: String
    public let status: Int32
    public let stderr: String
    public var description: String { "\(command) exited \(status): \(stderr)" }
}
