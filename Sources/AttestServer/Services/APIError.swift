import AttestCore
import AttestWire
import Foundation

/// A refusal of a request, answered as an RFC 9457 problem document with a stable code.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: VerificationCode
    public var detail: String
    /// Findings behind the refusal (enrollment trust checks), if any.
    public var findings: [WireFinding]

    public init(_ status: Int, _ code: VerificationCode, _ detail: String, findings: [WireFinding] = []) {
        self.status = status; self.code = code; self.detail = detail; self.findings = findings
    }

    public var description: String { "\(status) \(code): \(detail)" }

    static func badRequest(_ code: VerificationCode, _ detail: String) -> APIError { APIError(400, code, detail) }
    static func unknownHost(_ id: String) -> APIError { APIError(404, .hostUnknown, "no host with id \(id)") }
}

enum Base64Field {
    static func decode(_ text: String, field: String) throws -> [UInt8] {
        guard let d = Data(base64Encoded: text) else {
            throw APIError.badRequest(.requestMalformedBase64, "\(field) is not valid standard base64")
        }
        return Array(d)
    }
}
