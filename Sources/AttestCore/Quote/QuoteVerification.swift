/// The outcome of ``QuoteVerifier/verify(attest:signature:pcrs:nonce:eventLog:)``: the report of
/// every check, and the verified quote only when none failed.
public struct QuoteVerification: Sendable {
    public let report: VerificationReport
    public let verified: VerifiedQuote?

    public var isValid: Bool { verified != nil }
}
