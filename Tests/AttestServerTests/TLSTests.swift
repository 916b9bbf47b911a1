import AsyncHTTPClient
import Foundation
import NIOSSL
import Testing
import TestSupport

/// `hostattest serve --tls-cert/--tls-key [--tls-client-ca]` on loopback: HTTPS answers, and with a
/// client CA a client without a certificate from it is refused at the handshake.
@Suite struct TLSTests {
    func openssl(_ args: [String]) throws {
        let r = try Run.process("openssl", args)
        guard r.status == 0 else { throw TestError("openssl \(args.joined(separator: " ")): \(r.stderr)") }
    }

    func get(_ url: String, tls: TLSConfiguration) async throws -> Int {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            try await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func httpsAndMutualTLS() async throws {
        let pki = TestPKI()
        let dir = TempDir("tls")
        let serverKey = dir.file("server.key").path, serverCert = dir.file("server.crt").path
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", serverKey,
                     "-out", serverCert, "-subj", "/CN=127.0.0.1", "-days", "2", "-addext", "subjectAltName=IP:127.0.0.1"])
        let clientCA = try pki.root("Client CA")
        let client = try pki.issue("agent", by: clientCA, extendedKeyUsage: "clientAuth")
        let server = try ServerProcess(arguments: ["--db", "memory", "--tls-cert", serverCert, "--tls-key", serverKey,
                                                   "--tls-client-ca", clientCA.certPath])
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/healthz"

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(serverCert))
        var withCert = tls
        withCert.certificateChain = try NIOSSLCertificate.fromPEMFile(client.certPath).map { .certificate($0) }
        withCert.privateKey = .privateKey(try NIOSSLPrivateKey(file: client.keyPath, format: .pem))
        #expect(try await get(url, tls: withCert) == 200)
        await #expect(throws: (any Error).self) { _ = try await get(url, tls: tls) }
    }
}
