import AttestCore
import Crypto
import Foundation
import JWTKit

/// Signs EAR tokens (ES256 JWT) with the newest active key in the store, creating one on first use;
/// publishes every active key as a JWKS. Keys live in the store so that replicas share them;
/// `rotate()` adds a new key and retires the rest (verifiers holding old tokens should refetch the
/// JWKS, which then lists only the new key).
public actor TokenIssuer {
    private let store: any AttestationStore
    public let lifetime: TimeInterval
    public let audience: String?
    public let verifierID: EARClaims.VerifierID

    public init(store: any AttestationStore, lifetime: TimeInterval, audience: String?,
                verifierID: EARClaims.VerifierID = .init(build: "hostattest-server 1", developer: "hostattest")) {
        self.store = store
        self.lifetime = lifetime
        self.audience = audience
        self.verifierID = verifierID
    }

    /// How long the signing key is kept loaded before the store is asked again (another replica may
    /// have rotated; a rotation through this issuer takes effect at once).
    public static let keyCacheTTL: TimeInterval = 5
    /// The loaded active key: off the hot path, no store read and PEM parse per token. Read by
    /// ``sign(_:)`` without entering the actor; set and dropped only by the actor.
    private nonisolated let loaded = LockedValue<(kid: String, keys: JWTKeyCollection, at: Date)?>(nil)
    /// Bumped by every rotation, so a key loaded across a rotation is not kept.
    private var generation = 0

    /// The active signing key, created when there is none.
    func activeKey() async throws -> SigningKeyRecord {
        if let key = try await store.signingKeys().last(where: { !$0.retired }) { return key }
        return try await rotate()
    }

    /// Adds a new key and retires the others.
    @discardableResult
    public func rotate() async throws -> SigningKeyRecord {
        let key = P256.Signing.PrivateKey()
        let kid = Array(SHA256.hash(data: key.publicKey.derRepresentation)).prefix(12).map { String(format: "%02x", $0) }.joined()
        let record = SigningKeyRecord(kid: kid, privateKeyPEM: key.pemRepresentation, createdAt: Date())
        try await store.insertSigningKey(record)
        try await store.retireSigningKeys(except: kid)
        loaded.set(nil)
        reloading = nil
        generation &+= 1
        return record
    }

    /// Signs with the loaded key without entering the actor while it is fresh (no executor switch on
    /// the attestation's hot path); otherwise the actor reloads it.
    public nonisolated func sign(_ claims: EARClaims) async throws -> String {
        let now = Date()
        if let l = loaded.get(), now >= l.at, now.timeIntervalSince(l.at) < Self.keyCacheTTL {
            return try await l.keys.sign(claims, kid: JWKIdentifier(string: l.kid))
        }
        return try await signReloading(claims, now: now)
    }

    private func signReloading(_ claims: EARClaims, now: Date) async throws -> String {
        if let l = loaded.get(), now >= l.at, now.timeIntervalSince(l.at) < Self.keyCacheTTL {
            return try await l.keys.sign(claims, kid: JWKIdentifier(string: l.kid))
        }
        // One reload at a time: the tokens signed while it runs wait for it (without this, every
        // request in flight when the TTL lapses read the store and parsed the PEM: 2 % of the CPU).
        let started = generation
        let load: Task<(kid: String, keys: JWTKeyCollection), any Error>
        if let pending = reloading, pending.generation == started {
            load = pending.task
        } else {
            load = Task { try await self.loadActiveKey() }
            reloading = (started, load)
        }
        let result: (kid: String, keys: JWTKeyCollection)
        do {
            result = try await load.value
        } catch {
            if reloading?.generation == started { reloading = nil }
            throw error
        }
        if generation == started {
            if reloading?.generation == started { reloading = nil; loaded.set((result.kid, result.keys, now)) }
        }
        return try await result.keys.sign(claims, kid: JWKIdentifier(string: result.kid))
    }

    /// The pending reload of the active key, and the rotation generation it started in.
    private var reloading: (generation: Int, task: Task<(kid: String, keys: JWTKeyCollection), any Error>)?

    private func loadActiveKey() async throws -> (kid: String, keys: JWTKeyCollection) {
        let record = try await activeKey()
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(pem: record.privateKeyPEM), kid: JWKIdentifier(string: record.kid),
                       serializer: DefaultJWTSerializer(jsonEncoder: EARJSONEncoder()))
        return (record.kid, keys)
    }

    /// Claims for an admitted host.
    public nonisolated func claims(hostID: String, attestationID: String, nonce: [UInt8], baseline: VerifiedBaseline, now: Date) -> EARClaims {
        let policy = "hostattest:baseline:\(baseline.baseline.name):\(baseline.baseline.version):sha256:\(baseline.digest)"
        let governsFirmware = baseline.baseline.pcrs.contains { $0 < 8 }
        let governsImage = baseline.baseline.pcrs.contains { $0 >= 8 }
        let platform = EARClaims.Submod(
            status: governsFirmware ? .affirming : .none,
            trustworthinessVector: .init(instanceIdentity: 2, configuration: governsFirmware ? 2 : 0, hardware: 2),
            appraisalPolicyIDs: [policy])
        let image = EARClaims.Submod(
            status: governsImage ? .affirming : .none,
            trustworthinessVector: .init(configuration: governsImage ? 2 : 0, executables: governsImage ? 2 : 0),
            appraisalPolicyIDs: [policy])
        let iat = Int64(now.timeIntervalSince1970)
        return EARClaims(issuedAt: iat, expiresAt: iat + Int64(lifetime), nonce: Data(nonce).base64URLEncoded(),
                         verifierID: verifierID, submods: [EARClaims.platformSubmod: platform, EARClaims.imageSubmod: image],
                         audience: audience, hostID: hostID, attestationID: attestationID)
    }

    /// The JWKS of the active keys (`/.well-known/jwks.json`).
    public func jwks() async throws -> [String: [[String: String]]] {
        _ = try await activeKey()
        var out: [[String: String]] = []
        for record in try await store.signingKeys() where !record.retired {
            let key = try P256.Signing.PrivateKey(pemRepresentation: record.privateKeyPEM).publicKey
            let raw = Array(key.rawRepresentation)
            out.append(["kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": record.kid,
                        "x": Data(raw[0..<32]).base64URLEncoded(), "y": Data(raw[32..<64]).base64URLEncoded()])
        }
        return ["keys": out]
    }
}

extension Data {
    /// Base64url without padding (RFC 7515, 2): standard base64 with `+/` mapped to `-_` and the
    /// padding dropped, byte by byte (no string searches: this runs for every token).
    func base64URLEncoded() -> String {
        var b = Array(base64EncodedString().utf8)
        while b.last == UInt8(ascii: "=") { b.removeLast() }
        for i in b.indices {
            if b[i] == UInt8(ascii: "+") { b[i] = UInt8(ascii: "-") } else if b[i] == UInt8(ascii: "/") { b[i] = UInt8(ascii: "_") }
        }
        return String(decoding: b, as: UTF8.self)
    }
}
