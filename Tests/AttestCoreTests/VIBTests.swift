import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// A throw-away VIB PKI: a root, a CA per signed level (pinned as that level's anchor) and a signer
/// under each, made once with openssl and shared read-only by the tests.
final class VIBTestChain: @unchecked Sendable {
    let pki = TestPKI()
    let root: TestPKI.Identity
    var cas: [AcceptanceLevel: TestPKI.Identity] = [:]
    var signers: [AcceptanceLevel: TestPKI.Identity] = [:]
    let rogueSigner: TestPKI.Identity
    /// vib-root ─ profile-ca ─ profile-signer (EKU SignerPolicy.profileSigningOID), anchored as `profile`.
    let profileCA: TestPKI.Identity
    let profileSigner: TestPKI.Identity

    static let shared: Result<VIBTestChain, any Error> = Result { try VIBTestChain() }
    static func get() throws -> VIBTestChain { try shared.get() }

    private init() throws {
        root = try pki.root("vib-root-ca")
        for level in AcceptanceLevel.signedLevels {
            let ca = try pki.issue("vib-\(level)-ca", by: root, ca: true)
            cas[level] = ca
            signers[level] = try pki.issue("vib-\(level)-signer", by: ca)
        }
        let rogueRoot = try pki.root("rogue-root")
        rogueSigner = try pki.issue("rogue-signer", by: rogueRoot)
        profileCA = try pki.issue("profile-ca", by: root, ca: true)
        profileSigner = try pki.issue("profile-signer", by: profileCA, extendedKeyUsage: SignerPolicy.profileSigningOID)
    }

    func cert(_ id: TestPKI.Identity) throws -> X509Certificate { try X509Certificate.load(id.certPEM)[0] }
    func key(_ id: TestPKI.Identity) throws -> SigningKey { try SigningKey(pemEncoded: id.keyPEM) }

    /// Per-level CAs as anchors, the root as vibRoot, the profile CA as `profile`.
    func trust() throws -> TrustAnchors {
        var levels: [AcceptanceLevel: [X509Certificate]] = [:]
        for (level, ca) in cas { levels[level] = [try cert(ca)] }
        return TrustAnchors(vibRoot: [try cert(root)], vibLevels: levels, profile: [try cert(profileCA)])
    }

    func sign(_ vib: [UInt8], with signer: TestPKI.Identity, chain: [TestPKI.Identity] = [], at time: Date = Date()) throws -> [UInt8] {
        try VIBSigner.sign(try VIB(bytes: vib), key: try key(signer), certificate: try cert(signer),
                           chain: try chain.map { try cert($0) }, signingTime: time)
    }

    static func descriptor(name: String = "net-demo", version: String = "1.0.0-1", level: AcceptanceLevel = .partner,
                           payloads: [String] = ["netdemo"]) -> [UInt8] {
        let p = payloads.map { "<payload name=\"\($0)\" type=\"vgz\"/>" }.joined()
        return Array("""
        <vib version="5.0"><type>bootbank</type><name>\(name)</name><version>\(version)</version><vendor>Example</vendor>
        <summary>s</summary><description>d</description><release-date>2026-01-01T00:00:00+00:00</release-date>
        <relationships><depends/><conflicts/><replaces/></relationships>
        <acceptance-level>\(level)</acceptance-level><live-install-allowed>false</live-install-allowed>
        <live-remove-allowed>false</live-remove-allowed><payloads>\(p)</payloads></vib>
        """.utf8)
    }

    static func unsignedVIB(name: String = "net-demo", version: String = "1.0.0-1", level: AcceptanceLevel = .partner, payload: [UInt8]? = nil) throws -> [UInt8] {
        let raw = payload ?? Array("payload of \(name) \(version)".utf8)
        return try VIBBuilder.build(descriptor: descriptor(name: name, version: version, level: level),
                                    payloads: [.init(name: "netdemo", bytes: try Gzip.compress(raw))]).vib
    }

    func signedVIB(name: String = "net-demo", version: String = "1.0.0-1", level: AcceptanceLevel = .partner, signer: AcceptanceLevel? = nil) throws -> [UInt8] {
        let unsigned = try Self.unsignedVIB(name: name, version: version, level: level)
        guard let s = signers[signer ?? level], let ca = cas[signer ?? level] else { return unsigned }
        return try sign(unsigned, with: s, chain: [ca])
    }
}

@Suite struct VIBTests {
    func verify(_ bytes: [UInt8], host: AcceptanceLevel = .partner, deep: Bool = false, revoked: VIBRevocations = .none,
                trust: TrustAnchors? = nil) throws -> VIBVerification {
        let chain = try VIBTestChain.get()
        return VIBVerifier.verify(try VIB(bytes: bytes), trust: try trust ?? chain.trust(), revoked: revoked,
                                  options: VIBVerificationOptions(hostAcceptance: host, deep: deep))
    }

    func codes(_ v: VIBVerification) -> Set<String> { Set(v.report.failures.map(\.code.rawValue)) }

