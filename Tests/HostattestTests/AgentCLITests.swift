import AsyncHTTPClient
import AttestCore
import AttestWire
import Foundation
import NIOCore
import Testing
import TestSupport

/// The whole loop on loopback: `baseline predict` of the sample image, signed; `serve` (SQLite in a
/// temp dir, software TPMs allowed); `boot --tpm soft:` and `attest` (enrolls, then is admitted, and
/// the token verifies against the served JWKS); a tampered VIB booted measure-only is rejected
/// naming the VIB; and the agent's refusals (unreachable server, bad URL, a server problem).
@Suite struct AgentCLITests {
    typealias Copy = VerifyImageSampleTests.Copy
    static let adminToken = "agent-test-admin-token-0123456789"

    struct ServeFailed: Error { var output: String }

    /// `hostattest serve` on a kernel-chosen loopback port.
    final class Server: @unchecked Sendable {
        let process = Process()
        let port: Int
        init(_ arguments: [String]) throws {
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: Run.hostattestPath)
            process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            var text = ""
            var found: Int?
            while found == nil, Date() < deadline, process.isRunning {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { usleep(20_000); continue }
                text += String(decoding: chunk, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on 127.0.0.1:") }) {
                    found = Int(line.dropFirst("listening on 127.0.0.1:".count).prefix { $0.isNumber })
                }
            }
            guard let found else {
                if process.isRunning { process.terminate() }
                throw ServeFailed(output: text)
            }
            port = found
        }
        var url: String { "http://127.0.0.1:\(port)" }
        func stop() { if process.isRunning { process.terminate() }; process.waitUntilExit() }
    }

    struct AttestJSON: Decodable {
        var status: String; var host: String; var enrolled: Bool; var baseline: String?; var findings: [WireFinding]
    }

    static func attest(_ server: String, tpm: String, log: String, name: String, extra: [String] = []) throws -> (ProcessResult, AttestJSON?) {
        let r = try Run.hostattest(["attest", "--server", server, "--tpm", tpm, "--eventlog", log, "--group", "demo", "--name", name, "--json"] + extra)
        return (r, try? JSONDecoder().decode(AttestJSON.self, from: r.stdoutBytes))
    }

    static func upload(baseline: String, to server: String) async throws {
        let body = BaselineUpload(baseline: try Data(contentsOf: URL(fileURLWithPath: baseline)).base64EncodedString(),
                                  signature: try Data(contentsOf: URL(fileURLWithPath: baseline + ".p7s")).base64EncodedString(), group: "demo")
        var request = HTTPClientRequest(url: server + "/v1/baselines")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(adminToken)")
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status.code == 201, "\(text)")
    }

    @Test func predictedBaselineAdmitsAGoodBootAndRejectsATamperedVIB() async throws {
        let dir = TempDir("agent")
        let image = try Copy()
        let pki = TestPKI()
        let ca = try pki.root("Agent Baseline CA")
        let signer = try pki.issue("Agent Baseline Signer", by: ca, extendedKeyUsage: nil)

        // The image ships with its own baseline.
        let baseline = dir.file("demo-host.baseline.json").path
        let p = try Run.hostattest(["baseline", "predict", image.image, "--profile", image.profile, "--trust", image.trust, "-o", baseline])
        #expect(p.status == 0, "\(p.stdout) \(p.stderr)")
        let predicted = try Baseline(jsonBytes: Array(try Data(contentsOf: URL(fileURLWithPath: baseline))))
        #expect(predicted.pcrs == PCRMap.imagePCRs && predicted.source == "predict")
        #expect(predicted.events.contains { $0.pcr == 13 && $0.component.label.hasPrefix("VIB net-demo-nic ") && $0.component.vendor != nil })
        #expect(try Run.hostattest(["baseline", "sign", baseline, "--key", signer.keyPath, "--cert", signer.certPath]).status == 0)
        #expect(try Run.hostattest(["baseline", "verify", baseline, "--trust", ca.certPath]).status == 0)

        try Self.adminToken.write(to: dir.file("admin-token"), atomically: true, encoding: .utf8)
        let server = try Server(["--db", "sqlite:\(dir.file("attest.db").path)", "--baseline-trust", ca.certPath,
                                 "--allow-software-tpm", "--admin-token-file", dir.file("admin-token").path, "--event-loop-threads", "3"])
        defer { server.stop() }
        try await Self.upload(baseline: baseline, to: server.url)

        // A good boot: enrolled on first use, admitted, and the token verifies.
        let goodTPM = "soft:\(dir.file("good/tpm.json").path)"
        let goodLog = dir.file("good.log").path
        let boot = try Run.hostattest(["boot", image.image, "--profile", image.profile, "--trust", image.trust, "--tpm", goodTPM, "--eventlog", goodLog])
        #expect(boot.status == 0, "\(boot.stdout) \(boot.stderr)")
        let token = dir.file("good.token").path
        let (first, admitted) = try Self.attest(server.url, tpm: goodTPM, log: goodLog, name: "good-host", extra: ["--token-out", token])
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        #expect(admitted?.status == "admitted" && admitted?.enrolled == true && admitted?.baseline == predicted.label)
        let mode = (try FileManager.default.attributesOfItem(atPath: token)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let stateFile = dir.file("good/tpm.json.agent/agent.json").path
        #expect((try FileManager.default.attributesOfItem(atPath: stateFile)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let verified = try Run.hostattest(["token", "verify", "@\(token)", "--jwks", server.url + "/.well-known/jwks.json"])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        // The next round reuses the enrollment; the text form prints the verdict.
        let again = try Run.hostattest(["attest", "--server", server.url, "--tpm", goodTPM, "--eventlog", goodLog, "--group", "demo", "--name", "good-host"])
        #expect(again.status == 0 && again.stdout.hasPrefix("admitted: host ") && !again.stdout.contains("enrolled as"), "\(again.stdout) \(again.stderr)")

        // A tampered VIB booted measure-only on another host: rejected, naming the VIB.
        let bad = try Copy()
        _ = try BootCLITests.tamper(bad, .vib)
        let badTPM = "soft:\(dir.file("bad/tpm.json").path)"
        let badLog = dir.file("bad.log").path
        let badBoot = try Run.hostattest(["boot", bad.image, "--profile", bad.profile, "--trust", bad.trust, "--tpm", badTPM,
                                          "--eventlog", badLog, "--measure-only"])
        #expect(badBoot.status == 0, "\(badBoot.stdout) \(badBoot.stderr)")
        let (r, rejected) = try Self.attest(server.url, tpm: badTPM, log: badLog, name: "bad-host")
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(rejected?.status == "rejected")
        let vib = rejected?.findings.first { $0.code == "appraisal.component-mismatch" }
        #expect(vib?.message.hasPrefix("VIB esx-base-demo ") == true, "\(rejected?.findings ?? [])")
        let text = try Run.hostattest(["attest", "--server", server.url, "--tpm", badTPM, "--eventlog", badLog, "--group", "demo", "--name", "bad-host"])
        #expect(text.status == 1 && text.stdout.contains("✗ [appraisal.component-mismatch] VIB esx-base-demo"), "\(text.stdout)")

        // Another TPM claiming an enrolled host's name: the server's problem, code and all, exit 2.
        let (clash, _) = try Self.attest(server.url, tpm: "soft:\(dir.file("clash/tpm.json").path)", log: goodLog, name: "good-host")
        #expect(clash.status == 2 && clash.stderr.contains("agent.server-problem") && clash.stderr.contains("host.ek-mismatch"), "\(clash.stderr)")
    }

    @Test func anUnreachableServerIsAnErrorNotAVerdict() throws {
        let dir = TempDir("agent-down")
        let log = dir.file("empty.log").path
        try Data().write(to: URL(fileURLWithPath: log))
        let tpm = "soft:\(dir.file("tpm.json").path)"
        // Nothing listens on a port the kernel just handed out and took back.
        let listener = try SilentListener()
        let port = listener.port
        listener.close()
        let (down, _) = try Self.attest("http://127.0.0.1:\(port)", tpm: tpm, log: log, name: "h")
        #expect(down.status == 2 && down.stderr.contains("agent.server-unreachable"), "\(down.stderr)")
        // --interval retries with backoff, then (bounded here) gives up with the same error.
        let (retried, _) = try Self.attest("http://127.0.0.1:\(port)", tpm: tpm, log: log, name: "h",
                                           extra: ["--interval", "1", "--max-rounds", "3", "--backoff-base", "0"])
        #expect(retried.status == 2 && retried.stderr.components(separatedBy: "retrying in").count == 3, "\(retried.stderr)")
        let (badURL, _) = try Self.attest("ftp://127.0.0.1/", tpm: tpm, log: log, name: "h")
        #expect(badURL.status == 2 && badURL.stderr.contains("not an http:// or https:// server URL"), "\(badURL.stderr)")
        let (badInterval, _) = try Self.attest("http://127.0.0.1:\(port)", tpm: tpm, log: log, name: "h", extra: ["--interval", "0"])
        #expect(badInterval.status == 2)
    }

    @Test func predictRefusesAnImageThatDoesNotVerify() throws {
        let c = try Copy()
        _ = try BootCLITests.tamper(c, .kernel)
        let out = c.dir.file("b.json").path
        let r = try Run.hostattest(["baseline", "predict", c.image, "--profile", c.profile, "--trust", c.trust, "-o", out])
        #expect(r.status == 1 && r.stdout.contains("baseline.image-not-verified") && r.stdout.contains("kernel"), "\(r.stdout) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let badPCRs = try Run.hostattest(["baseline", "predict", c.image, "--profile", c.profile, "--trust", c.trust, "-o", out, "--pcrs", "4,99"])
        #expect(badPCRs.status == 2 && badPCRs.stderr.contains("99"))
    }
}
