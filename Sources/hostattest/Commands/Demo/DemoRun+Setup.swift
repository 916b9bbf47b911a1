import AttestCore
import AttestWire
import Foundation

/// Steps 1–5: the key chain, the signed sample image, its verification, its baseline, the server.
extension DemoRun {
    static let group = "demo"

    func keyChain() async throws -> (String, Bool) {
        try await context.must(["keys", "init", "--out", keys.path, "--organization", "hostattest demo run"], label: "keys-init")
        guard FileManager.default.fileExists(atPath: trust) else { throw StepFailure("keys init wrote no trust.json") }
        return ("made: \(keys.lastPathComponent)/ (platform, boot vendor, VIB, profile CAs)", true)
    }

    func signImage() async throws -> (String, Bool) {
        let images = DemoImages(context: context)
        var note = "the chain of step 1"
        let boot = try await images.bootImages(keys: keys, host: host)
        if boot.status != 0 {
            // No EFI toolchain: the committed unsigned bootloader carries the DEMO chain's vendor CA.
            let fallback = try await images.bootImages(keys: context.paths.demoKeys, host: host)
            guard fallback.status == 0 else { throw StepFailure("make-boot-images failed: \(boot.lastLine)") }
            keys = context.paths.demoKeys
            note = "the DEMO chain (no EFI toolchain: \(boot.lastLine))"
        }
        try await images.vibs(keys: keys, host: host)
        try await images.profile(host: host, version: "1.0.0", keys: keys, output: profile)
        return ("signed with \(note): bootx64.efi, kernel.efi, \(DemoImages.bootOrder.count) VIBs, profile 1.0.0", true)
    }

    func verifyImage() async throws -> (String, Bool) {
        let r = try await context.hostattest(["verify", "image", host.path, "--profile", profile, "--trust", trust, "--json"], label: "verify-image")
        return r.status == 0 ? ("verified", true) : ("refused (exit \(r.status)): \(Self.codes(r.text))", false)
    }

    func predictBaseline() async throws -> (String, Bool) {
        let label = try await predictAndSign(image: host, profile: profile, output: context.path("baselines/demo-host-1.0.0.json"))
        return ("\(label), signed by the profile signer", true)
    }

    /// `baseline predict` and `baseline sign`; the baseline's "name version".
    func predictAndSign(image: URL, profile: String, output: String) async throws -> String {
        try await context.must(["baseline", "predict", image.path, "--profile", profile, "--trust", trust, "-o", output], label: "baseline-predict")
        try await context.must(["baseline", "sign", output, "--key", keys.appendingPathComponent("profile-signer.key.pem").path,
                                "--cert", keys.appendingPathComponent("profile-signer.crt.pem").path,
                                "--chain", keys.appendingPathComponent("profile-ca.crt.pem").path], label: "baseline-sign")
        let baseline = try Baseline(jsonBytes: Array(try Data(contentsOf: URL(fileURLWithPath: output))))
        return baseline.label
    }

    func startServer() async throws -> (String, Bool) {
        // A swtpm for step 10 is manufactured first: the server trusts its local EK CA (--ek-ca).
        var ekCA: [String] = []
        if DemoSWTPM.tools() != nil {
            let sw = DemoSWTPM(folder: context.work.appendingPathComponent("swtpm"))
            let r = try await sw.manufacture(context.child)
            if r.status == 0 {
                swtpm = sw
                ekCA = sw.caCertificates.flatMap { ["--ek-ca", $0] }
            } else {
                progress("       swtpm_setup failed (exit \(r.status)): \(r.lastLine); step 10 will report it")
            }
        }
        var token = [UInt8](repeating: 0, count: 32)
        for i in token.indices { token[i] = UInt8.random(in: 0...255) }
        let adminToken = token.map { String(format: "%02x", $0) }.joined()
        let tokenFile = context.path("admin-token")
        FileManager.default.createFile(atPath: tokenFile, contents: Data(adminToken.utf8), attributes: [.posixPermissions: 0o600])
        let arguments = ["--db", "sqlite:" + context.path("attest.db"), "--baseline-trust", keys.appendingPathComponent("profile-ca.crt.pem").path,
                         "--allow-software-tpm", "--admin-token-file", tokenFile] + ekCA
        let server: DemoServer
        do {
            server = try await DemoServer.start(executable: context.paths.executable, arguments: arguments,
                                                log: context.work.appendingPathComponent("server.log"), adminToken: adminToken, cleanup: context.cleanup)
        } catch let e as DemoServer.StartFailed {
            throw DemoError.setup("cannot start the server (hostattest serve): \(e.description)")
        }
        self.server = server
        v1Baseline = try await upload(context.path("baselines/demo-host-1.0.0.json"))
        return ("listening on 127.0.0.1:\(server.port), /healthz ok, baseline 1.0.0 uploaded", true)
    }

    /// `POST /v1/baselines` (admin) of BASELINE and BASELINE.p7s for the demo group; the baseline's id.
    func upload(_ baseline: String) async throws -> String {
        guard let server else { throw StepFailure("no server") }
        let body = BaselineUpload(baseline: try Data(contentsOf: URL(fileURLWithPath: baseline)).base64EncodedString(),
                                  signature: try Data(contentsOf: URL(fileURLWithPath: baseline + ".p7s")).base64EncodedString(), group: Self.group)
        let (status, answer) = try await server.request(.post, "/v1/baselines", body: try JSONEncoder().encode(body), admin: true)
        guard status == 201, let view = try? JSONDecoder().decode(BaselineView.self, from: answer) else {
            throw StepFailure("uploading \(URL(fileURLWithPath: baseline).lastPathComponent): HTTP \(status) \(String(decoding: answer.prefix(200), as: UTF8.self))")
        }
        return view.id
    }

    /// The distinct `[code]`s or `"code"`s of a command's output, for a table cell.
    static func codes(_ text: String) -> String {
        var found: [String] = []
        for line in text.split(separator: "\n") {
            guard let r = line.range(of: "\"code\" : \"") else { continue }
            let code = String(line[r.upperBound...].prefix { $0 != "\"" })
            if !found.contains(code) { found.append(code) }
        }
        return found.isEmpty ? "no codes" : found.joined(separator: ", ")
    }
}
