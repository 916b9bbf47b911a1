import Foundation
import Testing
import TestSupport

/// `hostattest demo`: the whole product end to end (sign, verify, predict, serve, boot, attest good,
/// tampered, replayed, upgraded and swtpm hosts), and its refusals: a folder that is not the sample
/// images is bad input (exit 2, the path named); an outcome that differs fails the demo (exit 1).
@Suite struct DemoCLITests {
    struct Report: Decodable { var verdict: String; var steps: [Step] }
    struct Step: Decodable { var step: Int; var name: String; var expected: String; var got: String; var ok: Bool; var skipped: Bool }

    static var images: String { Fixtures.packageRoot.appendingPathComponent("Images").path }

    static func demo(_ extra: [String], dir: TempDir) throws -> (ProcessResult, Report?) {
        let r = try Run.hostattest(["demo", "--json", "--images", images, "--keep", dir.file("work").path] + extra, timeout: 900)
        return (r, try? JSONDecoder().decode(Report.self, from: r.stdoutBytes))
    }

    @Test func everyStepBehavesAsExpected() throws {
        let dir = TempDir("demo")
        let (r, report) = try Self.demo([], dir: dir)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let steps = try #require(report?.steps, "\(r.stdout)\n\(r.stderr)")
        #expect(report?.verdict == "verified")
        #expect(steps.map(\.step) == Array(1...10))
        for s in steps { #expect(s.ok, "step \(s.step) \(s.name): expected \(s.expected), got \(s.got)") }
        #expect(steps[5].got.hasPrefix("admitted") && steps[5].got.contains("token verified"), "\(steps[5].got)")
        #expect(steps[6].got.hasPrefix("rejected") && steps[6].got.contains("net-demo-nic"), "\(steps[6].got)")
        #expect(steps[7].got == "rejected: nonce.reused", "\(steps[7].got)")
        #expect(steps[8].got.contains("v1 retired → v1 rejected"), "\(steps[8].got)")
        // make test installs swtpm, so the tpm2-tss row runs rather than being skipped.
        let swtpmInstalled = (try? Run.resolve("swtpm")) != nil && (try? Run.resolve("swtpm_setup")) != nil
        #expect(steps[9].skipped == !swtpmInstalled, "\(steps[9].got)")
        if swtpmInstalled { #expect(steps[9].got.hasPrefix("admitted"), "\(steps[9].got)") }
        // Progress went to stderr, one line per step; stdout is the JSON alone.
        #expect((1...10).allSatisfy { r.stderr.contains("[\($0)/10] ") }, "\(r.stderr)")
        // The server and the swtpm were stopped: nothing holds the work folder's database or state.
        #expect(!r.stderr.contains("interrupted"))
    }

    @Test func aFolderThatIsNotTheSampleImagesIsBadInput() throws {
        let dir = TempDir("demo-bad")
        let missing = dir.file("no-such-images").path
        let r = try Run.hostattest(["demo", "--images", missing])
        #expect(r.status == 2 && r.stderr.contains(missing) && r.stderr.contains("no such folder"), "\(r.stderr)")
        let empty = dir.file("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let e = try Run.hostattest(["demo", "--json", "--images", empty])
        #expect(e.status == 2 && e.stderr.contains(empty) && e.stderr.contains("demo-host/boot.cfg is missing") && e.stdout.isEmpty, "\(e.stderr)")
        // --keep refuses a folder with something in it (it would mix two runs).
        let used = dir.file("used").path
        try FileManager.default.createDirectory(atPath: used, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: dir.file("used/file"))
        let k = try Run.hostattest(["demo", "--images", Self.images, "--keep", used])
        #expect(k.status == 2 && k.stderr.contains("--keep") && k.stderr.contains("not empty"), "\(k.stderr)")
    }

    @Test func anUnexpectedOutcomeFailsTheDemo() throws {
        // Fault injection: step 7 boots its image untampered in enforce mode, so the host is admitted where a rejection was expected.
        let dir = TempDir("demo-fault")
        let (r, report) = try Self.demo(["--fault", "untampered-vib"], dir: dir)
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        let steps = try #require(report?.steps, "\(r.stdout)\n\(r.stderr)")
        #expect(report?.verdict == "failed")
        #expect(steps.filter { !$0.ok }.map(\.step) == [7], "\(steps)")
        #expect(steps[6].got.hasPrefix("admitted"), "\(steps[6].got)")
    }

    @Test func withoutAnEFIToolchainTheImageIsSignedWithTheDemoChain() throws {
        // make-boot-images cannot build a bootloader carrying the new chain's vendor CA: the committed
        // unsigned images and Keys/demo are used instead, and every later step still behaves as expected.
        let dir = TempDir("demo-no-toolchain")
        let r = try Run.process(Run.hostattestPath, ["demo", "--json", "--images", Self.images, "--keep", dir.file("work").path],
                                environment: ["CLANG": "/nonexistent/clang"], timeout: 900)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let decoded = try? JSONDecoder().decode(Report.self, from: r.stdoutBytes)
        let steps = try #require(decoded?.steps, "\(r.stdout)\n\(r.stderr)")
        #expect(steps.count == 10 && steps.allSatisfy(\.ok), "\(steps.filter { !$0.ok })")
        #expect(steps[1].got.contains("DEMO chain (no EFI toolchain"), "\(steps[1].got)")
    }

    @Test func anInterruptStopsEveryChildAndExits130() throws {
        let dir = TempDir("demo-interrupt")
        let work = dir.file("work")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Run.hostattestPath)
        p.arguments = ["demo", "--json", "--images", Self.images, "--keep", work.path]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Interrupt once the server is up (it has written where it listens); five more steps would follow.
        let log = work.appendingPathComponent("server.log")
        let deadline = Date().addingTimeInterval(300)
        while p.isRunning, Date() < deadline, !((try? String(contentsOf: log, encoding: .utf8))?.contains("listening on") ?? false) {
            usleep(20_000)
        }
        #expect(p.isRunning)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        // Nothing the demo started runs on: no process names the work folder (the server, a swtpm, a step).
        let left = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { $0.allSatisfy(\.isNumber) }.filter { pid in
            guard let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
            return String(decoding: cmdline, as: UTF8.self).contains(work.path)
        }
        #expect(left.isEmpty, "still running: \(left)")
    }
}
