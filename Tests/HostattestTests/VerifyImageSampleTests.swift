import AttestCore
import Foundation
import Testing
import TestSupport

/// `verify image` on the committed sample image (Images/demo-host, Manifests/demo-host.profile.json,
/// Keys/demo): it verifies, and each kind of tampering is refused (exit 1) with its own code.
@Suite struct VerifyImageSampleTests {
    static let root = Fixtures.packageRoot
    static let keys = root.appendingPathComponent("Keys/demo")
    static let trust = keys.appendingPathComponent("trust.json").path

    /// A writable copy of the sample image and its signed profile.
    final class Copy: @unchecked Sendable {
        let dir = TempDir("sample-image")
        var image: String { dir.file("image").path }
        var profile: String { dir.file("demo-host.profile.json").path }
        var trust = VerifyImageSampleTests.trust

        init() throws {
            let fm = FileManager.default
            try fm.createDirectory(atPath: image + "/vibs", withIntermediateDirectories: true)
            let src = VerifyImageSampleTests.root.appendingPathComponent("Images/demo-host")
            for f in ["bootx64.efi", "kernel.efi", "boot.cfg"] { try fm.copyItem(atPath: src.appendingPathComponent(f).path, toPath: "\(image)/\(f)") }
            for f in try fm.contentsOfDirectory(atPath: src.appendingPathComponent("vibs").path) where f.hasSuffix(".vib") {
                try fm.copyItem(atPath: src.appendingPathComponent("vibs/\(f)").path, toPath: "\(image)/vibs/\(f)")
            }
            let manifests = VerifyImageSampleTests.root.appendingPathComponent("Manifests")
            try fm.copyItem(atPath: manifests.appendingPathComponent("demo-host.profile.json").path, toPath: profile)
            try fm.copyItem(atPath: manifests.appendingPathComponent("demo-host.profile.json.p7s").path, toPath: profile + ".p7s")
        }

        func verify() throws -> (status: Int32, codes: Set<String>, stdout: String, stderr: String) {
            let r = try Run.hostattest(["verify", "image", image, "--profile", profile, "--trust", trust, "--json"])
            let codes = (try? JSONDecoder().decode(ImageVerification.self, from: r.stdoutBytes)).map { Set($0.report.failures.map(\.code.rawValue)) } ?? []
            return (r.status, codes, r.stdout, r.stderr)
        }

        /// Builds and signs (with the demo signer of `level`) a VIB from a sample descriptor with edits.
        func vib(from source: String, replacing edits: [(String, String)], level: String = "partner", to path: String) throws {
            let src = VerifyImageSampleTests.root.appendingPathComponent("Images/src/vibs/\(source)/descriptor.xml").path
            var xml = try String(contentsOfFile: src, encoding: .utf8)
            for (a, b) in edits { xml = xml.replacingOccurrences(of: a, with: b) }
            let descriptor = dir.file("\(source)-edited.xml").path
            try xml.write(toFile: descriptor, atomically: true, encoding: .utf8)
            let payloadName = xml.components(separatedBy: "<payload name=\"")[1].components(separatedBy: "\"")[0]
            let payload = dir.file(payloadName).path
            try Data(try Gzip.compress(Array("edited payload\n".utf8))).write(to: URL(fileURLWithPath: payload))
            let unsigned = dir.file("\(source)-unsigned.vib").path
            let b = try Run.hostattest(["vib", "build", "--descriptor", descriptor, "--payload", payload, "-o", unsigned])
            guard b.status == 0 else { throw CLIStepFailed(step: "vib build", output: b.stderr) }
            let k = VerifyImageSampleTests.keys
            let s = try Run.hostattest(["vib", "sign", unsigned, "--key", k.appendingPathComponent("vib-\(level)-signer.key.pem").path,
                                        "--cert", k.appendingPathComponent("vib-\(level)-signer.crt.pem").path,
                                        "--chain", k.appendingPathComponent("vib-\(level)-ca.crt.pem").path, "-o", path])
            guard s.status == 0 else { throw CLIStepFailed(step: "vib sign", output: s.stderr) }
        }

        /// Rewrites the copy's boot.cfg with `edit` applied to its text.
        func editBootConfig(_ edit: (String) -> String) throws {
            let path = image + "/boot.cfg"
            try edit(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        }

        /// A trust file like the demo one, plus a dbx text file.
        func trustWithDBX(_ dbx: String) throws {
            let k = VerifyImageSampleTests.keys.path
            try dbx.write(to: dir.file("dbx.txt"), atomically: true, encoding: .utf8)
            let json = """
            {"format": "hostattest-trust/1", "platform": ["\(k)/platform-root.crt.pem"], "bootVendor": ["\(k)/boot-vendor-ca.crt.pem"],
             "vib": {"root": ["\(k)/vib-root-ca.crt.pem"], "certified": ["\(k)/vib-certified-ca.crt.pem"],
                     "accepted": ["\(k)/vib-accepted-ca.crt.pem"], "partner": ["\(k)/vib-partner-ca.crt.pem"]},
             "profile": ["\(k)/profile-ca.crt.pem"], "dbx": ["dbx.txt"]}
            """
            try json.write(to: dir.file("trust.json"), atomically: true, encoding: .utf8)
            trust = dir.file("trust.json").path
        }
    }

