import AttestServer
import AttestWire
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
@testable import AttestCore

/// The wall clock, moved forward by `advance` for nonce, token and staleness tests.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    /// Starts a little ahead of the wall clock, so certificates that openssl issued a moment ago
    /// (notBefore = now, whole seconds) are valid at the server's time, however long a loaded machine
    /// takes between issuing and using them.
    private var offset: TimeInterval = 5
    func read() -> Date { lock.lock(); defer { lock.unlock() }; return Date().addingTimeInterval(offset) }
    func advance(_ seconds: TimeInterval) { lock.lock(); offset += seconds; lock.unlock() }
}

/// Certificates and keys for one test: a TPM manufacturer CA that issues EK certificates, and a
/// baseline signing CA with one signer. Made with the real openssl in a temporary directory.
final class World: @unchecked Sendable {
    static let adminToken = "test-admin-token-0123456789"
    let pki = TestPKI()
    let ekCA: TestPKI.Identity
    let baselineCA: TestPKI.Identity
    let baselineSigner: TestPKI.Identity

    init() throws {
        ekCA = try pki.root("Test TPM Manufacturer EK Root")
        baselineCA = try pki.root("Test Baseline CA")
        baselineSigner = try pki.issue("Test Baseline Signer", by: baselineCA, extendedKeyUsage: nil)
    }

    /// A software TPM whose EK has a certificate from `ca` (default: the world's EK CA).
    func tpm(issuedBy ca: TestPKI.Identity? = nil, name: String = "ek-\(UUID().uuidString.prefix(8))") throws -> (SoftwareTPM, [UInt8]) {
        let id = try pki.issue(name, by: ca ?? ekCA, extendedKeyUsage: nil)
        let key = try P256.KeyAgreement.PrivateKey(pemRepresentation: String(decoding: id.keyPEM, as: UTF8.self))
        let cert = try X509Certificate.load(id.certPEM)[0].derEncoded
        return (SoftwareTPM(ekKey: key), cert)
    }

    func config(allowSoftwareTPM: Bool = false, maxBodySize: Int = 4 << 20) throws -> ServerConfiguration {
        ServerConfiguration(baselineAnchors: try X509Certificate.load(baselineCA.certPEM),
                            endorsement: EndorsementKeyVerifier(manufacturerCAs: try X509Certificate.load(ekCA.certPEM), allowSoftwareTPM: allowSoftwareTPM),
                            adminToken: Self.adminToken, nonceLifetime: 60, tokenLifetime: 300, tokenAudience: "fabric", staleAfter: 3600,
                            maxBodySize: maxBodySize)
    }

    /// A baseline captured from `boot`, signed by the world's baseline signer.
    func signedBaseline(_ boot: BootLog, name: String = "demo-host", version: String = "1.0") throws -> (bytes: [UInt8], signature: [UInt8]) {
        let b = try Baseline.capture(from: try EventLog(bytes: boot.log()), pcrs: BootLog.pcrs, bank: .sha256, name: name, version: version)
        let bytes = b.encoded()
        let key = try SigningKey(pemEncoded: baselineSigner.keyPEM)
        let cert = try X509Certificate.load(baselineSigner.certPEM)[0]
        return (bytes, try DetachedCMS.signDER(content: bytes, key: key, certificate: cert))
    }
}

/// JSON helpers over HummingbirdTesting's client.
struct API: Sendable {
    typealias Reply = (status: Int, body: [UInt8], contentType: String?)
    let execute: @Sendable (HTTPRequest.Method, String, HTTPFields, [UInt8]?) async throws -> Reply

    init(execute: @escaping @Sendable (HTTPRequest.Method, String, HTTPFields, [UInt8]?) async throws -> Reply) {
        self.execute = execute
    }

    /// In-process, through HummingbirdTesting.
    init(client: any TestClientProtocol) {
        execute = { method, uri, headers, body in
            try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { r in
                (Int(r.status.code), r.body.getBytes(at: r.body.readerIndex, length: r.body.readableBytes) ?? [], r.headers[.contentType])
            }
        }
    }

