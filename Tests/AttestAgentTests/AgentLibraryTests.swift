import AttestAgent
import AttestCore
import Foundation
import Testing
import TestSupport

/// The agent's pieces without a server: backoff bounds, the state directory's refusals, URL checks.
@Suite struct AgentLibraryTests {
    @Test func backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
        var b = Backoff(base: 1, cap: 8)
        let lows = (0..<6).map { _ in b.next(random: 0) }
        #expect(lows == [0.5, 1, 2, 4, 4, 4])
        b.reset()
        let highs = (0..<6).map { _ in b.next(random: 1) }
        #expect(highs == [1, 2, 4, 8, 8, 8])
        var huge = Backoff(base: 1, cap: 300)
        for _ in 0..<200 { #expect(huge.next() <= 300) }
    }

    @Test func stateRoundTripsPrivately() throws {
        let dir = TempDir("agent-state")
        let store = AgentStateStore(directory: dir.file("state"))
        #expect(try store.load() == nil)
        let s = AgentState(server: "http://127.0.0.1:1", name: "h", group: "g", hostId: "abc", enrolled: true)
        try store.save(s)
        #expect(try store.load() == s)
        let attrs = try FileManager.default.attributesOfItem(atPath: dir.file("state/agent.json").path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let dirAttrs = try FileManager.default.attributesOfItem(atPath: dir.file("state").path)
        #expect((dirAttrs[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test func stateRefusals() throws {
        let dir = TempDir("agent-state")
        let state = dir.file("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = AgentStateStore(directory: state)
        let file = state.appendingPathComponent("agent.json").path
        // Not a state file: refused, never enrolled over.
        FileManager.default.createFile(atPath: file, contents: Data("{\"x\":1}".utf8), attributes: [.posixPermissions: 0o600])
        #expect { try store.load() } throws: { ($0 as? AgentError)?.code == .agentStateInvalid }
        // Readable by others: refused.
        try store.save(AgentState(server: "http://a", name: "h", group: "g", hostId: "id", enrolled: true))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        #expect { try store.load() } throws: { ($0 as? AgentError)?.code == .agentStateInvalid && "\($0)".contains("644") }
        // An existing directory others can read is not chmod-ed, it is refused.
        let open = dir.file("open")
        try FileManager.default.createDirectory(at: open, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        #expect { try AgentStateStore(directory: open).save(AgentState(server: "http://a", name: "h", group: "g", hostId: "id", enrolled: false)) } throws: {
            ($0 as? AgentError)?.code == .agentStateInvalid
        }
        #expect(!FileManager.default.fileExists(atPath: open.appendingPathComponent("agent.json").path))
    }

    @Test(arguments: ["ftp://host/", "host:8443", "http://", "http://h/?q=1", "http://user@h/", ""])
    func onlyHTTPServerURLs(_ url: String) {
        #expect { try AttestClient(server: url) } throws: { ($0 as? AgentError)?.code == .agentServerUnreachable }
    }

    @Test func serverURLIsNormalised() throws {
        #expect(try AttestClient(server: "https://attest.example:8443/").base == "https://attest.example:8443")
    }
}
