import ArgumentParser
import AttestCore
import AttestIO
import AttestServer
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import Prometheus

/// `hostattest serve`: the attestation server (see README "Attestation server").
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the attestation server (HTTP JSON API under /v1; EAR admission tokens).",
        discussion: "Prints \"listening on HOST:PORT\" once it accepts connections (PORT 0 picks a free port).")

    @Option(name: .long, help: "Address to listen on, HOST:PORT.") var listen: String = "127.0.0.1:8443"
    @Option(name: .long, help: "Store: sqlite:PATH (WAL) or memory.") var db: String = "sqlite:hostattest.db"
    @Option(name: .long, help: "SQLite synchronous mode: full (commits survive power loss) or normal (survive a process crash, not power loss).")
    var sqliteSynchronous: String = "full"
    @Option(name: .long, help: "SQLite group commit: under load, wait this many milliseconds (0–100) for more verdicts before a transaction; a lone request never waits (0 disables).")
    var commitDelayMs: Double = SQLiteStore.defaultCommitDelayMs
    @Option(name: .long, help: "Certificate file(s) trusted to sign baselines.") var baselineTrust: [String] = []
    @Option(name: .long, help: "TPM manufacturer EK CA bundle: PEM files or folders of them (e.g. Keys/tpm-ek-ca).") var ekCa: [String] = []
    @Option(name: .long, help: "File of EK fingerprints (SHA-256 of TPMT_PUBLIC, hex, one a line) trusted without a certificate.") var ekAllowlist: String?
    @Option(name: .long, help: "File of revoked EK fingerprints.") var ekRevoked: String?
    @Flag(name: .long, help: "Admit software TPMs (swtpm): testing only.") var allowSoftwareTpm = false
    @Option(name: .long, help: "File holding the admin bearer token (else $HOSTATTEST_ADMIN_TOKEN; none disables the admin API).") var adminTokenFile: String?
    @Option(name: .long, help: "TLS certificate chain (PEM).") var tlsCert: String?
    @Option(name: .long, help: "TLS private key (PEM).") var tlsKey: String?
    @Option(name: .long, help: "CA for client certificates (mTLS).") var tlsClientCa: String?
    @Option(name: .long, help: "Nonce lifetime, seconds.") var nonceLifetime: Int = 60
    @Option(name: .long, help: "Token lifetime, seconds.") var tokenLifetime: Int = 300
    @Option(name: .long, help: "Audience written into tokens.") var tokenAudience: String?
    @Option(name: .long, help: "Seconds without attestation before an admitted host is stale.") var staleAfter: Int = 3600
    @Option(name: .long, help: "Event-loop threads for HTTP I/O (default: half the cores, at least 1); requests are verified on Swift's task pool.")
    var eventLoopThreads: Int?

    func validate() throws {
        guard (1...3600).contains(nonceLifetime) else { throw ValidationError("--nonce-lifetime must be 1–3600 seconds") }
        guard (1...86400).contains(tokenLifetime) else { throw ValidationError("--token-lifetime must be 1–86400 seconds") }
        guard SQLiteStore.Synchronous(rawValue: sqliteSynchronous) != nil else { throw ValidationError("--sqlite-synchronous must be full or normal") }
        guard commitDelayMs.isFinite, (0...100).contains(commitDelayMs) else { throw ValidationError("--commit-delay-ms must be 0–100 milliseconds") }
        guard staleAfter >= 1 else { throw ValidationError("--stale-after must be at least 1 second") }
        if let n = eventLoopThreads, !(1...256).contains(n) { throw ValidationError("--event-loop-threads must be 1–256") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard tlsClientCa == nil || tlsCert != nil else { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
    }

    func run() async throws {
        let (host, port) = try Self.address(listen)
        let store: any AttestationStore
        // Held until the process exits: one server per SQLite file.
        var storeLock: ExclusiveFileLock? = nil
        if db == "memory" {
            store = MemoryStore()
        } else if db.hasPrefix("sqlite:") {
            let path = String(db.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw CLIError("--db sqlite: needs a file path (sqlite:PATH)") }
            do { storeLock = try ExclusiveFileLock(path: path + ".lock") } catch {
                if case .held = error {
                    throw CLIError.file(path, "the store is in use by another process (\(path).lock is held: another hostattest serve?); two servers on one SQLite file are not supported")
                }
                throw CLIError.file(path, "cannot take the store's lock: \(error)")
            }
            let sqlite: SQLiteStore
            do {
                sqlite = try SQLiteStore(path: path, synchronous: SQLiteStore.Synchronous(rawValue: sqliteSynchronous) ?? .full,
                                         commitDelay: .microseconds(Int((commitDelayMs * 1000).rounded())))
            } catch { throw CLIError.file(path, "cannot open the SQLite store: \(error)") }
            // The store holds the token signing keys: readable by its owner only.
            for t in sqlite.tightened { Output.warn("\(t.path) was readable by others (mode \(String(t.from, radix: 8))); made owner-only (\(String(t.to, radix: 8)))") }
            store = sqlite
        } else {
            throw CLIError("--db \(db): expected sqlite:PATH or memory")
        }
        let config = ServerConfiguration(
            baselineAnchors: try baselineTrust.flatMap { try TrustLoader.loadCertificates($0) },
            endorsement: EndorsementKeyVerifier(manufacturerCAs: try ekCa.flatMap(Self.certificates), allowlist: try Self.fingerprints(ekAllowlist),
                                                revoked: try Self.fingerprints(ekRevoked), allowSoftwareTPM: allowSoftwareTpm),
            adminToken: try adminToken(), nonceLifetime: TimeInterval(nonceLifetime), tokenLifetime: TimeInterval(tokenLifetime),
            tokenAudience: tokenAudience, staleAfter: TimeInterval(staleAfter))
        if config.baselineAnchors.isEmpty { Output.warn("no --baseline-trust: no baseline can be added, so no host can be admitted") }
        if allowSoftwareTpm { Output.warn("--allow-software-tpm: software TPMs are admitted; never use this in production") }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let app = AttestServerApp(store: store, config: config, metrics: registry)
        var logger = Logger(label: "hostattest.serve") { ServerLogHandler(label: $0) }
        logger.logLevel = .notice
        let server: HTTPServerBuilder
        if let tlsCert, let tlsKey {
            server = try .tls(.http1(), tlsConfiguration: try Self.tls(cert: tlsCert, key: tlsKey, clientCA: tlsClientCa))
        } else {
            server = .http1()
        }
        let scheme = tlsCert == nil ? "http" : "https"
        // HTTP I/O is a small part of an attestation's work (verification runs on the task pool): on
        // 2 cores one event loop measured faster than two (fewer threads contending; README, "Server benchmark").
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopThreads ?? Self.defaultEventLoopThreads)
        defer { loops.shutdownGracefully { _ in } }
        let application = Application(
            router: app.router(), server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "hostattest"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                FileHandle.standardOutput.write(Data("listening on \(host):\(bound) (\(scheme))\n".utf8))
            },
            eventLoopGroupProvider: .shared(loops),
            logger: logger)
        try await application.runService()
        withExtendedLifetime(storeLock) {}
    }

    /// Half the cores, at least 1.
    static var defaultEventLoopThreads: Int { max(1, System.coreCount / 2) }

    static func address(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw CLIError("--listen \(text): expected HOST:PORT")
        }
        let host = String(text[..<colon])
        guard !host.isEmpty else { throw CLIError("--listen \(text): no host") }
        return (host, port)
    }

    static func certificates(_ path: String) throws -> [X509Certificate] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw CLIError.file(path, "no such file or folder") }
        guard isDir.boolValue else { return try TrustLoader.loadCertificates(path) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return try names.sorted().filter { $0.hasSuffix(".pem") || $0.hasSuffix(".crt") || $0.hasSuffix(".cer") || $0.hasSuffix(".der") }
            .flatMap { try TrustLoader.loadCertificates(URL(fileURLWithPath: path).appendingPathComponent($0).path) }
    }

    static func fingerprints(_ path: String?) throws -> Set<String> {
        guard let path else { return [] }
        var out = Set<String>()
        for (i, raw) in try Files.readText(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if line.isEmpty { continue }
            guard line.count == 64, Hex.decode(line) != nil else { throw CLIError.file(path, "line \(i + 1) is not a SHA-256 fingerprint (64 hex digits)") }
            out.insert(line)
        }
        return out
    }

    func adminToken() throws -> String? {
        let token: String?
        if let adminTokenFile {
            token = try Files.readText(adminTokenFile).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = ProcessInfo.processInfo.environment["HOSTATTEST_ADMIN_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token, !token.isEmpty else { return nil }
        guard token.count >= 16 else { throw CLIError("the admin token must have at least 16 characters") }
        return token
    }

    static func tls(cert: String, key: String, clientCA: String?) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
            var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            if let clientCA {
                c.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
                c.certificateVerification = .noHostnameVerification
            }
            return c
        } catch {
            throw CLIError("--tls-cert \(cert) / --tls-key \(key): cannot load: \(error)")
        }
    }
}
