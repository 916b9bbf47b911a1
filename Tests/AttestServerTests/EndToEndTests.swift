import AttestServer
import AttestWire
import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// The real binary on loopback with a SQLite store: enrollment, attestation, audit, and
/// `hostattest token verify` against the served JWKS, as a fabric controller would run it.
@Suite struct EndToEndTests {
    @Test func goodHostIsAdmittedAndTokenVerifiesFromTheCommandLine() async throws {
        let world = try World()
        let dir = TempDir("serve")
        try World.adminToken.write(to: dir.file("admin-token"), atomically: true, encoding: .utf8)
        let server = try ServerProcess(arguments: [
            "--db", "sqlite:\(dir.file("attest.db").path)", "--baseline-trust", world.baselineCA.certPath,
            "--ek-ca", world.ekCA.certPath, "--admin-token-file", dir.file("admin-token").path, "--token-audience", "fabric",
        ])
        defer { server.stop() }
        let api = server.api
        let (tpm, cert) = try world.tpm()
        let id = try await api.enroll(tpm, cert: cert, name: "e2e-host")
        try await api.addBaseline(try world.signedBaseline(BootLog()))
        let good = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
        #expect(good.status == .admitted)
        let token = try #require(good.token)

        let jwksURL = server.baseURL + "/.well-known/jwks.json"
        let ok = try Run.hostattest(["token", "verify", token, "--jwks", jwksURL, "--audience", "fabric", "--json"])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        #expect(ok.stdout.contains("\"verdict\" : \"verified\""))
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = parts[1].replacingOccurrences(of: "A", with: "B")
        let forged = try Run.hostattest(["token", "verify", parts.joined(separator: "."), "--jwks", jwksURL])
        #expect(forged.status == 1)
        let wrongAudience = try Run.hostattest(["token", "verify", token, "--jwks", jwksURL, "--audience", "elsewhere"])
        #expect(wrongAudience.status == 1 && wrongAudience.stdout.contains("token.wrong-audience"))
        let garbage = try Run.hostattest(["token", "verify", "not-a-token", "--jwks", jwksURL])
        #expect(garbage.status == 2)

        // A bad attestation is rejected and audited; the server keeps serving.
        var upgraded = BootLog()
        upgraded.vibs[1].version = "9.9.9-1"
        let bad = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: upgraded)
        #expect(bad.findings.map(\.code) == ["appraisal.component-mismatch"])
        let malformed = try await api.send(.post, "/v1/hosts/\(id)/attestations", raw: Array("{".utf8))
        #expect(malformed.status == 400)
        #expect(try await api.audit(id).map(\.status) == [.admitted, .rejected])
        #expect(try await api.send(.get, "/healthz").status == 200)
    }

    /// The running server conforms to the committed OpenAPI document: schemathesis (PyPI; installed by
    /// Scripts/install-test-deps.sh) generates valid and invalid requests for every operation and checks
    /// that no answer is a 5xx, every status and content type is documented, and every body matches its
    /// schema. Seeded, so runs repeat.
    @Test func openAPIContractHoldsAgainstTheRunningServer() throws {
        let world = try World()
        let dir = TempDir("contract")
        try World.adminToken.write(to: dir.file("admin-token"), atomically: true, encoding: .utf8)
        let server = try ServerProcess(arguments: [
            "--db", "sqlite:\(dir.file("attest.db").path)", "--baseline-trust", world.baselineCA.certPath,
            "--ek-ca", world.ekCA.certPath, "--admin-token-file", dir.file("admin-token").path,
        ])
        defer { server.stop() }
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/AttestServer/OpenAPI/openapi.json").path
        let r = try Run.process(try Self.schemathesis(), [
            "run", schema, "--url", server.baseURL, "-H", "Authorization: Bearer \(World.adminToken)",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--phases", "examples,coverage,fuzzing", "--max-examples", "30", "--seed", "1", "--workers", "1",
            "--generation-database", "none", "--no-color", "--report", "junit", "--report-dir", dir.file("report").path,
        ], currentDirectory: dir.url, timeout: 900)
        #expect(r.status == 0, "schemathesis:\n\(r.stdout.suffix(6000))\n\(r.stderr.suffix(2000))")
    }

    /// `st` from the work tree's test-tools environment (Scripts/install-test-deps.sh), else from PATH.
    static func schemathesis() throws -> String {
        let local = Fixtures.packageRoot.appendingPathComponent(".build/test-tools/bin/st").path
        if FileManager.default.isExecutableFile(atPath: local) { return local }
        if let st = try? Run.resolve("st") { return st }
        throw TestError("schemathesis (st) is not installed: run Scripts/install-test-deps.sh")
    }

    @Test func serveRefusesBadUsage() throws {
        let r = try Run.hostattest(["serve", "--listen", "nowhere"])
        #expect(r.status == 2 && r.stderr.contains("--listen"))
        let db = try Run.hostattest(["serve", "--db", "postgres://x", "--listen", "127.0.0.1:0"])
        #expect(db.status == 2 && db.stderr.contains("--db"))
    }
}
