import AttestCore
import Foundation
import Testing
import TestSupport

/// `sign pe`, `verify pe`, `pe info` and `bench authenticode` as a user runs them, with sbsign and
/// sbverify for interoperability.
@Suite struct AuthenticodeCLITests {
    static let helloWorld = Fixtures.url("pe/go-uefi/HelloWorld.efi").path
    static let tiny64 = Fixtures.url("pe/authenticode-rs/tiny64.efi").path

    final class Keys: @unchecked Sendable {
        let pki = TestPKI()
        let root: TestPKI.Identity
        let intermediate: TestPKI.Identity
        let leaf: TestPKI.Identity
        let rsa: TestPKI.Identity
        init() throws {
            root = try pki.root("CLIRoot")
            intermediate = try pki.issue("CLIIntermediate", by: root, ca: true)
            leaf = try pki.issue("CLISigner", by: intermediate)
            rsa = try pki.issue("CLISignerRSA", by: root, key: .rsa2048)
        }
    }

    static func sign(_ input: String, _ id: TestPKI.Identity, chain: [TestPKI.Identity] = [], append: Bool = false, to out: String) throws {
        var args = ["sign", "pe", input, "--key", id.keyPath, "--cert", id.certPath, "-o", out]
        for c in chain { args += ["--chain", c.certPath] }
        if append { args.append("--append") }
        let r = try Run.hostattest(args)
        #expect(r.status == 0, "sign: \(r.stderr)")
    }

