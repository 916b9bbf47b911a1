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
        var loop: String
        var offeredRate: Double?
        var store: String?
        var sqliteSynchronous: String?
        var commitDelayMs: Double?
    }

    @Test(arguments: [[String](), ["--no-next-challenge"], ["--client-threads", "2"], ["--store", "memory"], ["--commit-delay-ms", "0.5"]])
    func threeHostsAreAllAdmitted(_ extra: [String]) throws {
        let r = try Run.hostattest(["bench", "server", "--hosts", "3", "--duration", "2", "--warmup", "0.5", "--json"] + extra, timeout: 300)
        #expect(r.status == 0, "exit \(r.status): \(r.stderr) \(r.stdout)")
        let f = try JSONDecoder().decode(Figures.self, from: r.stdoutBytes)
        #expect(f.hosts == 3 && f.attestations > 0 && f.attestationsPerSecond > 0)
        #expect(f.rejections == 0 && f.errors == 0 && f.firstProblem == nil)
        #expect((f.serverRSSMiB ?? 0) > 0 && f.serverCPUSeconds != nil)
        #expect(f.flow.hasPrefix(extra.contains("--no-next-challenge") ? "two requests" : "one request"))
        #expect(f.loop == "closed" && f.offeredRate == nil)
        // The child's store, as asked (SQLite with its synchronous level by default).
        if extra.contains("memory") {
            #expect(f.store == "memory" && f.sqliteSynchronous == nil && f.commitDelayMs == nil)
        } else {
            #expect(f.store == "sqlite" && f.sqliteSynchronous == "full")
            // The child's commit delay: as asked, else serve's default (2 ms).
            #expect(f.commitDelayMs == (extra.contains("--commit-delay-ms") ? 0.5 : 2))
        }
    }

    /// Open loop: 3 hosts offered 30 attestations/s in total (each host every 0.1 s); the figures say
    /// so and every verdict is still admitted (no rate asserted: a debug build on a shared machine).
    @Test func anOpenLoopReportsItsOfferedRate() throws {
        let r = try Run.hostattest(["bench", "server", "--hosts", "3", "--rate", "30", "--duration", "2", "--warmup", "0.5", "--json"], timeout: 300)
        #expect(r.status == 0, "exit \(r.status): \(r.stderr) \(r.stdout)")
        let f = try JSONDecoder().decode(Figures.self, from: r.stdoutBytes)
        #expect(f.loop == "open" && f.offeredRate == 30)
        #expect(f.attestations > 0 && f.rejections == 0 && f.errors == 0 && f.firstProblem == nil)
        let text = try Run.hostattest(["bench", "server", "--hosts", "2", "--rate", "10", "--duration", "1", "--warmup", "0"], timeout: 300)
        #expect(text.status == 0, "exit \(text.status): \(text.stderr) \(text.stdout)")
        #expect(text.stdout.contains("open loop:     offered 10.0 attestations/s, achieved"), "\(text.stdout)")
    }

    @Test(arguments: [
        ["--hosts", "0"], ["--hosts", "-3"], ["--duration", "0"], ["--duration", "nan"], ["--events", "2"], ["--warmup=-1"],
        ["--sqlite-synchronous", "off"], ["--server", "http://127.0.0.1:1"], ["--server", "ftp://x", "--admin-token-file", "a",
        "--baseline-key", "k", "--baseline-cert", "c"], ["--baseline-key", "k"], ["--hosts", "many"],
        ["--rate", "0"], ["--rate=-5"], ["--rate", "nan"], ["--rate", "inf"], ["--rate", "fast"], ["--rate", "2000000"],
        ["--hosts", "10000", "--rate", "0.01"], ["--client-threads", "0"], ["--client-threads", "65"],
        ["--store", "disk"], ["--store", "memory", "--server", "http://127.0.0.1:1", "--admin-token-file", "a", "--baseline-key", "k",
        "--baseline-cert", "c"],
        ["--commit-delay-ms", "-1"], ["--commit-delay-ms", "101"], ["--commit-delay-ms", "nan"], ["--commit-delay-ms", "soon"],
        ["--commit-delay-ms", "1", "--store", "memory"], ["--commit-delay-ms", "1", "--server", "http://127.0.0.1:1", "--admin-token-file", "a",
        "--baseline-key", "k", "--baseline-cert", "c"],
    ])
    func badArgumentsExit2(_ arguments: [String]) throws {
        let r = try Run.hostattest(["bench", "server"] + arguments)
        #expect(r.status == 2, "\(arguments): exit \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("error"))
    }

    @Test(arguments: ["-1", "100.5", "nan", "inf", "soon"]) func serveRefusesABadCommitDelay(_ ms: String) throws {
        let r = try Run.hostattest(["serve", "--listen", "127.0.0.1:0", "--db", "memory", "--commit-delay-ms", ms])
        #expect(r.status == 2, "exit \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("commit-delay-ms"))
    }

    @Test(arguments: ["0", "257", "many"]) func serveRefusesABadEventLoopThreadCount(_ n: String) throws {
        let r = try Run.hostattest(["serve", "--listen", "127.0.0.1:0", "--db", "memory", "--event-loop-threads", n])
        #expect(r.status == 2, "exit \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("event-loop-threads"))
    }

    @Test func anExternalServerWithMissingFilesIsBadInput() throws {
        let dir = TempDir("bench-server")
        let r = try Run.hostattest(["bench", "server", "--server", "http://127.0.0.1:1", "--admin-token-file", dir.file("none").path,
                                    "--baseline-key", dir.file("k").path, "--baseline-cert", dir.file("c").path])
        #expect(r.status == 2, "exit \(r.status) \(r.stderr)")
        #expect(r.stderr.contains(dir.file("none").path))
    }
}