    static let decoder = JSONDecoder()

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: (any Encodable)? = nil, raw: [UInt8]? = nil,
              contentType: String = "application/json", admin: Bool = false, token: String? = nil) async throws -> (status: Int, body: [UInt8], contentType: String?) {
        var headers = HTTPFields()
        if json != nil || raw != nil { headers[.contentType] = contentType }
        if admin { headers[.authorization] = "Bearer \(World.adminToken)" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        let bytes: [UInt8]? = try json.map { Array(try JSONEncoder().encode($0)) } ?? raw
        return try await execute(method, uri, headers, bytes)
    }

    func decode<T: Decodable>(_ type: T.Type, _ r: (status: Int, body: [UInt8], contentType: String?)) throws -> T {
        try Self.decoder.decode(T.self, from: Data(r.body))
    }

    /// Enrolls and activates a host; returns its id.
    func enroll(_ tpm: SoftwareTPM, cert: [UInt8]?, name: String, group: String = "demo") async throws -> String {
        let r = try await send(.post, "/v1/hosts", json: EnrollRequest(name: name, group: group, ekPublic: b64(tpm.ekPublic.marshalled()),
                                                                      ekCertificate: cert.map(b64), akPublic: b64(tpm.akPublic.marshalled())))
        guard r.status == 201 else { throw TestError("enroll: \(r.status) \(String(decoding: r.body, as: UTF8.self))") }
        let e = try decode(EnrollResponse.self, r)
        let secret = try tpm.activate(idObject: Array(Data(base64Encoded: e.credentialBlob)!), encryptedSecret: Array(Data(base64Encoded: e.encryptedSecret)!))
        let a = try await send(.post, "/v1/hosts/\(e.hostId)/activate", json: ActivateRequest(secret: b64(secret)))
        guard a.status == 200 else { throw TestError("activate: \(a.status) \(String(decoding: a.body, as: UTF8.self))") }
        return e.hostId
    }

    func addBaseline(_ b: (bytes: [UInt8], signature: [UInt8]), group: String = "demo") async throws {
        let r = try await send(.post, "/v1/baselines", json: BaselineUpload(baseline: b64(b.bytes), signature: b64(b.signature), group: group), admin: true)
        guard r.status == 201 else { throw TestError("baseline: \(r.status) \(String(decoding: r.body, as: UTF8.self))") }
    }

    func challenge(_ hostID: String) async throws -> [UInt8] {
        let r = try await send(.post, "/v1/hosts/\(hostID)/challenge")
        guard r.status == 201 else { throw TestError("challenge: \(r.status) \(String(decoding: r.body, as: UTF8.self))") }
        return Array(Data(base64Encoded: try decode(ChallengeResponse.self, r).nonce)!)
    }

    /// Sends an attestation; `quoteNonce` is what the TPM signs (default: the nonce sent).
    func attest(_ hostID: String, tpm: SoftwareTPM, nonce: [UInt8], quoteNonce: [UInt8]? = nil, boot: BootLog = BootLog(),
                pcrsOverride: PCRValues? = nil, signer: P256.Signing.PrivateKey? = nil) async throws -> Verdict {
        let pcrs = try pcrsOverride ?? boot.pcrValues()
        let q = tpm.quote(nonce: quoteNonce ?? nonce, pcrs: pcrs, signer: signer)
        let req = AttestationRequest(nonce: b64(nonce), quote: b64(q.attest), signature: b64(q.signature.marshalled()),
                                     pcrs: b64(pcrs.tpm2ToolsSerialized()), eventLog: b64(boot.log()))
        let r = try await send(.post, "/v1/hosts/\(hostID)/attestations", json: req)
        guard r.status == 201 else { throw TestError("attest: \(r.status) \(String(decoding: r.body, as: UTF8.self))") }
        return try decode(Verdict.self, r)
    }

    func audit(_ hostID: String) async throws -> [Verdict] {
        try decode(AuditTrail.self, try await send(.get, "/v1/hosts/\(hostID)/attestations", admin: true)).attestations
    }
}

func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Runs `body` against a fresh in-process server.
func withServer(_ world: World, store: (any AttestationStore)? = nil, clock: ManualClock = ManualClock(), allowSoftwareTPM: Bool = false,
                maxBodySize: Int = 4 << 20, adminAPI: Bool = true, _ body: @escaping @Sendable (API, AttestServerApp) async throws -> Void) async throws {
    var config = try world.config(allowSoftwareTPM: allowSoftwareTPM, maxBodySize: maxBodySize)
    if !adminAPI { config.adminToken = nil }
    let server = AttestServerApp(store: store ?? MemoryStore(), config: config, clock: { clock.read() })
    let app = Application(router: server.router())
    try await app.test(.router) { client in try await body(API(client: client), server) }
}
