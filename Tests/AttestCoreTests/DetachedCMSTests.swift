import Foundation
import Testing
import TestSupport
@testable import AttestCore

@Suite struct DetachedCMSTests {
    let pki = TestPKI()
    let content = Array("<vib version=\"5.0\"><name>test</name></vib>\n".utf8)

    struct Chain {
        let root: X509Certificate, intermediate: X509Certificate, leaf: X509Certificate, key: SigningKey
    }

    func chain(_ prefix: String = "t") throws -> Chain {
        let root = try pki.root("\(prefix)-root")
        let mid = try pki.issue("\(prefix)-mid", by: root, ca: true)
        let leaf = try pki.issue("\(prefix)-leaf", by: mid)
        return Chain(root: try X509Certificate.load(root.certPEM)[0],
                     intermediate: try X509Certificate.load(mid.certPEM)[0],
                     leaf: try X509Certificate.load(leaf.certPEM)[0],
                     key: try SigningKey(pemEncoded: leaf.keyPEM))
    }

    @Test func signsAndVerifiesAgainstRootAndPinnedIntermediate() throws {
        let c = try chain()
        let when = Date()
        let pem = try DetachedCMS.sign(content: content, key: c.key, certificate: c.leaf, chain: [c.intermediate], signingTime: when)
        #expect(pem.hasPrefix("-----BEGIN PKCS7-----"))
        let sig = try DetachedCMSSignature(bytes: Array(pem.utf8))
        #expect(sig.digestAlgorithmName == "sha256")
        #expect(abs(sig.untrustedSigningTime!.timeIntervalSince(when)) < 1)

        let byRoot = sig.verify(content: content, anchors: [c.root], time: .signingTime, requireCodeSigning: true, component: "t")
        #expect(byRoot.isValid, "\(byRoot.report.failures)")
        #expect(byRoot.verified?.anchor == c.root)
        #expect(byRoot.verified?.chain.count == 3)

        // UEFI-db style: a pinned intermediate is an anchor on its own.
        let byIntermediate = sig.verify(content: content, anchors: [c.intermediate], time: .ignoreValidity, requireCodeSigning: true, component: "t")
        #expect(byIntermediate.isValid, "\(byIntermediate.report.failures)")
        #expect(byIntermediate.verified?.anchor == c.intermediate)
    }

    @Test func opensslCMSVerifiesOurSignature() throws {
        let c = try chain("o")
        let pem = try DetachedCMS.sign(content: content, key: c.key, certificate: c.leaf, chain: [c.intermediate])
        let dir = TempDir()
        try Data(pem.utf8).write(to: dir.file("sig.pkcs7"))
        try Data(content).write(to: dir.file("descriptor.xml"))
        try Data(c.root.pemEncoded.utf8).write(to: dir.file("root.pem"))
        let r = try Run.process("openssl", ["cms", "-verify", "-binary", "-inform", "PEM", "-in", dir.file("sig.pkcs7").path,
                                            "-content", dir.file("descriptor.xml").path, "-CAfile", dir.file("root.pem").path,
                                            "-purpose", "any", "-out", "/dev/null"])
        #expect(r.status == 0, "openssl cms -verify: \(r.stderr)")
    }

    @Test func alteredContentIsDigestMismatch() throws {
        let c = try chain("a")
        let sig = try DetachedCMSSignature(bytes: try DetachedCMS.signDER(content: content, key: c.key, certificate: c.leaf, chain: [c.intermediate]))
        var altered = content
        altered[5] ^= 0x01
        let result = sig.verify(content: altered, anchors: [c.root], time: .signingTime, requireCodeSigning: true, component: "descriptor.xml")
        #expect(!result.isValid)
        #expect(result.verified == nil)
        #expect(result.report.failures.map(\.code).contains("signature.digest-mismatch"))
    }

