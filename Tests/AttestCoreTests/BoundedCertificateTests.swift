import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// Issue #7: signatures that carry thousands of certificates. Certificates are de-duplicated in
/// linear time and capped at 64 (Authenticode SignedData, detached CMS, chain building).
@Suite struct BoundedCertificateTests {
    /// Key chains made in-process (P-256, fast): 10 distinct certificates each.
    static let chains: [GeneratedKeyChain] = (0..<8).map { _ in try! KeyChain.generate(algorithm: .p256, now: Date()) }

    static func cert(_ chain: GeneratedKeyChain, _ role: KeyChainRole) throws -> X509Certificate {
        try X509Certificate(derEncoded: try #require(chain.entry(role)).certificateDER)
    }
    static func key(_ chain: GeneratedKeyChain, _ role: KeyChainRole) throws -> SigningKey {
        try SigningKey(pemEncoded: Array(try #require(chain.entry(role)).privateKeyPEM.utf8))
    }
    /// `n` distinct certificates, none of them from the first chain.
    static func strangers(_ n: Int) throws -> [X509Certificate] {
        let all = try chains.dropFirst().flatMap { c in try KeyChainRole.allCases.map { try cert(c, $0) } }
        return Array(all.prefix(n))
    }

    /// A PE signed by the first chain's kernel signer, carrying `extra` more certificates.
    static func signedImage(carrying extra: [X509Certificate]) throws -> PEImage {
        let c = chains[0]
        let unsigned = try PEImage(bytes: PESynthesizer.image(sections: [(".text", [UInt8](repeating: 0xC3, count: 300))]))
        let signer = try AuthenticodeSigner(key: key(c, .kernelSigner), certificate: cert(c, .kernelSigner), chain: extra)
        return try PEImage(bytes: signer.sign(unsigned))
    }

    /// The input: thousands of (here identical) certificates. Refused at parse, before any
    /// is compared or offered to chain building.
    @Test(arguments: [AuthenticodeSignature.maxCertificates, 5000])
    func authenticodeWithTooManyCertificatesIsRefused(extra: Int) throws {
        let vendorCA = try Self.cert(Self.chains[0], .bootVendorCA)
        let image = try Self.signedImage(carrying: Array(repeating: vendorCA, count: extra))
        #expect { try AuthenticodeSignature(certificate: image.certificates[0]) } throws: {
            ($0 as? ParseError)?.code == "authenticode.too-many-certificates"
        }
        let v = AuthenticodeVerifier.verify(image, anchors: [vendorCA])
        #expect(Set(v.report.failures.map(\.code)) == ["authenticode.too-many-certificates"])
        #expect(v.verified == nil)
    }

    /// Up to the cap, duplicates are harmless: de-duplicated, and the chain still builds.
    @Test func authenticodeDuplicatesUpToTheCapVerify() throws {
        let vendorCA = try Self.cert(Self.chains[0], .bootVendorCA)
        let image = try Self.signedImage(carrying: Array(repeating: vendorCA, count: AuthenticodeSignature.maxCertificates - 1))
        #expect(try AuthenticodeSignature(certificate: image.certificates[0]).certificates.count == AuthenticodeSignature.maxCertificates)
        let v = AuthenticodeVerifier.verify(image, anchors: [vendorCA])
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.verified?.chain.count == 2)
    }

    @Test func chainBuildingRefusesMoreThan64DistinctCertificates() throws {
        let c = Self.chains[0]
        let signer = try Self.cert(c, .kernelSigner)
        let anchor = try Self.cert(c, .bootVendorCA)
        let many = try Self.strangers(ChainVerifier.maxUntrustedCertificates + 1)
        let refused = ChainVerifier.verify(signer: signer, untrusted: many, anchors: [anchor], time: .ignoreValidity,
                                           requireCodeSigning: true, component: "t")
        #expect(refused.report.failures.map(\.code) == ["chain.too-many-certificates"])
        // Duplicates, the signer and the anchors do not count towards the cap.
        let repeated = Array(repeating: many[0], count: 1000) + [signer, anchor]
        let ok = ChainVerifier.verify(signer: signer, untrusted: repeated, anchors: [anchor], time: .ignoreValidity,
                                      requireCodeSigning: true, component: "t")
        #expect(ok.isValid, "\(ok.report.failures)")
    }

    @Test func detachedCMSWithTooManyCertificatesIsRefused() throws {
        let c = Self.chains[0]
        let content = Array("descriptor".utf8)
        let signerCert = try Self.cert(c, .vibPartnerSigner)
        let partnerCA = try Self.cert(c, .vibPartnerCA)
        let tooMany = try DetachedCMS.signDER(content: content, key: Self.key(c, .vibPartnerSigner), certificate: signerCert,
                                              chain: [partnerCA] + Self.strangers(DetachedCMSSignature.maxCertificates - 1))
        #expect { try DetachedCMSSignature(bytes: tooMany) } throws: { ($0 as? ParseError)?.code == "signature.too-many-certificates" }
        // At the cap it parses and verifies.
        let atCap = try DetachedCMS.signDER(content: content, key: Self.key(c, .vibPartnerSigner), certificate: signerCert,
                                            chain: [partnerCA] + Self.strangers(DetachedCMSSignature.maxCertificates - 2))
        let v = try DetachedCMSSignature(bytes: atCap).verify(content: content, anchors: [Self.cert(c, .vibRootCA)], time: .ignoreValidity,
                                                               requireCodeSigning: false, component: "t")
        #expect(v.isValid, "\(v.report.failures)")
    }

    /// A VIB whose sig.pkcs7 carries too many certificates fails with that code (exit 1), not a crash.
    @Test func vibWithTooManyCertificatesIsRefused() throws {
        let c = Self.chains[0]
        let (unsigned, _) = try VIBBuilder.build(descriptor: VIBTestChain.descriptor(level: .partner),
                                                 payloads: [.init(name: "netdemo", bytes: try Gzip.compress(Array("x".utf8)))])
        let vib = try VIB(bytes: unsigned)
        let sig = try DetachedCMS.sign(content: vib.descriptorBytes, key: Self.key(c, .vibPartnerSigner), certificate: Self.cert(c, .vibPartnerSigner),
                                       chain: [Self.cert(c, .vibPartnerCA)] + Self.strangers(DetachedCMSSignature.maxCertificates))
        let signed = try VIB(bytes: Array(try vib.replacingSignature(Array(sig.utf8))))
        let trust = TrustAnchors(vibLevels: [.partner: [try Self.cert(c, .vibPartnerCA)]])
        let v = VIBVerifier.verify(signed, trust: trust)
        #expect(v.report.failures.map(\.code).contains("signature.too-many-certificates"))
        #expect(v.verified == nil)
    }
}
