import AsyncHTTPClient
import AttestAgent
import AttestCore
import AttestTPM
import AttestWire
import Foundation
import NIOCore

/// The load generator of `bench server`: simulated hosts, each with its own in-memory software TPM
/// (P-256 EK and AK), that enroll for real (MakeCredential → ActivateCredential) and then loop
/// quote → attest, over one keep-alive connection each.
final class BenchLoad: @unchecked Sendable {
    let base: String
    let fixture: BenchFixture
    let useNextChallenge: Bool
    let client: HTTPClient
    let counters = BenchCounters()
    /// `","eventLog":"<base64>"}`: the end of every attestation body.
    private let logField: [UInt8]

    init(base: String, fixture: BenchFixture, hosts: Int, useNextChallenge: Bool) {
        self.base = base
        self.fixture = fixture
        self.useNextChallenge = useNextChallenge
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = hosts
        configuration.connectionPool.idleTimeout = .seconds(600)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        logField = Array("\",\"eventLog\":\"\(Data(fixture.log).base64EncodedString())\"}".utf8)
    }

    func shutdown() async { try? await client.shutdown() }

    struct Problem: Error, CustomStringConvertible { var description: String }

    /// Base64 has slashes; escaped (JSONEncoder's default) they cost the server a slow string path.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = .withoutEscapingSlashes
        return e
    }()

    static let decoder = JSONDecoder()

    func post<Answer: Decodable>(_ path: String, _ body: (some Encodable)?, admin: String? = nil, as: Answer.Type) async throws -> Answer {
        try await post(path, json: try body.map { ByteBuffer(bytes: try Self.encoder.encode($0)) }, admin: admin, as: Answer.self)
    }

    /// `json`: the request body, already serialized.
    func post<Answer: Decodable>(_ path: String, json: ByteBuffer?, admin: String? = nil, as: Answer.Type) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let admin { request.headers.add(name: "authorization", value: "Bearer \(admin)") }
        if let json { request.body = .bytes(json) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Problem(description: "POST \(path): HTTP \(response.status.code): \(String(buffer: bytes).prefix(300))")
        }
        return try Self.decoder.decode(Answer.self, from: Data(bytes.readableBytesView))
    }

    /// An ``AttestationRequest`` body assembled directly: the event log's field (12.9 KB of base64,
    /// the same in every round) is copied from `logField`, serialized once; only the nonce, quote,
    /// signature and PCRs are encoded per round. Base64 needs no JSON escaping.
    static func attestationBody(nonce: String, quote: [UInt8], signature: [UInt8], pcrs: [UInt8], logField: [UInt8]) -> ByteBuffer {
        var b = ByteBuffer()
        b.reserveCapacity(logField.count + 4 * (quote.count + signature.count + pcrs.count) / 3 + 128)
        b.writeStaticString("{\"nonce\":\"")
        b.writeString(nonce)
        b.writeStaticString("\",\"quote\":\"")
        b.writeString(Data(quote).base64EncodedString())
        b.writeStaticString("\",\"signature\":\"")
        b.writeString(Data(signature).base64EncodedString())
        b.writeStaticString("\",\"pcrs\":\"")
        b.writeString(Data(pcrs).base64EncodedString())
        b.writeBytes(logField)
        return b
    }

    struct NoBody: Encodable {}

    /// Uploads the fixture's signed baseline for the bench group (admin API).
    func uploadBaseline(adminToken: String, signature: [UInt8]) async throws {
        let body = BaselineUpload(baseline: Data(fixture.baseline).base64EncodedString(), signature: Data(signature).base64EncodedString(),
                                  group: BenchFixture.group)
        _ = try await post("/v1/baselines", body, admin: adminToken, as: BaselineView.self)
    }

    /// One simulated host.
    final class Host: @unchecked Sendable {
        let tpm: SoftwareTPM
        var id = ""
        var next: (challenge: ChallengeResponse, usableUntil: Date)?
        var latencies: [Double] = []
        init(tpm: SoftwareTPM) { self.tpm = tpm }
    }

    /// A host with a fresh in-memory TPM whose PCRs hold the fixture's boot, enrolled and activated.
    func enroll(name: String) async throws -> Host {
        let host = Host(tpm: try SoftwareTPM.inMemory())
        try host.tpm.extend(events: fixture.extends)
        let ek = try host.tpm.endorsementKey(Agent.ekType)
        let ak = try host.tpm.attestationKey(Agent.akType)
        let b64 = { (b: [UInt8]) in Data(b).base64EncodedString() }
        let answer = try await post("/v1/hosts", EnrollRequest(name: name, group: BenchFixture.group, ekPublic: b64(ek.publicArea.marshalled()),
                                                               ekCertificate: ek.certificateDER.map(b64), akPublic: b64(ak.marshalled())),
                                    as: EnrollResponse.self)
        guard let file = Data(base64Encoded: answer.tpm2ToolsCredential) else { throw Problem(description: "enroll: the credential is not base64") }
        let secret = try host.tpm.activateCredential(try CredentialBlob(tpm2ToolsFile: Array(file)), ek: Agent.ekType, key: Agent.akType)
        _ = try await post("/v1/hosts/\(answer.hostId)/activate", ActivateRequest(secret: b64(secret)), as: HostView.self)
        host.id = answer.hostId
        return host
    }

    /// One attestation: the verdict's next challenge when there is a usable one (else `/challenge`),
    /// a quote of sha256 PCRs 0–23 over it, and the attestation with the fixture's log.
    func round(_ host: Host) async throws -> Verdict {
        var challenge: ChallengeResponse
        if useNextChallenge, let n = host.next, Date() < n.usableUntil {
            challenge = n.challenge
        } else {
            challenge = try await post("/v1/hosts/\(host.id)/challenge", NoBody?.none, as: ChallengeResponse.self)
        }
        host.next = nil
        guard let nonce = Data(base64Encoded: challenge.nonce) else { throw Problem(description: "the challenge's nonce is not base64") }
        let q = try host.tpm.quote(nonce: Array(nonce), selection: Agent.selection, key: Agent.akType)
        // The nonce is base64 (checked above), so it needs no escaping either.
        let body = Self.attestationBody(nonce: challenge.nonce, quote: q.attest, signature: q.signature.marshalled(),
                                        pcrs: q.pcrs.tpm2ToolsSerialized(), logField: logField)
        let sent = Date()
        let verdict = try await post("/v1/hosts/\(host.id)/attestations", json: body, as: Verdict.self)
        if let n = verdict.nextChallenge, let until = Agent.usableUntil(n, verdictAt: verdict.at, sent: sent) { host.next = (n, until) }
        return verdict
    }

    /// Loops `host` until the counters say stop; latencies of rounds that end inside the measured
    /// window are kept.
    func run(_ host: Host) async {
        while !counters.stopped {
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let verdict = try await round(host)
                let end = DispatchTime.now().uptimeNanoseconds
                if counters.record(admitted: verdict.status == .admitted, end: end, problem: verdict.findings.first.map { "\($0.code): \($0.message)" }) {
                    host.latencies.append(Double(end - start) / 1e6)
                }
            } catch {
                host.next = nil
                counters.error("\(error)")
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
        }
    }
}

