import AttestCore
import AttestWire
import Foundation
import Hummingbird
import Logging

/// Turns every error into an RFC 9457 problem document (`application/problem+json`) at the HTTP
/// boundary: ``APIError`` with its code; Hummingbird's own errors (unknown route, body too large)
/// with a code of their own; anything else as a 500 without internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            return Self.problem(status: e.status, code: e.code, detail: e.detail, findings: e.findings)
        } catch let e as HTTPError {
            let code: VerificationCode
            switch e.status.code {
            case 404: code = .requestNotFound
            case 405: code = .requestMethodNotAllowed
            case 413: code = .requestTooLarge
            default: code = .requestInvalid
            }
            return Self.problem(status: e.status.code, code: code, detail: e.body ?? e.status.reasonPhrase)
        } catch let e as any HTTPResponseError where (400..<500).contains(e.status.code) {
            return Self.problem(status: e.status.code, code: e.status.code == 413 ? .requestTooLarge : .requestInvalid, detail: e.status.reasonPhrase)
        } catch {
            context.logger.error("internal error: \(error)")
            return Self.problem(status: 500, code: .serverInternalError, detail: "the server could not complete the request")
        }
    }

    struct Document: Encodable {
        var problem: Problem
        var findings: [WireFinding]?
        func encode(to encoder: any Encoder) throws {
            try problem.encode(to: encoder)
            if let findings {
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(findings, forKey: .findings)
            }
        }
        enum Key: String, CodingKey { case findings }
    }

    static func problem(status: Int, code: VerificationCode, detail: String, findings: [WireFinding] = []) -> Response {
        let title = HTTPResponse.Status(code: status).reasonPhrase
        let doc = Document(problem: Problem(title: title, status: status, detail: detail, code: code.rawValue), findings: findings.isEmpty ? nil : findings)
        let data = (try? JSONCoding.encoder.encode(doc)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/problem+json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

enum JSONCoding {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