    @Test func unrelatedAnchorIsUntrusted() throws {
        let c = try chain("u")
        let other = try X509Certificate.load(try pki.root("u-other").certPEM)[0]
        let sig = try DetachedCMSSignature(bytes: try DetachedCMS.signDER(content: content, key: c.key, certificate: c.leaf, chain: [c.intermediate]))
        let result = sig.verify(content: content, anchors: [other], time: .signingTime, requireCodeSigning: true, component: "x")
        #expect(result.report.failures.map(\.code) == ["chain.untrusted"])
        #expect(result.signer == c.leaf)  // the signature itself was fine
        let none = sig.verify(content: content, anchors: [], time: .signingTime, requireCodeSigning: true, component: "x")
        #expect(none.report.failures.map(\.code) == ["chain.untrusted"])
    }

    @Test func validityJudgedAtSigningTimeNotWallClock() throws {
        let c = try chain("v")
        // Signed "now" with certificates valid now: fine at signing time, expired 50 years on.
        let sig = try DetachedCMSSignature(bytes: try DetachedCMS.signDER(content: content, key: c.key, certificate: c.leaf, chain: [c.intermediate]))
        let later = Date(timeIntervalSinceNow: 50 * 365 * 86400)
        #expect(sig.verify(content: content, anchors: [c.root], time: .signingTime, requireCodeSigning: true, component: "x").isValid)
        let atLater = sig.verify(content: content, anchors: [c.root], time: .at(later), requireCodeSigning: true, component: "x")
        #expect(atLater.report.failures.map(\.code) == ["chain.expired"])
        #expect(sig.verify(content: content, anchors: [c.root], time: .ignoreValidity, requireCodeSigning: true, component: "x").isValid)
    }

    @Test func signerWithoutCodeSigningUsageIsRefused() throws {
        let root = try pki.root("e-root")
        let leaf = try pki.issue("e-leaf", by: root, extendedKeyUsage: "serverAuth")
        let cert = try X509Certificate.load(leaf.certPEM)[0]
        let sig = try DetachedCMSSignature(bytes: try DetachedCMS.signDER(content: content, key: try SigningKey(pemEncoded: leaf.keyPEM), certificate: cert))
        let anchors = try X509Certificate.load(root.certPEM)
        let result = sig.verify(content: content, anchors: anchors, time: .signingTime, requireCodeSigning: true, component: "x")
        #expect(result.report.failures.map(\.code) == ["chain.not-code-signing"])
        #expect(sig.verify(content: content, anchors: anchors, time: .signingTime, requireCodeSigning: false, component: "x").isValid)
    }

    @Test func wrongKeyForCertificateIsRefusedAtSigning() throws {
        let a = try chain("k1"), b = try chain("k2")
        #expect(throws: SigningError.self) { _ = try DetachedCMS.signDER(content: content, key: a.key, certificate: b.leaf) }
    }

    @Test(arguments: [
        ("empty", [UInt8]()),
        ("garbage", Array("hello world".utf8)),
        ("pem without end", Array("-----BEGIN PKCS7-----\nMIIB\n".utf8)),
        ("pem bad base64", Array("-----BEGIN PKCS7-----\n!!!!\n-----END PKCS7-----\n".utf8)),
        ("truncated DER", [0x30, 0x82, 0x10, 0x00, 0x06, 0x09]),
        ("certificate not CMS", Array("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n".utf8)),
    ])
    func malformedSignaturesThrow(name: String, bytes: [UInt8]) {
        #expect(throws: ParseError.self, "\(name)") { _ = try DetachedCMSSignature(bytes: bytes) }
    }