    @Test func sampleImageVerifies() throws {
        let r = try Run.hostattest(["verify", "image", Self.root.appendingPathComponent("Images/demo-host").path,
                                    "--profile", Self.root.appendingPathComponent("Manifests/demo-host.profile.json").path, "--trust", Self.trust])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("VERIFIED"))
        let vibs = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Images/demo-host/vibs").path).filter { $0.hasSuffix(".vib") }
        #expect(vibs.count >= 5)
        var levels = Set<String>()
        for v in vibs {
            let info = try Run.hostattest(["vib", "info", Self.root.appendingPathComponent("Images/demo-host/vibs/\(v)").path, "--json"])
            for level in ["certified", "accepted", "partner"] where info.stdout.contains("\"acceptanceLevel\" : \"\(level)\"") { levels.insert(level) }
        }
        #expect(levels == ["certified", "accepted", "partner"])
    }

    @Test func profileCreateReproducesTheCommittedProfile() throws {
        let dir = TempDir("profile-create")
        let out = dir.file("p.json").path
        let r = try Run.hostattest(["profile", "create", Self.root.appendingPathComponent("Images/demo-host").path, "-o", out,
                                    "--name", "demo-host", "--version", "1.0.0", "--host-acceptance", "partner"])
        #expect(r.status == 0, "\(r.stderr)")
        let committed = try Data(contentsOf: Self.root.appendingPathComponent("Manifests/demo-host.profile.json"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == committed)
    }

    @Test func missingVIB() throws {
        let c = try Copy()
        try FileManager.default.removeItem(atPath: c.image + "/vibs/net-demo-nic.vib")
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["image.module-missing"], "\(r.codes)")
    }

    @Test func extraVIBThatNothingLoadsIsNoted() throws {
        let c = try Copy()
        try c.vib(from: "partner-agent-demo", replacing: [("<name>partner-agent-demo</name>", "<name>extra-demo</name>")], to: c.image + "/vibs/extra-demo.vib")
        let r = try c.verify()
        #expect(r.status == 0 && r.codes.isEmpty, "\(r.codes) \(r.stderr)")
        let result = try JSONDecoder().decode(ImageVerification.self, from: Data(r.stdout.utf8))
        #expect(result.notes.map(\.code) == ["image.file-unreferenced"] && result.notes.first?.component == "vibs/extra-demo.vib")
    }

