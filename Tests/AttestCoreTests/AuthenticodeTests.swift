import AttestCore
import Foundation
import SwiftASN1
import Testing
import TestSupport

@Suite struct AuthenticodeTests {
    static func codes(_ v: AuthenticodeVerification) -> Set<String> { Set(v.report.failures.map(\.code.rawValue)) }

    // MARK: Public fixtures

    @Test(arguments: ["tiny64.signed.efi", "tiny32.signed.efi"])
    func authenticodeRsFixtureVerifiesAgainstItsEmbeddedTestKey(_ file: String) throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/\(file)"))
        let signature = try AuthenticodeSignature(certificate: image.certificates[0])
        // The fixture README: the signer CN=TestKey is self-signed and carried in the signature;
        // its public key is test_key_public.pem.
        let signerDER = try #require(signature.signerCertificate)
        let signer = try X509Certificate(derEncoded: signerDER)
        #expect(signer.subject.contains("CN=TestKey"))
        // test_key_public.pem holds the TestKey certificate (a CERTIFICATE block).
        let published = try X509Certificate.load(Fixtures.bytes("pe/authenticode-rs/test_key_public.pem"))
        #expect(published.first?.publicKeyDER == signer.publicKeyDER)
        let v = AuthenticodeVerifier.verify(image, anchors: [signer])
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.verified?.signatureIndex == 1)
    }

    @Test func goUefiFixtureVerifiesAgainstDb() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/go-uefi/HelloWorld.efi.signed"))
        let db = try X509Certificate.load(Fixtures.bytes("pe/go-uefi/db.pem"))
        let v = AuthenticodeVerifier.verify(image, anchors: db)
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.verified?.authenticodeSHA256 == image.authenticodeDigest(.sha256))
    }

    @Test func unsignedImageIsRejected() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/go-uefi/HelloWorld.efi"))
        let db = try X509Certificate.load(Fixtures.bytes("pe/go-uefi/db.pem"))
        let v = AuthenticodeVerifier.verify(image, anchors: db)
        #expect(Self.codes(v) == ["authenticode.unsigned"])
        #expect(v.verified == nil)
    }

    @Test func wrongAnchorIsUntrusted() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/go-uefi/HelloWorld.efi.signed"))
        let other = try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny64.signed.efi"))
        let testKey = try X509Certificate(derEncoded: try #require(AuthenticodeSignature(certificate: other.certificates[0]).signerCertificate))
        let v = AuthenticodeVerifier.verify(image, anchors: [testKey])
        #expect(Self.codes(v) == ["chain.untrusted"])
    }

    // MARK: Sign and verify with generated keys

    struct Setup {
        let pki = TestPKI()
        let root: TestPKI.Identity
        let intermediate: TestPKI.Identity
        let leaf: TestPKI.Identity
        init(key: TestPKI.KeyType = .p256) throws {
            root = try pki.root("Root")
            intermediate = try pki.issue("Intermediate", by: root, ca: true)
            leaf = try pki.issue("Signer", by: intermediate, key: key)
        }
        func cert(_ id: TestPKI.Identity) throws -> X509Certificate { try X509Certificate.load(id.certPEM)[0] }
        func signer(_ id: TestPKI.Identity? = nil, chain: [TestPKI.Identity] = []) throws -> AuthenticodeSigner {
            let id = id ?? leaf
            return try AuthenticodeSigner(key: SigningKey(pemEncoded: id.keyPEM), certificate: cert(id), chain: chain.map { try cert($0) })
        }
    }

    static func unsigned() throws -> PEImage { try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny64.efi")) }

    @Test(arguments: [TestPKI.KeyType.p256, .rsa2048])
    func signedImageVerifiesThroughChainOrPartialChain(_ key: TestPKI.KeyType) throws {
        let s = try Setup(key: key)
        let signed = try PEImage(bytes: s.signer(chain: [s.intermediate]).sign(Self.unsigned()))
        #expect(signed.certificates.count == 1)
        #expect(signed.certificates[0].revision == 0x0200 && signed.certificates[0].certificateType == 2)
        #expect(signed.certificateTable!.lowerBound % 8 == 0 && signed.certificateTable!.count % 8 == 0)
        #expect(signed.storedChecksum == signed.computedChecksum)
        #expect(signed.authenticodeDigest(.sha256).hex == "a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae")
        // Root anchor: full chain.
        let v = AuthenticodeVerifier.verify(signed, anchors: [try s.cert(s.root)])
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.verified?.chain.count == 3)
        // Intermediate trusted directly (UEFI db semantics, not self-signed).
        let partial = AuthenticodeVerifier.verify(signed, anchors: [try s.cert(s.intermediate)])
        #expect(partial.isValid, "\(partial.report.failures)")
        // The leaf itself in db.
        #expect(AuthenticodeVerifier.verify(signed, anchors: [try s.cert(s.leaf)]).isValid)
    }

    @Test func signerOutsideTheAnchorsIsUntrusted() throws {
        let s = try Setup()
        let otherRoot = try s.pki.root("Other")
        let signed = try PEImage(bytes: s.signer(chain: [s.intermediate]).sign(Self.unsigned()))
        let v = AuthenticodeVerifier.verify(signed, anchors: [try s.cert(otherRoot)])
        #expect(Self.codes(v) == ["chain.untrusted"])
        #expect(AuthenticodeVerifier.verify(signed, anchors: []).report.failures.map(\.code) == ["chain.untrusted"])
    }

    @Test func signerWithoutCodeSigningUsageIsRejected() throws {
        let s = try Setup()
        let server = try s.pki.issue("TLS", by: s.root, extendedKeyUsage: "serverAuth")
        let signed = try PEImage(bytes: s.signer(server).sign(Self.unsigned()))
        let v = AuthenticodeVerifier.verify(signed, anchors: [try s.cert(s.root)])
        #expect(Self.codes(v).contains("chain.not-code-signing"), "\(v.report.failures)")
        // No EKU extension at all is allowed.
        let plain = try s.pki.issue("Plain", by: s.root, extendedKeyUsage: nil)
        let ok = try PEImage(bytes: s.signer(plain).sign(Self.unsigned()))
        #expect(AuthenticodeVerifier.verify(ok, anchors: [try s.cert(s.root)]).isValid)
    }

    @Test func validityIsIgnoredByDefaultAndEnforcedOnRequest() throws {
        let s = try Setup()
        let signed = try PEImage(bytes: s.signer(chain: [s.intermediate]).sign(Self.unsigned()))
        let anchors = [try s.cert(s.root)]
        let future = Date().addingTimeInterval(20 * 365 * 86400)
        #expect(AuthenticodeVerifier.verify(signed, anchors: anchors).isValid)
        #expect(AuthenticodeVerifier.verify(signed, anchors: anchors, time: .at(Date())).isValid)
        let expired = AuthenticodeVerifier.verify(signed, anchors: anchors, time: .at(future))
        #expect(Self.codes(expired) == ["chain.expired"])
    }

    @Test func denyListRevokesDigestOrAnyCertificateInTheChain() throws {
        let s = try Setup()
        let signed = try PEImage(bytes: s.signer(chain: [s.intermediate]).sign(Self.unsigned()))
        let anchors = [try s.cert(s.root)]
        let digest = signed.authenticodeDigest(.sha256)
        let byDigest = AuthenticodeVerifier.verify(signed, anchors: anchors, dbx: DenyList(digests: [.init(algorithm: .sha256, value: digest)], certificates: []))
        #expect(Self.codes(byDigest) == ["dbx.digest-revoked"])
        #expect(byDigest.verified == nil)
        for revoked in [s.leaf, s.intermediate, s.root] {
            let dbx = DenyList(digests: [], certificates: [try s.cert(revoked).derEncoded])
            let v = AuthenticodeVerifier.verify(signed, anchors: anchors, dbx: dbx)
            #expect(Self.codes(v) == ["dbx.certificate-revoked"], "\(revoked.name)")
        }
        // EFI_CERT_X509_SHA256_GUID: SHA-256 of the intermediate's TBSCertificate + EFI_TIME.
        let intermediateDER = try s.cert(s.intermediate).derEncoded
        guard case .constructed(let parts) = try DER.parse(intermediateDER).content, let tbsNode = parts.first(where: { _ in true }) else {
            Issue.record("cannot parse the intermediate certificate"); return
        }
        let tbs = Array(tbsNode.encodedBytes)
        func le(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let entry = [UInt8](repeating: 0x42, count: 16) + DigestAlgorithm.sha256.hash(tbs) + [UInt8](repeating: 0, count: 16)
        let list = EFIGUID.certX509SHA256.bytes + le(28 + entry.count) + le(0) + le(entry.count) + entry
        let byTBS = AuthenticodeVerifier.verify(signed, anchors: anchors, dbx: try DenyList(bytes: list))
        #expect(Self.codes(byTBS) == ["dbx.certificate-revoked"])
        let unrelated = DenyList(digests: [.init(algorithm: .sha256, value: [UInt8](repeating: 1, count: 32))], certificates: [])
        #expect(AuthenticodeVerifier.verify(signed, anchors: anchors, dbx: unrelated).isValid)
    }

    @Test func appendedSecondSignatureIsReportedAndEitherMaySatisfy() throws {
        let s = try Setup()
        let other = try s.pki.root("SecondRoot", codeSigning: true)
        let once = try PEImage(bytes: s.signer(chain: [s.intermediate]).sign(Self.unsigned()))
        let twice = try PEImage(bytes: s.signer(other).sign(once, append: true))
        #expect(twice.certificates.count == 2)
        #expect(twice.storedChecksum == twice.computedChecksum)
        let v1 = AuthenticodeVerifier.verify(twice, anchors: [try s.cert(s.root)])
        #expect(v1.isValid)
        #expect(v1.signatures.map(\.isValid) == [true, false])
        let v2 = AuthenticodeVerifier.verify(twice, anchors: [try s.cert(other)])
        #expect(v2.isValid && v2.verified?.signatureIndex == 2)
        // Without --append the table is replaced.
        let replaced = try PEImage(bytes: s.signer(other).sign(once))
        #expect(replaced.certificates.count == 1)
    }

    // MARK: Tampering

    static func flip(_ bytes: Data, at offset: Int) -> Data {
        var b = bytes
        b[b.startIndex + offset] ^= 0x01
        return b
    }

    @Test func flippedBitsAreRejectedWithSpecificCodes() throws {
        let s = try Setup()
        let signed = try s.signer(chain: [s.intermediate]).sign(Self.unsigned())
        let image = try PEImage(bytes: signed)
        let anchors = [try s.cert(s.root)]
        let section = image.sections[0].rawDataRange
        // A byte in a section and in the headers (the TimeDateStamp) change the digest.
        for offset in [section.lowerBound + 3, 0x44 + 4 + 0] {
            let v = AuthenticodeVerifier.verify(try PEImage(bytes: Self.flip(signed, at: offset)), anchors: anchors)
            #expect(Self.codes(v) == ["authenticode.digest-mismatch"], "offset \(offset)")
        }
        // The stored checksum is not covered: flipping it keeps the signature valid.
        #expect(AuthenticodeVerifier.verify(try PEImage(bytes: Self.flip(signed, at: image.checksumOffset)), anchors: anchors).isValid)
        // The last byte of the PKCS#7 signature value.
        let entry = image.certificates[0]
        let sigEnd = entry.offset + 8 + (try AuthenticodeSignature(certificate: entry)).derEncoded.count - 1
        let v = AuthenticodeVerifier.verify(try PEImage(bytes: Self.flip(signed, at: sigEnd)), anchors: anchors)
        #expect(Self.codes(v) == ["authenticode.signature-invalid"])
        // Every byte of the signature blob: never valid, never a trap.
        for offset in (entry.offset + 8)..<image.bytes.count {
            let tampered = try PEImage(bytes: Self.flip(signed, at: offset))
            let r = AuthenticodeVerifier.verify(tampered, anchors: anchors)
            if r.isValid {
                // Only bytes outside what DER parsing and the signature cover (e.g. padding) may be flipped.
                #expect(offset >= entry.offset + 8 + (try AuthenticodeSignature(certificate: image.certificates[0])).derEncoded.count, "offset \(offset - entry.offset - 8) of \(Array(image.bytes[(entry.offset+8)...]).hex)")
            }
        }
    }

    @Test func malformedSignaturesThrowAndFuzzNeverTraps() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/go-uefi/HelloWorld.efi.signed"))
        let der = try AuthenticodeSignature(certificate: image.certificates[0]).derEncoded
        // Every truncation of the DER throws a ParseError (never traps).
        for n in 0..<der.count {
            #expect(throws: ParseError.self, "prefix \(n)") { try AuthenticodeSignature(derEncoded: Array(der.prefix(n))) }
        }
        // Not SignedData, not SpcIndirectDataContent, unknown digest algorithm.
        #expect(throws: ParseError.self) { try AuthenticodeSignature(derEncoded: [0x30, 0x03, 0x06, 0x01, 0x00]) }
        let spcOID: [UInt8] = [0x06, 0x0A, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04]
        let at = try #require((0..<(der.count - spcOID.count)).first { Array(der[$0..<($0 + spcOID.count)]) == spcOID })
        var wrongType = der
        wrongType[at + spcOID.count - 1] = 0x05  // SpcIndirectDataContent → another OID
        #expect(throws: ParseError.self) { try AuthenticodeSignature(derEncoded: wrongType) }
        var rng = SplitMix64(seed: 0xA17E_C0DE)
        for _ in 0..<3000 {
            var bytes = der
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            }
            AuthenticodeSignature.fuzz(bytes)
        }
    }
}
