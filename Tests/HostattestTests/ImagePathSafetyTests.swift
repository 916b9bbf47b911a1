import AttestCore
import Foundation
import Testing
import TestSupport

/// `verify image` and `profile create` on a copy of the committed sample image with unsafe entries:
/// every path boot.cfg makes the bootloader load must stay inside the image, be no symlink and be a
/// regular file; each refusal exits 2 before the file is opened, names the file and has its own code.
@Suite struct ImagePathSafetyTests {
    typealias Copy = VerifyImageSampleTests.Copy

    static func editBootConfig(_ c: Copy, _ edit: (String) -> String) throws { try c.editBootConfig(edit) }

    /// Runs both commands on the copy and expects exit 2 with `code` and `file` named on stderr.
    static func expectRefused(_ c: Copy, code: String, file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try Run.hostattest(["verify", "image", c.image, "--profile", c.profile, "--trust", c.trust], timeout: 60)
        #expect(r.status == 2, "verify image: \(r.status) \(r.stdout) \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains("[\(code)]") && r.stderr.contains(file), "verify image: \(r.stderr)", sourceLocation: sourceLocation)
        let p = try Run.hostattest(["profile", "create", c.image, "-o", c.dir.file("new.json").path], timeout: 60)
        #expect(p.status == 2, "profile create: \(p.status) \(p.stderr)", sourceLocation: sourceLocation)
        #expect(p.stderr.contains("[\(code)]") && p.stderr.contains(file), "profile create: \(p.stderr)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: c.dir.file("new.json").path), sourceLocation: sourceLocation)
    }

