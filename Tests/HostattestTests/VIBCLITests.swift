import Foundation
import Testing
import TestSupport
import AttestCore

/// A temp dir with a VIB PKI (root → partner/community CAs → signers), a trust.json, a descriptor
/// template and a gzip payload made by the real `gzip`.
final class VIBCLIFixture: @unchecked Sendable {
    let dir = TempDir("vibcli")
    let pki = TestPKI()
    let root: TestPKI.Identity
    let partnerCA: TestPKI.Identity
    let partnerSigner: TestPKI.Identity
    let certifiedCA: TestPKI.Identity
    let profileCA: TestPKI.Identity
    let profileSigner: TestPKI.Identity

    init() throws {
        root = try pki.root("vib-root")
        partnerCA = try pki.issue("vib-partner-ca", by: root, ca: true)
        certifiedCA = try pki.issue("vib-certified-ca", by: root, ca: true)
        partnerSigner = try pki.issue("vib-partner-signer", by: partnerCA)
        profileCA = try pki.issue("profile-ca", by: root, ca: true)
        profileSigner = try pki.issue("profile-signer", by: profileCA, extendedKeyUsage: SignerPolicy.profileSigningOID)
        let trust = """
        {"format": "hostattest-trust/1", "vib": {"root": ["\(root.certPath)"], "partner": ["\(partnerCA.certPath)"], "certified": ["\(certifiedCA.certPath)"]},
         "profile": ["\(profileCA.certPath)"]}
        """
        try trust.write(to: dir.file("trust.json"), atomically: true, encoding: .utf8)
        try Data("payload bytes of the demo driver\n".utf8).write(to: dir.file("netdemo"))
        let gz = try Run.process("gzip", ["-n", "-9", dir.file("netdemo").path])
        guard gz.status == 0 else { throw CLIStepFailed(step: "gzip", output: gz.stderr) }
        try FileManager.default.moveItem(at: dir.file("netdemo.gz"), to: dir.file("netdemo"))
    }

    var trustPath: String { dir.file("trust.json").path }

    func descriptor(level: String = "partner", name: String = "net-demo") throws -> String {
        let path = dir.file("descriptor-\(name)-\(level).xml").path
        let xml = """
        <vib version="5.0">
          <type>bootbank</type><name>\(name)</name><version>1.0.0-1</version><vendor>Example</vendor>
          <summary>demo</summary><description>demo driver</description><release-date>2026-01-01T00:00:00+00:00</release-date>
          <relationships><depends><constraint name="esx-base" relation="&gt;=" version="7.0"/></depends><conflicts/><replaces/></relationships>
          <acceptance-level>\(level)</acceptance-level>
          <live-install-allowed>true</live-install-allowed><live-remove-allowed>true</live-remove-allowed>
          <payloads><payload name="netdemo" type="vgz"/></payloads>
        </vib>
        """
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Builds (and, unless `sign` is false, signs) a VIB; returns its path.
    func vib(level: String = "partner", name: String = "net-demo", sign: Bool = true) throws -> String {
        let unsigned = dir.file("\(name)-\(level)-unsigned.vib").path
        let built = try Run.hostattest(["vib", "build", "--descriptor", try descriptor(level: level, name: name), "--payload", dir.file("netdemo").path, "-o", unsigned])
        guard built.status == 0 else { throw CLIStepFailed(step: "vib build", output: built.stderr) }
        guard sign else { return unsigned }
        let signed = dir.file("\(name)-\(level).vib").path
        let r = try Run.hostattest(["vib", "sign", unsigned, "--key", partnerSigner.keyPath, "--cert", partnerSigner.certPath,
                                    "--chain", partnerCA.certPath, "-o", signed])
        guard r.status == 0 else { throw CLIStepFailed(step: "vib sign", output: r.stderr) }
        return signed
    }
}

@Suite struct VIBCLITests {
    @Test func builtAndSignedVIBVerifiesWithOpenSSLAndListsMembersInOrder() throws {
        let f = try VIBCLIFixture()
        let vib = try f.vib()
        let t = try Run.process("ar", ["t", vib])
        #expect(t.status == 0)
        #expect(t.stdout == "descriptor.xml\nsig.pkcs7\nnetdemo\n")
        let descriptor = try Run.process("ar", ["p", vib, "descriptor.xml"])
        let sig = try Run.process("ar", ["p", vib, "sig.pkcs7"])
        try descriptor.stdoutBytes.write(to: f.dir.file("descriptor.out"))
        try sig.stdoutBytes.write(to: f.dir.file("sig.out"))
        #expect(sig.stdout.hasPrefix("-----BEGIN PKCS7-----"))
        let v = try Run.process("openssl", ["cms", "-verify", "-binary", "-inform", "PEM", "-in", f.dir.file("sig.out").path,
                                            "-content", f.dir.file("descriptor.out").path, "-CAfile", f.root.certPath,
                                            "-purpose", "any", "-out", "/dev/null"])
        #expect(v.status == 0, "\(v.stderr)")
        // The signed attributes VMware tooling expects.
        let print = try Run.process("openssl", ["cms", "-cmsout", "-print", "-inform", "PEM", "-in", f.dir.file("sig.out").path])
        #expect(print.stdout.contains("signingTime") && print.stdout.contains("messageDigest") && print.stdout.contains("contentType"))
        #expect(print.stdout.contains("sha256"))
    }

