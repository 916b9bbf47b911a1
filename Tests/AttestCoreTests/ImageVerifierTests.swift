import Foundation
import Testing
@testable import AttestCore

/// A test double for the PE side: "verifies" a boot component when its bytes start with "GOOD",
/// reports the SHA-256 of the bytes as the Authenticode digest, and hands out a fixed vendor certificate.
struct StubBootVerifier: BootComponentVerifier {
    let vendor: X509Certificate
    func authenticodeSHA256(of image: Data) throws -> [UInt8] { DigestAlgorithm.sha256.hash(image) }
    func verifyBootloader(_ image: Data, anchors: [X509Certificate], component: String) -> BootComponentVerification {
        var r = VerificationReport()
        r.check(image.starts(with: Array("GOOD".utf8)), pass: "stub ok", fail: "authenticode.signature-invalid", "stub: bad bootloader", component: component)
        return BootComponentVerification(report: r, authenticodeSHA256: DigestAlgorithm.sha256.hash(image), vendorCertificate: vendor)
    }
    func verifyKernel(_ image: Data, vendorCertificates: [X509Certificate], component: String) -> BootComponentVerification {
        var r = VerificationReport()
        r.check(image.starts(with: Array("GOOD".utf8)) && vendorCertificates == [vendor], pass: "stub ok", fail: "authenticode.signature-invalid", "stub: bad kernel", component: component)
        return BootComponentVerification(report: r, authenticodeSHA256: DigestAlgorithm.sha256.hash(image))
    }
}

/// An image in memory: the bootloader, boot.cfg and the files it may load (path → bytes). By default
/// boot.cfg loads kernel.efi and `modules` in order; set `bootConfig` to freeze or change it.
struct MemoryImage {
    var bootloader = Data("GOOD bootloader".utf8)
    var files: [String: [UInt8]] = ["kernel.efi": Array("GOOD kernel".utf8)]
    var modules: [String] = []
    var bootConfig: [UInt8]? = nil
    /// Files present that nothing loads (for the unreferenced report).
    var others: [String] = []

    var generatedConfig: [UInt8] {
        Array("bootstate=0\ntitle=t\nkernel=kernel.efi\nkernelopt=quiet\nmodules=\(modules.joined(separator: " --- "))\n".utf8)
    }

    mutating func add(_ path: String, _ bytes: [UInt8]) { files[path] = bytes; modules.append(path) }

    var contents: ImageContents {
        let cfgBytes = bootConfig ?? generatedConfig
        let table = files
        var missing = Set<String>()
        if let cfg = try? BootConfig(bytes: cfgBytes) {
            for p in [cfg.kernelPath] + cfg.modulePaths where table[p] == nil { missing.insert(p) }
        }
        return ImageContents(bootloader: bootloader, bootConfig: cfgBytes, missing: missing, unreferenced: others.sorted()) { file in
            guard let b = table[file] else { throw ParseError(file, "no such file") }
            return Data(b)
        }
    }
}

@Suite struct ImageVerifierTests {
    struct Setup {
        var chain: VIBTestChain
        var image: MemoryImage
        var boot: StubBootVerifier
    }

    func setup() throws -> Setup {
        let chain = try VIBTestChain.get()
        var image = MemoryImage()
        image.add("vibs/a.vib", try chain.signedVIB(name: "a", level: .certified))
        image.add("vibs/b.vib", try chain.signedVIB(name: "b", level: .accepted))
        image.add("vibs/c.vib", try chain.signedVIB(name: "c", level: .partner))
        return Setup(chain: chain, image: image, boot: StubBootVerifier(vendor: try chain.cert(chain.root)))
    }

    func profile(for image: MemoryImage, boot: StubBootVerifier) throws -> ImageProfile {
        try ImageProfile.create(name: "t", version: "1", hostAcceptance: .partner, image: image.contents, boot: boot)
    }

