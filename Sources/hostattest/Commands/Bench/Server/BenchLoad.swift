import AsyncHTTPClient
import AttestAgent
import AttestCore
import AttestTPM
import AttestWire
import Foundation
import NIOCore
import NIOPosix

/// The load generator of `bench server`: simulated hosts, each with its own in-memory software TPM
/// (P-256 EK and AK), that enroll for real (MakeCredential → ActivateCredential, over AsyncHTTPClient)
/// and then loop quote → attest, each over its own keep-alive ``BenchConnection``: in a closed loop
/// (the next round when the verdict arrives) or, with a rate, an open loop (rounds at fixed times).
final class BenchLoad: @unchecked Sendable {
    let base: String
    let endpoint: BenchEndpoint
    let fixture: BenchFixture
    let useNextChallenge: Bool
    /// Enrollment and the baseline upload (not measured).
    let client: HTTPClient
    /// The measured connections' event loops (the hosts' rounds run on them).
    let group: MultiThreadedEventLoopGroup
    /// A request of the measured loop that has no response by then is an error (never a hang).
    static let requestTimeout: TimeAmount = .seconds(30)
    let counters = BenchCounters()
    /// `","eventLog":"<base64>"}`: the end of every attestation body.
    let logField: [UInt8]

    init(base: String, fixture: BenchFixture, hosts: Int, useNextChallenge: Bool, threads: Int = 1) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.base = base
        endpoint = try BenchEndpoint(url: base)
        self.fixture = fixture
        self.useNextChallenge = useNextChallenge
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = hosts
        configuration.connectionPool.idleTimeout = .seconds(600)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        logField = Array("\",\"eventLog\":\"\(Data(fixture.log).base64EncodedString())\"}".utf8)
    }

    func shutdown() async {
        try? await client.shutdown()
        try? await group.shutdownGracefully()
    }

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
        var requests: BenchRequests?
        var connection: BenchConnection?
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
        host.requests = BenchRequests(endpoint: endpoint, hostId: answer.hostId)
        return host
    }

    /// One attestation over the host's connection (made first when it has none): the verdict's next
    /// challenge when there is a usable one (else `/challenge`), a quote of sha256 PCRs 0–23 over it,
    /// and the attestation with the fixture's log.
    func round(_ host: Host, on executor: isolated BenchHostExecutor) async throws -> BenchVerdict {
        let connection: BenchConnection
        if let c = host.connection, c.isActive { connection = c } else {
            host.connection?.close()
            connection = try await BenchConnection.connect(to: endpoint, group: executor.loop, timeout: Self.requestTimeout)
            host.connection = connection
        }
        let requests = host.requests!
        var challenge: ChallengeResponse
        if useNextChallenge, let n = host.next, Date() < n.usableUntil {
            challenge = n.challenge
        } else {
            let response = try await connection.send(requests.challenge, timeout: Self.requestTimeout)
            challenge = try Self.decode(ChallengeResponse.self, response, path: requests.challengePath)
        }
        host.next = nil
        guard let nonce = Data(base64Encoded: challenge.nonce) else { throw Problem(description: "the challenge's nonce is not base64") }
        let q = try host.tpm.quote(nonce: Array(nonce), selection: Agent.selection, key: Agent.akType)
        let request = requests.attestation(nonce: challenge.nonce, quote: q.attest, signature: q.signature.marshalled(),
                                           pcrs: q.pcrs.tpm2ToolsSerialized(), logField: logField)
        let sent = Date()
        let response = try await connection.send(request, timeout: Self.requestTimeout)
        let verdict = try Self.verdict(response, path: requests.attestationPath)
        if let n = verdict.nextChallenge, let until = Agent.usableUntil(n, verdictAt: verdict.at, sent: sent) { host.next = (n, until) }
        return verdict
    }

    /// A 2xx response's JSON body as `Answer`; anything else a problem naming the request.
    static func decode<Answer: Decodable>(_ type: Answer.Type, _ response: BenchHTTPResponse, path: String) throws -> Answer {
        guard (200..<300).contains(response.status) else {
            throw Problem(description: "POST \(path): HTTP \(response.status): \(String(buffer: response.body).prefix(300))")
        }
        do { return try decoder.decode(Answer.self, from: Data(response.body.readableBytesView)) } catch {
            throw Problem(description: "POST \(path): the answer is not a \(Answer.self): \(error)")
        }
    }

    /// A 2xx verdict: its plain form scanned (``BenchVerdictScanner``), anything else decoded.
    static func verdict(_ response: BenchHTTPResponse, path: String) throws -> BenchVerdict {
        if (200..<300).contains(response.status),
           let v = response.body.readableBytesView.withUnsafeBytes({ BenchVerdictScanner.scan($0) }) {
            return v
        }
        return try decode(BenchVerdict.self, response, path: path)
    }

    /// Loops `host` until the counters say stop; latencies of rounds that end inside the measured
    /// window are kept. Closed loop (`schedule` nil): the next round starts when the verdict has
    /// arrived, latency counted from the round's start. Open loop: rounds are due at
    /// `schedule.first`, then every `schedule.interval` nanoseconds whatever happened, and latency
    /// is counted from when each round was due, not from when it could start (no coordinated
    /// omission): a server that falls behind shows a growing latency. Runs on `executor`, the event
    /// loop of the host's connection.
    /// Sleeps on the host's own event loop (its timer): `Task.sleep` wakes on Dispatch's timer thread
    /// and then hops back to the loop, an eventfd wake-up per round of the open loop.
    static func sleep(nanoseconds: UInt64, on executor: isolated BenchHostExecutor) async {
        await withUnsafeContinuation(isolation: executor) { (done: UnsafeContinuation<Void, Never>) in
            executor.loop.scheduleTask(in: .nanoseconds(Int64(min(nanoseconds, UInt64(Int64.max))))) { done.resume() }
        }
    }

    func run(_ host: Host, schedule: (first: UInt64, interval: UInt64)?, on executor: isolated BenchHostExecutor) async {
        let now = { DispatchTime.now().uptimeNanoseconds }
        var due = schedule?.first ?? 0
        while !counters.stopped {
            var start = now()
            if let schedule {
                while start < due, !counters.stopped {
                    await Self.sleep(nanoseconds: min(due - start, 250_000_000), on: executor)
                    start = now()
                }
                if counters.stopped { break }
                start = due
                due += schedule.interval
            }
            do {
                let verdict = try await round(host, on: executor)
                let end = now()
                if counters.record(admitted: verdict.status == .admitted, end: end, problem: verdict.problem) {
                    host.latencies.append(Double(end - start) / 1e6)
                }
            } catch {
                host.next = nil
                host.connection?.close()
                host.connection = nil
                counters.error("\(error)")
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        host.connection?.close()
        host.connection = nil
    }
}
