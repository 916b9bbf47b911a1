import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// Issue #7: every file boot.cfg makes the bootloader load is bound by the signed profile, by the path
/// it is loaded from and its position; nothing is checked by a fixed name.
@Suite struct ImageBindingTests {
    let chain: VIBTestChain
    let boot: StubBootVerifier
    init() throws {
        chain = try VIBTestChain.get()
        boot = StubBootVerifier(vendor: try chain.cert(chain.root))
    }

    func verify(_ image: MemoryImage, profile: ImageProfile) throws -> ImageVerification {
        let bytes = profile.encoded()
        let signer = chain.profileSigner
        let sig = try DetachedCMS.sign(content: bytes, key: try chain.key(signer), certificate: try chain.cert(signer),
                                       chain: [try chain.cert(chain.profileCA)])
        return try ImageVerifier.verify(image: image.contents, profileBytes: bytes, profileSignature: Array(sig.utf8),
                                        trust: try chain.trust(), boot: boot)
    }

    func create(_ image: MemoryImage) throws -> ImageProfile {
        try ImageProfile.create(name: "t", version: "1", hostAcceptance: .partner, image: image.contents, boot: boot)
    }

    func codes(_ r: ImageVerification) -> Set<String> { Set(r.report.failures.map(\.code.rawValue)) }

    /// kernel.efi, a non-VIB module (features.gz) and two VIBs.
    func mixedImage() throws -> MemoryImage {
        var image = MemoryImage()
        image.add("features.gz", Array("feature state v1".utf8))
        image.add("vibs/a.vib", try chain.signedVIB(name: "a", level: .certified))
        image.add("vibs/b.vib", try chain.signedVIB(name: "b", level: .partner))
        return image
    }

    @Test func profileBindsEveryLoadedFileInLoadOrder() throws {
        let image = try mixedImage()
        let p = try create(image)
        #expect(p.kernel.path == "kernel.efi")
        #expect(p.modules.map(\.path) == ["features.gz", "vibs/a.vib", "vibs/b.vib"])
        #expect(p.modules.map(\.kind) == [.file, .vib, .vib])
        #expect(p.modules[0].sha256 == DigestAlgorithm.sha256.hash(Array("feature state v1".utf8)).hex)
        #expect(p.modules[0].vib == nil && p.modules[1].vib?.name == "a")
        let r = try verify(image, profile: p)
        #expect(r.isValid, "\(r.report.failures)")
    }

    @Test func nonVIBModuleReplacedAfterSigningIsRefused() throws {
        let image = try mixedImage()
        let p = try create(image)
        var tampered = image; tampered.files["features.gz"] = Array("feature state EVIL".utf8)
        let r = try verify(tampered, profile: p)
        #expect(codes(r) == ["image.module-digest-mismatch"])
        #expect(r.report.failures.first?.component == "features.gz")
        #expect(r.components.first { $0.name == "features.gz" }?.kind == "module")
    }

    @Test func kernelIsTheFileBootCfgNames() throws {
        var image = try mixedImage()
        image.files["boot/k.efi"] = Array("GOOD real kernel".utf8)
        image.bootConfig = Array("kernel=boot/k.efi\nmodules=features.gz\n".utf8)
        let p = try create(image)
        #expect(p.kernel.path == "boot/k.efi")
        #expect(p.kernel.sha256 == DigestAlgorithm.sha256.hash(Array("GOOD real kernel".utf8)).hex)
        #expect(try verify(image, profile: p).isValid)
        // Replacing the loaded kernel is refused even though kernel.efi is untouched.
        var tampered = image; tampered.files["boot/k.efi"] = Array("GOOD evil kernel".utf8)
        #expect(codes(try verify(tampered, profile: p)) == ["image.digest-mismatch", "image.authenticode-mismatch"])
    }

    @Test func kernelPointedElsewhereIsRefused() throws {
        let image = try mixedImage()
        let p = try create(image)
        var evil = image
        evil.files["evil.efi"] = Array("GOOD evil kernel".utf8)
        evil.bootConfig = Array(String(decoding: image.generatedConfig, as: UTF8.self).replacingOccurrences(of: "kernel=kernel.efi", with: "kernel=evil.efi").utf8)
        let r = try verify(evil, profile: p)
        #expect(codes(r).isSuperset(of: ["image.kernel-path-mismatch", "image.boot-config-mismatch", "image.digest-mismatch", "image.authenticode-mismatch"]))
        #expect(r.components.first { $0.kind == "kernel" }?.name == "evil.efi")
    }

    @Test func missingKernelIsRefused() throws {
        let image = try mixedImage()
        let p = try create(image)
        var gone = image; gone.files["kernel.efi"] = nil
        #expect(codes(try verify(gone, profile: p)) == ["image.kernel-missing"])
        #expect { try create(gone) } throws: { ($0 as? ImageInputError)?.code == "image.file-missing" && ($0 as? ImageInputError)?.file == "kernel.efi" }
    }