    @Test func fifoLoadedAsModuleIsRefusedWithoutBlocking() throws {
        let c = try Copy()
        let path = c.image + "/vibs/net-demo-nic.vib"
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o644) == 0)
        try Self.expectRefused(c, code: "image.not-regular-file", file: "vibs/net-demo-nic.vib")
    }

    @Test func fifoNothingLoadsIsOnlyNoted() throws {
        let c = try Copy()
        #expect(mkfifo(c.image + "/vibs/stray.vib", 0o644) == 0)
        let r = try Run.hostattest(["verify", "image", c.image, "--profile", c.profile, "--trust", c.trust], timeout: 60)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("note: [image.file-unreferenced] vibs/stray.vib"), "\(r.stdout)")
    }

    @Test func deviceNodeIsRefused() throws {
        let c = try Copy()
        let path = c.image + "/kernel.efi"
        try FileManager.default.removeItem(atPath: path)
        // A character device (1,3 = /dev/null) where the kernel should be; where mknod is not permitted,
        // a symlink to /dev/zero stands in (refused by the symlink rule before it is opened).
        if mknod(path, S_IFCHR | 0o600, dev_t((1 << 8) | 3)) == 0 {
            try Self.expectRefused(c, code: "image.not-regular-file", file: "kernel.efi")
        } else {
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
            try Self.expectRefused(c, code: "image.path-symlink", file: "kernel.efi")
        }
    }

    @Test func symlinkToDevZeroIsRefused() throws {
        let c = try Copy()
        let path = c.image + "/vibs/esx-ui-demo.vib"
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        try Self.expectRefused(c, code: "image.path-symlink", file: "vibs/esx-ui-demo.vib")
    }

    @Test func symlinkLeavingTheImageIsRefused() throws {
        let c = try Copy()
        let outside = c.dir.file("outside.vib").path
        try FileManager.default.moveItem(atPath: c.image + "/vibs/storage-demo-hba.vib", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: c.image + "/vibs/storage-demo-hba.vib", withDestinationPath: outside)
        try Self.expectRefused(c, code: "image.path-symlink", file: "vibs/storage-demo-hba.vib")
    }

    @Test func symlinkInsideTheImageIsRefused() throws {
        let c = try Copy()
        try FileManager.default.moveItem(atPath: c.image + "/kernel.efi", toPath: c.image + "/real-kernel.efi")
        try FileManager.default.createSymbolicLink(atPath: c.image + "/kernel.efi", withDestinationPath: "real-kernel.efi")
        try Self.expectRefused(c, code: "image.path-symlink", file: "kernel.efi")
    }

    @Test func symlinkedDirectoryIsRefused() throws {
        let c = try Copy()
        try FileManager.default.moveItem(atPath: c.image + "/vibs", toPath: c.dir.file("elsewhere").path)
        try FileManager.default.createSymbolicLink(atPath: c.image + "/vibs", withDestinationPath: c.dir.file("elsewhere").path)
        try Self.expectRefused(c, code: "image.path-symlink", file: "vibs/esx-base-demo.vib")
    }

    @Test func symlinkedBootConfigIsRefused() throws {
        let c = try Copy()
        try FileManager.default.moveItem(atPath: c.image + "/boot.cfg", toPath: c.dir.file("boot.cfg").path)
        try FileManager.default.createSymbolicLink(atPath: c.image + "/boot.cfg", withDestinationPath: c.dir.file("boot.cfg").path)
        try Self.expectRefused(c, code: "image.path-symlink", file: "boot.cfg")
    }

    @Test func directoryWhereAFileIsExpectedIsRefused() throws {
        let c = try Copy()
        try FileManager.default.removeItem(atPath: c.image + "/vibs/esx-ui-demo.vib")
        try FileManager.default.createDirectory(atPath: c.image + "/vibs/esx-ui-demo.vib", withIntermediateDirectories: false)
        try Self.expectRefused(c, code: "image.path-directory", file: "vibs/esx-ui-demo.vib")
    }

    @Test func fileWhereADirectoryIsExpectedIsRefused() throws {
        let c = try Copy()
        try Self.editBootConfig(c) { $0.replacingOccurrences(of: "vibs/esx-ui-demo.vib", with: "kernel.efi/esx-ui-demo.vib") }
        try Self.expectRefused(c, code: "image.path-not-directory", file: "kernel.efi/esx-ui-demo.vib")
    }

    @Test func dotDotInBootConfigIsRefused() throws {
        let c = try Copy()
        try Self.editBootConfig(c) { $0.replacingOccurrences(of: "vibs/esx-ui-demo.vib", with: "../../etc/passwd") }
        try Self.expectRefused(c, code: "bootcfg.path-unsafe", file: "boot.cfg")
    }

    @Test func absolutePathInBootConfigIsRefused() throws {
        let c = try Copy()
        try Self.editBootConfig(c) { $0.replacingOccurrences(of: "kernel=kernel.efi", with: "kernel=/etc/passwd") }
        try Self.expectRefused(c, code: "bootcfg.path-unsafe", file: "boot.cfg")
    }

    @Test func prefixLeavingTheImageIsRefused() throws {
        let c = try Copy()
        try Self.editBootConfig(c) { $0.replacingOccurrences(of: "prefix=", with: "prefix=../other") }
        try Self.expectRefused(c, code: "bootcfg.path-unsafe", file: "boot.cfg")
    }

    @Test func duplicateKeyIsRefused() throws {
        let c = try Copy()
        try Self.editBootConfig(c) { $0 + "kernel=evil.efi\n" }
        try Self.expectRefused(c, code: "bootcfg.duplicate-key", file: "boot.cfg")
    }

    @Test func unknownKeyIsRefused() throws {
        let c = try Copy()
        try Self.editBootConfig(c) { $0 + "rootfs=evil.gz\n" }
        try Self.expectRefused(c, code: "bootcfg.unknown-key", file: "boot.cfg")
    }

    @Test func hugeSparseModuleIsRefusedUnread() throws {
        // 64 GiB of holes where a VIB should be: refused from its size (the profile binds nothing that
        // large) without reading it, so neither time nor memory grows with it.
        let c = try Copy()
        let path = c.image + "/vibs/esx-base-demo.vib"
        #expect(truncate(path, 64 << 30) == 0)
        let r = try c.verify()
        #expect(r.status == 1 && r.codes == ["image.file-too-large"], "\(r.codes) \(r.stderr)")
    }

    @Test func hugeSparseBootConfigIsRefusedUncopied() throws {
        let c = try Copy()
        #expect(truncate(c.image + "/boot.cfg", 64 << 30) == 0)
        try Self.expectRefused(c, code: "bootcfg.too-large", file: "boot.cfg")
    }

    @Test func caseCollidingFileIsRefused() throws {
        // On the FAT boot volume vibs/ESX-UI-DEMO.vib and vibs/esx-ui-demo.vib are one file.
        let c = try Copy()
        try FileManager.default.copyItem(atPath: c.image + "/vibs/partner-agent-demo.vib", toPath: c.image + "/vibs/ESX-UI-DEMO.vib")
        try Self.expectRefused(c, code: "image.path-case-collision", file: "vibs/esx-ui-demo.vib")
    }

    @Test func missingBootloaderIsBadInput() throws {
        let c = try Copy()
        try FileManager.default.removeItem(atPath: c.image + "/bootx64.efi")
        try Self.expectRefused(c, code: "image.file-missing", file: "bootx64.efi")
    }

    @Test func profileCreateRefusesAMissingModuleAndABrokenVIB() throws {
        let c = try Copy()
        try FileManager.default.removeItem(atPath: c.image + "/vibs/esx-ui-demo.vib")
        let missing = try Run.hostattest(["profile", "create", c.image, "-o", c.dir.file("p.json").path])
        #expect(missing.status == 2 && missing.stderr.contains("[image.file-missing]") && missing.stderr.contains("vibs/esx-ui-demo.vib"), "\(missing.stderr)")
        try Data("!<arch>\nnot a vib".utf8).write(to: URL(fileURLWithPath: c.image + "/vibs/esx-ui-demo.vib"))
        let broken = try Run.hostattest(["profile", "create", c.image, "-o", c.dir.file("p.json").path])
        #expect(broken.status == 2 && broken.stderr.contains("vibs/esx-ui-demo.vib"), "\(broken.stderr)")
    }
}
