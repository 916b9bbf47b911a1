import AttestCore

/// Why one round of the agent did not reach a verdict. Each carries a stable code (exit 2).
public struct AgentError: Error, Sendable, CustomStringConvertible {
    public var code: VerificationCode
    public var message: String
    /// The server's own problem code (`host.already-enrolled`, …) for `agent.server-problem`.
    public var serverCode: String?
    /// The HTTP status of a problem document.
    public var status: Int?

    public init(_ code: VerificationCode, _ message: String, serverCode: String? = nil, status: Int? = nil) {
        self.code = code; self.message = message; self.serverCode = serverCode; self.status = status
    }

    /// Worth retrying later (the server is down or overloaded); anything else needs a person.
    public var isTransient: Bool {
        code == .agentServerUnreachable || (code == .agentServerProblem && (status ?? 0) >= 500)
    }

    public var description: String {
        if let serverCode { return "[\(code)] [\(serverCode)] \(message)" }
        return "[\(code)] \(message)"
    }
}
