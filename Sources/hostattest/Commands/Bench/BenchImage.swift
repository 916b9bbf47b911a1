import ArgumentParser
import AttestCore
import AttestIO
import Foundation

/// `hostattest bench image`: generates a host image of many VIBs (self-generated keys, in a temp
/// dir), runs `hostattest verify image` on it as a child process, and compares its wall time with
/// `sha256sum` over the same payload files. Reports both times, the ratio and the verifier's peak RSS.
struct BenchImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Benchmark `verify image` on a generated image against sha256sum over its payloads.",
        discussion: """
        The target: verify image (without --deep) takes at most the wall time of sha256sum over the same
        payload files, with peak RSS under 128 MiB. Build with -c release for meaningful figures.
        The generated image is complete: a bootloader carrying a vendor certificate, a kernel, boot.cfg,
        the VIBs (signed at mixed levels) and a signed profile; all signed with one self-generated key.
        """)

    @Option(name: .long, help: "Number of VIBs.") var vibs: Int = 300
    @Option(name: .long, help: "Total payload size in MiB.") var totalMib: Int = 1024
    @Option(name: .long, help: "Timed runs of each side (the best is reported).") var runs: Int = 2
    @Flag(name: .long, help: "Keep the generated image and print its path.") var keep = false
    @OptionGroup var out: OutputOptions

    struct Result: Encodable {
        var vibs: Int
        var payloadBytes: Int
        var cores: Int
        var verifySeconds: Double
        var sha256sumSeconds: Double
        /// verify / sha256sum: at most 1.0 meets the target.
        var ratio: Double
        var verifyPeakRSSMiB: Double
        var verifyThroughputMiBps: Double
        var sha256sumThroughputMiBps: Double
        var vibsVerified: Int
        /// The whole image (boot chain, VIBs, profile) verified.
        var imageVerified: Bool
        var meetsTarget: Bool
        var imageDir: String?
    }

    func validate() throws {
        guard vibs >= 1, vibs <= BootConfig.maxModules else { throw ValidationError("--vibs must be 1...\(BootConfig.maxModules) (boot.cfg loads at most \(BootConfig.maxModules) modules)") }
        guard totalMib >= 1, totalMib <= 16_384 else { throw ValidationError("--total-mib must be 1...16384") }
        guard runs >= 1, runs <= 10 else { throw ValidationError("--runs must be 1...10") }
    }

    func run() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hostattest-bench-image-\(UUID().uuidString)")
        let image = root.appendingPathComponent("image"), payloads = root.appendingPathComponent("payloads")
        try FileManager.default.createDirectory(at: image.appendingPathComponent("vibs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: payloads, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }

        // Keys: one self-signed CA that signs the VIBs and the profile and is the bare --trust anchor.
        let keyPath = root.appendingPathComponent("bench.key.pem").path, certPath = root.appendingPathComponent("bench.crt.pem").path
        try tool("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", keyPath, "-out", certPath, "-subj", "/CN=hostattest bench signer", "-days", "30",
                             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,digitalSignature"])
        let key = try SigningKey(pemEncoded: try Files.readBytes(keyPath))
        let cert = try X509Certificate.load(try Files.readBytes(certPath))[0]

        // VIBs with pseudo-random (incompressible) payloads, stored gzip (level 0).
        let bar = ProgressBar(total: vibs, label: "generating")
        let perVIB = max(1, totalMib * 1024 * 1024 / vibs)
        var generator: UInt64 = 0x5EED_1234_ABCD_0001
        var files: [String] = []
        var payloadFiles: [String] = []
        var payloadBytes = 0
        let levels: [AcceptanceLevel] = [.certified, .accepted, .partner]
        for i in 0..<vibs {
            var raw = [UInt8](repeating: 0, count: perVIB)
            raw.withUnsafeMutableBytes { buf in
                let words = buf.count / 8
                let p = buf.baseAddress!.bindMemory(to: UInt64.self, capacity: words)
                for w in 0..<words {
                    generator ^= generator << 13; generator ^= generator >> 7; generator ^= generator << 17
                    p[w] = generator
                }
            }
            let gz = try Gzip.compress(raw, level: 0)
            let name = String(format: "bench-%04d", i)
            let descriptor = """
            <vib version="5.0"><type>bootbank</type><name>\(name)</name><version>1.0.0-\(i)</version><vendor>hostattest bench</vendor>
            <summary>bench payload \(i)</summary><description>generated</description><release-date>2026-01-01T00:00:00+00:00</release-date>
            <relationships><depends/><conflicts/><replaces/></relationships><acceptance-level>\(levels[i % 3])</acceptance-level>
            <live-install-allowed>false</live-install-allowed><live-remove-allowed>false</live-remove-allowed>
            <payloads><payload name="p\(i % 10_000)" type="vgz"/></payloads></vib>
            """
            let built = try VIBBuilder.build(descriptor: Array(descriptor.utf8), payloads: [.init(name: "p\(i % 10_000)", bytes: gz)])
            let signed = try VIBSigner.sign(try VIB(bytes: built.vib), key: key, certificate: cert)
            let file = "vibs/\(name).vib"
            try Data(signed).write(to: image.appendingPathComponent(file))
            let payloadPath = payloads.appendingPathComponent("\(name).vgz").path
            try Data(gz).write(to: URL(fileURLWithPath: payloadPath))
            payloadFiles.append(payloadPath)
            payloadBytes += gz.count
            files.append(file)
            bar.update(i + 1)
        }
        bar.finish()

        // Signed boot files: a bootloader carrying the bench certificate as its vendor certificate,
        // and a kernel signed with it (minimal synthesized PE32+ images).
        let signer = try AuthenticodeSigner(key: key, certificate: cert)
        let code = [UInt8](repeating: 0xC3, count: 4096)
        let bootloader = try signer.sign(try PEImage(bytes: PESynthesizer.image(sections: [(".text", code), (PEImage.vendorCertificateSectionName, cert.derEncoded)])))
        let kernel = try signer.sign(try PEImage(bytes: PESynthesizer.image(sections: [(".text", code)])))
        let bootConfig = Array("kernel=kernel.efi\nkernelopt=quiet\nmodules=\(files.joined(separator: " --- "))\n".utf8)
        try bootloader.write(to: image.appendingPathComponent("bootx64.efi"))
        try kernel.write(to: image.appendingPathComponent("kernel.efi"))
        try Data(bootConfig).write(to: image.appendingPathComponent("boot.cfg"))
        // The profile maps each VIB in turn and releases it (this process's peak RSS bounds the figure
        // wait4 reports for its children).
        let profile = try ImageProfile.create(name: "bench", version: "1", hostAcceptance: .partner,
                                              image: try ImageDirectory.open(image.path), boot: AuthenticodeBootVerifier(dbx: DenyList(digests: [], certificates: [])))
        let profilePath = root.appendingPathComponent("bench.profile.json").path
        let profileBytes = profile.encoded()
        try Data(profileBytes).write(to: URL(fileURLWithPath: profilePath))
        try Data(try DetachedCMS.sign(content: profileBytes, key: key, certificate: cert).utf8).write(to: URL(fileURLWithPath: profilePath + ".p7s"))

        // Timed runs.
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let jsonOut = root.appendingPathComponent("verify.json").path
        var verifyBest = Double.infinity, sumBest = Double.infinity, peakKiB = 0
        for _ in 0..<runs {
            let r = try timed(me, ["verify", "image", image.path, "--profile", profilePath, "--trust", certPath, "--json"], stdout: jsonOut, okStatuses: [0, 1])
            verifyBest = min(verifyBest, r.seconds)
            peakKiB = max(peakKiB, r.peakKiB)
        }
        for _ in 0..<runs {
            sumBest = min(sumBest, try timed(try resolve("sha256sum"), payloadFiles, stdout: "/dev/null", okStatuses: [0]).seconds)
        }
        let verification = try JSONDecoder().decode(ImageVerification.self, from: try Files.read(jsonOut))
        let verified = verification.components.filter { $0.kind == "vib" && $0.verdict == .verified }.count

        let mib = Double(payloadBytes) / 1_048_576
        let result = Result(vibs: vibs, payloadBytes: payloadBytes, cores: ProcessInfo.processInfo.activeProcessorCount,
                            verifySeconds: verifyBest, sha256sumSeconds: sumBest, ratio: verifyBest / sumBest,
                            verifyPeakRSSMiB: Double(peakKiB) / 1024, verifyThroughputMiBps: mib / verifyBest,
                            sha256sumThroughputMiBps: mib / sumBest, vibsVerified: verified, imageVerified: verification.isValid,
                            meetsTarget: verifyBest <= sumBest && peakKiB < 128 * 1024 && verification.isValid,
                            imageDir: keep ? root.path : nil)
        try Output.emit(result, json: out.json) {
            """
            bench image: \(vibs) VIBs, \(String(format: "%.1f", mib)) MiB of payloads, \(result.cores) cores
              verify image:  \(String(format: "%.3f", verifyBest)) s (\(String(format: "%.0f", result.verifyThroughputMiBps)) MiB/s), peak RSS \(String(format: "%.1f", result.verifyPeakRSSMiB)) MiB, \(verified)/\(vibs) VIBs verified, image \(verification.isValid ? "verified" : "REFUSED")
              sha256sum:     \(String(format: "%.3f", sumBest)) s (\(String(format: "%.0f", result.sha256sumThroughputMiBps)) MiB/s)
              ratio verify/sha256sum: \(String(format: "%.2f", result.ratio)) (target ≤ 1.00, RSS < 128 MiB): \(result.meetsTarget ? "met" : "NOT met")\(keep ? "\n  image kept at \(root.path)" : "")
            """
        }
    }

    private func resolve(_ tool: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw CLIError("\(tool) is not installed")
    }

    private func tool(_ name: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try resolve(name))
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CLIError("\(name) \(args.prefix(3).joined(separator: " ")) … failed (\(p.terminationStatus))") }
    }

    /// Runs a child with posix_spawn and returns its wall time in seconds and its peak RSS in KiB
    /// (wait4's ru_maxrss). Linux folds the spawning process's own RSS high-water mark into the child's
    /// at exec, so the figure is an upper bound: this process keeps its own footprint small.
    private func timed(_ executable: String, _ args: [String], stdout: String, okStatuses: Set<Int32>) throws -> (seconds: Double, peakKiB: Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw CLIError("cannot run \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited, okStatuses.contains(code) else {
            throw CLIError("\(URL(fileURLWithPath: executable).lastPathComponent) failed (wait status \(status))")
        }
        return (seconds, Int(usage.ru_maxrss))
    }

}
