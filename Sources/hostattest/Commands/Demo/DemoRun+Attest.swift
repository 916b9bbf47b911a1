import AttestCore
import AttestWire
import Foundation

/// Steps 6–8: a good host admitted (its token verified), a tampered VIB rejected by name, a replayed
/// attestation request rejected for its used nonce.
extension DemoRun {
    static let nonceReused = VerificationCode.nonceReused.rawValue
    /// Per TPM command: the swtpm host shares a loaded machine (a CI runner, a sanitizer build) with the
    /// server and the other hosts, so the demo waits longer than the 10 s default before calling it dead.
    static let tpmTimeout = "60"

    /// `attest --json`'s answer.
    struct Attested: Decodable {
        var status: String
        var host: String
        var baseline: String?
        var findings: [WireFinding]
    }

    /// `boot IMAGE --tpm TPM` (measure-only when asked): exit 0, or the step ends.
    func boot(_ image: URL, profile: String, tpm: String, log: String, measureOnly: Bool = false, label: String) async throws {
        try await context.must(["boot", image.path, "--profile", profile, "--trust", trust, "--tpm", tpm, "--timeout", Self.tpmTimeout,
                                "--eventlog", log] + (measureOnly ? ["--measure-only"] : []), label: label)
    }

    /// `attest --json` as host NAME; its verdict (exit 0 admitted, 1 rejected; anything else ends the step).
    func attest(name: String, tpm: String, log: String, extra: [String] = []) async throws -> Attested {
        guard let server else { throw StepFailure("no server") }
        let r = try await context.hostattest(["attest", "--server", server.url, "--tpm", tpm, "--timeout", Self.tpmTimeout, "--eventlog", log, "--group", Self.group,
                                              "--name", name, "--json"] + extra, label: "attest-\(name)")
        guard r.status == 0 || r.status == 1, let answer = try? JSONDecoder().decode(Attested.self, from: r.stdout) else {
            throw StepFailure(r.timedOut ? "attest timed out" : "attest exited \(r.status): \(r.lastLine)")
        }
        return answer
    }

    static func describe(_ a: Attested) -> String {
        a.status == "admitted" ? "admitted (\(a.baseline ?? "no baseline"))"
            : "rejected: " + (a.findings.first.map { "[\($0.code)] \($0.message.prefix(80))" } ?? "no reason given")
    }

    func goodHost() async throws -> (String, Bool) {
        guard let server else { throw StepFailure("no server") }
        try await boot(host, profile: profile, tpm: goodTPM, log: goodLog, label: "boot-good")
        let token = context.path("hosts/good.token"), request = context.path("hosts/good.request.json")
        let a = try await attest(name: "good-host", tpm: goodTPM, log: goodLog, extra: ["--token-out", token, "--request-out", request])
        guard a.status == "admitted" else { return (Self.describe(a), false) }
        goodHostId = a.host
        goodRequest = try? Data(contentsOf: URL(fileURLWithPath: request))
        let verified = try await context.hostattest(["token", "verify", "@" + token, "--jwks", server.url + "/.well-known/jwks.json"], label: "token-verify")
        guard verified.status == 0 else { return ("admitted, but token verify exited \(verified.status): \(verified.lastLine)", false) }
        return ("\(Self.describe(a)), token verified against the JWKS", true)
    }

    func tamperedVIB() async throws -> (String, Bool) {
        let image = context.work.appendingPathComponent("image-tampered")
        try FileManager.default.copyItem(at: host, to: image)
        let vib = image.appendingPathComponent("vibs/net-demo-nic.vib")
        if fault != .untamperedVIB {
            // One byte inside the payload (near the end of the bundle): the VIB's checksums and its measurement change.
            let handle = try FileHandle(forUpdating: vib)
            let size = try handle.seekToEnd()
            guard size > 40 else { throw StepFailure("net-demo-nic.vib is too small to tamper with") }
            try handle.seek(toOffset: size - 40)
            let old = try handle.read(upToCount: 1) ?? Data([0])
            try handle.seek(toOffset: size - 40)
            try handle.write(contentsOf: Data([old[0] ^ 0xff]))
            try handle.close()
        }
        let tpm = "soft:" + context.path("hosts/tampered/tpm.json"), log = context.path("hosts/tampered.log")
        // (The fault boots the untouched copy in enforce mode: a good host, admitted where a rejection is expected.)
        try await boot(image, profile: profile, tpm: tpm, log: log, measureOnly: fault != .untamperedVIB, label: "boot-tampered")
        let a = try await attest(name: "tampered-host", tpm: tpm, log: log)
        guard a.status == "rejected" else { return (Self.describe(a), false) }
        guard let named = a.findings.first(where: { $0.message.contains("net-demo-nic") || ($0.component ?? "").contains("net-demo-nic") }) else {
            return ("rejected, but no reason names net-demo-nic: \(a.findings.map(\.code).joined(separator: ", "))", false)
        }
        return ("rejected: [\(named.code)] \(named.message.prefix(70))", true)
    }

    func replayedNonce() async throws -> (String, Bool) {
        guard let server, let body = goodRequest, let id = goodHostId else { throw StepFailure("no admitted request from step 6 to replay") }
        let (status, answer) = try await server.request(.post, "/v1/hosts/\(id)/attestations", body: body, admin: false)
        guard let verdict = try? JSONDecoder().decode(Verdict.self, from: answer) else {
            return ("HTTP \(status): \(String(decoding: answer.prefix(160), as: UTF8.self))", false)
        }
        let codes = verdict.findings.map(\.code)
        let ok = verdict.status == .rejected && verdict.token == nil && codes.contains(Self.nonceReused)
        return ("\(verdict.status.rawValue): \(codes.isEmpty ? "no reasons" : codes.joined(separator: ", "))", ok)
    }
}