    @Test(arguments: AcceptanceLevel.signedLevels)
    func signedAtEachLevelVerifies(_ level: AcceptanceLevel) throws {
        let chain = try VIBTestChain.get()
        let v = try verify(try chain.signedVIB(level: level), deep: true)
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.verified?.provenLevel == level)
    }

    @Test func higherLevelSignerMayVouchForLowerLevel() throws {
        let chain = try VIBTestChain.get()
        let v = try verify(try chain.signedVIB(level: .partner, signer: .certified))
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.verified?.provenLevel == .certified)
    }

    @Test func lowerLevelSignerCannotClaimHigherLevel() throws {
        let chain = try VIBTestChain.get()
        let v = try verify(try chain.signedVIB(level: .certified, signer: .partner))
        #expect(!v.isValid)
        #expect(codes(v).contains("vib.signer-untrusted"), "\(v.report.failures)")
    }

    @Test func rogueSignerIsUntrusted() throws {
        let chain = try VIBTestChain.get()
        let v = try verify(try chain.sign(try VIBTestChain.unsignedVIB(), with: chain.rogueSigner))
        #expect(codes(v).contains("vib.signer-untrusted"), "\(v.report.failures)")
    }

    @Test func unsignedNonCommunityIsRefused() throws {
        let v = try verify(try VIBTestChain.unsignedVIB(level: .partner))
        #expect(codes(v) == ["vib.unsigned"])
    }

    @Test func communityIsBelowAPartnerHostButFineOnACommunityHost() throws {
        let vib = try VIBTestChain.unsignedVIB(level: .community)
        #expect(codes(try verify(vib, host: .partner)) == ["vib.acceptance-below-host"])
        #expect(try verify(vib, host: .community).isValid)
    }

    @Test func partnerVIBOnAnAcceptedHostIsRefused() throws {
        let chain = try VIBTestChain.get()
        #expect(codes(try verify(try chain.signedVIB(level: .partner), host: .accepted)) == ["vib.acceptance-below-host"])
    }

    @Test func tamperedPayloadFailsTheChecksum() throws {
        let chain = try VIBTestChain.get()
        var bytes = try chain.signedVIB()
        bytes[bytes.count - 3] ^= 0x55
        let v = try verify(bytes, deep: true)
        #expect(codes(v).contains("vib.checksum-mismatch"))
        #expect(v.report.failures.first { $0.code == "vib.checksum-mismatch" }?.message.contains("expected") == true)
    }

    @Test func tamperedDescriptorFailsTheSignature() throws {
        let chain = try VIBTestChain.get()
        let signed = try VIB(bytes: try chain.signedVIB())
        var members: [(name: String, bytes: [UInt8])] = []
        let text = String(decoding: signed.descriptorBytes, as: UTF8.self).replacingOccurrences(of: "<summary>s</summary>", with: "<summary>t</summary>")
        members.append(("descriptor.xml", Array(text.utf8)))
        members.append(("sig.pkcs7", signed.signature))
        for m in signed.payloadMembers { members.append((m.name, signed.withMemberBytes(m) { Array($0) })) }
        let v = try verify(try ArArchive.write(members))
        #expect(codes(v).contains("signature.digest-mismatch"), "\(v.report.failures)")
    }

    @Test func revokedSignerAndDigestAreRefused() throws {
        let chain = try VIBTestChain.get()
        let bytes = try chain.signedVIB()
        let signer = try chain.cert(chain.signers[.partner]!)
        #expect(codes(try verify(bytes, revoked: VIBRevocations(certificates: [signer]))).contains("vib.signer-revoked"))
        let vib = try VIB(bytes: bytes)
        #expect(codes(try verify(bytes, revoked: VIBRevocations(sha256: [vib.descriptorSHA256]))).contains("vib.revoked-digest"))
    }

    @Test func bareCertificateAnchorsEveryLevel() throws {
        let chain = try VIBTestChain.get()
        let trust = TrustAnchors.anchoringEverything([try chain.cert(chain.root)])
        let v = try verify(try chain.signedVIB(level: .certified, signer: .partner), trust: trust)
        #expect(v.isValid, "\(v.report.failures)")
    }

    @Test func signingTimeNotWallClockJudgesTheSigner() throws {
        // Signed "now" but verified with the wall clock far in the future: the signer has expired
        // by then; the default signing-time rule still accepts it.
        let chain = try VIBTestChain.get()
        let vib = try VIB(bytes: try chain.signedVIB())
        let later = Date().addingTimeInterval(20 * 365 * 86400)
        let wall = VIBVerifier.verify(vib, trust: try chain.trust(), options: VIBVerificationOptions(time: .at(later)))
        #expect(!wall.isValid)
        let signing = VIBVerifier.verify(vib, trust: try chain.trust(), options: VIBVerificationOptions(time: .signingTime))
        #expect(signing.isValid, "\(signing.report.failures)")
    }

    @Test func missingAndUnexpectedPayloadsAreReported() throws {
        let chain = try VIBTestChain.get()
        let signed = try VIB(bytes: try chain.signedVIB())
        let withoutPayload = try ArArchive.write([("descriptor.xml", signed.descriptorBytes), ("sig.pkcs7", signed.signature), ("extra", [1])])
        let c = codes(try verify(withoutPayload))
        #expect(c.contains("vib.payload-missing") && c.contains("vib.payload-unexpected"))
    }

    @Test func membersOutOfOrderAreMalformed() throws {
        let signed = try VIB(bytes: try VIBTestChain.unsignedVIB())
        let swapped = try ArArchive.write([("sig.pkcs7", []), ("descriptor.xml", signed.descriptorBytes)])
        #expect(throws: ParseError.self) { try VIB(bytes: swapped) }
        let dup = try ArArchive.write([("descriptor.xml", signed.descriptorBytes), ("sig.pkcs7", []), ("netdemo", []), ("netdemo", [])])
        #expect(throws: ParseError.self) { try VIB(bytes: dup) }
    }
}