    static func verify(_ file: String, trust: [String], extra: [String] = []) throws -> (status: Int32, codes: [String], stderr: String, json: [String: Any]) {
        let r = try Run.hostattest(["verify", "pe", file, "--json"] + trust.flatMap { ["--trust", $0] } + extra)
        let json = (try? JSONSerialization.jsonObject(with: r.stdoutBytes)) as? [String: Any] ?? [:]
        let codes = ((json["report"] as? [String: Any])?["failures"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        return (r.status, codes, r.stderr, json)
    }

    // MARK: Interop

    @Test func sbverifyAcceptsOurSignatures() throws {
        let keys = try Keys()
        let dir = TempDir("pe-cli")
        let tiny32 = Fixtures.url("pe/authenticode-rs/tiny32.efi").path
        for (input, id, chain) in [(Self.helloWorld, keys.leaf, [keys.intermediate]), (Self.tiny64, keys.rsa, []), (tiny32, keys.rsa, [])] {
            let out = dir.file("signed-\(id.name)-\(URL(fileURLWithPath: input).lastPathComponent)").path
            try Self.sign(input, id, chain: chain, to: out)
            let sb = try Run.process("sbverify", ["--cert", keys.root.certPath, out])
            #expect(sb.status == 0, "sbverify: \(sb.stdout) \(sb.stderr)")
            #expect(try Self.verify(out, trust: [keys.root.certPath]).status == 0)
        }
        // A second signature appended (shim style): both tools still accept the image.
        let once = dir.file("once.efi").path, twice = dir.file("twice.efi").path
        try Self.sign(Self.helloWorld, keys.rsa, to: once)
        try Self.sign(once, keys.leaf, chain: [keys.intermediate], append: true, to: twice)
        #expect(try Run.process("sbverify", ["--cert", keys.root.certPath, twice]).status == 0)
        let v = try Self.verify(twice, trust: [keys.intermediate.certPath])
        #expect(v.status == 0)
        #expect((v.json["signatures"] as? [Any])?.count == 2)
        let info = try Run.hostattest(["pe", "info", twice, "--json"])
        let infoJSON = try JSONSerialization.jsonObject(with: info.stdoutBytes) as? [String: Any]
        #expect(infoJSON?["checksumMatches"] as? Bool == true)
        #expect((infoJSON?["signatures"] as? [Any])?.count == 2)
    }

    @Test func sbsignedImageVerifiesWithOurs() throws {
        let keys = try Keys()
        let dir = TempDir("pe-cli")
        let out = dir.file("sbsigned.efi").path
        let sb = try Run.process("sbsign", ["--key", keys.rsa.keyPath, "--cert", keys.rsa.certPath, "--output", out, Self.helloWorld])
        #expect(sb.status == 0, "sbsign: \(sb.stderr)")
        let v = try Self.verify(out, trust: [keys.root.certPath])
        #expect(v.status == 0, "\(v.codes) \(v.stderr)")
        #expect(v.json["verified"] as? Bool == true && v.json["verdict"] as? String == "verified")
        // The leaf itself as the db entry.
        #expect(try Self.verify(out, trust: [keys.rsa.certPath]).status == 0)
    }

    @Test func fixturesVerifyAgainstTheirReadmeCertificates() throws {
        #expect(try Self.verify(Fixtures.url("pe/go-uefi/HelloWorld.efi.signed").path, trust: [Fixtures.url("pe/go-uefi/db.pem").path]).status == 0)
        // authenticode-rs: TestKey is carried in the signature and equals test_key_public.pem.
        let dir = TempDir("pe-cli")
        for name in ["tiny64.signed.efi", "tiny32.signed.efi"] {
            let path = Fixtures.url("pe/authenticode-rs/\(name)").path
            let image = try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/\(name)"))
            let signer = try #require(AuthenticodeSignature(certificate: image.certificates[0]).signerCertificate)
            let cert = try X509Certificate(derEncoded: signer)
            #expect(cert.publicKeyDER == (try X509Certificate.load(Fixtures.bytes("pe/authenticode-rs/test_key_public.pem")))[0].publicKeyDER)
            let pem = dir.file("testkey.pem")
            try cert.pemEncoded.write(to: pem, atomically: true, encoding: .utf8)
            #expect(try Self.verify(path, trust: [pem.path]).status == 0)
        }
        // pe info on every fixture image.
        let expected = [
            "tiny64.signed.efi": "a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae",
            "tiny32.signed.efi": "4f5b3633fc51d9447beb5c546e9ae6e58d6eb42d1e96d623dc168d97013c08a8",
        ]
        for file in ["authenticode-rs/tiny64.efi", "authenticode-rs/tiny32.efi", "authenticode-rs/tiny64.signed.efi",
                     "authenticode-rs/tiny32.signed.efi", "go-uefi/HelloWorld.efi", "go-uefi/HelloWorld.efi.signed"] {
            let r = try Run.hostattest(["pe", "info", Fixtures.url("pe/" + file).path, "--json"])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any]
            let digests = json?["authenticodeDigests"] as? [String: String]
            #expect(digests?.keys.sorted() == ["sha1", "sha256", "sha384", "sha512"])
            if let want = expected[URL(fileURLWithPath: file).lastPathComponent] { #expect(digests?["sha256"] == want) }
        }
    }

    // MARK: Negative table

    enum Tamper: String, CaseIterable, Sendable {
        case sectionBit, headerBit, signatureBit, truncated, certTableOutside, untrusted, dbxDigest, dbxCertificate, notPE, unsigned
    }

    @Test func negativeTable() throws {
        let keys = try Keys()
        let dir = TempDir("pe-cli")
        let good = dir.file("good.efi").path
        try Self.sign(Self.helloWorld, keys.leaf, chain: [keys.intermediate], to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let image = try PEImage(bytes: bytes)
        let trust = [keys.root.certPath]
        #expect(try Self.verify(good, trust: trust).status == 0)

        func write(_ name: String, _ data: Data) throws -> String {
            let path = dir.file(name).path
            try data.write(to: URL(fileURLWithPath: path))
            return path
        }
        func flipped(_ offset: Int) -> Data { var d = bytes; d[offset] ^= 0x04; return d }
        let entry = image.certificates[0]
        let sigLength = try AuthenticodeSignature(certificate: entry).derEncoded.count

        for tamper in Tamper.allCases {
            var path = good
            var extra: [String] = []
            var trustHere = trust
            let expectStatus: Int32
            let expectCode: String
            switch tamper {
            case .sectionBit:
                path = try write("section.efi", flipped(image.sections[0].rawDataRange.lowerBound + 100))
                (expectStatus, expectCode) = (1, "authenticode.digest-mismatch")
            case .headerBit:
                path = try write("header.efi", flipped(0x44 + 4))  // IMAGE_FILE_HEADER.TimeDateStamp
                (expectStatus, expectCode) = (1, "authenticode.digest-mismatch")
            case .signatureBit:
                path = try write("signature.efi", flipped(entry.offset + 8 + sigLength - 2))
                (expectStatus, expectCode) = (1, "authenticode.signature-invalid")
            case .truncated:
                path = try write("truncated.efi", bytes.prefix(image.sections[1].rawDataRange.lowerBound + 10))
                (expectStatus, expectCode) = (2, "pe.truncated")
            case .certTableOutside:
                var d = bytes
                let at = image.certificateDirectoryOffset!
                d.replaceSubrange(at..<(at + 4), with: [0xF0, 0xFF, 0xFF, 0x00])
                path = try write("outside.efi", d)
                (expectStatus, expectCode) = (2, "pe.cert-table-out-of-bounds")
            case .untrusted:
                trustHere = [try keys.pki.root("Stranger").certPath]
                (expectStatus, expectCode) = (1, "chain.untrusted")
            case .dbxDigest:
                let list = "# revoked\n\(image.authenticodeDigest(.sha256).hex)\n"
                let dbx = try write("dbx.txt", Data(list.utf8))
                extra = ["--dbx", dbx]
                (expectStatus, expectCode) = (1, "dbx.digest-revoked")
            case .dbxCertificate:
                // A binary EFI_SIGNATURE_LIST with the intermediate (EFI_CERT_X509_GUID).
                let der = try X509Certificate.load(keys.intermediate.certPEM)[0].derEncoded
                func le(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
                let list = EFIGUID.certX509.bytes + le(28 + 16 + der.count) + le(0) + le(16 + der.count) + [UInt8](repeating: 0x42, count: 16) + der
                let dbx = try write("dbx.esl", Data(list))
                extra = ["--dbx", dbx]
                (expectStatus, expectCode) = (1, "dbx.certificate-revoked")
            case .notPE:
                path = try write("not-pe.efi", Data("#!/bin/sh\necho not a PE image\n".utf8))
                (expectStatus, expectCode) = (2, "pe.not-pe")
            case .unsigned:
                path = Self.helloWorld
                (expectStatus, expectCode) = (1, "authenticode.unsigned")
            }
            let v = try Self.verify(path, trust: trustHere, extra: extra)
            #expect(v.status == expectStatus, "\(tamper): \(v.codes) \(v.stderr)")
            if expectStatus == 1 {
                #expect(v.codes.contains(expectCode), "\(tamper): \(v.codes)")
                #expect(v.json["verified"] as? Bool == false && v.json["verdict"] as? String == "refused")
            } else {
                #expect(v.stderr.contains(expectCode) && v.stderr.contains(path), "\(tamper): \(v.stderr)")
            }
        }
        // Validity periods: ignored by default, enforced on request.
        let late = try Self.verify(good, trust: trust, extra: ["--enforce-validity", "--at", "2099-01-01T00:00:00Z"])
        #expect(late.status == 1 && late.codes.contains("chain.expired"), "\(late.codes)")
        #expect(try Self.verify(good, trust: trust, extra: ["--enforce-validity"]).status == 0)
        #expect(try Self.verify(good, trust: trust, extra: ["--at", "2099-01-01T00:00:00Z"]).status == 2)
        // Signing with a key that does not match the certificate is bad input.
        let mismatch = try Run.hostattest(["sign", "pe", Self.helloWorld, "--key", keys.rsa.keyPath, "--cert", keys.leaf.certPath, "-o", dir.file("x.efi").path])
        #expect(mismatch.status == 2 && mismatch.stderr.contains("authenticode.key-mismatch"))
        // Text output lists each failure with its code.
        let text = try Run.hostattest(["verify", "pe", Self.helloWorld, "--trust", keys.root.certPath])
        #expect(text.status == 1 && text.stdout.contains("[authenticode.unsigned]"))
    }

    // MARK: Memory and speed

    @Test func verifyingA256MiBImageStaysWithin64MiBOfBaseline() throws {
        let dir = TempDir("pe-big")
        let path = dir.file("big.efi").path
        let sectionBytes = 256 << 20
        let headers = PESynthesizer.headers(sections: [(".data", sectionBytes)])
        #expect(FileManager.default.createFile(atPath: path, contents: Data(headers)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        // Sparse zeros with some real data at the start and the end of the section.
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 1 << 20))
        try handle.truncate(atOffset: UInt64(headers.count + sectionBytes - (1 << 20)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 1 << 20))
        try handle.close()
        let r = try Run.hostattest(["verify", "pe", path, "--trust", Fixtures.url("pe/go-uefi/db.pem").path, "--json", "--report-peak-memory"])
        #expect(r.status == 1)  // unsigned, but every byte was hashed
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        let peak = try #require(json["peakMemoryKiB"] as? Int)
        let baseline = try #require(json["baselineMemoryKiB"] as? Int)
        #expect(peak - baseline < 64 * 1024, "peak \(peak) KiB, baseline \(baseline) KiB")
        let digests = json["authenticodeDigests"] as? [String: String]
        #expect(digests?["sha256"]?.count == 64)
    }

    @Test func benchAuthenticodeReportsARatio() throws {
        let r = try Run.hostattest(["bench", "authenticode", "--size-mib", "8", "--runs", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any]
        #expect((json?["ratio"] as? Double ?? 0) > 0)
    }
}