    func signed(_ p: ImageProfile, _ chain: VIBTestChain) throws -> ([UInt8], [UInt8]) {
        let bytes = p.encoded()
        let signer = chain.profileSigner
        let sig = try DetachedCMS.sign(content: bytes, key: try chain.key(signer), certificate: try chain.cert(signer),
                                       chain: [try chain.cert(chain.profileCA)])
        return (bytes, Array(sig.utf8))
    }

    func run(_ s: Setup, image: MemoryImage? = nil, profile: ImageProfile? = nil, profileBytes: [UInt8]? = nil,
             signature: [UInt8]?? = nil, revoked: VIBRevocations = .none) throws -> ImageVerification {
        let p = try profile ?? self.profile(for: s.image, boot: s.boot)
        let (bytes, sig) = try signed(p, s.chain)
        return try ImageVerifier.verify(image: (image ?? s.image).contents, profileBytes: profileBytes ?? bytes,
                                        profileSignature: signature ?? sig, trust: try s.chain.trust(), revoked: revoked, boot: s.boot)
    }

    func codes(_ r: ImageVerification) -> Set<String> { Set(r.report.failures.map(\.code.rawValue)) }

    @Test func sampleImageVerifiesInBootOrder() throws {
        let r = try run(try setup())
        #expect(r.isValid, "\(r.report.failures)")
        #expect(r.components.map(\.kind) == ["profile", "bootloader", "boot-config", "kernel", "vib", "vib", "vib", "image"])
        #expect(r.components.allSatisfy { $0.verdict == .verified })
        #expect(r.notes.isEmpty)
    }

    @Test func missingModuleFile() throws {
        let s = try setup()
        var image = s.image; image.files["vibs/c.vib"] = nil
        #expect(codes(try run(s, image: image)) == ["image.module-missing"])
    }

    @Test func moduleAddedToBootConfig() throws {
        let s = try setup()
        var image = s.image; image.add("vibs/d.vib", try s.chain.signedVIB(name: "d"))
        #expect(codes(try run(s, image: image)) == ["image.digest-mismatch", "image.boot-config-mismatch", "image.module-unexpected"])
    }

    @Test func moduleDroppedFromBootConfig() throws {
        let s = try setup()
        var image = s.image; image.modules.removeLast()
        #expect(codes(try run(s, image: image)) == ["image.digest-mismatch", "image.boot-config-mismatch", "image.module-not-loaded"])
    }

    @Test func downgradeIsNamed() throws {
        let s = try setup()
        var newer = s.image; newer.files["vibs/c.vib"] = try s.chain.signedVIB(name: "c", version: "1.1.0-1", level: .partner)
        let profile = try self.profile(for: newer, boot: s.boot)
        #expect(codes(try run(s, profile: profile)) == ["vib.downgrade", "image.module-digest-mismatch"])
        #expect(codes(try run(s, image: newer)) == ["image.vib-version-mismatch", "image.module-digest-mismatch"])
    }

    @Test func sameVIBLoadedTwiceIsRefused() throws {
        let s = try setup()
        var image = s.image; image.add("vibs/c2.vib", image.files["vibs/c.vib"]!)
        #expect(throws: ImageInputError.self) { try self.profile(for: image, boot: s.boot) }
        let c = codes(try run(s, image: image))
        #expect(c.contains("image.vib-duplicate") && c.contains("image.module-unexpected"))
    }

    @Test func checksumMismatch() throws {
        let s = try setup()
        var image = s.image; image.files["vibs/a.vib"]![image.files["vibs/a.vib"]!.count - 3] ^= 1
        #expect(codes(try run(s, image: image)) == ["vib.checksum-mismatch", "image.module-digest-mismatch"])
    }

