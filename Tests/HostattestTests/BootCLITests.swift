import AttestCore
import AttestIO
import Foundation
import Testing
import TestSupport

/// `hostattest boot` of the sample image (a copy of Images/demo-host with its signed profile and
/// Keys/demo): into a private swtpm and the software TPM, checked against tpm2_pcrread, the replay
/// of the log it writes, the prediction, tpm2_eventlog and quotes; tampered components in enforce
/// and measure-only mode.
@Suite struct BootCLITests {
    typealias Copy = VerifyImageSampleTests.Copy
    /// bank → PCR → lowercase hex.
    typealias PCRs = [String: [Int: String]]

    struct BootJSON: Decodable {
        struct Stop: Decodable { var kind: String; var path: String; var name: String; var failures: [Finding] }
        struct Component: Decodable { var kind: String; var path: String; var verdict: String; var failures: [Finding] }
        struct Event: Decodable { var pcr: Int; var type: String; var label: String }
        var completed: Bool
        var predicted: Bool
        var stoppedAt: Stop?
        var components: [Component]
        var events: [Event]
        var pcrs: [String: [String: String]]
        var pcrValues: PCRs { BootCLITests.ints(pcrs) }
    }

    static func ints(_ banks: [String: [String: String]]) -> PCRs {
        banks.mapValues { Dictionary(uniqueKeysWithValues: $0.map { (Int($0.key)!, $0.value.lowercased()) }) }
    }

    static func boot(_ c: Copy, _ extra: [String], log: String) throws -> (ProcessResult, BootJSON?) {
        let r = try Run.hostattest(["boot", c.image, "--profile", c.profile, "--trust", c.trust, "--eventlog", log, "--json"] + extra)
        return (r, try? JSONDecoder().decode(BootJSON.self, from: r.stdoutBytes))
    }

    static func replay(_ log: String) throws -> PCRs {
        struct Replay: Decodable { var banks: [String: [String: String]] }
        let r = try Run.hostattest(["eventlog", "replay", log, "--json"])
        #expect(r.status == 0, "replay: \(r.stderr)")
        return ints(try JSONDecoder().decode(Replay.self, from: r.stdoutBytes).banks)
    }

    /// The YAML of tpm2_pcrread, or the `pcrs:` summary of tpm2_eventlog: `  sha256:` then `    7 : 0xHEX`.
    static func parsePCRYAML(_ text: String, after marker: String? = nil) -> PCRs {
        var out: PCRs = [:]
        var bank: String? = nil
        var started = marker == nil
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if !started { started = raw.hasPrefix(marker!); continue }
            if line.hasSuffix(":"), !line.contains(" ") {
                bank = String(line.dropLast())
            } else if let bank, let colon = line.range(of: ":") {
                let index = line[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
                var value = line[colon.upperBound...].trimmingCharacters(in: .whitespaces).lowercased()
                if value.hasPrefix("0x") { value.removeFirst(2) }
                if let i = Int(index) { out[bank, default: [:]][i] = value }
            }
        }
        return out
    }

    /// The value of every PCR 0–23 a TPM holds after the log: the log's value, else the reset value.
    static func complete(_ replayed: [Int: String], size: Int) -> [Int: String] {
        var out: [Int: String] = [:]
        for pcr in 0..<24 { out[pcr] = replayed[pcr] ?? String(repeating: (17...22).contains(pcr) ? "ff" : "00", count: size) }
        return out
    }

    static let sizes = ["sha1": 20, "sha256": 32, "sha384": 48, "sha512": 64]
    static let quotedPCRs = "sha256:" + PCRMap.measured.map(String.init).joined(separator: ",")

    static func quoteAndCheck(tpm: String, log: String, dir: TempDir) throws {
        let q = try Run.hostattest(["quote", "--tpm", tpm, "--nonce", TPMCLITests.nonce, "--pcrs", quotedPCRs, "--out-dir", dir.path])
        #expect(q.status == 0, "quote: \(q.stderr)")
        try TPMCLITests.checkQuote(dir)
        let v = try Run.hostattest(["verify", "quote", "--ak", dir.file("ak.pub").path, "--msg", dir.file("quote.msg").path,
                                    "--sig", dir.file("quote.sig").path, "--pcrs", dir.file("quote.pcrs").path,
                                    "--nonce", TPMCLITests.nonce, "--eventlog", log])
        #expect(v.status == 0, "verify quote --eventlog: \(v.stdout) \(v.stderr)")
    }

