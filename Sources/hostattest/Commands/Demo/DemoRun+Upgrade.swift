import Foundation

/// Steps 9–10: a rolling upgrade (a second baseline active beside the first, then the first
/// retired), and a swtpm host reached through tpm2-tss.
extension DemoRun {
    static let upgradeExpected = "v2 admitted, v1 still admitted; v1 retired → v1 rejected"
    static let v2NICVersion = "1.5.0-1OEM.800.1.0.20613240"

    func rollingUpgrade() async throws -> (String, Bool) {
        guard let server, let v1Baseline else { throw StepFailure("no server or v1 baseline") }
        // Image v2: net-demo-nic 1.5.0 (new version, new payload), re-signed with the chain of step 1, profile 2.0.0.
        let v2 = context.work.appendingPathComponent("image-v2")
        try FileManager.default.copyItem(at: host, to: v2)
        let source = context.paths.vibSources.appendingPathComponent("net-demo-nic")
        let payload = context.work.appendingPathComponent("vib-build/net-demo-nic-2/payload")
        try FileManager.default.createDirectory(at: payload.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source.appendingPathComponent("payload"), to: payload)
        let readme = payload.appendingPathComponent("etc/net-demo-nic/README")
        let text = (try? String(contentsOf: readme, encoding: .utf8)) ?? ""
        try (text + "Version \(Self.v2NICVersion): demo upgrade.\n").write(to: readme, atomically: true, encoding: .utf8)
        let descriptor = try String(contentsOf: source.appendingPathComponent("descriptor.xml"), encoding: .utf8)
        guard let upgraded = DemoImages.replacing("version", with: Self.v2NICVersion, in: descriptor) else {
            throw StepFailure("net-demo-nic's descriptor has no <version>")
        }
        let images = DemoImages(context: context)
        try await images.vib(name: "net-demo-nic", descriptor: upgraded, payload: payload, keys: keys,
                             output: v2.appendingPathComponent("vibs/net-demo-nic.vib"))
        let v2Profile = context.path("manifests/demo-host-2.0.0.profile.json")
        try await images.profile(host: v2, version: "2.0.0", keys: keys, output: v2Profile)
        try await context.must(["verify", "image", v2.path, "--profile", v2Profile, "--trust", trust], label: "verify-image-v2")
        let v2Baseline = context.path("baselines/demo-host-2.0.0.json")
        _ = try await predictAndSign(image: v2, profile: v2Profile, output: v2Baseline)
        _ = try await upload(v2Baseline)

        // Both baselines active: a v2 host and the v1 host of step 6 are admitted.
        let tpm = "soft:" + context.path("hosts/v2/tpm.json"), log = context.path("hosts/v2.log")
        try await boot(v2, profile: v2Profile, tpm: tpm, log: log, label: "boot-v2")
        let newHost = try await attest(name: "v2-host", tpm: tpm, log: log)
        let oldHost = try await attest(name: "good-host", tpm: goodTPM, log: goodLog)
        var got = "v2 \(Self.describe(newHost)); v1 \(Self.describe(oldHost))"
        guard newHost.status == "admitted", newHost.baseline?.hasSuffix("2.0.0") == true,
              oldHost.status == "admitted", oldHost.baseline?.hasSuffix("1.0.0") == true else { return (got, false) }

        // The upgrade done: retire v1; the host still on v1 is now rejected.
        let (status, _) = try await server.request(.delete, "/v1/baselines/\(v1Baseline)", admin: true)
        guard status == 204 else { return (got + "; retiring v1: HTTP \(status)", false) }
        let retired = try await attest(name: "good-host", tpm: goodTPM, log: goodLog)
        got = "v2 admitted (2.0.0), v1 still admitted (1.0.0); v1 retired → v1 \(retired.status)"
            + (retired.findings.last.map { " (\($0.code))" } ?? "")
        return (got, retired.status == "rejected")
    }

    /// The v2 image (the active baseline after step 9) booted on a swtpm through tpm2-tss, attested.
    func swtpmHost() async throws -> (String, Bool) {
        guard let swtpm else {
            if DemoSWTPM.tools() == nil { return ("skipped: swtpm not installed", true) }
            throw StepFailure("swtpm_setup failed (see the work folder's logs/)")
        }
        let running = try await swtpm.start(context.child, cleanup: context.cleanup)
        defer { swtpm.stop(running, cleanup: context.cleanup) }
        let v2 = context.work.appendingPathComponent("image-v2")
        let v2Profile = context.path("manifests/demo-host-2.0.0.profile.json")
        guard FileManager.default.fileExists(atPath: v2Profile) else { throw StepFailure("no v2 image from step 9") }
        let log = context.path("hosts/swtpm.log")
        try await boot(v2, profile: v2Profile, tpm: running.spec, log: log, label: "boot-swtpm")
        let a = try await attest(name: "swtpm-host", tpm: running.spec, log: log, extra: ["--state", context.path("hosts/swtpm-agent")])
        return (Self.describe(a) + " via \(running.spec)", a.status == "admitted")
    }
}