    @Test func resignedVIBIsCaughtByItsFileDigest() throws {
        // Same descriptor, a different (valid; ECDSA is randomised) signature: only the file digest tells.
        let s = try setup()
        let vib = try VIB(bytes: s.image.files["vibs/b.vib"]!)
        let signer = s.chain.signers[.accepted]!
        let sig = try DetachedCMS.sign(content: vib.descriptorBytes, key: try s.chain.key(signer), certificate: try s.chain.cert(signer),
                                       chain: [try s.chain.cert(s.chain.cas[.accepted]!)])
        var image = s.image; image.files["vibs/b.vib"] = try vib.replacingSignature(Array(sig.utf8))
        let r = try run(s, image: image)
        #expect(codes(r) == ["image.module-digest-mismatch"], "\(r.report.failures)")
    }

    @Test func revokedSigner() throws {
        let s = try setup()
        let signer = try s.chain.cert(s.chain.signers[.accepted]!)
        #expect(codes(try run(s, revoked: VIBRevocations(certificates: [signer]))) == ["vib.signer-revoked"])
    }

    @Test func unsignedVIBComponent() throws {
        let s = try setup()
        var image = s.image; image.files["vibs/b.vib"] = try VIBTestChain.unsignedVIB(name: "b", level: .accepted)
        let p = try profile(for: image, boot: s.boot)
        #expect(codes(try run(s, image: image, profile: p)) == ["vib.unsigned"])
    }

    @Test func communityVIBRefusedOnPartnerHost() throws {
        let s = try setup()
        var image = s.image; image.add("vibs/z.vib", try VIBTestChain.unsignedVIB(name: "z", level: .community))
        let p = try profile(for: image, boot: s.boot)
        #expect(codes(try run(s, image: image, profile: p)) == ["vib.acceptance-below-host"])
    }

    @Test func profileSignatureFailures() throws {
        let s = try setup()
        var bytes = try profile(for: s.image, boot: s.boot).encoded()
        let (_, sig) = try signed(try profile(for: s.image, boot: s.boot), s.chain)
        bytes.insert(0x20, at: 1)
        let tampered = try ImageVerifier.verify(image: s.image.contents, profileBytes: bytes, profileSignature: sig, trust: try s.chain.trust(), boot: s.boot)
        #expect(codes(tampered).contains("profile.signature-invalid"))
        #expect(codes(try run(s, signature: .some(nil))) == ["profile.unsigned"])
    }

    @Test func badBootloaderBreaksTheKernelChain() throws {
        let s = try setup()
        let p = try profile(for: s.image, boot: s.boot)
        var image = s.image; image.bootloader = Data("EVIL bootloader".utf8)
        let c = codes(try run(s, image: image, profile: p))
        #expect(c.contains("authenticode.signature-invalid") && c.contains("boot.chain-broken") && c.contains("image.digest-mismatch"))
    }

    @Test func bootConfigChangeIsRefused() throws {
        let s = try setup()
        let p = try profile(for: s.image, boot: s.boot)
        var image = s.image
        image.bootConfig = Array(String(decoding: image.generatedConfig, as: UTF8.self).replacingOccurrences(of: "kernelopt=quiet", with: "kernelopt=quiet init=/bin/sh").utf8)
        #expect(codes(try run(s, image: image, profile: p)) == ["image.digest-mismatch", "image.boot-config-mismatch"])
    }

    @Test func malformedVIBIsInputErrorNamingTheFile() throws {
        let s = try setup()
        var image = s.image; image.files["vibs/b.vib"] = Array(image.files["vibs/b.vib"]!.prefix(100))
        #expect { try run(s, image: image) } throws: { error in
            (error as? ImageInputError)?.file == "vibs/b.vib"
        }
    }

    @Test func unavailableBootVerifierNeverPasses() throws {
        let s = try setup()
        let (bytes, sig) = try signed(try profile(for: s.image, boot: s.boot), s.chain)
        let r = try ImageVerifier.verify(image: s.image.contents, profileBytes: bytes, profileSignature: sig, trust: try s.chain.trust(),
                                         boot: UnavailableBootComponentVerifier())
        #expect(!r.isValid)
        #expect(codes(r).contains("boot.verifier-unavailable"))
    }
}
