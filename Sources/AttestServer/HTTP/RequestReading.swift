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
        guard Self.isJSON(contentType) else {
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

    /// Whether a Content-Type names `application/json`: its media type (before any `;` parameter), with
    /// spaces or tabs around it, compared ASCII case-insensitively (RFC 9110, 8.3.1). Byte by byte:
    /// Foundation's trimming and lowercasing were 1 % of the server's CPU under `bench server`.
    static func isJSON(_ contentType: String) -> Bool {
        var type = contentType.utf8[...]
        if let semicolon = type.firstIndex(of: UInt8(ascii: ";")) { type = type[..<semicolon] }
        func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        while let c = type.first, blank(c) { type = type.dropFirst() }
        while let c = type.last, blank(c) { type = type.dropLast() }
        let expected = "application/json".utf8
        guard type.count == expected.count else { return false }
        return zip(type, expected).allSatisfy { c, e in (c >= 0x41 && c <= 0x5A ? c + 0x20 : c) == e }
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
