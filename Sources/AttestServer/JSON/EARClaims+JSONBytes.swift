import AttestCore
import Foundation
import JWTKit

extension EARClaims {
    /// The claims as JSON, in the order their `Codable` conformance writes them (submods sorted by
    /// name); `EARJSONBytesTests` decodes it back to the same value.
    func jsonBytes() -> [UInt8] {
        var w = JSONBytes(capacity: 768)
        var o = w.beginObject()
        w.member("eat_profile", profile, in: &o)
        w.member("iat", issuedAt, in: &o)
        w.member("exp", expiresAt, in: &o)
        w.member("eat_nonce", nonce, in: &o)
        w.key("ear_verifier_id", in: &o)
        var vo = w.beginObject()
        w.member("build", verifierID.build, in: &vo)
        w.member("developer", verifierID.developer, in: &vo)
        w.end(vo)
        w.key("submods", in: &o)
        var so = w.beginObject()
        for name in submods.keys.sorted() {
            let s = submods[name]!
            w.key(name, in: &so)
            var mo = w.beginObject()
            w.member("ear_status", s.status.rawValue, in: &mo)
            if let v = s.trustworthinessVector {
                w.key("ear_trustworthiness_vector", in: &mo)
                var to = w.beginObject()
                w.member("instance-identity", v.instanceIdentity, in: &to)
                w.member("configuration", v.configuration, in: &to)
                w.member("executables", v.executables, in: &to)
                w.member("file-system", v.fileSystem, in: &to)
                w.member("hardware", v.hardware, in: &to)
                w.member("runtime-opaque", v.runtimeOpaque, in: &to)
                w.member("storage-opaque", v.storageOpaque, in: &to)
                w.member("sourced-data", v.sourcedData, in: &to)
                w.end(to)
            }
            if let ids = s.appraisalPolicyIDs {
                w.key("ear_appraisal_policy_ids", in: &mo)
                w.array(ids) { w, id in w.string(id) }
            }
            w.end(mo)
        }
        w.end(so)
        w.member("aud", audience, in: &o)
        w.member("hostattest_host_id", hostID, in: &o)
        w.member("hostattest_attestation_id", attestationID, in: &o)
        w.end(o)
        return w.bytes
    }
}

/// jwt-kit's JSON encoder for the issuer: EAR claims through ``EARClaims/jsonBytes()`` (the token's
/// payload is written per admission); the JOSE header (the same `alg`, `kid` and `typ` for every
/// token of a key) through `JSONEncoder` once per distinct header; anything else through `JSONEncoder`.
final class EARJSONEncoder: JWTJSONEncoder, @unchecked Sendable {
    private let fallback: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        return e
    }()
    private let lock = NSLock()
    /// Encoded headers by their fields; a handful (one per signing key), cleared if it ever grows.
    private var headers: [[String: JWTHeaderField]: Data] = [:]

    func encode<T: Encodable>(_ value: T) throws -> Data {
        if let claims = value as? EARClaims { return Data(claims.jsonBytes()) }
        if let header = value as? JWTHeader {
            if let cached = lock.withLock({ headers[header.fields] }) { return cached }
            let data = try fallback.encode(header)
            lock.withLock {
                if headers.count >= 16 { headers.removeAll() }
                headers[header.fields] = data
            }
            return data
        }
        return try fallback.encode(value)
    }
}
