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
        r.check(image.starts(with: Array("GOOD".utf8)), pass: "stub ok", fail: "authenticode.invalid", "stub: bad bootloader", component: component)
        return BootComponentVerification(report: r, authenticodeSHA256: DigestAlgorithm.sha256.hash(image), vendorCertificate: vendor)
    }
    func verifyKernel(_ image: Data, vendorCertificates: [X509Certificate], component: String) -> BootComponentVerification {
        var r = VerificationReport()
        r.check(image.starts(with: Array("GOOD".utf8)) && vendorCertificates == [vendor], pass: "stub ok", fail: "authenticode.invalid", "stub: bad kernel", component: component)
        return BootComponentVerification(report: r, authenticodeSHA256: DigestAlgorithm.sha256.hash(image))
    }
}

/// An image in memory: file name → bytes.
struct MemoryImage {
    var bootloader = Data("GOOD bootloader".utf8)
    var kernel = Data("GOOD kernel".utf8)
    var bootConfig = Array("kernel=kernel.efi\nkernelopt=quiet\nmodules=kernel.efi\n".utf8)
    var vibs: [(String, [UInt8])] = []

    var contents: ImageContents {
        let table = Dictionary(vibs.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        return ImageContents(bootloader: bootloader, kernel: kernel, bootConfig: bootConfig, vibFiles: vibs.map(\.0)) { file in
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
        image.vibs = [
            ("vibs/a.vib", try chain.signedVIB(name: "a", level: .certified)),
            ("vibs/b.vib", try chain.signedVIB(name: "b", level: .accepted)),
            ("vibs/c.vib", try chain.signedVIB(name: "c", level: .partner)),
        ]
        return Setup(chain: chain, image: image, boot: StubBootVerifier(vendor: try chain.cert(chain.root)))
    }

    func profile(for image: MemoryImage, boot: StubBootVerifier) throws -> ImageProfile {
        try ImageProfile.create(name: "t", version: "1", hostAcceptance: .partner,
                                bootloader: ("bootx64.efi", image.bootloader, try boot.authenticodeSHA256(of: image.bootloader)),
                                kernel: ("kernel.efi", image.kernel, try boot.authenticodeSHA256(of: image.kernel)),
                                bootConfig: ("boot.cfg", image.bootConfig),
                                vibs: try image.vibs.map { ($0.0, try VIB(bytes: $0.1)) })
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

    func codes(_ r: ImageVerification) -> Set<String> { Set(r.report.failures.map(\.code)) }

    @Test func sampleImageVerifiesInBootOrder() throws {
        let r = try run(try setup())
        #expect(r.isValid, "\(r.report.failures)")
        #expect(r.components.map(\.kind) == ["profile", "bootloader", "kernel", "boot-config", "vib", "vib", "vib", "image"])
        #expect(r.components.allSatisfy { $0.verdict == .verified })
    }

    @Test func missingVIB() throws {
        let s = try setup()
        var image = s.image; image.vibs.removeLast()
        #expect(codes(try run(s, image: image)) == ["image.vib-missing"])
    }

    @Test func extraVIB() throws {
        let s = try setup()
        var image = s.image; image.vibs.append(("vibs/d.vib", try s.chain.signedVIB(name: "d")))
        #expect(codes(try run(s, image: image)) == ["image.vib-unexpected"])
    }

    @Test func downgradeIsNamed() throws {
        let s = try setup()
        var newer = s.image; newer.vibs[2] = ("vibs/c.vib", try s.chain.signedVIB(name: "c", version: "1.1.0-1", level: .partner))
        let profile = try self.profile(for: newer, boot: s.boot)
        #expect(codes(try run(s, profile: profile)) == ["vib.downgrade"])
        let r = try run(s, image: newer)
        #expect(codes(r) == ["image.vib-version-mismatch"])
    }

    @Test func duplicateVIBName() throws {
        let s = try setup()
        var image = s.image; image.vibs.append(("vibs/c2.vib", image.vibs[2].1))
        #expect(codes(try run(s, image: image)).contains("image.vib-duplicate"))
    }

    @Test func checksumMismatch() throws {
        let s = try setup()
        var image = s.image; image.vibs[0].1[image.vibs[0].1.count - 3] ^= 1
        #expect(codes(try run(s, image: image)) == ["vib.checksum-mismatch"])
    }

    @Test func revokedSigner() throws {
        let s = try setup()
        let signer = try s.chain.cert(s.chain.signers[.accepted]!)
        #expect(codes(try run(s, revoked: VIBRevocations(certificates: [signer]))) == ["vib.signer-revoked"])
    }

    @Test func unsignedVIBComponent() throws {
        let s = try setup()
        var image = s.image; image.vibs[1] = ("vibs/b.vib", try VIBTestChain.unsignedVIB(name: "b", level: .accepted))
        let p = try profile(for: image, boot: s.boot)
        #expect(codes(try run(s, image: image, profile: p)) == ["vib.unsigned"])
    }

    @Test func communityVIBRefusedOnPartnerHost() throws {
        let s = try setup()
        var image = s.image; image.vibs.append(("vibs/z.vib", try VIBTestChain.unsignedVIB(name: "z", level: .community)))
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
        #expect(c.contains("authenticode.invalid") && c.contains("boot.chain-broken") && c.contains("image.digest-mismatch"))
    }

    @Test func bootConfigChangeIsRefused() throws {
        let s = try setup()
        let p = try profile(for: s.image, boot: s.boot)
        var image = s.image; image.bootConfig = Array("kernel=kernel.efi\nkernelopt=quiet init=/bin/sh\nmodules=kernel.efi\n".utf8)
        let c = codes(try run(s, image: image, profile: p))
        #expect(c == ["image.digest-mismatch", "image.boot-config-mismatch"])
    }

    @Test func malformedVIBIsInputErrorNamingTheFile() throws {
        let s = try setup()
        var image = s.image; image.vibs[1].1 = Array(image.vibs[1].1.prefix(100))
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

@Suite struct ImageBootOrderTests {
    @Test func profileFollowsTheModuleOrderAndMissingModulesAreRefused() throws {
        let chain = try VIBTestChain.get()
        var image = MemoryImage()
        image.bootConfig = Array("kernel=kernel.efi\nkernelopt=quiet\nmodules=vibs/c.vib --- vibs/a.vib\n".utf8)
        image.vibs = [("vibs/a.vib", try chain.signedVIB(name: "a")), ("vibs/b.vib", try chain.signedVIB(name: "b")),
                      ("vibs/c.vib", try chain.signedVIB(name: "c"))]
        let boot = StubBootVerifier(vendor: try chain.cert(chain.root))
        let p = try ImageProfile.create(name: "t", version: "1", hostAcceptance: .partner,
                                        bootloader: ("bootx64.efi", image.bootloader, try boot.authenticodeSHA256(of: image.bootloader)),
                                        kernel: ("kernel.efi", image.kernel, try boot.authenticodeSHA256(of: image.kernel)),
                                        bootConfig: ("boot.cfg", image.bootConfig), vibs: try image.vibs.map { ($0.0, try VIB(bytes: $0.1)) })
        #expect(p.vibs.map(\.name) == ["c", "a", "b"])
        let bytes = p.encoded()
        let signer = chain.profileSigner
        let sig = Array(try DetachedCMS.sign(content: bytes, key: try chain.key(signer), certificate: try chain.cert(signer),
                                             chain: [try chain.cert(chain.profileCA)]).utf8)
        let ok = try ImageVerifier.verify(image: image.contents, profileBytes: bytes, profileSignature: sig, trust: try chain.trust(), boot: boot)
        #expect(ok.isValid, "\(ok.report.failures)")
        #expect(ok.components.filter { $0.kind == "vib" }.map(\.name) == ["c (vibs/c.vib)", "a (vibs/a.vib)", "b (vibs/b.vib)"])
        image.vibs.removeFirst()
        let missing = try ImageVerifier.verify(image: image.contents, profileBytes: bytes, profileSignature: sig, trust: try chain.trust(), boot: boot)
        #expect(Set(missing.report.failures.map(\.code)) == ["image.module-missing", "image.vib-missing"])
    }
}