    @Test func prefixIsADirectoryForKernelAndModules() throws {
        var image = MemoryImage()
        image.files = ["esx/kernel.efi": Array("GOOD kernel".utf8), "esx/s.v00": [1, 2, 3],
                       "esx/vibs/a.vib": try chain.signedVIB(name: "a")]
        image.bootConfig = Array("prefix=esx\nkernel=kernel.efi\nmodules=s.v00 --- vibs/a.vib\n".utf8)
        let p = try create(image)
        #expect(p.bootConfig.prefix == "esx")
        #expect(p.kernel.path == "esx/kernel.efi")
        #expect(p.modules.map(\.path) == ["esx/s.v00", "esx/vibs/a.vib"])
        #expect(try verify(image, profile: p).isValid)
        var tampered = image; tampered.files["esx/s.v00"] = [1, 2, 4]
        #expect(codes(try verify(tampered, profile: p)) == ["image.module-digest-mismatch"])
        // A trailing slash in the prefix is not doubled.
        let slash = try BootConfig(bytes: Array("prefix=esx/\nkernel=k\nmodules=m\n".utf8))
        #expect(slash.kernelPath == "esx/k" && slash.modulePaths == ["esx/m"])
    }

    @Test func swappedVIBFilesAreRefusedNamingBothFiles() throws {
        let image = try mixedImage()
        let p = try create(image)
        var swapped = image
        swapped.files["vibs/a.vib"] = image.files["vibs/b.vib"]
        swapped.files["vibs/b.vib"] = image.files["vibs/a.vib"]
        let r = try verify(swapped, profile: p)
        #expect(codes(r) == ["image.vib-misplaced", "image.module-digest-mismatch"])
        let misplaced = r.report.failures.filter { $0.code == "image.vib-misplaced" }
        #expect(misplaced.count == 2)
        for f in misplaced { #expect(f.message.contains("vibs/a.vib") && f.message.contains("vibs/b.vib"), "\(f.message)") }
    }

    @Test func vibCopiedOverAnotherIsRefused() throws {
        let image = try mixedImage()
        let p = try create(image)
        var copied = image; copied.files["vibs/b.vib"] = image.files["vibs/a.vib"]
        let c = codes(try verify(copied, profile: p))
        #expect(c.contains("image.vib-misplaced") && c.contains("image.vib-duplicate"))
    }

    @Test func filesLargerThanAnythingTheProfileBindsAreNotRead() throws {
        let image = try mixedImage()
        let p = try create(image)
        let huge = [UInt8](repeating: 0x41, count: p.largestFileSize + 1)
        // A garbage .vib: if it were parsed, verification would stop with an input error.
        var bigVIB = image; bigVIB.files["vibs/a.vib"] = huge
        let r = try verify(bigVIB, profile: p)
        #expect(codes(r) == ["image.file-too-large"])
        #expect(r.report.failures.first?.component == "vibs/a.vib")
        var bigKernel = image; bigKernel.files["kernel.efi"] = huge
        #expect(codes(try verify(bigKernel, profile: p)) == ["image.file-too-large"])
        var bigLoader = image; bigLoader.bootloader = Data(huge)
        #expect(codes(try verify(bigLoader, profile: p)) == ["image.file-too-large", "boot.chain-broken"])
        #expect(p.modules.map(\.size) == [16, image.files["vibs/a.vib"]!.count, image.files["vibs/b.vib"]!.count])
    }

    @Test func unreferencedFilesAreNotedNotFailed() throws {
        var image = try mixedImage()
        image.others = ["vibs/stale.vib", "notes.txt"]
        let r = try verify(image, profile: try create(image))
        #expect(r.isValid)
        #expect(r.notes.map(\.code) == ["image.file-unreferenced", "image.file-unreferenced"])
        #expect(r.notes.compactMap(\.component) == ["notes.txt", "vibs/stale.vib"])
    }

    @Test func profileCreateRefusesModulesItCannotBind() throws {
        var missing = try mixedImage(); missing.modules.append("gone.gz")
        #expect { try create(missing) } throws: { ($0 as? ImageInputError)?.code == "image.file-missing" && ($0 as? ImageInputError)?.file == "gone.gz" }
        var garbage = try mixedImage(); garbage.add("vibs/bad.vib", Array("not an ar archive".utf8))
        #expect { try create(garbage) } throws: { ($0 as? ImageInputError)?.file == "vibs/bad.vib" }
        var badCfg = try mixedImage(); badCfg.bootConfig = Array("kernel=kernel.efi\nkernel=other.efi\n".utf8)
        #expect { try create(badCfg) } throws: { ($0 as? ImageInputError)?.code == "bootcfg.duplicate-key" }
    }

    @Test func malformedBootConfigStopsVerificationAsInputError() throws {
        let image = try mixedImage()
        let p = try create(image)
        var bad = image; bad.bootConfig = Array("kernel=kernel.efi\nrootfs=evil.gz\n".utf8)
        #expect { try verify(bad, profile: p) } throws: { ($0 as? ImageInputError)?.code == "bootcfg.unknown-key" }
    }

    @Test func outdatedProfileFormatIsRefusedWithAClearMessage() throws {
        let v1 = Array(#"{"format": "hostattest-image-profile/1", "name": "x"}"#.utf8)
        #expect { try ImageProfile(jsonBytes: v1) } throws: { e in
            guard let p = e as? ParseError else { return false }
            return p.code == "profile.format-outdated" && p.problem.contains("re-create")
        }
    }
}

/// boot.cfg is parsed completely: every key the loader acts on is understood, the rest refused.
@Suite struct BootConfigTests {
    static let refusals: [(String, String, String)] = [
        ("duplicate key", "kernel=a\nkernel=b\n", "bootcfg.duplicate-key"),
        ("duplicate modules", "kernel=a\nmodules=x\nmodules=y\n", "bootcfg.duplicate-key"),
        ("unknown key", "kernel=a\nrootfs=x\n", "bootcfg.unknown-key"),
        ("no kernel", "modules=a\n", "bootcfg.kernel-missing"),
        ("empty kernel", "kernel=\n", "bootcfg.kernel-missing"),
        ("dot-dot module", "kernel=a\nmodules=../x\n", "bootcfg.path-unsafe"),
        ("dot-dot inside", "kernel=a\nmodules=vibs/../../x\n", "bootcfg.path-unsafe"),
        ("dot-dot prefix", "prefix=..\nkernel=a\n", "bootcfg.path-unsafe"),
        ("absolute kernel", "kernel=/etc/passwd\n", "bootcfg.path-unsafe"),
        ("absolute prefix", "prefix=/boot\nkernel=a\n", "bootcfg.path-unsafe"),
        ("empty component", "kernel=a//b\n", "bootcfg.path-unsafe"),
        ("dot component", "kernel=./a\n", "bootcfg.path-unsafe"),
        ("backslash", "kernel=a\\..\\b\n", "bootcfg.path-unsafe"),
        ("control character", "kernel=a\u{1}b\n", "bootcfg.path-unsafe"),
        ("NUL", "kernel=a\u{0}b\n", "bootcfg.path-unsafe"),
        ("long path", "kernel=" + String(repeating: "a/", count: 600) + "k\n", "bootcfg.path-unsafe"),
        ("long component", "kernel=" + String(repeating: "a", count: 300) + "\n", "bootcfg.path-unsafe"),
        ("module loaded twice", "kernel=a\nmodules=x --- y --- x\n", "bootcfg.duplicate-module"),
        ("module differing in case", "kernel=a\nmodules=x.gz --- X.GZ\n", "bootcfg.duplicate-module"),
        ("kernel as a module", "kernel=k.efi\nmodules=k.efi\n", "bootcfg.duplicate-module"),
        ("module arguments", "kernel=a\nmodules=x.gz opt=1\n", "bootcfg.module-arguments"),
        ("empty module", "kernel=a\nmodules=x --- --- y\n", "bootcfg.malformed"),
        ("too many modules", "kernel=a\nmodules=" + (0...1024).map { "m\($0)" }.joined(separator: " --- ") + "\n", "bootcfg.too-many-modules"),
        ("not key=value", "kernel=a\nhello\n", "bootcfg.malformed"),
        ("not UTF-8", "kernel=a\n\u{FFFD}", "bootcfg.malformed"),
        ("too large", String(repeating: "#", count: 70_000), "bootcfg.too-large"),
    ]

