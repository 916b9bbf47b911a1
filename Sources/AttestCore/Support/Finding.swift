/// One failed (or, for informational findings, noteworthy) check of a verification.
///
/// `code` is stable and machine-readable (`signature.invalid`, `nonce.mismatch`,
/// `pcr.replay-mismatch`, `vib.acceptance-below-host`, …); `message` is a human sentence that names the
/// component and, for digest mismatches, the expected and the actual value.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: VerificationCode
    public var message: String
    /// The component the finding is about (a file, a VIB name, a PCR), when there is one.
    public var component: String?

    public init(_ code: VerificationCode, _ message: String, component: String? = nil) {
        self.code = code
        self.message = message
        self.component = component
    }

    public var description: String {
        if let component { return "[\(code)] \(component): \(message)" }
        return "[\(code)] \(message)"
    }
}

/// The outcome of a verification: either every check passed, or the list of every failed check.
/// Malformed input is not an outcome: it throws ``ParseError`` before verification starts.
///
/// ``warnings`` are findings that are reported but do not fail the verification (data hidden in a
/// certificate table, an attestation key whose TPM attributes could not be checked, …); a caller's
/// strict mode turns them into failures.
public struct VerificationReport: Sendable, Hashable, Codable {
    public var failures: [Finding]
    /// Checks that ran and passed, in order, as short sentences (for `--json` and verbose output).
    public var passed: [String]
    /// Noteworthy findings that do not fail the verification.
    public var warnings: [Finding]

    public init(failures: [Finding] = [], passed: [String] = [], warnings: [Finding] = []) {
        self.failures = failures
        self.passed = passed
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey { case failures, passed, warnings }

    /// Reads reports written before ``warnings`` existed too.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        failures = try c.decode([Finding].self, forKey: .failures)
        passed = try c.decode([String].self, forKey: .passed)
        warnings = try c.decodeIfPresent([Finding].self, forKey: .warnings) ?? []
    }

    public var isValid: Bool { failures.isEmpty }

    public mutating func fail(_ code: VerificationCode, _ message: String, component: String? = nil) {
        failures.append(Finding(code, message, component: component))
    }

    public mutating func pass(_ check: String) { passed.append(check) }

    /// Records a finding that is reported but does not fail the verification.
    public mutating func warn(_ code: VerificationCode, _ message: String, component: String? = nil) {
        warnings.append(Finding(code, message, component: component))
    }

    /// Records a pass or a failure depending on `condition`.
    public mutating func check(_ condition: Bool, pass: @autoclosure () -> String, fail code: VerificationCode, _ message: @autoclosure () -> String, component: String? = nil) {
        if condition { passed.append(pass()) } else { failures.append(Finding(code, message(), component: component)) }
    }

    public mutating func merge(_ other: VerificationReport) {
        failures += other.failures
        passed += other.passed
        warnings += other.warnings
    }
}
