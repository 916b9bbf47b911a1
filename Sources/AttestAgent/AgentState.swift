import Foundation
import AttestCore

/// What the agent remembers between runs: which server it enrolled with, as which host, and whether
/// the credential was activated. Kept in `DIR/agent.json` (DIR 0700, file 0600); the AK itself stays
/// in the TPM (the same key on every call), so nothing secret is written here.
public struct AgentState: Sendable, Hashable, Codable {
    public static let fileName = "agent.json"
    /// State files are tiny; a larger one is not ours.
    static let maxSize = 64 * 1024

    public var server: String
    public var name: String
    public var group: String
    public var hostId: String
    /// True once `POST /v1/hosts/{id}/activate` succeeded.
    public var enrolled: Bool

    public init(server: String, name: String, group: String, hostId: String, enrolled: Bool) {
        self.server = server; self.name = name; self.group = group; self.hostId = hostId; self.enrolled = enrolled
    }
}

/// The agent's state directory.
public struct AgentStateStore: Sendable {
    public let directory: URL
    public init(directory: URL) { self.directory = directory }

    var file: URL { directory.appendingPathComponent(AgentState.fileName) }

    /// The saved state, nil when there is none yet. A state file that cannot be read or parsed, or a
    /// directory others can read, is an error (never silently re-enrolled over).
    public func load() throws -> AgentState? {
        let fm = FileManager.default
        guard fm.fileExists(atPath: file.path) else { return nil }
        try checkPrivate(directory.path, mode: 0o700)
        try checkPrivate(file.path, mode: 0o600)
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw AgentError(.agentStateInvalid, "\(file.path): cannot read: \(error.localizedDescription)")
        }
        guard data.count <= AgentState.maxSize else {
            throw AgentError(.agentStateInvalid, "\(file.path): \(data.count) bytes; a state file is at most \(AgentState.maxSize)")
        }
        do { return try JSONDecoder().decode(AgentState.self, from: data) } catch {
            throw AgentError(.agentStateInvalid, "\(file.path): not an agent state file (\(error)); move it away to enroll again")
        }
    }

    /// Writes the state atomically, creating the directory 0700 and the file 0600.
    public func save(_ state: AgentState) throws {
        let fm = FileManager.default
        do {
            if !fm.fileExists(atPath: directory.path) {
                try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            // An existing directory is never chmod-ed (--state /tmp must not change /tmp): it must already be private.
            try checkPrivate(directory.path, mode: 0o700)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            let tmp = directory.appendingPathComponent(".\(AgentState.fileName).\(UUID().uuidString)")
            guard fm.createFile(atPath: tmp.path, contents: try e.encode(state), attributes: [.posixPermissions: 0o600]) else {
                throw AgentError(.agentStateInvalid, "\(tmp.path): cannot create")
            }
            if rename(tmp.path, file.path) != 0 {
                let err = String(cString: strerror(errno))
                try? fm.removeItem(at: tmp)
                throw AgentError(.agentStateInvalid, "\(file.path): cannot replace: \(err)")
            }
        } catch let e as AgentError { throw e } catch {
            throw AgentError(.agentStateInvalid, "\(directory.path): cannot write the agent state: \(error.localizedDescription)")
        }
    }

    private func checkPrivate(_ path: String, mode: Int) throws {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
              let perms = (attrs[.posixPermissions] as? NSNumber)?.intValue else {
            throw AgentError(.agentStateInvalid, "\(path): cannot read its permissions")
        }
        guard perms & 0o077 == 0 else {
            throw AgentError(.agentStateInvalid, "\(path): mode \(String(perms, radix: 8)) lets others read it; it must be \(String(mode, radix: 8))")
        }
    }
}
