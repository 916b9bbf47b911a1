@testable import hostattest
import NIOCore
import Foundation
import Testing

/// The bench client's HTTP/1.1 response parser: what it accepts, and every refusal (the server under
/// test may be any `--server`; a response it cannot read is an error the bench counts, never a hang).
@Suite struct BenchResponseParserTests {
    static func parse(_ text: String, chunks: Int = 1) throws -> (BenchHTTPResponse?, Int) {
        let bytes = Array(text.utf8)
        var parser = BenchResponseParser()
        var buffer = ByteBuffer()
        let size = max(1, (bytes.count + chunks - 1) / chunks)
        var result: BenchHTTPResponse?
        for start in stride(from: 0, to: bytes.count, by: size) {
            buffer.writeBytes(bytes[start..<min(bytes.count, start + size)])
            if let r = try parser.parse(&buffer) { result = r; break }
        }
        return (result, buffer.readableBytes)
    }

    @Test(arguments: [1, 7, 60])
    func aResponseInPiecesIsReadWhole(_ chunks: Int) throws {
        let (r, left) = try Self.parse("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}", chunks: chunks)
        let response = try #require(r)
        #expect(response.status == 201 && String(buffer: response.body) == "{\"ok\":true}" && left == 0)
    }

    @Test func anIncompleteResponseWaitsAndTwoInARowAreReadOneByOne() throws {
        let (r, _) = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc")
        #expect(r == nil)
        var parser = BenchResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        #expect(try parser.parse(&buffer)?.status == 200)
        #expect(try parser.parse(&buffer)?.status == 404)
        #expect(buffer.readableBytes == 0)
        let (noContent, _) = try Self.parse("HTTP/1.1 204 No Content\r\n\r\n")
        #expect(noContent?.status == 204 && noContent?.body.readableBytes == 0)
    }

    @Test func connectionCloseIsNoted() throws {
        var parser = BenchResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n")
        _ = try parser.parse(&buffer)
        #expect(parser.mustClose)
    }

    @Test(arguments: [
        ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "not HTTP/1.1"),
        ("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "three-digit"),
        ("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", "three-digit"),
        ("HTTP/1.1 100 Continue\r\n\r\n", "interim"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding"),
        ("HTTP/1.1 200 OK\r\n\r\n", "no Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na", "more than one"),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a number"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", "not a number"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", "over"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", "over"),
        ("HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n", "name: value"),
        ("HTTP/1.1 200 OK\r\n folded: x\r\nContent-Length: 0\r\n\r\n", "name: value"),
        ("HTTP/1.1 200 OK\r\nX: a\nY: b\r\nContent-Length: 0\r\n\r\n", "bare CR or LF"),
        ("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 17_000) + "\r\n\r\n", "head is over"),
    ])
    func malformedResponsesAreRefused(_ text: String, _ problem: String) throws {
        do {
            let (r, _) = try Self.parse(text, chunks: 3)
            Issue.record("accepted: \(r.map { "\($0.status)" } ?? "waiting for more")")
        } catch {
            #expect("\(error)".contains(problem), "\(error)")
        }
    }

    @Test func anEndlessHeadIsRefusedOnceOverTheLimit() throws {
        var parser = BenchResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n")
        var refused = false
        for _ in 0..<100 {
            buffer.writeString(String(repeating: "x", count: 1000))
            do { _ = try parser.parse(&buffer) } catch { refused = error.description.contains("head is over"); break }
        }
        #expect(refused)
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://[::1]:9/base/", "https://attest.example", "ftp://x", "http://", "http://h:0",
                      "http://h:99999", "http://u@h", "http://[::1"])
    func endpoints(_ url: String) {
        let e = try? BenchEndpoint(url: url)
        switch url {
        case "http://127.0.0.1:8080": #expect(e?.host == "127.0.0.1" && e?.port == 8080 && e?.authority == "127.0.0.1:8080" && e?.tls == nil)
        case "http://[::1]:9/base/": #expect(e?.host == "::1" && e?.port == 9 && e?.pathPrefix == "/base" && e?.authority == "[::1]:9")
        case "https://attest.example": #expect(e?.host == "attest.example" && e?.port == 443 && e?.tls != nil)
        default: #expect(e == nil, "\(url) accepted")
        }
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 100, 131])
    func base64MatchesFoundation(_ count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var b = ByteBuffer()
        Base64.write(bytes, to: &b)
        #expect(String(buffer: b) == Data(bytes).base64EncodedString())
        #expect(b.readableBytes == Base64.length(count))
    }
}
