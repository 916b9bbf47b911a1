import AsyncHTTPClient
import AttestCore
import AttestWire
import Foundation
import NIOCore

/// The agent's side of the attestation API: JSON over HTTP(S), outbound only. A 4xx/5xx answer
/// becomes `agent.server-problem` with the server's own code; no answer at all is
/// `agent.server-unreachable`; an answer that is not the expected JSON is `agent.response-invalid`.
public struct AttestClient: Sendable {
    /// Answers are small JSON documents; a larger body is refused, not buffered.
    public static let maxResponseSize = 1 << 20

    /// The server's base URL, without a trailing slash.
    public let base: String
    public let timeout: TimeAmount

    public init(server: String, timeoutSeconds: Int64 = 30) throws {
        let trimmed = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil else {
            throw AgentError(.agentServerUnreachable, "\(server.prefix(200)) is not an http:// or https:// server URL")
        }
        base = trimmed
        timeout = .seconds(timeoutSeconds)
    }

    /// One client for the process (like `HTTPClient.shared`, never shut down), which fails a refused
    /// connection at once instead of retrying it until the request's deadline: the agent has its own
    /// backoff, and without `--interval` an unreachable server must be reported quickly.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    struct NoBody: Encodable {}

    public func post<Answer: Decodable>(_ path: String, _ body: (some Encodable)?, as: Answer.Type) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "accept", value: "application/json")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            // Base64 has slashes; unescaped they spare the server JSON's slow string path.
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(body)))
        }
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await Self.http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: Self.maxResponseSize)
            bytes = Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw AgentError(.agentResponseInvalid, "POST \(base)\(path): the answer is larger than \(Self.maxResponseSize) bytes")
        } catch {
            throw AgentError(.agentServerUnreachable, "POST \(base)\(path): \(error)")
        }
        guard (200..<300).contains(status) else {
            if let p = try? JSONDecoder().decode(Problem.self, from: Data(bytes)) {
                throw AgentError(.agentServerProblem, "POST \(path): HTTP \(status) \(p.title): \(p.detail)", serverCode: p.code, status: status)
            }
            throw AgentError(.agentServerProblem, "POST \(path): HTTP \(status) without a problem document", status: status)
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(bytes))
        } catch {
            throw AgentError(.agentResponseInvalid, "POST \(path): the answer is not a \(Answer.self): \(error)")
        }
    }

    public func post<Answer: Decodable>(_ path: String, as type: Answer.Type) async throws -> Answer {
        try await post(path, NoBody?.none, as: type)
    }
}
