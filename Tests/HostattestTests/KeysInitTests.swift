import Foundation
import Testing
import TestSupport

/// `hostattest keys init`: files, modes, overwrite refusal, algorithms, and interop with OpenSSL and
/// sbsign/sbverify.
@Suite struct KeysInitTests {
    static let roles = [
        "platform-root", "boot-vendor-ca", "kernel-signer", "vib-root-ca",
        "vib-certified-ca", "vib-accepted-ca", "vib-partner-ca", "profile-ca",
        "vib-certified-signer", "vib-accepted-signer", "vib-partner-signer", "profile-signer",
    ]

    /// Runs `keys init` into a new sub-folder of a fresh temp dir; returns the temp dir and the folder.
    static func initChain(_ extra: [String] = []) throws -> (TempDir, String) {
        let tmp = TempDir("keys-init")
        let out = tmp.file("chain").path
        let r = try Run.hostattest(["keys", "init", "--out", out] + extra)
        #expect(r.status == 0, "keys init failed: \(r.stderr)")
        return (tmp, out)
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func writesEveryFileWithPrivateModes() throws {
        let (tmp, out) = try Self.initChain()
        _ = tmp
        #expect(try Self.mode(out) == 0o700)
        for role in Self.roles {
            let key = "\(out)/\(role).key.pem"
            let cert = "\(out)/\(role).crt.pem"
            #expect(FileManager.default.fileExists(atPath: cert), "\(cert)")
            #expect(try Self.mode(key) == 0o600, "\(key) must be 0600")
            #expect(try Self.mode(cert) == 0o644, "\(cert)")
            let keyText = try String(contentsOfFile: key, encoding: .utf8)
            #expect(keyText.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        }
        for name in ["trust.json", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)"), "\(name)")
        }
        // No temporary files left behind.
        let listing = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(listing.count == Self.roles.count * 2 + 2, "\(listing.sorted())")
    }

    @Test func chainVerifiesWithOpenSSL() throws {
        let (tmp, out) = try Self.initChain()
        _ = tmp
        func verify(_ leaf: String, root: String, untrusted: String? = nil) throws {
            var args = ["verify", "-x509_strict", "-CAfile", "\(out)/\(root).crt.pem"]
            if let untrusted { args += ["-untrusted", "\(out)/\(untrusted).crt.pem"] }
            args.append("\(out)/\(leaf).crt.pem")
            let r = try Run.process("openssl", args)
            #expect(r.status == 0, "openssl verify \(leaf) under \(root): \(r.stdout) \(r.stderr)")
            #expect(r.stdout.contains(": OK"))
        }
        for root in ["platform-root", "boot-vendor-ca", "vib-root-ca"] { try verify(root, root: root) }
        try verify("kernel-signer", root: "boot-vendor-ca")
        for level in ["certified", "accepted", "partner"] {
            try verify("vib-\(level)-ca", root: "vib-root-ca")
            try verify("vib-\(level)-signer", root: "vib-root-ca", untrusted: "vib-\(level)-ca")
            // Pinned intermediate as the anchor (how trust.json uses vib.<level>).
            let r = try Run.process("openssl", ["verify", "-partial_chain", "-CAfile", "\(out)/vib-\(level)-ca.crt.pem",
                                                "\(out)/vib-\(level)-signer.crt.pem"])
            #expect(r.status == 0, "partial chain \(level): \(r.stderr)")
        }
        // Cross-chain must fail: the kernel signer is not under the platform root.
        let wrong = try Run.process("openssl", ["verify", "-CAfile", "\(out)/platform-root.crt.pem", "\(out)/kernel-signer.crt.pem"])
        #expect(wrong.status != 0)
        let wrongLevel = try Run.process("openssl", ["verify", "-partial_chain", "-CAfile", "\(out)/vib-partner-ca.crt.pem",
                                                     "\(out)/vib-certified-signer.crt.pem"])
        #expect(wrongLevel.status != 0)
    }

    @Test func keysMatchCertificatesAndAreRSA2048ByDefault() throws {
        let (tmp, out) = try Self.initChain()
        _ = tmp
        for role in Self.roles {
            let fromKey = try Run.process("openssl", ["pkey", "-in", "\(out)/\(role).key.pem", "-pubout"])
            let fromCert = try Run.process("openssl", ["x509", "-in", "\(out)/\(role).crt.pem", "-noout", "-pubkey"])
            #expect(fromKey.status == 0 && fromCert.status == 0)
            #expect(fromKey.stdout == fromCert.stdout, "\(role): key does not match certificate")
        }
        let text = try Run.process("openssl", ["x509", "-in", "\(out)/platform-root.crt.pem", "-noout", "-text"])
        #expect(text.stdout.contains("Public-Key: (2048 bit)"))
        #expect(text.stdout.contains("Signature Algorithm: sha256WithRSAEncryption"))
        #expect(text.stdout.contains("Code Signing"))
        #expect(text.stdout.contains("CA:TRUE"))
        #expect(text.stdout.contains("O = hostattest, CN = hostattest Platform Root (db)"))
    }

    @Test func p256ProducesECKeys() throws {
        let (tmp, out) = try Self.initChain(["--algorithm", "p256"])
        _ = tmp
        for role in Self.roles {
            let r = try Run.process("openssl", ["pkey", "-in", "\(out)/\(role).key.pem", "-noout", "-text"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("prime256v1"), "\(role) key should be P-256")
        }
        let cert = try Run.process("openssl", ["x509", "-in", "\(out)/kernel-signer.crt.pem", "-noout", "-text"])
        #expect(cert.stdout.contains("ecdsa-with-SHA256"))
        let verify = try Run.process("openssl", ["verify", "-CAfile", "\(out)/boot-vendor-ca.crt.pem", "\(out)/kernel-signer.crt.pem"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func refusesToOverwriteUnlessForced() throws {
        let (tmp, out) = try Self.initChain()
        _ = tmp
        let before = try String(contentsOfFile: "\(out)/platform-root.crt.pem", encoding: .utf8)
        let again = try Run.hostattest(["keys", "init", "--out", out])
        #expect(again.status == 2)
        #expect(again.stderr.contains("--force"))
        #expect(again.stderr.contains("platform-root.crt.pem"))
        #expect(try String(contentsOfFile: "\(out)/platform-root.crt.pem", encoding: .utf8) == before)

        // Even one existing file is enough to refuse.
        let partial = tmp.file("partial").path
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: "\(partial)/trust.json"))
        let refused = try Run.hostattest(["keys", "init", "--out", partial])
        #expect(refused.status == 2)
        #expect(try String(contentsOfFile: "\(partial)/trust.json", encoding: .utf8) == "mine")
        #expect(!FileManager.default.fileExists(atPath: "\(partial)/platform-root.key.pem"))

        let forced = try Run.hostattest(["keys", "init", "--out", out, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: "\(out)/platform-root.crt.pem", encoding: .utf8) != before)
        #expect(try Self.mode("\(out)/platform-root.key.pem") == 0o600)
    }

    @Test(arguments: [
        ["--algorithm", "rsa1024"],
        ["--algorithm", "ed25519"],
        ["--algorithm"],
        ["--organization", ""],
        ["--demo", "--organization", "Example"],
    ])
    func badArgumentsExit2(_ extra: [String]) throws {
        let tmp = TempDir("keys-init-bad")
        let out = tmp.file("chain").path
        let r = try Run.hostattest(["keys", "init", "--out", out] + extra)
        #expect(r.status == 2, "\(extra): \(r.stderr)")
        #expect(r.stderr.contains("error"))
        #expect(!FileManager.default.fileExists(atPath: "\(out)/platform-root.key.pem"))
    }

    @Test func missingOutIsUsageError() throws {
        let r = try Run.hostattest(["keys", "init"])
        #expect(r.status == 2)
    }

    @Test func outThatIsAFileIsRejected() throws {
        let tmp = TempDir("keys-init-file")
        let file = tmp.file("not-a-dir")
        try Data("x".utf8).write(to: file)
        let r = try Run.hostattest(["keys", "init", "--out", file.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("not a directory"))
    }

    @Test func jsonOutputDescribesTheChain() throws {
        let (tmp, out) = try Self.initChain(["--algorithm", "p384", "--organization", "Example Corp", "--json"])
        _ = tmp
        let r = try Run.hostattest(["keys", "init", "--out", out, "--algorithm", "p384", "--organization", "Example Corp", "--json", "--force"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        #expect(object["algorithm"] as? String == "p384")
        #expect(object["signatureAlgorithm"] as? String == "ecdsa-with-SHA384")
        #expect(object["organization"] as? String == "Example Corp")
        #expect(object["demoOnly"] as? Bool == false)
        #expect(object["trustFile"] as? String == "trust.json")
        let certs = try #require(object["certificates"] as? [[String: Any]])
        #expect(certs.map { $0["role"] as? String } == Self.roles)
        let root = certs[0]
        #expect(root["certificate"] as? String == "platform-root.crt.pem")
        #expect(root["privateKey"] as? String == "platform-root.key.pem")
        #expect(root["subject"] as? String == "CN=hostattest Platform Root (db),O=Example Corp")
        #expect((root["sha256"] as? String)?.count == 64)
        // The fingerprint is the file's.
        let der = try Run.process("openssl", ["x509", "-in", "\(out)/platform-root.crt.pem", "-outform", "DER"])
        let digest = try Run.process("openssl", ["dgst", "-sha256", "-r"], stdin: der.stdoutBytes)
        #expect(digest.stdout.hasPrefix(root["sha256"] as? String ?? "-"))
    }

    @Test func demoFlagMarksTheChain() throws {
        let (tmp, out) = try Self.initChain(["--demo"])
        _ = tmp
        let trust = try String(contentsOfFile: "\(out)/trust.json", encoding: .utf8)
        #expect(trust.contains("\"demoOnly\": true"))
        let readme = try String(contentsOfFile: "\(out)/README.md", encoding: .utf8)
        #expect(readme.contains("DEMO-ONLY"))
        #expect(readme.contains("NEVER TRUST"))
        let subject = try Run.process("openssl", ["x509", "-in", "\(out)/platform-root.crt.pem", "-noout", "-subject"])
        #expect(subject.stdout.contains("O = hostattest demo, CN = hostattest DEMO Platform Root (db)"))
        // --demo is hidden from help.
        let help = try Run.hostattest(["keys", "init", "--help"])
        #expect(help.status == 0)
        #expect(!help.stdout.contains("--demo"))
        #expect(help.stdout.contains("--algorithm"))
    }

    /// The platform root works as a Secure Boot db key: sbsign signs a real EFI image with it and
    /// sbverify accepts the result under the platform root only.
    @Test func platformRootSignsEFIImagesForSbverify() throws {
        let (tmp, out) = try Self.initChain()
        let signed = tmp.file("HelloWorld.signed.efi").path
        let sign = try Run.process("sbsign", ["--key", "\(out)/platform-root.key.pem", "--cert", "\(out)/platform-root.crt.pem",
                                              "--output", signed, Fixtures.url("pe/go-uefi/HelloWorld.efi").path])
        #expect(sign.status == 0, "\(sign.stderr)")
        let ok = try Run.process("sbverify", ["--cert", "\(out)/platform-root.crt.pem", signed])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        let wrong = try Run.process("sbverify", ["--cert", "\(out)/boot-vendor-ca.crt.pem", signed])
        #expect(wrong.status != 0)

        // The kernel signer's signature verifies under the boot vendor CA (its issuer).
        let kernel = tmp.file("kernel.signed.efi").path
        let signKernel = try Run.process("sbsign", ["--key", "\(out)/kernel-signer.key.pem", "--cert", "\(out)/kernel-signer.crt.pem",
                                                    "--output", kernel, Fixtures.url("pe/go-uefi/HelloWorld.efi").path])
        #expect(signKernel.status == 0, "\(signKernel.stderr)")
        let kernelOK = try Run.process("sbverify", ["--cert", "\(out)/boot-vendor-ca.crt.pem", kernel])
        #expect(kernelOK.status == 0, "\(kernelOK.stdout) \(kernelOK.stderr)")
    }
}
