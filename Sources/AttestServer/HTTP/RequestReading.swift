import AttestWire
import Foundation
import Hummingbird

/// Reading requests: content type, size limit, JSON, the admin token.
struct RequestReader: Sendable {
    let maxBodySize: Int
    let adminToken: String?

    func json<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try await json(type, from: request, fast: { _ in nil })
    }

    /// An attestation: the flat form through ``FlatStringObject`` (no `JSONDecoder` for a 17 KB body),
    /// anything else through `JSONDecoder`.
    func attestation(from request: Request) async throws -> AttestationRequest {
        try await json(AttestationRequest.self, from: request) { bytes in
            FlatStringObject.parse(bytes, keys: ["nonce", "quote", "signature", "pcrs", "eventLog"]).map {
                AttestationRequest(nonce: $0[0], quote: $0[1], signature: $0[2], pcrs: $0[3], eventLog: $0[4])
            }
        }
    }

    private func json<T: Decodable>(_ type: T.Type, from request: Request, fast: (UnsafeRawBufferPointer) -> T?) async throws -> T {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == "application/json" else {
            throw APIError(415, .requestUnsupportedMediaType, "the body must be application/json (got \(contentType.isEmpty ? "none" : contentType))")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodySize)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw APIError(413, .requestTooLarge, "the body is larger than \(maxBodySize) bytes")
        }
        if let value = buffer.withUnsafeReadableBytes(fast) { return value }
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let e as DecodingError {
            throw APIError(400, .requestMalformedJson, "the body is not the expected JSON: \(Self.describe(e))")
        } catch {
            throw APIError(400, .requestMalformedJson, "the body is not JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "invalid JSON" : "invalid value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: return "invalid"
        }
    }

    /// Requires `Authorization: Bearer <admin token>`.
    func requireAdmin(_ request: Request) throws {
        guard let adminToken else { throw APIError(403, .adminDisabled, "the admin API is disabled (no admin token configured)") }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), constantTimeEqual(Array(header.dropFirst(7).utf8), Array(adminToken.utf8)) else {
            throw APIError(401, .adminUnauthorized, "a valid admin bearer token is required")
        }
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var d: UInt8 = 0
        for (x, y) in zip(a, b) { d |= x ^ y }
        return d == 0
    }
}

extension Response {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONCoding.encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
