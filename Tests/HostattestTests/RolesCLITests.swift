import Crypto
import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// Issue #7 through the CLI: profile-signing role, SHA-1 Authenticode, data hidden in the certificate
/// table, and the PEM-AK note.
@Suite struct RolesCLITests {
    static let keys = Fixtures.packageRoot.appendingPathComponent("Keys/demo")
    static func key(_ role: KeyChainRole) -> String { keys.appendingPathComponent(role.privateKeyFile).path }
    static func cert(_ role: KeyChainRole) -> String { keys.appendingPathComponent(role.certificateFile).path }

    // MARK: Profiles

    @Test func profileSignedByAVIBSignerIsRefused() throws {
        let copy = try VerifyImageSampleTests.Copy()
        // `profile sign` itself refuses the wrong role …
        let refused = try Run.hostattest(["profile", "sign", copy.profile, "--key", Self.key(.vibCertifiedSigner),
                                          "--cert", Self.cert(.vibCertifiedSigner), "-o", copy.profile + ".p7s"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("only a profile signer") && refused.stderr.contains("chain.not-profile-signing"), "\(refused.stderr)")
        // … and a signature made another way is refused by verify image, with its own code.
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: copy.profile)))
        let signer = try X509Certificate.load(Array(try Data(contentsOf: URL(fileURLWithPath: Self.cert(.vibCertifiedSigner)))))[0]
        let ca = try X509Certificate.load(Array(try Data(contentsOf: URL(fileURLWithPath: Self.cert(.vibCertifiedCA)))))[0]
        let key = try SigningKey(pemEncoded: Array(try Data(contentsOf: URL(fileURLWithPath: Self.key(.vibCertifiedSigner)))))
        try DetachedCMS.sign(content: bytes, key: key, certificate: signer, chain: [ca]).write(toFile: copy.profile + ".p7s", atomically: true, encoding: .utf8)
        let v = try copy.verify()
        #expect(v.status == 1)
        #expect(v.codes.isSuperset(of: ["profile.signer-wrong-role", "chain.not-profile-signing"]), "\(v.codes)")
    }

    @Test func vibSignRefusesKeysThatAreNotVIBSigners() throws {
        let f = try VIBCLIFixture()
        let unsigned = try f.vib(sign: false)
        for (role, code) in [(KeyChainRole.profileSigner, "chain.not-code-signing"), (.vibPartnerCA, "chain.signer-is-ca"), (.vibRootCA, "chain.not-digital-signature")] {
            let r = try Run.hostattest(["vib", "sign", unsigned, "--key", Self.key(role), "--cert", Self.cert(role), "-o", f.dir.file("x.vib").path])
            #expect(r.status == 2, "\(role)")
            #expect(r.stderr.contains(code) && r.stderr.contains("VIB signing"), "\(role): \(r.stderr)")
        }
        let ok = try Run.hostattest(["vib", "sign", unsigned, "--key", Self.key(.vibPartnerSigner), "--cert", Self.cert(.vibPartnerSigner),
                                     "--chain", Self.cert(.vibPartnerCA), "-o", f.dir.file("ok.vib").path])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func olderTrustFileWithoutTheProfileRoleRefusesProfiles() throws {
        let copy = try VerifyImageSampleTests.Copy()
        let old = """
        {"format": "hostattest-trust/1", "demoOnly": true,
         "platform": ["\(Self.cert(.platformRoot))"], "bootVendor": ["\(Self.cert(.bootVendorCA))"],
         "vib": {"root": ["\(Self.cert(.vibRootCA))"], "certified": ["\(Self.cert(.vibCertifiedCA))"],
                 "accepted": ["\(Self.cert(.vibAcceptedCA))"], "partner": ["\(Self.cert(.vibPartnerCA))"]}, "dbx": []}
        """
        let path = copy.dir.file("old-trust.json").path
        try old.write(toFile: path, atomically: true, encoding: .utf8)
        copy.trust = path
        let v = try copy.verify()
        #expect(v.status == 1)
        #expect(v.codes == ["profile.no-trust-for-profiles"], "\(v.codes)")
        #expect(v.stdout.contains("profile-ca.crt.pem"))
        // VIBs still verify with the older file.
        let vib = try Run.hostattest(["verify", "vib", "\(copy.image)/vibs/esx-base-demo.vib", "--trust", path])
        #expect(vib.status == 0, "\(vib.stdout)")
    }

    // MARK: Authenticode

    static func pki() throws -> (TestPKI, TestPKI.Identity, TestPKI.Identity) {
        let pki = TestPKI()
        let root = try pki.root("cli-root", key: .rsa2048)
        let leaf = try pki.issue("cli-signer", by: root, key: .rsa2048)
        return (pki, root, leaf)
    }

    static func sign(_ leaf: TestPKI.Identity, digest: DigestAlgorithm) throws -> Data {
        let signer = try AuthenticodeSigner(key: SigningKey(pemEncoded: leaf.keyPEM), certificate: X509Certificate.load(leaf.certPEM)[0],
                                            digestAlgorithm: digest)
        return try signer.sign(try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny64.efi")))
    }

    @Test func verifyPERefusesSHA1UnlessAllowed() throws {
        let (pki, root, leaf) = try Self.pki()
        let file = pki.dir.file("sha1.efi").path
        try Self.sign(leaf, digest: .sha1).write(to: URL(fileURLWithPath: file))
        let refused = try Run.hostattest(["verify", "pe", file, "--trust", root.certPath])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("authenticode.weak-digest") && refused.stdout.contains("authenticode.weak-signer-digest"), "\(refused.stdout)")
        let allowed = try Run.hostattest(["verify", "pe", file, "--trust", root.certPath, "--allow-weak-algorithms"])
        #expect(allowed.status == 0, "\(allowed.stdout)")
    }

    @Test func verifyPEReportsHiddenDataAndRefusesItWhenStrict() throws {
        let (pki, root, leaf) = try Self.pki()
        var signed = try Self.sign(leaf, digest: .sha256)
        // Append a second, bogus WIN_CERTIFICATE holding a payload, and grow the table to cover it.
        let image = try PEImage(bytes: signed)
        let table = try #require(image.certificateTable)
        let bogus = WinCertificate(certificateType: 0x0EF1, certificate: Array("#!/bin/sh hidden payload".utf8)).encoded
        signed.append(contentsOf: bogus)
        let dir = try #require(image.certificateDirectoryOffset)
        withUnsafeBytes(of: UInt32(table.count + bogus.count).littleEndian) { signed.replaceSubrange((dir + 4)..<(dir + 8), with: $0) }
        let file = pki.dir.file("hidden.efi").path
        try signed.write(to: URL(fileURLWithPath: file))

        let lenient = try Run.hostattest(["verify", "pe", file, "--trust", root.certPath])
        #expect(lenient.status == 0, "\(lenient.stdout)")
        #expect(lenient.stdout.contains("warning [pe.cert-unsupported-type]"), "\(lenient.stdout)")
        let json = try Run.hostattest(["verify", "pe", file, "--trust", root.certPath, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])
        let warnings = try #require((object["report"] as? [String: Any])?["warnings"] as? [[String: Any]])
        #expect(warnings.compactMap { $0["code"] as? String } == ["pe.cert-unsupported-type"])
        let strict = try Run.hostattest(["verify", "pe", file, "--trust", root.certPath, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("pe.cert-unsupported-type"))
    }

    @Test func verifyImageIsStrictAboutTheBootloadersCertificateTable() throws {
        let copy = try VerifyImageSampleTests.Copy()
        let path = copy.image + "/bootx64.efi"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let image = try PEImage(bytes: bytes)
        let table = try #require(image.certificateTable)
        let bogus = WinCertificate(certificateType: 0x0EF1, certificate: Array("hidden payload".utf8)).encoded
        bytes.append(contentsOf: bogus)
        let dir = try #require(image.certificateDirectoryOffset)
        withUnsafeBytes(of: UInt32(table.count + bogus.count).littleEndian) { bytes.replaceSubrange((dir + 4)..<(dir + 8), with: $0) }
        try bytes.write(to: URL(fileURLWithPath: path))
        // A profile of exactly this image, signed by the demo profile signer: only the hidden data is wrong.
        let made = try Run.hostattest(["profile", "create", copy.image, "-o", copy.profile, "--name", "demo-host", "--version", "1.0.0"])
        #expect(made.status == 0, "\(made.stderr)")
        let signed = try Run.hostattest(["profile", "sign", copy.profile, "--key", Self.key(.profileSigner), "--cert", Self.cert(.profileSigner),
                                         "--chain", Self.cert(.profileCA)])
        #expect(signed.status == 0, "\(signed.stderr)")
        let v = try copy.verify()
        #expect(v.status == 1)
        #expect(v.codes == ["pe.cert-unsupported-type", "boot.chain-broken"], "\(v.codes)")
        // verify pe on the same file only warns.
        let pe = try Run.hostattest(["verify", "pe", path, "--trust", Self.keys.appendingPathComponent("trust.json").path])
        #expect(pe.status == 0 && pe.stdout.contains("warning [pe.cert-unsupported-type]"), "\(pe.stdout)")
    }

    // MARK: Quotes

    @Test func pemAKVerdictSaysTheAttributesWereNotChecked() throws {
        let dir = TempDir("pem-ak")
        let key = P256.Signing.PrivateKey()
        let nonce: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let zero = [UInt8](repeating: 0, count: 32)
        let selection = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0])])
        let msg = TPMSAttest(qualifiedSigner: [0, 0x0b] + [UInt8](repeating: 1, count: 32), extraData: nonce,
                             clockInfo: TPMSClockInfo(clock: 1, resetCount: 0, restartCount: 0, safe: true), firmwareVersion: 1,
                             attested: .quote(TPMSQuoteInfo(pcrSelect: selection, pcrDigest: Array(SHA256.hash(data: zero))))).marshalled()
        try Data(msg).write(to: dir.file("q.msg"))
        try Data(try key.signature(for: msg).derRepresentation).write(to: dir.file("q.sig"))
        try Data(zero).write(to: dir.file("q.pcrs"))
        try key.publicKey.pemRepresentation.write(to: dir.file("ak.pem"), atomically: true, encoding: .utf8)
        let args = ["verify", "quote", "--ak", dir.file("ak.pem").path, "--msg", dir.file("q.msg").path, "--sig", dir.file("q.sig").path,
                    "--sig-format", "plain", "--pcrs", dir.file("q.pcrs").path, "--pcr-format", "values", "--nonce", "0102030405060708"]
        let text = try Run.hostattest(args)
        #expect(text.status == 0, "\(text.stdout) \(text.stderr)")
        #expect(text.stdout.contains("warning [ak.attributes-unchecked]"), "\(text.stdout)")
        let json = try Run.hostattest(args + ["--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])
        #expect(((object["report"] as? [String: Any])?["warnings"] as? [[String: Any]])?.first?["code"] as? String == "ak.attributes-unchecked")
        let required = try Run.hostattest(args + ["--require-ak-attributes"])
        #expect(required.status == 1)
        #expect(required.stdout.contains("ak.attributes-unchecked"))
    }
}