/// Shared counters of the measured window (a lock: a few thousand updates a second).
final class BenchCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var windowStart: UInt64 = .max
    private var windowEnd: UInt64 = .max
    private var _stopped = false
    private(set) var admitted = 0
    private(set) var rejected = 0
    private(set) var errors = 0
    /// All rounds, counted or not (for progress).
    private(set) var total = 0
    private(set) var firstProblem: String?

    var stopped: Bool { lock.withLock { _stopped } }
    func stop() { lock.withLock { _stopped = true } }
    func openWindow(at t: UInt64) { lock.withLock { windowStart = t; admitted = 0 } }
    func closeWindow(at t: UInt64) { lock.withLock { windowEnd = t } }
    func snapshot() -> (total: Int, admitted: Int, rejected: Int, errors: Int, firstProblem: String?) {
        lock.withLock { (total, admitted, rejected, errors, firstProblem) }
    }

    /// Counts a verdict; true when it ended inside the measured window (its latency counts).
    func record(admitted ok: Bool, end: UInt64, problem: String?) -> Bool {
        lock.withLock {
            total += 1
            // A rejection is reported whenever it happens (warm-up included): the bench is wrong then.
            if !ok { rejected += 1; if firstProblem == nil { firstProblem = "rejected: \(problem ?? "no reason given")" } }
            guard end >= windowStart, end <= windowEnd else { return false }
            if ok { admitted += 1 }
            return ok
        }
    }

    func error(_ text: String) {
        lock.withLock {
            errors += 1
            if firstProblem == nil { firstProblem = text }
        }
    }
}
