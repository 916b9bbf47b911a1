import Foundation

/// A complete signing key chain in PEM, produced by ``KeyChain/generate(algorithm:organization:demo:now:)``.
///
/// Nothing here is written anywhere: the CLI (`hostattest keys init`) writes ``files`` to a folder,
/// private keys with mode 0600.
public struct GeneratedKeyChain: Sendable {
    /// One certificate and its private key.
    public struct Entry: Sendable {
        public var role: KeyChainRole
        /// `-----BEGIN CERTIFICATE-----` PEM.
        public var certificatePEM: String
        /// The certificate's DER encoding.
        public var certificateDER: [UInt8]
        /// `-----BEGIN PRIVATE KEY-----` PEM (PKCS#8, unencrypted). Secret.
        public var privateKeyPEM: String
        /// RFC 4514 form, e.g. `CN=hostattest DEMO Platform Root (db),O=hostattest demo`.
        public var subject: String
        public var issuer: String
        /// Serial number, lower-case hex.
        public var serialHex: String
        public var notBefore: Date
        public var notAfter: Date
        /// SHA-256 of the DER certificate, lower-case hex (the usual certificate fingerprint).
        public var sha256Fingerprint: String
    }

    /// A file to write, named relative to the chain's folder.
    public struct File: Sendable {
        public var name: String
        public var contents: String
        /// True for private keys: write with mode 0600.
        public var isSecret: Bool
    }

    public var algorithm: KeyAlgorithm
    /// True for the committed demo chain (names say DEMO; trust.json says `demoOnly: true`).
    public var demoOnly: Bool
    public var organization: String
    public var generatedAt: Date
    /// In ``KeyChainRole/allCases`` order.
    public var entries: [Entry]

    /// The entry for a role (every role is present).
    public func entry(_ role: KeyChainRole) -> Entry? {
        entries.first { $0.role == role }
    }

    /// Every file of the chain: certificate and key per role, `trust.json`, `README.md`.
    public var files: [File] {
        var out: [File] = []
        for e in entries {
            out.append(File(name: e.role.certificateFile, contents: e.certificatePEM, isSecret: false))
            out.append(File(name: e.role.privateKeyFile, contents: e.privateKeyPEM, isSecret: true))
        }
        out.append(File(name: KeyChain.trustFileName, contents: trustJSON, isSecret: false))
        out.append(File(name: "README.md", contents: readme, isSecret: false))
        return out
    }
}

// Printing a chain (logs, `print(chain)`, debugger descriptions) must never show a private key.
extension GeneratedKeyChain: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "GeneratedKeyChain(\(algorithm.rawValue), \(demoOnly ? "DEMO, " : "")O=\(organization), \(entries.count) certificates)"
    }

    public var debugDescription: String {
        ([description] + entries.map { "  \($0)" }).joined(separator: "\n")
    }
}

extension GeneratedKeyChain.Entry: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "\(role.rawValue): \(subject), serial \(serialHex), sha256 \(sha256Fingerprint), private key <redacted>"
    }

    public var debugDescription: String { description }
}

extension GeneratedKeyChain.File: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        isSecret ? "\(name) (<redacted private key>)" : "\(name) (\(contents.utf8.count) bytes)"
    }

    public var debugDescription: String { description }
}