    @Test func verifyVIBWithTrustFileAndBareCertificate() throws {
        let f = try VIBCLIFixture()
        let vib = try f.vib()
        let r = try Run.hostattest(["verify", "vib", vib, "--trust", f.trustPath, "--deep"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("VERIFIED"))
        let bare = try Run.hostattest(["verify", "vib", vib, "--trust", f.root.certPath, "--json"])
        #expect(bare.status == 0, "\(bare.stdout)\(bare.stderr)")
        #expect(bare.stdout.contains("\"verified\" : true"))
        let info = try Run.hostattest(["vib", "info", vib, "--json"])
        #expect(info.status == 0)
        #expect(info.stdout.contains("\"gunzipSHA256\""))
    }

    @Test func refusalsExitOneWithTheirCodes() throws {
        let f = try VIBCLIFixture()
        let community = try f.vib(level: "community", name: "comm", sign: false)
        let r = try Run.hostattest(["verify", "vib", community, "--trust", f.trustPath, "--json"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("vib.acceptance-below-host"))
        #expect(try Run.hostattest(["verify", "vib", community, "--trust", f.trustPath, "--host-acceptance", "community"]).status == 0)
        let unsigned = try f.vib(sign: false)
        let u = try Run.hostattest(["verify", "vib", unsigned, "--trust", f.trustPath])
        #expect(u.status == 1 && u.stdout.contains("vib.unsigned"))
        // Partner signer claiming certified: its chain does not reach the certified CA.
        let claim = try f.vib(level: "certified", name: "claim")
        let c = try Run.hostattest(["verify", "vib", claim, "--trust", f.trustPath])
        #expect(c.status == 1 && c.stdout.contains("vib.signer-untrusted"), "\(c.stdout)")
    }

    static func patched(_ vib: [UInt8], memberHeaderAt offset: Int, size: String) -> [UInt8] {
        var b = vib
        let field = Array(size.utf8) + [UInt8](repeating: 0x20, count: max(0, 10 - size.utf8.count))
        b.replaceSubrange((offset + 48)..<(offset + 58), with: field.prefix(10))
        return b
    }

    @Test func malformedArchivesExitTwoNamingTheFile() throws {
        let f = try VIBCLIFixture()
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: try f.vib())))
        let descriptorSize = Int(String(decoding: good[(8 + 48)..<(8 + 58)], as: UTF8.self).trimmingCharacters(in: .whitespaces)) ?? 0
        let badXML = try ArArchiveWriter.write([("descriptor.xml", Array("<vib version=\"5.0\"><name>x</vib>".utf8)), ("sig.pkcs7", [])])
        let doctype = try ArArchiveWriter.write([("descriptor.xml", Array("<!DOCTYPE vib [<!ENTITY a \"b\">]><vib>&a;</vib>".utf8)), ("sig.pkcs7", [])])
        let cases: [(String, [UInt8], String)] = [
            ("truncated", Array(good.prefix(good.count - 10)), "past the end"),
            ("size-past-end", Self.patched(good, memberHeaderAt: 8, size: String(good.count)), "past the end"),
            ("non-numeric", Self.patched(good, memberHeaderAt: 8, size: "12ab"), "not a decimal number"),
            ("ten-gb", Self.patched(good, memberHeaderAt: 8, size: "9999999999"), "past the end"),
            ("bad-xml", badXML, "descriptor.xml"),
            ("doctype", doctype, "DOCTYPE"),
            ("not-ar", Array("hello world".utf8), "bad magic"),
        ]
        #expect(descriptorSize > 0)
        for (name, bytes, message) in cases {
            let path = f.dir.file("\(name).vib").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for args in [["verify", "vib", path, "--trust", f.trustPath], ["vib", "info", path]] {
                let r = try Run.hostattest(args)
                #expect(r.status == 2, "\(name): \(r.status) \(r.stderr)")
                #expect(r.stderr.contains(path), "\(name): \(r.stderr)")
                #expect(r.stderr.contains(message), "\(name): \(r.stderr)")
                #expect(!r.stderr.contains("Fatal error"))
            }
        }
    }

