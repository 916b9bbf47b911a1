import Foundation
import Testing
import TestSupport

/// `Scripts/make-boot-images.sh` and the committed sample boot images in `Images/demo-host/`.
///
/// The signing test needs `hostattest sign pe` (authenticode branch): until it exists it records a
/// failure saying so (it never skips silently).
@Suite struct BootImagesTests {
    static let script = Fixtures.packageRoot.appendingPathComponent("Scripts/make-boot-images.sh").path
    static let demoKeys = Fixtures.packageRoot.appendingPathComponent("Keys/demo").path
    static let committedBuild = Fixtures.packageRoot.appendingPathComponent("Images/demo-host/build")

    /// A fresh key chain in a temp dir.
    static func freshKeys(_ tmp: TempDir) throws -> String {
        let keys = tmp.file("keys").path
        let r = try Run.hostattest(["keys", "init", "--out", keys])
        #expect(r.status == 0, "keys init: \(r.stderr)")
        return keys
    }

    /// Runs the build script (unsigned unless `hostattest` is given).
    @discardableResult
    static func build(keys: String, out: String, hostattest: String? = nil) throws -> ProcessResult {
        var args = [script]
        if let hostattest { args.append(hostattest) }
        args += ["--keys", keys, "--out", out]
        let r = try Run.process("/bin/bash", args, timeout: 120)
        #expect(r.status == 0, "make-boot-images.sh failed:\n\(r.stdout)\n\(r.stderr)")
        return r
    }

