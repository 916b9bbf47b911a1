import Foundation
import Testing
import TestSupport

/// `bench server` end to end in a debug build: short, and without any figure asserted (speed is
/// for the release build and the README); what is checked is that every verdict was admitted.
@Suite struct BenchServerCLITests {
    struct Figures: Decodable {
        var hosts: Int
        var attestations: Int
        var attestationsPerSecond: Double
        var rejections: Int
        var errors: Int
        var firstProblem: String?
        var serverRSSMiB: Double?
        var serverCPUSeconds: Double?
        var flow: String
    }

    @Test(arguments: [[String](), ["--no-next-challenge"]])
    func threeHostsAreAllAdmitted(_ extra: [String]) throws {
        let r = try Run.hostattest(["bench", "server", "--hosts", "3", "--duration", "2", "--warmup", "0.5", "--json"] + extra, timeout: 300)
        #expect(r.status == 0, "exit \(r.status): \(r.stderr) \(r.stdout)")
        let f = try JSONDecoder().decode(Figures.self, from: r.stdoutBytes)
        #expect(f.hosts == 3 && f.attestations > 0 && f.attestationsPerSecond > 0)
        #expect(f.rejections == 0 && f.errors == 0 && f.firstProblem == nil)
        #expect((f.serverRSSMiB ?? 0) > 0 && f.serverCPUSeconds != nil)
        #expect(f.flow.hasPrefix(extra.isEmpty ? "one request" : "two requests"))
    }

    @Test(arguments: [
        ["--hosts", "0"], ["--hosts", "-3"], ["--duration", "0"], ["--duration", "nan"], ["--events", "2"], ["--warmup=-1"],
        ["--sqlite-synchronous", "off"], ["--server", "http://127.0.0.1:1"], ["--server", "ftp://x", "--admin-token-file", "a",
        "--baseline-key", "k", "--baseline-cert", "c"], ["--baseline-key", "k"], ["--hosts", "many"],
    ])
    func badArgumentsExit2(_ arguments: [String]) throws {
        let r = try Run.hostattest(["bench", "server"] + arguments)
        #expect(r.status == 2, "\(arguments): exit \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("error"))
    }

    @Test func anExternalServerWithMissingFilesIsBadInput() throws {
        let dir = TempDir("bench-server")
        let r = try Run.hostattest(["bench", "server", "--server", "http://127.0.0.1:1", "--admin-token-file", dir.file("none").path,
                                    "--baseline-key", dir.file("k").path, "--baseline-cert", dir.file("c").path])
        #expect(r.status == 2, "exit \(r.status) \(r.stderr)")
        #expect(r.stderr.contains(dir.file("none").path))
    }
}