    @Test func extraVIBAddedToBootConfig() throws {
        let c = try Copy()
        try c.vib(from: "partner-agent-demo", replacing: [("<name>partner-agent-demo</name>", "<name>extra-demo</name>")], to: c.image + "/vibs/extra-demo.vib")
        try c.editBootConfig { $0.replacingOccurrences(of: "vibs/partner-agent-demo.vib", with: "vibs/partner-agent-demo.vib --- vibs/extra-demo.vib") }
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["image.digest-mismatch", "image.boot-config-mismatch", "image.module-unexpected"], "\(r.codes) \(r.stderr)")
    }

    @Test func swappedVIBFilesAreRefusedNamingBoth() throws {
        let c = try Copy()
        let a = c.image + "/vibs/net-demo-nic.vib", b = c.image + "/vibs/storage-demo-hba.vib", t = c.image + "/vibs/tmp"
        try FileManager.default.moveItem(atPath: a, toPath: t)
        try FileManager.default.moveItem(atPath: b, toPath: a)
        try FileManager.default.moveItem(atPath: t, toPath: b)
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["image.vib-misplaced", "image.module-digest-mismatch"], "\(r.codes) \(r.stderr)")
        let text = try Run.hostattest(["verify", "image", c.image, "--profile", c.profile, "--trust", c.trust])
        let lines = text.stdout.split(separator: "\n").filter { $0.contains("[image.vib-misplaced]") }
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("vibs/net-demo-nic.vib") && $0.contains("vibs/storage-demo-hba.vib") }, "\(text.stdout)")
    }

    @Test func nonVIBModuleIsBoundAndReplacingItIsRefused() throws {
        let c = try Copy()
        try Data("feature flags v1\n".utf8).write(to: URL(fileURLWithPath: c.image + "/features.gz"))
        try c.editBootConfig { $0.replacingOccurrences(of: "modules=", with: "modules=features.gz --- ") }
        let create = try Run.hostattest(["profile", "create", c.image, "-o", c.profile, "--name", "demo-host"])
        #expect(create.status == 0, "\(create.stderr)")
        let profile = try ImageProfile(jsonBytes: Array(try Data(contentsOf: URL(fileURLWithPath: c.profile))))
        #expect(profile.modules.first?.path == "features.gz" && profile.modules.first?.kind == .file)
        let k = VerifyImageSampleTests.keys
        let sign = try Run.hostattest(["profile", "sign", c.profile, "--key", k.appendingPathComponent("profile-signer.key.pem").path,
                                       "--cert", k.appendingPathComponent("profile-signer.crt.pem").path,
                                       "--chain", k.appendingPathComponent("profile-ca.crt.pem").path, "-o", c.profile + ".p7s"])
        #expect(sign.status == 0, "\(sign.stderr)")
        #expect(try c.verify().status == 0)
        try Data("feature flags EVIL\n".utf8).write(to: URL(fileURLWithPath: c.image + "/features.gz"))
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["image.module-digest-mismatch"], "\(r.codes)")
    }

    @Test func downgradedVIB() throws {
        let c = try Copy()
        try c.vib(from: "storage-demo-hba", replacing: [("<version>3.1.0-", "<version>3.0.9-")], to: c.image + "/vibs/storage-demo-hba.vib")
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["vib.downgrade", "image.module-digest-mismatch"], "\(r.codes) \(r.stderr)")
    }

    @Test func vibCopiedOverAnother() throws {
        let c = try Copy()
        try FileManager.default.removeItem(atPath: c.image + "/vibs/partner-agent-demo.vib")
        try FileManager.default.copyItem(atPath: c.image + "/vibs/esx-ui-demo.vib", toPath: c.image + "/vibs/partner-agent-demo.vib")
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["image.vib-misplaced", "image.vib-duplicate", "image.module-digest-mismatch"], "\(r.codes)")
    }

    @Test func payloadChecksumMismatch() throws {
        let c = try Copy()
        let path = c.image + "/vibs/esx-base-demo.vib"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 12] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["vib.checksum-mismatch", "image.module-digest-mismatch"], "\(r.codes)")
    }

    @Test func unsignedVIB() throws {
        let c = try Copy()
        let path = c.image + "/vibs/net-demo-nic.vib"
        let stripped = try VIB(data: try Data(contentsOf: URL(fileURLWithPath: path))).replacingSignature([])
        try Data(stripped).write(to: URL(fileURLWithPath: path))
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["vib.unsigned", "image.module-digest-mismatch"], "\(r.codes)")
    }

    @Test func revokedVIBSigner() throws {
        let c = try Copy()
        try c.trustWithDBX(try String(contentsOf: Self.keys.appendingPathComponent("vib-accepted-signer.crt.pem"), encoding: .utf8))
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["vib.signer-revoked"], "\(r.codes) \(r.stderr)")
    }

    @Test func revokedProfileSigner() throws {
        let c = try Copy()
        try c.trustWithDBX(try String(contentsOf: Self.keys.appendingPathComponent("profile-signer.crt.pem"), encoding: .utf8))
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["profile.signer-revoked"], "\(r.codes) \(r.stderr)")
    }

    @Test func revokedBootloaderDigest() throws {
        let c = try Copy()
        let profile = try ImageProfile(jsonBytes: Array(try Data(contentsOf: URL(fileURLWithPath: c.profile))))
        try c.trustWithDBX("# revoked bootloader\n\(profile.bootloader.authenticodeSHA256)\n")
        let r = try c.verify()
        #expect(r.status == 1 && r.codes.contains("dbx.digest-revoked"), "\(r.codes) \(r.stderr)")
        #expect(r.codes.isSubset(of: ["dbx.digest-revoked", "boot.chain-broken"]), "\(r.codes)")
    }

    @Test func unsignedBootloader() throws {
        let c = try Copy()
        try FileManager.default.removeItem(atPath: c.image + "/bootx64.efi")
        try FileManager.default.copyItem(atPath: Self.root.appendingPathComponent("Images/demo-host/build/bootx64.unsigned.efi").path, toPath: c.image + "/bootx64.efi")
        let r = try c.verify()
        #expect(r.status == 1 && r.codes.contains("authenticode.unsigned"), "\(r.codes)")
    }

    @Test func tamperedProfileSignatureFails() throws {
        let c = try Copy()
        var text = try String(contentsOfFile: c.profile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"version\" : \"1.0.0\"", with: "\"version\" : \"1.0.1\"")
        try text.write(toFile: c.profile, atomically: true, encoding: .utf8)
        let r = try c.verify()
        #expect(r.status == 1 && r.codes.contains("profile.signature-invalid"), "\(r.codes)")
    }

    @Test func communityVIBIsRefusedOnThePartnerHost() throws {
        let c = try Copy()
        // The unsigned community build, added to the image.
        let src = Self.root.appendingPathComponent("Images/src/vibs/community-tools/descriptor.xml").path
        let payload = c.dir.file("ctools").path
        try Data(try Gzip.compress(Array("community\n".utf8))).write(to: URL(fileURLWithPath: payload))
        let out = c.image + "/vibs/community-tools.vib"
        #expect(try Run.hostattest(["vib", "build", "--descriptor", src, "--payload", payload, "-o", out]).status == 0)
        try c.editBootConfig { $0.replacingOccurrences(of: "vibs/partner-agent-demo.vib", with: "vibs/partner-agent-demo.vib --- vibs/community-tools.vib") }
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["vib.acceptance-below-host", "image.module-unexpected", "image.digest-mismatch", "image.boot-config-mismatch"], "\(r.codes)")
    }
}