    @Test func profileSignatureVerifiesWithOpenSSL() throws {
        let f = try VIBCLIFixture()
        let profile = f.dir.file("p.profile.json").path
        let json = """
        {"format":"hostattest-image-profile/2","name":"x","version":"1","hostAcceptance":"partner",
         "bootloader":{"path":"bootx64.efi","size":1,"sha256":"\(String(repeating: "a", count: 64))","authenticodeSHA256":"\(String(repeating: "b", count: 64))"},
         "kernel":{"path":"kernel.efi","size":1,"sha256":"\(String(repeating: "c", count: 64))","authenticodeSHA256":"\(String(repeating: "d", count: 64))"},
         "bootConfig":{"path":"boot.cfg","sha256":"\(String(repeating: "e", count: 64))","prefix":"","kernel":"kernel.efi","kernelOptions":"","modules":[]},"modules":[]}
        """
        try json.write(toFile: profile, atomically: true, encoding: .utf8)
        let s = try Run.hostattest(["profile", "sign", profile, "--key", f.profileSigner.keyPath, "--cert", f.profileSigner.certPath, "--chain", f.profileCA.certPath])
        #expect(s.status == 0, "\(s.stderr)")
        let v = try Run.process("openssl", ["cms", "-verify", "-binary", "-inform", "PEM", "-in", profile + ".p7s", "-content", profile,
                                            "-CAfile", f.root.certPath, "-purpose", "any", "-out", "/dev/null"])
        #expect(v.status == 0, "\(v.stderr)")
        let bad = try Run.hostattest(["profile", "sign", f.dir.file("netdemo").path, "--key", f.profileSigner.keyPath, "--cert", f.profileSigner.certPath])
        #expect(bad.status == 2)
        // A format /1 profile is not signed: it does not bind every file the bootloader loads.
        try json.replacingOccurrences(of: "image-profile/2", with: "image-profile/1").write(toFile: profile, atomically: true, encoding: .utf8)
        let old = try Run.hostattest(["profile", "sign", profile, "--key", f.partnerSigner.keyPath, "--cert", f.partnerSigner.certPath])
        #expect(old.status == 2 && old.stderr.contains("re-create the profile"), "\(old.stderr)")
    }
}

/// Minimal ar writer for hand-made malformed VIBs (the tests do not link the library's writer into
/// this target's assumptions about names).
enum ArArchiveWriter {
    static func write(_ members: [(String, [UInt8])]) throws -> [UInt8] {
        var out = Array("!<arch>\n".utf8)
        for (name, bytes) in members {
            func field(_ s: String, _ w: Int) -> [UInt8] { Array(s.utf8) + [UInt8](repeating: 0x20, count: w - s.utf8.count) }
            out += field(name, 16) + field("0", 12) + field("0", 6) + field("0", 6) + field("0", 8) + field(String(bytes.count), 10) + [0x60, 0x0a]
            out += bytes
            if bytes.count % 2 == 1 { out.append(0x0a) }
        }
        return out
    }
}

struct CLIStepFailed: Error, CustomStringConvertible {
    var step: String
    var output: String
    var description: String { "\(step) failed: \(output)" }
}
