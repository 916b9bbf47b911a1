import AttestServer
import Foundation
import Testing
@testable import AttestCore

/// Each refusal of `TokenVerifier` (what `hostattest token verify` runs) with its own code.
@Suite struct TokenTests {
    func claims(profile: String = EARClaims.profile, iat: Int64 = Int64(Date().timeIntervalSince1970), status: EARStatus = .affirming,
                audience: String? = "fabric") -> EARClaims {
        var c = EARClaims(issuedAt: iat, expiresAt: iat + 300, nonce: "bm9uY2U", verifierID: .init(build: "t", developer: "t"),
                          submods: ["platform": .init(status: .affirming, trustworthinessVector: nil, appraisalPolicyIDs: ["p"]),
                                    "image": .init(status: status, trustworthinessVector: nil, appraisalPolicyIDs: ["p"])],
                          audience: audience, hostID: "h", attestationID: "a")
        c.profile = profile
        return c
    }

    func jwks(_ issuer: TokenIssuer) async throws -> String {
        String(decoding: try JSONEncoder().encode(try await issuer.jwks()), as: UTF8.self)
    }

    func codes(_ token: String, _ jwks: String, audience: String? = "fabric") async -> [String] {
        await TokenVerifier.verify(token: token, jwksJSON: jwks, audience: audience, time: Date()).report.failures.map(\.code.rawValue)
    }

    @Test func everyRefusalHasItsCode() async throws {
        let issuer = TokenIssuer(store: MemoryStore(), lifetime: 300, audience: "fabric")
        let keys = try await jwks(issuer)
        #expect(await codes(try await issuer.sign(claims()), keys) == [])
        #expect(await codes(try await issuer.sign(claims(profile: "tag:github.com,2023:veraison/ear")), keys) == ["token.wrong-profile"])
        #expect(await codes(try await issuer.sign(claims(status: .warning)), keys) == ["token.not-affirming"])
        #expect(await codes(try await issuer.sign(claims(status: .none)), keys) == ["token.not-affirming"])
        #expect(await codes(try await issuer.sign(claims(iat: Int64(Date().timeIntervalSince1970) + 3600)), keys) == ["token.not-yet-valid"])
        #expect(await codes(try await issuer.sign(claims(iat: Int64(Date().timeIntervalSince1970) - 3600)), keys) == ["token.expired"])
        #expect(await codes(try await issuer.sign(claims(audience: nil)), keys) == ["token.wrong-audience"])
        // A token signed before a rotation no longer verifies against the new JWKS.
        let old = try await issuer.sign(claims())
        try await issuer.rotate()
        let rotated = try await jwks(issuer)
        #expect(await codes(old, rotated) == ["token.signature-invalid"])
        // The rotation takes effect at once for new tokens (the loaded key is dropped, not kept for its TTL).
        #expect(await codes(try await issuer.sign(claims()), rotated) == [])
        #expect(await codes(old, "{\"keys\": 5}") == ["token.jwks-malformed"])
    }
}