    /// The DER inside a one-certificate PEM file.
    static func der(ofPEM path: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(try #require(Data(base64Encoded: body)))
    }

    @Test func builtImagesAreEFIApplicationsCarryingTheVendorCertificate() throws {
        let tmp = TempDir("boot-images")
        let keys = try Self.freshKeys(tmp)
        let out = tmp.file("host").path
        try Self.build(keys: keys, out: out)

        let vendorDER = try Self.der(ofPEM: "\(keys)/boot-vendor-ca.crt.pem")
        let boot = try TinyPE(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/build/bootx64.unsigned.efi"))))
        #expect(boot.isPE32Plus)
        #expect(boot.machine == 0x8664)
        #expect(boot.subsystem == 10, "IMAGE_SUBSYSTEM_EFI_APPLICATION")
        #expect(boot.sections.map(\.name).contains(".text"))
        let vendor = try #require(boot.sections.first { $0.name == ".vendor_cert" }, "no .vendor_cert in \(boot.sections.map(\.name))")
        #expect(vendor.rawName.hasPrefix("/"), "long name through the COFF string table")
        #expect(vendor.characteristics == 0x4000_0040, "initialised data, read-only, not discardable")
        #expect(boot.contents(of: vendor) == vendorDER)

        let kernel = try TinyPE(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/build/kernel.unsigned.efi"))))
        #expect(kernel.isPE32Plus)
        #expect(kernel.subsystem == 10)
        #expect(!kernel.sections.contains { $0.name == ".vendor_cert" })

        let cfg = try String(contentsOfFile: "\(out)/boot.cfg", encoding: .utf8)
        #expect(cfg.contains("kernel=kernel.efi"))
        #expect(cfg.contains("modules="))
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let tmp = TempDir("boot-images-repro")
        let keys = try Self.freshKeys(tmp)
        try Self.build(keys: keys, out: tmp.file("one").path)
        try Self.build(keys: keys, out: tmp.file("two").path)
        for name in ["bootx64.unsigned.efi", "kernel.unsigned.efi"] {
            let one = try Data(contentsOf: tmp.file("one/build/\(name)"))
            let two = try Data(contentsOf: tmp.file("two/build/\(name)"))
            #expect(one == two, "\(name) differs between two builds")
        }
    }

    /// The committed unsigned images are what the script builds from the committed sources and the
    /// committed demo chain. If this fails after a toolchain upgrade, rebuild them with
    /// `Scripts/make-boot-images.sh` and commit the result.
    @Test func committedUnsignedImagesMatchAFreshBuild() throws {
        let tmp = TempDir("boot-images-committed")
        let r = try Self.build(keys: Self.demoKeys, out: tmp.file("host").path)
        for name in ["bootx64.unsigned.efi", "kernel.unsigned.efi"] {
            let fresh = try Data(contentsOf: tmp.file("host/build/\(name)"))
            let committed = try Data(contentsOf: Self.committedBuild.appendingPathComponent(name))
            #expect(fresh == committed, "Images/demo-host/build/\(name) is stale: rebuild with Scripts/make-boot-images.sh (\(r.stdout))")
        }
        let boot = try TinyPE(bytes: Array(try Data(contentsOf: Self.committedBuild.appendingPathComponent("bootx64.unsigned.efi"))))
        let vendor = try #require(boot.sections.first { $0.name == ".vendor_cert" })
        #expect(boot.contents(of: vendor) == (try Self.der(ofPEM: "\(Self.demoKeys)/boot-vendor-ca.crt.pem")))
    }

    @Test func missingKeysExit2() throws {
        let tmp = TempDir("boot-images-bad")
        let r = try Run.process("/bin/bash", [Self.script, "--keys", tmp.file("nope").path, "--out", tmp.file("o").path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error"))
        let bad = try Run.process("/bin/bash", [Self.script, "--no-such-option"])
        #expect(bad.status == 2)
        let help = try Run.process("/bin/bash", [Self.script, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--keys DIR"))
    }

    /// Depends on `hostattest sign pe` from the authenticode branch.
    @Test func signedImagesVerifyWithSbverify() throws {
        let help = try Run.hostattest(["sign", "pe", "--help"])
        guard help.status == 0, !help.stdout.contains("not built yet") else {
            Issue.record("`hostattest sign pe` is not available yet (authenticode branch): cannot check signed boot images")
            return
        }
        let tmp = TempDir("boot-images-signed")
        let keys = try Self.freshKeys(tmp)
        let out = tmp.file("host").path
        try Self.build(keys: keys, out: out, hostattest: Run.hostattestPath)

        let boot = try Run.process("sbverify", ["--cert", "\(keys)/platform-root.crt.pem", "\(out)/bootx64.efi"])
        #expect(boot.status == 0, "sbverify bootx64.efi: \(boot.stdout) \(boot.stderr)")
        let kernel = try Run.process("sbverify", ["--cert", "\(keys)/boot-vendor-ca.crt.pem", "\(out)/kernel.efi"])
        #expect(kernel.status == 0, "sbverify kernel.efi: \(kernel.stdout) \(kernel.stderr)")
        // Wrong anchors are refused.
        let wrong = try Run.process("sbverify", ["--cert", "\(keys)/boot-vendor-ca.crt.pem", "\(out)/bootx64.efi"])
        #expect(wrong.status != 0)
        // Signing keeps the vendor certificate section.
        let signed = try TinyPE(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/bootx64.efi"))))
        let vendor = try #require(signed.sections.first { $0.name == ".vendor_cert" })
        #expect(signed.contents(of: vendor) == (try Self.der(ofPEM: "\(keys)/boot-vendor-ca.crt.pem")))
    }
}

/// Just enough PE/COFF reading for these tests (Microsoft PE/COFF Specification, 3 and 4), written
/// separately from AttestCore's parser so the two check each other.
struct TinyPE {
    struct Section {
        var rawName: String
        var name: String
        var virtualSize: Int
        var rawSize: Int
        var rawOffset: Int
        var characteristics: UInt32
    }

    var machine: UInt16
    var optionalMagic: UInt16
    var subsystem: UInt16
    var sections: [Section]
    let bytes: [UInt8]

    var isPE32Plus: Bool { optionalMagic == 0x20b }

    struct Malformed: Error, CustomStringConvertible { var description: String }

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        func u16(_ o: Int) throws -> UInt16 {
            guard o >= 0, o + 2 <= bytes.count else { throw Malformed(description: "u16 at \(o) past end") }
            return UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8
        }
        func u32(_ o: Int) throws -> UInt32 {
            guard o >= 0, o + 4 <= bytes.count else { throw Malformed(description: "u32 at \(o) past end") }
            return (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * $1) }
        }
        guard try u16(0) == 0x5A4D else { throw Malformed(description: "no MZ") }
        let pe = Int(try u32(0x3C))
        guard try u32(pe) == 0x0000_4550 else { throw Malformed(description: "no PE signature") }
        let coff = pe + 4
        machine = try u16(coff)
        let count = Int(try u16(coff + 2))
        let symbolTable = Int(try u32(coff + 8))
        let symbolCount = Int(try u32(coff + 12))
        let optionalSize = Int(try u16(coff + 16))
        let optional = coff + 20
        optionalMagic = try u16(optional)
        subsystem = try u16(optional + 68)
        let stringTable = symbolTable + symbolCount * 18
        var sections: [Section] = []
        for i in 0..<count {
            let h = optional + optionalSize + i * 40
            guard h + 40 <= bytes.count else { throw Malformed(description: "section header \(i) past end") }
            let rawName = String(decoding: bytes[h..<h + 8].prefix { $0 != 0 }, as: UTF8.self)
            var name = rawName
            if rawName.hasPrefix("/"), let offset = Int(rawName.dropFirst()), symbolTable != 0 {
                let start = stringTable + offset
                guard start < bytes.count else { throw Malformed(description: "long name past end") }
                name = String(decoding: bytes[start...].prefix { $0 != 0 }, as: UTF8.self)
            }
            sections.append(Section(rawName: rawName, name: name,
                                    virtualSize: Int(try u32(h + 8)), rawSize: Int(try u32(h + 16)),
                                    rawOffset: Int(try u32(h + 20)), characteristics: try u32(h + 36)))
        }
        self.sections = sections
    }

    /// The section's bytes (its virtual size, bounded by the raw data in the file).
    func contents(of section: Section) -> [UInt8] {
        let length = min(section.virtualSize, section.rawSize)
        guard section.rawOffset + length <= bytes.count else { return [] }
        return Array(bytes[section.rawOffset..<section.rawOffset + length])
    }
}
