import NIOCore

/// Why the bench's HTTP client gave up on a request: a closed connection, a timeout or a response it
/// does not accept. Counted by the bench as an error, with this text as its problem.
struct BenchHTTPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One HTTP/1.1 response as the bench reads it: the status code and the whole body.
struct BenchHTTPResponse: Sendable {
    var status: Int
    var body: ByteBuffer
}

/// A small, strict HTTP/1.1 response parser for the bench's keep-alive client: a status line
/// `HTTP/1.1 DDD reason`, header lines `name: value` (no folding, CRLF only), a `Content-Length`
/// (required, except for 204 and 304) and that many body bytes. Refused: another HTTP version,
/// interim (1xx) responses, `Transfer-Encoding` (chunked is not supported), a missing, malformed,
/// repeated or too large `Content-Length`, and a head over ``maxHead`` bytes. Work is linear in the
/// bytes received: the head is parsed once, then only the body's length is compared.
struct BenchResponseParser {
    static let maxHead = 16 * 1024
    static let maxBody = 1 << 20

    private struct Head {
        var status: Int
        var headLength: Int
        var contentLength: Int
        var close: Bool
    }

    private var head: Head?
    /// How far the previous scan for the end of the head got (so a head arriving in pieces is scanned once).
    private var scanned = 0

    /// True when the last response asked to close the connection (`Connection: close`).
    private(set) var mustClose = false

    /// A complete response from the start of `buffer` (its bytes consumed), or nil when more bytes are needed.
    mutating func parse(_ buffer: inout ByteBuffer) throws(BenchHTTPError) -> BenchHTTPResponse? {
        if head == nil {
            guard let end = findHeadEnd(buffer) else {
                guard buffer.readableBytes <= Self.maxHead else { throw BenchHTTPError("the response head is over \(Self.maxHead) bytes") }
                return nil
            }
            head = try Self.parseHead(buffer.readableBytesView.prefix(end), length: end + 4)
        }
        let h = head!
        guard buffer.readableBytes >= h.headLength + h.contentLength else { return nil }
        buffer.moveReaderIndex(forwardBy: h.headLength)
        let body = buffer.readSlice(length: h.contentLength)!
        head = nil
        scanned = 0
        mustClose = h.close
        return BenchHTTPResponse(status: h.status, body: body)
    }

    /// The offset of the CRLF CRLF that ends the head, within the first ``maxHead`` bytes.
    private mutating func findHeadEnd(_ buffer: ByteBuffer) -> Int? {
        let limit = min(buffer.readableBytes, Self.maxHead + 4)
        let found: Int? = buffer.withUnsafeReadableBytes { p in
            var i = max(0, scanned - 3)
            while i + 3 < limit {
                if p[i] == 13, p[i + 1] == 10, p[i + 2] == 13, p[i + 3] == 10 { return i }
                i += 1
            }
            return nil
        }
        scanned = limit
        return found
    }

    private static func parseHead(_ bytes: ByteBufferView, length: Int) throws(BenchHTTPError) -> Head {
        var lines = Self.lines(bytes)
        guard !lines.isEmpty else { throw BenchHTTPError("the response has no status line") }
        let statusLine = lines.removeFirst()
        guard !statusLine.contains(13), !statusLine.contains(10) else { throw BenchHTTPError("the response head has a bare CR or LF") }
        let prefix = Array("HTTP/1.1 ".utf8)
        guard statusLine.count >= prefix.count + 3, statusLine.starts(with: prefix) else {
            throw BenchHTTPError("the status line \(Self.text(statusLine)) is not HTTP/1.1")
        }
        let digits = statusLine.dropFirst(prefix.count).prefix(3)
        guard digits.allSatisfy({ (48...57).contains($0) }), statusLine.count == prefix.count + 3 || statusLine[prefix.count + 3] == 32 else {
            throw BenchHTTPError("the status line \(Self.text(statusLine)) has no three-digit status")
        }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard status >= 200 else { throw BenchHTTPError("an interim response (\(status)) was not expected") }
        var contentLength: Int?
        var close = false
        for line in lines {
            guard !line.contains(13), !line.contains(10) else { throw BenchHTTPError("the response head has a bare CR or LF") }
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw BenchHTTPError("the header line \(Self.text(line)) is not name: value")
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = Self.trimmed(line[(colon + 1)...])
            switch name {
            case "content-length":
                guard contentLength == nil else { throw BenchHTTPError("the response has more than one Content-Length") }
                guard !value.isEmpty, value.count <= 8, value.allSatisfy({ (48...57).contains($0) }) else {
                    throw BenchHTTPError("the Content-Length \(Self.text(value)) is not a number")
                }
                let n = value.reduce(0) { $0 * 10 + Int($1 - 48) }
                guard n <= maxBody else { throw BenchHTTPError("the response body (\(n) bytes) is over \(maxBody) bytes") }
                contentLength = n
            case "transfer-encoding":
                throw BenchHTTPError("the response uses Transfer-Encoding \(Self.text(value)), which the bench client does not support")
            case "connection":
                close = String(decoding: value, as: UTF8.self).lowercased().split(separator: ",").contains { $0.trimmingSpaces == "close" }
            default:
                break
            }
        }
        if contentLength == nil, status == 204 || status == 304 { contentLength = 0 }
        guard let contentLength else { throw BenchHTTPError("the response (HTTP \(status)) has no Content-Length") }
        return Head(status: status, headLength: length, contentLength: contentLength, close: close)
    }

    /// The head's lines, split at CRLF; a bare CR or LF, or a folded line, is malformed.
    private static func lines(_ bytes: ByteBufferView) -> [ArraySlice<UInt8>] {
        let all = Array(bytes)
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < all.count {
            if all[i] == 13, i + 1 < all.count, all[i + 1] == 10 {
                out.append(all[start..<i]); i += 2; start = i
            } else { i += 1 }
        }
        out.append(all[start..<all.count])
        return out
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 32 || f == 9 { s = s.dropFirst() }
        while let l = s.last, l == 32 || l == 9 { s = s.dropLast() }
        return s
    }

    private static func text(_ s: ArraySlice<UInt8>) -> String {
        "\"" + String(decoding: s.prefix(80), as: UTF8.self) + "\""
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
