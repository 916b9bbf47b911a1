import ArgumentParser
import AttestCore
import AttestServer
import Foundation

/// `hostattest bench server`: N simulated hosts against an attestation server on loopback.
struct BenchServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Load-test the attestation server: simulated hosts enroll, then loop quote → attest.",
        discussion: """
        By default starts `hostattest serve` as a child process (SQLite in a temporary directory, a free \
        loopback port, software TPMs allowed, a throwaway baseline CA made in memory; the baseline is \
        uploaded through the admin API). Each host has its own in-memory software TPM (P-256 EK and AK), \
        enrolls with MakeCredential/ActivateCredential, then loops: the verdict's next challenge (or POST \
        /challenge with --no-next-challenge) → quote of sha256 PCRs 0-23 → POST the attestation with the \
        --events-event log; one keep-alive connection per host (a minimal SwiftNIO HTTP/1.1 client, each \
        request one write; 30 s per request). Closed loop by default (a host's next round starts when its \
        verdict arrives); with --rate, an open loop: each host's rounds are due every hosts/rate seconds \
        (starts staggered) and latency counts from when a round was due, so a server that falls behind \
        shows growing latency. Every verdict must be admitted: rejections and errors are counted and make \
        the exit status 1. Latency is a whole round, quote included. Use a release build; figures from a \
        debug build mean nothing.
        """)

    @Option(name: .long, help: "Simulated hosts, all concurrent.") var hosts: Int = 200
    @Option(name: .long, help: "Seconds measured (after the warm-up).") var duration: Double = 20
    @Option(name: .long, help: "Events in each host's event log (at least 3).") var events: Int = 60
    @Option(name: .long, help: "Warm-up seconds, not measured.") var warmup: Double = 3
    @Option(name: .long, help: "Open loop: attestations offered per second, in total across hosts (each host every hosts/rate s). Default: closed loop.")
    var rate: Double?
    @Flag(name: .long, help: "Ask POST /challenge before each attestation (two requests) instead of using the verdict's next challenge.")
    var noNextChallenge = false
    @Option(name: .long, help: "The child server's SQLite synchronous mode: full or normal.") var sqliteSynchronous: String = "full"
    @Option(name: .long, help: "The child server's SQLite commit delay in milliseconds (serve --commit-delay-ms; default: serve's own).")
    var commitDelayMs: Double?
    @Option(name: .long, help: "The child server's store: sqlite (a file in a temporary directory, the default) or memory (to measure what the store costs; nothing is durable).")
    var store: String?
    @Option(name: .long, help: "Event-loop threads of the load generator (its hosts' rounds run on them).") var clientThreads: Int = 1
    @Option(name: .long, help: "Use this server instead of starting one (needs --admin-token-file, --baseline-key, --baseline-cert).")
    var server: String?
    @Option(name: .long, help: "With --server: a file holding its admin token (to upload the baseline).") var adminTokenFile: String?
    @Option(name: .long, help: "With --server: the private key (PEM) of a baseline signer the server trusts.") var baselineKey: String?
    @Option(name: .long, help: "With --server: that signer's certificate (PEM).") var baselineCert: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...10_000).contains(hosts) else { throw ValidationError("--hosts must be 1–10000") }
        guard duration.isFinite, (0.5...3600).contains(duration) else { throw ValidationError("--duration must be 0.5–3600 seconds") }
        guard warmup.isFinite, (0...600).contains(warmup) else { throw ValidationError("--warmup must be 0–600 seconds") }
        guard (3...10_000).contains(events) else { throw ValidationError("--events must be 3–10000") }
        if let rate {
            guard rate.isFinite, rate >= 0.01, rate <= 1_000_000 else { throw ValidationError("--rate must be 0.01–1000000 attestations/s") }
            guard Double(hosts) / rate <= 3600 else { throw ValidationError("--rate must give each host a round at least every hour (hosts/rate ≤ 3600 s)") }
        }
        guard (1...64).contains(clientThreads) else { throw ValidationError("--client-threads must be 1–64") }
        guard ["full", "normal"].contains(sqliteSynchronous) else { throw ValidationError("--sqlite-synchronous must be full or normal") }
        if let commitDelayMs {
            guard commitDelayMs.isFinite, (0...100).contains(commitDelayMs) else { throw ValidationError("--commit-delay-ms must be 0–100 milliseconds") }
            guard server == nil, store != "memory" else { throw ValidationError("--commit-delay-ms is the child server's SQLite setting: not with --server or --store memory") }
        }
        if let store {
            guard ["sqlite", "memory"].contains(store) else { throw ValidationError("--store must be sqlite or memory") }
            guard server == nil else { throw ValidationError("--store chooses the child server's store; it does not go with --server") }
        }
        let external = [adminTokenFile, baselineKey, baselineCert]
        if let server {
            guard external.allSatisfy({ $0 != nil }) else { throw ValidationError("--server needs --admin-token-file, --baseline-key and --baseline-cert") }
            guard server.hasPrefix("http://") || server.hasPrefix("https://") else { throw ValidationError("--server must be an http:// or https:// URL") }
        } else {
            guard external.allSatisfy({ $0 == nil }) else { throw ValidationError("--admin-token-file, --baseline-key and --baseline-cert go with --server") }
        }
    }

    func run() async throws {
        let fixture: BenchFixture
        do { fixture = try BenchFixture(events: events) } catch { throw CLIError("bench server: cannot make the fixture: \(error)") }
        var child: BenchServerProcess? = nil
        let base: String
        let adminToken: String
        let signature: [UInt8]
        if let server {
            base = server.hasSuffix("/") ? String(server.dropLast()) : server
            adminToken = try Files.readText(adminTokenFile!).trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                signature = try BenchFixture.sign(fixture.baseline, keyPEM: try Files.readText(baselineKey!), certPEM: try Files.readText(baselineCert!))
            } catch let e as CLIError { throw e } catch { throw CLIError("--baseline-key / --baseline-cert: cannot sign the baseline: \(error)") }
        } else {
            let c = try BenchServerProcess(caPEM: fixture.caPEM, synchronous: sqliteSynchronous, commitDelayMs: commitDelayMs, memoryStore: store == "memory")
            child = c
            base = c.url
            adminToken = c.adminToken
            signature = fixture.signature
        }
        let load: BenchLoad
        do { load = try BenchLoad(base: base, fixture: fixture, hosts: hosts, useNextChallenge: !noNextChallenge, threads: clientThreads) } catch {
            child?.stop()
            throw CLIError("bench server: \(error)")
        }
        let figures: BenchFigures
        do {
            figures = try await measure(load, adminToken: adminToken, signature: signature, serverPID: child?.pid)
        } catch {
            await load.shutdown()
            child?.stop()
            if let e = error as? CLIError { throw e }
            throw CLIError("bench server (\(base)): \(error)")
        }
        await load.shutdown()
        child?.stop()
        try Output.emit(figures, json: output.json) { figures.text }
        if figures.attestations == 0 || figures.rejections > 0 || figures.errors > 0 { throw ExitCode.rejected }
    }

    func measure(_ load: BenchLoad, adminToken: String, signature: [UInt8], serverPID: Int32?) async throws -> BenchFigures {
        try await load.uploadBaseline(adminToken: adminToken, signature: signature)
        let run = UUID().uuidString.prefix(8).lowercased()
        // Enrollment, all hosts at once (it is not measured).
        let enrolled = try await withThrowingTaskGroup(of: BenchLoad.Host.self) { group in
            for i in 0..<hosts { group.addTask { try await load.enroll(name: "bench-\(run)-\(i)") } }
            var out: [BenchLoad.Host] = []
            for try await h in group { out.append(h) }
            return out
        }
        let progress = isatty(STDERR_FILENO) == 1
        let counters = load.counters
        let ns = { DispatchTime.now().uptimeNanoseconds }
        return await withTaskGroup(of: Void.self) { group -> BenchFigures in
            // Open loop: host i's first round is due i/rate s from now, then every hosts/rate s.
            let start = ns()
            for (i, h) in enrolled.enumerated() {
                let schedule = rate.map { (first: start + UInt64(Double(i) / $0 * 1e9), interval: UInt64(Double(hosts) / $0 * 1e9)) }
                let loop = load.group.next()
                let executor = BenchHostExecutor(loop: loop)
                group.addTask(executorPreference: EventLoopTaskExecutor(loop: loop)) { await load.run(h, schedule: schedule, on: executor) }
            }
            try? await Task.sleep(nanoseconds: UInt64(warmup * 1e9))
            let cpu0 = (server: serverPID.flatMap(ProcessStats.cpuSeconds), own: ProcessStats.ownCPUSeconds())
            let t0 = ns()
            counters.openWindow(at: t0)
            var lastTotal = counters.snapshot().total
            while Double(ns() - t0) / 1e9 < duration {
                let left = duration - Double(ns() - t0) / 1e9
                try? await Task.sleep(nanoseconds: UInt64(min(1, max(0, left)) * 1e9))
                if progress {
                    let s = counters.snapshot()
                    FileHandle.standardError.write(Data(String(format: "  %5.1f s  %6d attestations/s  rejections %d  errors %d\n",
                                                               Double(ns() - t0) / 1e9, s.total - lastTotal, s.rejected, s.errors).utf8))
                    lastTotal = s.total
                }
            }
            let t1 = ns()
            counters.closeWindow(at: t1)
            let cpu1 = (server: serverPID.flatMap(ProcessStats.cpuSeconds), own: ProcessStats.ownCPUSeconds())
            let memory = serverPID.flatMap(ProcessStats.memoryMiB)
            counters.stop()
            await group.waitForAll()
            let s = counters.snapshot()
            let seconds = Double(t1 - t0) / 1e9
            var serverCPU: Double? = nil
            if let a = cpu0.server, let b = cpu1.server { serverCPU = b - a }
            return BenchFigures(hosts: hosts, durationSeconds: seconds, warmupSeconds: warmup, events: events, logBytes: load.fixture.log.count,
                                flow: noNextChallenge ? "two requests (challenge, attestation)" : "one request (the verdict's next challenge)",
                                loop: rate == nil ? "closed" : "open", offeredRate: rate,
                                sqliteSynchronous: serverPID == nil || store == "memory" ? nil : sqliteSynchronous,
                                store: serverPID == nil ? nil : (store ?? "sqlite"),
                                commitDelayMs: serverPID == nil || store == "memory" ? nil : (commitDelayMs ?? SQLiteStore.defaultCommitDelayMs),
                                attestations: s.admitted, attestationsPerSecond: Double(s.admitted) / seconds,
                                latencyMs: BenchFigures.Latency(enrolled.flatMap(\.latencies)),
                                rejections: s.rejected, errors: s.errors, firstProblem: s.firstProblem,
                                serverRSSMiB: memory?.current, serverPeakRSSMiB: memory?.peak,
                                serverCPUSeconds: serverCPU, loadGeneratorCPUSeconds: cpu1.own - cpu0.own,
                                cores: ProcessInfo.processInfo.activeProcessorCount)
        }
    }
}