    @Test func swtpmBootEqualsReplayPredictionAndQuotes() throws {
        let sw = try SWTPM()
        defer { sw.stop() }
        let c = try Copy()
        let log = c.dir.file("boot.log").path
        let (r, json) = try Self.boot(c, ["--tpm", sw.tcti], log: log)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let booted = try #require(json)
        #expect(booted.completed && !booted.predicted && booted.components.allSatisfy { $0.verdict == "verified" })

        let read = Self.parsePCRYAML(try sw.tool("tpm2_pcrread", [], in: c.dir.url).stdout)
        let replayed = try Self.replay(log)
        #expect(!read.isEmpty && Set(read.keys) == Set(replayed.keys), "\(read.keys) \(replayed.keys)")
        let banks = read.keys.sorted()
        let (p, predicted) = try Self.boot(c, ["--predict", "--banks", banks.joined(separator: ",")], log: c.dir.file("predicted.log").path)
        #expect(p.status == 0, "\(p.stderr)")
        for bank in banks {
            let size = try #require(Self.sizes[bank])
            #expect(read[bank] == Self.complete(replayed[bank] ?? [:], size: size), "tpm2_pcrread \(bank) differs from the replay")
            #expect(replayed[bank] == booted.pcrValues[bank], "boot output \(bank) differs from the replay")
            #expect(replayed[bank] == predicted?.pcrValues[bank], "prediction \(bank) differs from the replay")
        }
        #expect(Set(replayed["sha256"].map { Array($0.keys) } ?? []) == Set(PCRMap.measured))

        let parsed = try Run.process("tpm2_eventlog", [log], timeout: 60)
        #expect(parsed.status == 0, "tpm2_eventlog: \(parsed.stderr)")
        let summary = Self.parsePCRYAML(parsed.stdout, after: "pcrs:")
        for bank in banks { #expect(summary[bank] == replayed[bank], "tpm2_eventlog \(bank) summary differs from the replay") }

        try Self.quoteAndCheck(tpm: sw.tcti, log: log, dir: TempDir("boot-swtpm-quote"))

        // The TPM's PCRs are no longer at reset values: a second boot is refused, and writes no log.
        let again = c.dir.file("again.log").path
        let (refused, _) = try Self.boot(c, ["--tpm", sw.tcti], log: again)
        #expect(refused.status == 2 && refused.stderr.contains("boot.tpm-not-reset") && refused.stderr.contains(sw.tcti), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: again))
    }

    @Test func softBootEqualsReplayPredictionAndQuotes() throws {
        let c = try Copy()
        let tpm = "soft:\(c.dir.file("state/tpm.json").path)"
        // Extended before the boot: soft: is power-cycled by `boot`, so this does not count.
        #expect(try Run.hostattest(["tpm", "extend", "--tpm", tpm, "--pcr", "13", "--data", "left over"]).status == 0)
        let log = c.dir.file("boot.log").path
        let (r, json) = try Self.boot(c, ["--tpm", tpm], log: log)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let booted = try #require(json)
        let replayed = try Self.replay(log)
        let (_, predicted) = try Self.boot(c, ["--predict"], log: c.dir.file("predicted.log").path)
        struct Bank: Decodable { var algorithm: String; var pcrs: [String: String] }
        let read = try JSONDecoder().decode([Bank].self, from: try Run.hostattest(["tpm", "pcrread", "--tpm", tpm, "--json"]).stdoutBytes)
        #expect(!read.isEmpty)
        for bank in read {
            let size = try #require(Self.sizes[bank.algorithm])
            #expect(Self.ints([bank.algorithm: bank.pcrs])[bank.algorithm] == Self.complete(replayed[bank.algorithm] ?? [:], size: size))
            #expect(replayed[bank.algorithm] == booted.pcrValues[bank.algorithm])
            #expect(replayed[bank.algorithm] == predicted?.pcrValues[bank.algorithm])
        }
        try Self.quoteAndCheck(tpm: tpm, log: log, dir: TempDir("boot-soft-quote"))
        // A second boot power-cycles again and ends at the same PCRs.
        let (second, again) = try Self.boot(c, ["--tpm", tpm], log: c.dir.file("second.log").path)
        #expect(second.status == 0 && again?.pcrs == booted.pcrs)
        // The --pcrs-out baseline of a prediction is the same map.
        let baseline = c.dir.file("baseline.json").path
        #expect(try Self.boot(c, ["--predict", "--pcrs-out", baseline], log: c.dir.file("p2.log").path).0.status == 0)
        let written = try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: URL(fileURLWithPath: baseline)))
        #expect(written == predicted?.pcrs)
    }

    enum Tamper: String, CaseIterable, Sendable { case vib, kernel, bootloader }

    /// Flips a byte: in the payload of the first VIB, or in the middle of a code section of a PE.
    static func tamper(_ c: Copy, _ what: Tamper) throws -> (kind: MeasuredComponent.Kind, file: String) {
        let file = switch what { case .vib: "vibs/esx-base-demo.vib"; case .kernel: "kernel.efi"; case .bootloader: "bootx64.efi" }
        let path = c.image + "/" + file
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        if what == .vib {
            bytes[bytes.count - 12] ^= 0x01
        } else {
            let pe = try PEImage(bytes: bytes)
            let section = try #require(pe.sections.first { $0.sizeOfRawData > 64 && $0.name != PEImage.vendorCertificateSectionName })
            bytes[Int(section.pointerToRawData) + Int(section.sizeOfRawData) / 2] ^= 0x01
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (what == .vib ? .vib : what == .kernel ? .kernel : .bootloader, file)
    }

    @Test(arguments: Tamper.allCases)
    func tamperedComponent(_ what: Tamper) throws {
        let good = try Copy()
        let (g, goodBoot) = try Self.boot(good, ["--tpm", "soft:\(good.dir.file("tpm.json").path)", "--measure-only"], log: good.dir.file("good.log").path)
        #expect(g.status == 0, "\(g.stderr)")

        let c = try Copy()
        let (kind, file) = try Self.tamper(c, what)
        let tpm = "soft:\(c.dir.file("tpm.json").path)"

        // Enforce: stops at the component, exit 1, nothing from it on in the log.
        let enforceLog = c.dir.file("enforce.log").path
        let (e, enforced) = try Self.boot(c, ["--tpm", tpm], log: enforceLog)
        #expect(e.status == 1, "\(e.stdout) \(e.stderr)")
        let stop = try #require(enforced?.stoppedAt)
        #expect(stop.kind == kind.rawValue && stop.name.contains(what == .vib ? "esx-base-demo" : file) && !stop.failures.isEmpty, "\(stop)")
        let text = try Run.hostattest(["boot", c.image, "--profile", c.profile, "--trust", c.trust, "--eventlog", enforceLog, "--tpm", tpm])
        #expect(text.status == 1 && text.stdout.contains("STOPPED") && text.stdout.contains(what == .vib ? "esx-base-demo" : file), "\(text.stdout)")
        let touched = Set(try Self.replay(enforceLog)["sha256"].map { Array($0.keys) } ?? [])
        let expected: Set<Int> = switch what {
        case .bootloader: [0, 1, 2, 3, 4, 5, 6, 7]  // nothing of the bootloader, boot.cfg, kernel or modules
        case .kernel: [0, 1, 2, 3, 4, 5, 6, 7, 8]  // the bootloader and boot.cfg, not the kernel, options or modules
        case .vib: [0, 1, 2, 3, 4, 5, 6, 7, 8, 12]  // everything before the first module
        }
        #expect(touched == expected, "\(touched.sorted())")
        let images = enforced?.events.filter { $0.type == "EV_EFI_BOOT_SERVICES_APPLICATION" }.count ?? -1
        #expect(images == (what == .bootloader ? 0 : what == .kernel ? 1 : 2))

        // Measure-only: completes, and differs from the good boot exactly in the PCRs the map names.
        let (m, measured) = try Self.boot(c, ["--tpm", tpm, "--measure-only"], log: c.dir.file("measured.log").path)
        #expect(m.status == 0, "\(m.stdout) \(m.stderr)")
        let after = try #require(measured)
        #expect(after.completed && after.components.contains { $0.kind == kind.rawValue && !$0.failures.isEmpty })
        let goodPCRs = try #require(goodBoot).pcrValues
        for (bank, values) in after.pcrValues {
            let differ = Set(values.keys.filter { values[$0] != goodPCRs[bank]?[$0] })
            #expect(differ == Set(PCRMap.pcrs(affectedBy: kind)), "\(bank): \(differ.sorted())")
        }
        // The measured record of a failing module says so, in data its digests cover.
        if what == .vib {
            let log = try EventLog(bytes: Array(try Data(contentsOf: c.dir.file("measured.log"))))
            let records = log.events.compactMap { $0.verifiedData.flatMap { MeasurementRecord(coveredData: $0.bytes) } }
            let record = try #require(records.first { $0.name == "esx-base-demo" })
            #expect(record.verdict.hasPrefix("refused: ") && record.verdict.contains("vib.checksum-mismatch"), "\(record.verdict)")
            #expect(records.filter { $0.kind == "vib" && $0.name != "esx-base-demo" }.allSatisfy { $0.verdict == "verified" })
        }
    }

    static func demoTrust() throws -> TrustAnchors {
        func certs(_ name: String) throws -> [X509Certificate] {
            try X509Certificate.load(Array(try Data(contentsOf: VerifyImageSampleTests.keys.appendingPathComponent(name))))
        }
        var levels: [AcceptanceLevel: [X509Certificate]] = [:]
        for level in ["certified", "accepted", "partner"] { levels[AcceptanceLevel(rawValue: level)!] = try certs("vib-\(level)-ca.crt.pem") }
        return TrustAnchors(platform: try certs("platform-root.crt.pem"), bootVendor: try certs("boot-vendor-ca.crt.pem"),
                            vibRoot: try certs("vib-root-ca.crt.pem"), vibLevels: levels, profile: try certs("profile-ca.crt.pem"))
    }

    static let profileURL = Fixtures.packageRoot.appendingPathComponent("Manifests/demo-host.profile.json")

    static func verifyDemo(_ image: ImageContents) throws -> ImageVerification {
        try ImageVerifier.verify(image: image, profileBytes: Array(try Data(contentsOf: profileURL)),
                                 profileSignature: Array(try Data(contentsOf: URL(fileURLWithPath: profileURL.path + ".p7s"))),
                                 trust: try demoTrust(), boot: AuthenticodeBootVerifier(dbx: .empty))
    }

    /// The adapter: components in boot order with the authorities that verified them and digests in every bank.
    @Test func componentsInBootOrderWithAuthorities() throws {
        let image = try ImageDirectory.open(Fixtures.packageRoot.appendingPathComponent("Images/demo-host").path)
        let profileBytes = Array(try Data(contentsOf: Self.profileURL))
        let trust = try Self.demoTrust()
        let v = try Self.verifyDemo(image)
        #expect(v.isValid)
        let components = try MeasuredComponents.components(image: image, verification: v)
        #expect(components.map(\.kind) == [.bootloader, .bootConfig, .kernel, .kernelOptions, .vib, .vib, .vib, .vib, .vib])
        #expect(components.allSatisfy { $0.verified })
        let profile = try ImageProfile(jsonBytes: profileBytes)
        #expect(components[0].authority == trust.platform.first && components[0].authority != nil)
        #expect(components[2].authority == trust.bootVendor.first && components[2].authority != nil)
        #expect(components[0].authenticode[.sha256]?.hex == profile.bootloader.authenticodeSHA256)
        #expect(components[2].authenticode[.sha256]?.hex == profile.kernel.authenticodeSHA256)
        #expect(components[0].authenticode.keys.sorted { $0.rawValue < $1.rawValue } == [.sha1, .sha256, .sha384, .sha512])
        #expect(components[3].value == "autoPartition=FALSE hostattest.demo=1")
        #expect(components.compactMap(\.vib?.name) == profile.modules.compactMap(\.vib?.name))
        #expect(components.compactMap(\.vib?.descriptorSHA256.hex) == profile.modules.compactMap(\.vib?.descriptorSHA256))
        #expect(components.dropFirst(4).map(\.sha256?.hex) == profile.modules.map(\.sha256))
        let p = MeasuredComponents.profile(verification: v, profileBytes: profileBytes)
        #expect(p.name == profile.name && p.failures.isEmpty && p.hostAcceptance == profile.hostAcceptance.rawValue)
    }

    final class LoadCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func next(_ path: String) -> Int { lock.lock(); defer { lock.unlock() }; counts[path, default: 0] += 1; return counts[path]! }
    }

    /// A kernel swapped between its verification and its measurement is not measured (TOCTOU).
    @Test func kernelChangedAfterVerificationIsRefused() throws {
        let real = try ImageDirectory.open(Fixtures.packageRoot.appendingPathComponent("Images/demo-host").path)
        let counter = LoadCounter()
        let image = ImageContents(bootloader: real.bootloader, bootConfig: real.bootConfig, missing: real.missing,
                                  unreferenced: real.unreferenced) { path in
            let data = try real.load(path)
            guard path == "kernel.efi", counter.next(path) > 1 else { return data }
            var bytes = [UInt8](data)  // a copy: the loaded Data maps the file read-only
            bytes[bytes.count / 2] ^= 0x01
            return Data(bytes)
        }
        let v = try Self.verifyDemo(image)
        #expect(v.isValid)
        do {
            _ = try MeasuredComponents.components(image: image, verification: v)
            Issue.record("a changed kernel was measured")
        } catch let e as ImageInputError {
            #expect(e.code == "boot.image-changed" && e.file == "kernel.efi", "\(e)")
        }
    }

    /// An unsigned profile: enforce stops before the first component; measure-only measures its verdict in PCR 7 only.
    @Test func unsignedProfile() throws {
        let good = try Copy()
        let (_, goodBoot) = try Self.boot(good, ["--predict", "--measure-only"], log: good.dir.file("good.log").path)
        let c = try Copy()
        try FileManager.default.removeItem(atPath: c.profile + ".p7s")
        let log = c.dir.file("enforce.log").path
        let (e, enforced) = try Self.boot(c, ["--tpm", "soft:\(c.dir.file("tpm.json").path)"], log: log)
        #expect(e.status == 1, "\(e.stderr)")
        #expect(enforced?.stoppedAt?.failures.map(\.code) == ["profile.unsigned"], "\(e.stdout)")
        #expect(enforced?.events.contains { $0.type == "EV_EFI_BOOT_SERVICES_APPLICATION" || $0.type == "EV_IPL" } == false)
        let (m, measured) = try Self.boot(c, ["--predict", "--measure-only"], log: c.dir.file("measured.log").path)
        #expect(m.status == 0, "\(m.stderr)")
        let goodPCRs = try #require(goodBoot).pcrValues
        for (bank, values) in try #require(measured).pcrValues {
            #expect(Set(values.keys.filter { values[$0] != goodPCRs[bank]?[$0] }) == [PCRMap.secureBootPolicy], "\(bank)")
        }
    }

    /// Bad input: exit 2 naming the file; bad option combinations refused.
    @Test func refusals() throws {
        let c = try Copy()
        let log = c.dir.file("x.log").path
        try FileManager.default.removeItem(atPath: c.image + "/kernel.efi")
        try FileManager.default.createSymbolicLink(atPath: c.image + "/kernel.efi", withDestinationPath: "/etc/passwd")
        let (r, _) = try Self.boot(c, ["--predict"], log: log)
        #expect(r.status == 2 && r.stderr.contains("kernel.efi"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: log))
        let d = try Copy()
        let (banks, _) = try Self.boot(d, ["--tpm", "soft:\(d.dir.file("t.json").path)", "--banks", "sha256"], log: log)
        #expect(banks.status == 2)
        let (unknown, _) = try Self.boot(d, ["--predict", "--banks", "md5"], log: log)
        #expect(unknown.status == 2)
        let port = try #require(FreePort.pair())
        let (unreachable, _) = try Self.boot(d, ["--tpm", "swtpm:host=127.0.0.1,port=\(port)"], log: log)
        #expect(unreachable.status == 2 && unreachable.stderr.contains("tpm.unreachable"), "\(unreachable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: log))
        try FileManager.default.removeItem(atPath: d.profile)
        let (missing, _) = try Self.boot(d, ["--predict"], log: log)
        #expect(missing.status == 2 && missing.stderr.contains("demo-host.profile.json"), "\(missing.stderr)")
    }
}
