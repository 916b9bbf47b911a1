import Foundation
import Testing
import TestSupport
import AttestCore
import AttestIO

/// `verify image` through the CLI on an image made in the test (test PKI, placeholder boot files).
/// The committed sample image and each refusal on it are in VerifyImageSampleTests.
@Suite struct VerifyImageTests {
    /// An image dir with three signed VIBs and placeholder boot files, and a signed profile made by hand.
    static func image(_ f: VIBCLIFixture) throws -> (dir: String, profile: String) {
        let dir = f.dir.file("image")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("vibs"), withIntermediateDirectories: true)
        for name in ["alpha", "bravo", "charlie"] {
            let vib = try f.vib(name: name)
            try FileManager.default.copyItem(atPath: vib, toPath: dir.appendingPathComponent("vibs/\(name).vib").path)
        }
        try Data("boot placeholder".utf8).write(to: dir.appendingPathComponent("bootx64.efi"))
        try Data("kernel placeholder".utf8).write(to: dir.appendingPathComponent("kernel.efi"))
        let cfg = Array("kernel=kernel.efi\nkernelopt=quiet\nmodules=vibs/alpha.vib --- vibs/bravo.vib --- vibs/charlie.vib\n".utf8)
        try Data(cfg).write(to: dir.appendingPathComponent("boot.cfg"))
        let profile = try ImageProfile.create(name: "t", version: "1", hostAcceptance: .partner,
                                              image: try ImageDirectory.open(dir.path), boot: PlaceholderBootVerifier())
        let path = f.dir.file("t.profile.json").path
        try Data(profile.encoded()).write(to: URL(fileURLWithPath: path))
        let s = try Run.hostattest(["profile", "sign", path, "--key", f.profileSigner.keyPath, "--cert", f.profileSigner.certPath, "--chain", f.profileCA.certPath])
        guard s.status == 0 else { throw CLIStepFailed(step: "profile sign", output: s.stderr) }
        return (dir.path, path)
    }

    @Test func reportsEveryComponentAndNeverPassesUnverifiedBootFiles() throws {
        let f = try VIBCLIFixture()
        let (dir, profile) = try Self.image(f)
        let r = try Run.hostattest(["verify", "image", dir, "--profile", profile, "--trust", f.trustPath, "--json"])
        let result = try JSONDecoder().decode(ImageVerification.self, from: r.stdoutBytes)
        #expect(result.components.map(\.kind) == ["profile", "bootloader", "boot-config", "kernel", "vib", "vib", "vib", "image"])
        #expect(result.components.filter { $0.kind == "vib" }.allSatisfy { $0.verdict == .verified }, "\(r.stdout)")
        #expect(result.components.first { $0.kind == "profile" }?.verdict == .verified)
        #expect(result.components.first { $0.kind == "boot-config" }?.verdict == .verified)
        // Placeholder boot files are never a pass: they are not PE images.
        #expect(r.status == 1)
        #expect(result.components.first { $0.kind == "bootloader" }?.verdict == .refused)
    }

    @Test func vibRefusalsAreListedWithTheirCodes() throws {
        let f = try VIBCLIFixture()
        let (dir, profile) = try Self.image(f)
        try FileManager.default.removeItem(atPath: "\(dir)/vibs/bravo.vib")
        try FileManager.default.removeItem(atPath: "\(dir)/vibs/charlie.vib")
        try FileManager.default.copyItem(atPath: try f.vib(level: "community", name: "delta", sign: false), toPath: "\(dir)/vibs/charlie.vib")
        let r = try Run.hostattest(["verify", "image", dir, "--profile", profile, "--trust", f.trustPath, "--json"])
        #expect(r.status == 1)
        for code in ["image.module-missing", "image.vib-name-mismatch", "image.module-digest-mismatch", "vib.acceptance-below-host"] {
            #expect(r.stdout.contains(code), "\(code)")
        }
        let text = try Run.hostattest(["verify", "image", dir, "--profile", profile, "--trust", f.trustPath])
        #expect(text.stdout.contains("REFUSED") && text.stdout.contains("✗ vib: delta"))
    }

    @Test func malformedInputsExitTwoNamingTheFile() throws {
        let f = try VIBCLIFixture()
        let (dir, profile) = try Self.image(f)
        let bad = "\(dir)/vibs/charlie.vib"
        try Data("!<arch>\ndescriptor.xml  0           0     0     0       99999     `\n<vib".utf8).write(to: URL(fileURLWithPath: bad))
        let r = try Run.hostattest(["verify", "image", dir, "--profile", profile, "--trust", f.trustPath])
        #expect(r.status == 2)
        #expect(r.stderr.contains("vibs/charlie.vib") && r.stderr.contains("past the end"), "\(r.stderr)")
        try Data("{\"format\": 1}".utf8).write(to: URL(fileURLWithPath: profile))
        let p = try Run.hostattest(["verify", "image", dir, "--profile", profile, "--trust", f.trustPath])
        #expect(p.status == 2 && p.stderr.contains(profile), "\(p.stderr)")
        let missing = try Run.hostattest(["verify", "image", f.dir.file("nope").path, "--profile", profile, "--trust", f.trustPath])
        #expect(missing.status == 2)
    }
}

/// Placeholder boot files are not PE images: their "Authenticode digest" is their SHA-256 here, so a
/// profile can be made for an image of placeholders (verification still refuses them).
struct PlaceholderBootVerifier: BootComponentVerifier {
    func authenticodeSHA256(of image: Data) throws -> [UInt8] { DigestAlgorithm.sha256.hash(image) }
    func verifyBootloader(_ image: Data, anchors: [X509Certificate], component: String) -> BootComponentVerification {
        UnavailableBootComponentVerifier().verifyBootloader(image, anchors: anchors, component: component)
    }
    func verifyKernel(_ image: Data, vendorCertificates: [X509Certificate], component: String) -> BootComponentVerification {
        UnavailableBootComponentVerifier().verifyKernel(image, vendorCertificates: vendorCertificates, component: component)
    }
}