    @Test(arguments: refusals.indices)
    func refused(_ i: Int) {
        let (name, text, code) = Self.refusals[i]
        var bytes = Array(text.utf8)
        if name == "not UTF-8" { bytes = Array("kernel=a\n".utf8) + [0xff, 0xfe] }
        do {
            _ = try BootConfig(bytes: bytes)
            Issue.record("\(name): parsed")
        } catch let e as ParseError {
            #expect(e.code.rawValue == code, "\(name): \(e)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    @Test func recordedKeysAreKeptAndLoadNothing() throws {
        let cfg = try BootConfig(bytes: Array("bootstate=0\ntitle=Demo\ntimeout=5\nprefix=\nkernel=k.efi\nkernelopt=a b\nmodules=x --- y\nbuild=1\nupdated=0\nnobootif=0\nnorts=1\nnoquirks=1\n".utf8))
        #expect(cfg.kernelPath == "k.efi" && cfg.modulePaths == ["x", "y"] && cfg.kernelOptions == "a b")
        #expect(cfg.entries.map(\.key).filter { BootConfig.recordedKeys.contains($0) }.count == 8)
    }

    @Test func emptyModulesLoadsNothing() throws {
        #expect(try BootConfig(bytes: Array("kernel=k\nmodules=\n".utf8)).modulePaths.isEmpty)
        #expect(try BootConfig(bytes: Array("kernel=k\r\nmodules=a --- b\r\n".utf8)).modulePaths == ["a", "b"])
    }

    @Test func manyModulesParseInLinearTime() throws {
        // 1024 modules (the limit) is accepted; the work is one pass over the text.
        let text = "kernel=a\nmodules=" + (0..<1024).map { "m\($0)" }.joined(separator: " --- ") + "\n"
        #expect(try BootConfig(bytes: Array(text.utf8)).modulePaths.count == 1024)
    }
}
