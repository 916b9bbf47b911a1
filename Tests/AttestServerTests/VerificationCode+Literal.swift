import AttestCore

/// Tests name codes by their registered strings (`"vib.unsigned"`); an unregistered string is a test bug
/// and stops the run with its name.
extension VerificationCode: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        guard let code = VerificationCode(rawValue: value) else { fatalError("\"\(value)\" is not a registered VerificationCode") }
        self = code
    }
}
