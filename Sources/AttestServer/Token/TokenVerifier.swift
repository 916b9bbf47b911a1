import AttestCore
import Foundation
import JWTKit

/// What a fabric controller checks at join time (`hostattest token verify`): the ES256 signature
/// with a key of the JWKS (by `kid`), the profile, `exp` and `iat` at `time`, the audience, and that
/// every submodule is affirming. Each failure has its own code.
public enum TokenVerifier {
    public struct Result: Sendable {
        public var report: VerificationReport
        public var claims: EARClaims?
        public var isValid: Bool { report.isValid && claims != nil }
    }

    public static func verify(token: String, jwksJSON: String, audience: String?, time: Date) async -> Result {
        var report = VerificationReport()
        let keys = JWTKeyCollection()
        do {
            try await keys.add(jwksJSON: jwksJSON)
        } catch {
            report.fail(.tokenJwksMalformed, "the JWKS does not parse: \(error)", component: "JWKS")
            return Result(report: report, claims: nil)
        }
        let claims: EARClaims
        do {
            // Signature first (jwt-kit also refuses an expired token here; re-checked below at `time`).
            claims = try await keys.verify(token, as: EARClaims.self)
        } catch let e as JWTError where e.errorType == .claimVerificationFailure {
            report.fail(.tokenExpired, "the token has expired", component: "token")
            return Result(report: report, claims: nil)
        } catch {
            report.fail(.tokenSignatureInvalid, "the token's signature does not verify with the JWKS, or it is not an ES256 JWT: \(error)", component: "token")
            return Result(report: report, claims: nil)
        }
        let now = Int64(time.timeIntervalSince1970)
        report.check(claims.profile == EARClaims.profile, pass: "profile \(claims.profile)", fail: .tokenWrongProfile,
                     "eat_profile is \"\(claims.profile)\", expected \"\(EARClaims.profile)\"", component: "token")
        report.check(now < claims.expiresAt, pass: "not expired", fail: .tokenExpired,
                     "the token expired at \(claims.expiresAt) (now \(now))", component: "token")
        report.check(claims.issuedAt <= now + 60, pass: "issued in the past", fail: .tokenNotYetValid,
                     "the token is issued at \(claims.issuedAt), after now (\(now))", component: "token")
        if let audience {
            report.check(claims.audience == audience, pass: "audience \(audience)", fail: .tokenWrongAudience,
                         "the token is for audience \(claims.audience.map { "\"\($0)\"" } ?? "none"), not \"\(audience)\"", component: "token")
        }
        if claims.submods.isEmpty {
            report.fail(.tokenNotAffirming, "the token has no submodules, so it affirms nothing", component: "token")
        }
        for (name, sub) in claims.submods.sorted(by: { $0.key < $1.key }) where sub.status != .affirming {
            report.fail(.tokenNotAffirming, "submodule \(name) is \(sub.status.rawValue), not affirming", component: "submod \(name)")
        }
        return Result(report: report, claims: claims)
    }
}
