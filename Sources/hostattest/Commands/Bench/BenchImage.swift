import ArgumentParser
import AttestCore
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
        The generated image's boot files are placeholders: the figure is the VIB and profile part of the
        verifier (the boot components are a few MiB and not what scales).
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
        var meetsTarget: Bool
        var imageDir: String?
    }

    func validate() throws {
        guard vibs >= 1, vibs <= 10_000 else { throw ValidationError("--vibs must be 1...10000") }
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
        var entries: [(file: String, vib: VIB)] = []
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
            entries.append((file, try VIB(data: try Files.read(image.appendingPathComponent(file).path))))
            bar.update(i + 1)
        }
        bar.finish()

        // Placeholder boot files and a signed profile.
        let bootloader = Data("bench bootloader placeholder".utf8), kernel = Data("bench kernel placeholder".utf8)
        let bootConfig = Array("kernel=kernel.efi\nkernelopt=quiet\nmodules=kernel.efi\n".utf8)
        try bootloader.write(to: image.appendingPathComponent("bootx64.efi"))
        try kernel.write(to: image.appendingPathComponent("kernel.efi"))
        try Data(bootConfig).write(to: image.appendingPathComponent("boot.cfg"))
        let profile = try ImageProfile.create(
            name: "bench", version: "1", hostAcceptance: .partner,
            bootloader: ("bootx64.efi", bootloader, DigestAlgorithm.sha256.hash(bootloader)),
            kernel: ("kernel.efi", kernel, DigestAlgorithm.sha256.hash(kernel)),
            bootConfig: ("boot.cfg", bootConfig), vibs: entries)
        entries.removeAll()
        let profilePath = root.appendingPathComponent("bench.profile.json").path
        let profileBytes = profile.encoded()
        try Data(profileBytes).write(to: URL(fileURLWithPath: profilePath))
        try Data(try DetachedCMS.sign(content: profileBytes, key: key, certificate: cert).utf8).write(to: URL(fileURLWithPath: profilePath + ".p7s"))

        // Timed runs.
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let jsonOut = root.appendingPathComponent("verify.json").path
        var verifyBest = Double.infinity, sumBest = Double.infinity
        for _ in 0..<runs {
            verifyBest = min(verifyBest, try timed(me, ["verify", "image", image.path, "--profile", profilePath, "--trust", certPath, "--json"], stdout: jsonOut, okStatuses: [0, 1]))
        }
        let peakKiB = childPeakRSSKiB()
        for _ in 0..<runs {
            sumBest = min(sumBest, try timed(try resolve("sha256sum"), payloadFiles, stdout: "/dev/null", okStatuses: [0]))
        }
        let verification = try JSONDecoder().decode(ImageVerification.self, from: try Files.read(jsonOut))
        let verified = verification.components.filter { $0.kind == "vib" && $0.verdict == .verified }.count

        let mib = Double(payloadBytes) / 1_048_576
        let result = Result(vibs: vibs, payloadBytes: payloadBytes, cores: ProcessInfo.processInfo.activeProcessorCount,
                            verifySeconds: verifyBest, sha256sumSeconds: sumBest, ratio: verifyBest / sumBest,
                            verifyPeakRSSMiB: Double(peakKiB) / 1024, verifyThroughputMiBps: mib / verifyBest,
                            sha256sumThroughputMiBps: mib / sumBest, vibsVerified: verified,
                            meetsTarget: verifyBest <= sumBest && peakKiB < 128 * 1024 && verified == vibs,
                            imageDir: keep ? root.path : nil)
        try Output.emit(result, json: out.json) {
            """
            bench image: \(vibs) VIBs, \(String(format: "%.1f", mib)) MiB of payloads, \(result.cores) cores
              verify image:  \(String(format: "%.3f", verifyBest)) s (\(String(format: "%.0f", result.verifyThroughputMiBps)) MiB/s), peak RSS \(String(format: "%.1f", result.verifyPeakRSSMiB)) MiB, \(verified)/\(vibs) VIBs verified
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

    /// Wall time of one child process run, in seconds.
    private func timed(_ executable: String, _ args: [String], stdout: String, okStatuses: Set<Int32>) throws -> Double {
        if stdout != "/dev/null" { _ = FileManager.default.createFile(atPath: stdout, contents: nil) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.standardOutput = FileHandle(forWritingAtPath: stdout)
        p.standardError = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try p.run()
        p.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard okStatuses.contains(p.terminationStatus) else {
            throw CLIError("\(URL(fileURLWithPath: executable).lastPathComponent) exited \(p.terminationStatus)")
        }
        return seconds
    }

    /// Largest peak RSS of any waited-for child so far (KiB).
    private func childPeakRSSKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Int(usage.ru_maxrss)
    }
}
