import AttestWire
import Foundation

/// The demo's scenario, step by step (see ``DemoCommand``). Each step records one row; the first
/// five build what the rest need, so when one of them fails the rest are reported as not run.
final class DemoRun {
    static let total = 10
    let context: DemoContext
    let fault: DemoCommand.Fault?
    let progress: (String) -> Void
    var steps: [DemoStep] = []

    // What the steps make, for the later ones.
    var keys: URL
    var trust: String { keys.appendingPathComponent("trust.json").path }
    let host: URL
    let profile: String
    var server: DemoServer?
    var swtpm: DemoSWTPM?
    var v1Baseline: String?
    var goodTPM: String { "soft:" + context.path("hosts/good/tpm.json") }
    var goodLog: String { context.path("hosts/good.log") }
    var goodRequest: Data?
    var goodHostId: String?

    init(context: DemoContext, fault: DemoCommand.Fault?, progress: @escaping (String) -> Void) {
        self.context = context
        self.fault = fault
        self.progress = progress
        keys = context.work.appendingPathComponent("keys")
        host = context.work.appendingPathComponent("image-v1")
        profile = context.path("manifests/demo-host-1.0.0.profile.json")
    }

    /// Runs every step; throws ``DemoError`` only for setup errors (exit 2).
    func run() async throws -> DemoReport {
        defer { server?.stop() }
        for dir in ["logs", "manifests", "baselines", "hosts"] {
            try FileManager.default.createDirectory(at: context.work.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        let setup: [(String, String, () async throws -> (String, Bool))] = [
            ("key chain", "made (keys init)", keyChain),
            ("sign sample image", "signed (sign pe, vib sign, profile sign)", signImage),
            ("verify image", "verified", verifyImage),
            ("predict baseline", "predicted and signed", predictBaseline),
            ("server up", "listening, healthy, baseline 1.0.0 uploaded", startServer),
        ]
        for (i, (name, expected, body)) in setup.enumerated() {
            guard try await step(i + 1, name, expected, body) else {
                notRun(after: i + 1)
                return DemoReport(steps: steps)
            }
        }
        try await step(6, "good host (soft TPM)", "admitted, token verified", goodHost)
        try await step(7, "tampered VIB (measure-only)", "rejected naming net-demo-nic", tamperedVIB)
        try await step(8, "replayed nonce", "rejected: \(DemoRun.nonceReused)", replayedNonce)
        try await step(9, "rolling upgrade", DemoRun.upgradeExpected, rollingUpgrade)
        try await step(10, "swtpm host (tpm2-tss)", "admitted", swtpmHost)
        return DemoReport(steps: steps)
    }

    /// Runs one step and records its row; true when it behaved as expected.
    @discardableResult
    func step(_ n: Int, _ name: String, _ expected: String, _ body: () async throws -> (String, Bool)) async throws -> Bool {
        var row = DemoStep(step: n, name: name, expected: expected, got: "", ok: false)
        do {
            let (got, ok) = try await body()
            row.got = got
            row.ok = ok
        } catch let e as StepFailure {
            row.got = e.got
        } catch let e as DemoError {
            throw e
        } catch {
            row.got = "error: \(error)"
        }
        if row.got.hasPrefix("skipped") { row.skipped = true }
        steps.append(row)
        progress("[\(n)/\(Self.total)] \(name) … \(row.got)\(row.ok ? "" : "   ✗ expected: \(expected)")")
        return row.ok
    }

    private func notRun(after failed: Int) {
        let names = ["key chain", "sign sample image", "verify image", "predict baseline", "server up", "good host (soft TPM)",
                     "tampered VIB (measure-only)", "replayed nonce", "rolling upgrade", "swtpm host (tpm2-tss)"]
        for n in (failed + 1)...Self.total {
            steps.append(DemoStep(step: n, name: names[n - 1], expected: "run", got: "not run (step \(failed) failed)", ok: false))
        }
    }
}