    /// libFuzzer + LeakSanitizer reproducer (DetachedCMSSignature target): the sample profile signature
    /// with one base64 character changed (offset 67, 'k' → '+'), which turns the SHA-256 digest
    /// algorithm OID into an unknown one. CMS_verify's content setup then fails, and OpenSSL used to
    /// leak its copy of our memory BIO each time; under `make test-asan` a leak here fails the run.
    @Test func unknownDigestAlgorithmIsRefusedWithoutLeaking() throws {
        var pem = Array(try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Manifests/demo-host.profile.json.p7s")))
        #expect(pem[67] == UInt8(ascii: "k"))
        pem[67] = UInt8(ascii: "+")
        let signature = try DetachedCMSSignature(bytes: pem)
        for _ in 0..<3 {
            let result = signature.verify(content: content, anchors: signature.untrustedCertificates, time: .signingTime,
                                          requireCodeSigning: true, component: "profile")
            #expect(result.verified == nil)
            #expect(!result.report.isValid)
        }
    }

    @Test func truncatedAtEveryLengthNeverCrashes() throws {
        let c = try chain("tr")
        let der = try DetachedCMS.signDER(content: content, key: c.key, certificate: c.leaf, chain: [c.intermediate])
        for n in stride(from: 0, to: der.count, by: 7) {
            #expect(throws: ParseError.self) { _ = try DetachedCMSSignature(bytes: Array(der.prefix(n))) }
        }
    }
}

@Suite struct CertificateAndTrustTests {
    @Test func loadsPEMBundleAndDER() throws {
        let pki = TestPKI()
        let a = try pki.root("a"), b = try pki.root("b")
        let bundle = a.certPEM + b.certPEM
        let certs = try X509Certificate.load(bundle)
        #expect(certs.count == 2)
        #expect(certs[0].subject.contains("CN=a"))
        #expect(certs[0].isSelfIssued && certs[0].isCA)
        let der = try X509Certificate.load(certs[1].derEncoded)
        #expect(der == [certs[1]])
        #expect(certs[0].notBefore! < certs[0].notAfter!)
        #expect(throws: ParseError.self) { _ = try X509Certificate.load(certs[0].derEncoded + [0]) }
        #expect(throws: ParseError.self) { _ = try X509Certificate.load(Array("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n".utf8)) }
    }

    @Test func encryptedOrMissingPrivateKeyIsRefused() {
        #expect(throws: ParseError.self) { _ = try SigningKey(pemEncoded: Array("not a key".utf8)) }
        #expect(throws: ParseError.self) { _ = try SigningKey(pemEncoded: []) }
    }

    @Test func trustFileParsesAndRejectsTypos() throws {
        let good = """
        {"format":"hostattest-trust/1","demoOnly":true,"platform":["p.pem"],
         "vib":{"root":["r.pem"],"certified":["c.pem"],"accepted":["a.pem"],"partner":["x.pem"]},"dbx":[]}
        """
        let file = try TrustFile(jsonData: Array(good.utf8))
        #expect(file.demoOnly == true)
        #expect(file.vib?.files(for: .accepted) == ["a.pem"])
        #expect(file.allFiles == ["p.pem", "r.pem", "c.pem", "a.pem", "x.pem"])
        let bad: [String] = [
            #"{"format":"hostattest-trust/1","platfrom":["p.pem"]}"#,
            #"{"format":"hostattest-trust/2","platform":["p.pem"]}"#,
            #"{"format":"hostattest-trust/1"}"#,
            #"{"format":"hostattest-trust/1","vib":{"certifed":["c.pem"]}}"#,
            #"{"format":"hostattest-trust/1","platform":"p.pem"}"#,
            #"[1,2]"#, "not json",
        ]
        for text in bad {
            #expect(throws: ParseError.self, "\(text)") { _ = try TrustFile(jsonData: Array(text.utf8)) }
        }
    }

    @Test func acceptanceOrderAndAnchorsAtOrAboveLevel() throws {
        #expect(AcceptanceLevel.certified > .accepted && AcceptanceLevel.accepted > .partner && AcceptanceLevel.partner > .community)
        let pki = TestPKI()
        let c = try X509Certificate.load(try pki.root("c").certPEM)[0]
        let a = try X509Certificate.load(try pki.root("a").certPEM)[0]
        let p = try X509Certificate.load(try pki.root("p").certPEM)[0]
        let anchors = TrustAnchors(vibLevels: [.certified: [c], .accepted: [a], .partner: [p]])
        #expect(anchors.vibAnchors(atLeast: .certified) == [c])
        #expect(anchors.vibAnchors(atLeast: .partner) == [c, a, p])
        #expect(anchors.vibLevel(ofAnchor: a) == .accepted)
        let bare = TrustAnchors.anchoringEverything([c])
        #expect(bare.vibAnchors(atLeast: .partner) == [c] && bare.platform == [c])
    }
}
