import ArgumentParser
import AttestCore
import Foundation

/// `hostattest keys init --out DIR`: writes a complete signing key chain (certificates, private keys
/// with mode 0600, trust.json, README.md) made by ``KeyChain/generate(algorithm:organization:demo:now:)``.
struct KeysInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a signing key chain: platform root, boot vendor CA, kernel signer, VIB CAs and signers, profile CA and signer.",
        discussion: """
        Writes <role>.crt.pem and <role>.key.pem for every role (private keys mode 0600), trust.json
        (format hostattest-trust/1, naming the anchors) and README.md. Creates DIR (mode 0700) when
        missing. Refuses to overwrite existing files unless --force.
        Roles: \(KeyChainRole.allCases.map(\.rawValue).joined(separator: ", ")).
        """
    )

    @Option(name: .long, help: "Folder to write the chain to (created with mode 0700 if missing).")
    var out: String

    @Option(name: .long, help: "Key algorithm: \(KeyAlgorithm.allCases.map(\.rawValue).joined(separator: "|")). RSA-2048 is what UEFI firmware must accept.")
    var algorithm: KeyAlgorithm = .default

    @Option(name: .long, help: "Organization (O=) in every subject name (default \"\(KeyChain.defaultOrganization)\").")
    var organization: String?

    @Flag(name: .long, help: "Overwrite existing files.")
    var force = false

    @Flag(name: .long, help: .hidden)
    var demo = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if demo, organization != nil {
            throw ValidationError("--demo uses the fixed organization \"\(KeyChain.demoOrganization)\"; do not pass --organization")
        }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError.file(out, "exists and is not a directory")
        }
        // Refuse before spending time on keys (and before creating anything).
        if !force {
            let existing = KeyChain.fileNames.filter {
                FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
            }
            if !existing.isEmpty {
                throw CLIError.file(out, "already holds \(existing.joined(separator: ", ")); pass --force to overwrite")
            }
        }

        let chain: GeneratedKeyChain
        let bar = ProgressBar(total: KeyChainRole.allCases.count, label: "generating \(algorithm.displayName) keys")
        do {
            chain = try KeyChain.generate(algorithm: algorithm, organization: organization, demo: demo, now: Date()) { done, _ in
                bar.update(done)
            }
        } catch let error as KeyChainError {
            bar.finish()
            throw CLIError(error.description)
        }
        bar.finish()

        try prepareDirectory(directory)
        let files = chain.files
        for file in files {
            let path = directory.appendingPathComponent(file.name).path
            try Files.write(Data(file.contents.utf8), to: path, mode: file.isSecret ? 0o600 : 0o644)
        }

        let summary = Summary(chain: chain, directory: out)
        try Output.emit(summary, json: output.json) { summary.text }
    }

    /// Creates the folder with mode 0700 if missing; refuses a path that is a file.
    private func prepareDirectory(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError.file(out, "exists and is not a directory") }
            return
        }
        do {
            // Parents get the default mode; only the chain's own folder is private.
            try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            // The umask may have narrowed or the attribute may be ignored on some platforms: set it again.
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        } catch {
            throw CLIError.file(out, "cannot create directory: \(error.localizedDescription)")
        }
    }
}

extension KeyAlgorithm: ExpressibleByArgument {}

/// What `keys init` prints (`--json`: this structure).
private struct Summary: Encodable {
    struct Certificate: Encodable {
        var role: String
        var kind: String
        var certificate: String
        var privateKey: String
        var subject: String
        var issuer: String
        var serial: String
        var notBefore: Date
        var notAfter: Date
        var sha256: String
    }

    var directory: String
    var algorithm: String
    var signatureAlgorithm: String
    var organization: String
    var demoOnly: Bool
    var trustFile: String
    var certificates: [Certificate]

    init(chain: GeneratedKeyChain, directory: String) {
        self.directory = directory
        algorithm = chain.algorithm.rawValue
        signatureAlgorithm = chain.algorithm.signatureAlgorithmName
        organization = chain.organization
        demoOnly = chain.demoOnly
        trustFile = KeyChain.trustFileName
        certificates = chain.entries.map {
            Certificate(role: $0.role.rawValue, kind: $0.role.kind.rawValue,
                        certificate: $0.role.certificateFile, privateKey: $0.role.privateKeyFile,
                        subject: $0.subject, issuer: $0.issuer, serial: $0.serialHex,
                        notBefore: $0.notBefore, notAfter: $0.notAfter, sha256: $0.sha256Fingerprint)
        }
    }

    var text: String {
        let formatter = ISO8601DateFormatter()
        var lines = ["Wrote a \(demoOnly ? "DEMO-ONLY " : "")\(algorithm) key chain to \(directory):"]
        let width = certificates.map(\.certificate.count).max() ?? 0
        for c in certificates {
            let name = c.certificate.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("  \(name)  \(c.kind.padding(toLength: 12, withPad: " ", startingAt: 0))  until \(formatter.string(from: c.notAfter))  \(c.subject)")
        }
        lines.append("  private keys: <role>.key.pem (mode 0600)")
        lines.append("  trust file:   \(trustFile)   (pass it with --trust)")
        if demoOnly {
            lines.append("DEMO-ONLY: these keys are public; never trust them for anything real.")
        }
        return lines.joined(separator: "\n")
    }
}

