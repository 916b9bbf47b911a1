import AsyncHTTPClient
import AttestWire
import Foundation
import NIOCore
import Testing
import TestSupport

struct AcceptanceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The server side of the acceptance tests: `hostattest serve` as a real process on loopback (SQLite
/// in a temp dir) trusting what the backend needs, a baseline predicted from the sample image and
/// signed by a test CA, and the admin's view (audit trails, enrollment audit) over real HTTP.
final class AcceptanceFleet: @unchecked Sendable {
    static let audience = "acceptance-fabric"
    let backend: AcceptanceBackend
    let dir: TempDir
    /// The sample image every good host boots, and the vendor whose swtpms the server trusts.
    let image: AcceptanceTests.Copy
    let vendor: SWTPMManufacturer?
    let server: AgentCLITests.Server
    let baselineCA: TestPKI.Identity
    private let pki: TestPKI
    private var machines: [AcceptanceMachine] = []

    /// `serverArguments`: extra `serve` options (`--nonce-lifetime 1`). `trustSoftwareTPMs: false`
    /// starts a soft: server without `--allow-software-tpm`.
    init(_ backend: AcceptanceBackend, serverArguments: [String] = [], trustSoftwareTPMs: Bool = true) async throws {
        self.backend = backend
        let dir = TempDir("acceptance"), pki = TestPKI()
        self.dir = dir
        self.pki = pki
        image = try AcceptanceTests.Copy()
        vendor = backend == .swtpm ? try SWTPMManufacturer(name: "Acceptance TPM Vendor") : nil
        let baselineCA = try pki.root("Acceptance Baseline CA")
        self.baselineCA = baselineCA
        let signer = try pki.issue("Acceptance Baseline Signer", by: baselineCA, extendedKeyUsage: nil)
        let baseline = dir.file("demo-host.baseline.json").path
        let p = try Run.hostattest(["baseline", "predict", image.image, "--profile", image.profile, "--trust", image.trust, "-o", baseline])
        guard p.status == 0 else { throw AcceptanceError("baseline predict: \(p.stdout) \(p.stderr)") }
        let s = try Run.hostattest(["baseline", "sign", baseline, "--key", signer.keyPath, "--cert", signer.certPath])
        guard s.status == 0 else { throw AcceptanceError("baseline sign: \(s.stdout) \(s.stderr)") }

        try AgentCLITests.adminToken.write(to: dir.file("admin-token"), atomically: true, encoding: .utf8)
        var trust: [String] = []
        switch backend {
        case .soft: trust = trustSoftwareTPMs ? ["--allow-software-tpm"] : []
        case .swtpm: trust = ["--ek-ca", vendor!.caCertificatePath]
        }
        let server = try AgentCLITests.Server(["--db", "sqlite:\(dir.file("attest.db").path)", "--baseline-trust", baselineCA.certPath,
                                           "--admin-token-file", dir.file("admin-token").path, "--token-audience", Self.audience]
                                          + trust + serverArguments)
        self.server = server
        try await AgentCLITests.upload(baseline: baseline, to: server.url)
    }

    deinit { server.stop() }

    var url: String { server.url }

    /// A new machine; swtpms are manufactured by `vendor` (default: the vendor this server trusts).
    func machine(vendor: SWTPMManufacturer? = nil) throws -> AcceptanceMachine {
        let m = try AcceptanceMachine(backend, manufacturer: vendor ?? self.vendor)
        machines.append(m)
        return m
    }

    /// `hostattest attest` (the agent: enrolls on first use) for `name` with `machine`'s TPM and `log`.
    func attest(_ machine: AcceptanceMachine, log: String, name: String, tokenOut: String? = nil) throws -> (ProcessResult, AgentCLITests.AttestJSON?) {
        try AgentCLITests.attest(url, tpm: machine.spec, log: log, name: name,
                                 extra: ["--state", machine.state(server.url), "--timeout", "60"] + (tokenOut.map { ["--token-out", $0] } ?? []))
    }

    // MARK: the host's API by hand (to send what the agent never would)

    func challenge(_ hostID: String) async throws -> String {
        let c = try await send("POST", "/v1/hosts/\(hostID)/challenge", as: ChallengeResponse.self)
        return c.nonce
    }

    /// `hostattest quote` of sha256 PCRs 0–23 (what the agent quotes) over `nonce` (base64), and the
    /// request carrying it with `log`.
    func evidence(_ machine: AcceptanceMachine, nonce: String, log: String, ak: String = "ecc") throws -> AttestationRequest {
        let out = machine.dir.file("quote-\(UUID().uuidString)").path
        let hex = Data(base64Encoded: nonce)!.map { String(format: "%02x", $0) }.joined()
        let r = try Run.hostattest(["quote", "--tpm", machine.spec, "--nonce", hex, "--pcrs", "sha256:" + (0..<24).map(String.init).joined(separator: ","),
                                    "--ak", ak, "--out-dir", out, "--timeout", "60"])
        guard r.status == 0 else { throw AcceptanceError("quote: \(r.stdout) \(r.stderr)") }
        func b64(_ file: String) throws -> String { try Data(contentsOf: URL(fileURLWithPath: file)).base64EncodedString() }
        return AttestationRequest(nonce: nonce, quote: try b64(out + "/quote.msg"), signature: try b64(out + "/quote.sig"),
                                  pcrs: try b64(out + "/quote.pcrs"), eventLog: try b64(log))
    }

    func submit(_ hostID: String, _ request: AttestationRequest) async throws -> Verdict {
        try await send("POST", "/v1/hosts/\(hostID)/attestations", request, as: Verdict.self)
    }

    /// The codes of the last entry of the host's audit trail (`GET /v1/hosts/{id}/attestations`).
    func lastAudited(_ hostID: String) async throws -> Verdict? {
        try await send("GET", "/v1/hosts/\(hostID)/attestations", admin: true, as: AuditTrail.self).attestations.last
    }

    /// `GET /v1/enrollments`.
    func enrollments() async throws -> [EnrollmentDecision] {
        try await send("GET", "/v1/enrollments", admin: true, as: EnrollmentAudit.self).enrollments
    }

    struct NoBody: Encodable {}

    func send<Answer: Decodable>(_ method: String, _ path: String, admin: Bool = false, as type: Answer.Type) async throws -> Answer {
        try await send(method, path, NoBody?.none, admin: admin, as: type)
    }

    func send<Answer: Decodable>(_ method: String, _ path: String, _ body: (some Encodable)?, admin: Bool = false,
                                 as: Answer.Type) async throws -> Answer {
        var request = HTTPClientRequest(url: url + path)
        request.method = .init(rawValue: method)
        if admin { request.headers.add(name: "authorization", value: "Bearer \(AgentCLITests.adminToken)") }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = Data(try await response.body.collect(upTo: 8 << 20).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            throw AcceptanceError("\(method) \(path): HTTP \(response.status.code) \(String(decoding: bytes, as: UTF8.self))")
        }
        return try JSONDecoder().decode(Answer.self, from: bytes)
    }
}
