import AttestCore
import Foundation
import JWTKit

extension EARClaims: JWTPayload {
    /// jwt-kit's own check after the signature verified: the token must not be expired. The
    /// profile, audience and statuses are checked by ``TokenVerifier``.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        if Int64(Date().timeIntervalSince1970) >= expiresAt {
            throw JWTError.claimVerificationFailure(failedClaim: ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(expiresAt))),
                                                    reason: "expired")
        }
    }
}
