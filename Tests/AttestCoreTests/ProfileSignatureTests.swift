import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// Only a profile signer under a `profile` anchor may sign an image profile (issue #7): a profile
/// decides the host's acceptance level, so a VIB signer must not be able to lower it.
@Suite struct ProfileSignatureTests {
    static let profile = Array(#"{"format":"hostattest-image-profile/1","name":"p"}"#.utf8)

    func sign(_ signer: TestPKI.Identity, chain extra: [TestPKI.Identity] = [], content: [UInt8] = profile) throws -> [UInt8] {
        let chain = try VIBTestChain.get()
        return Array(try DetachedCMS.sign(content: content, key: try chain.key(signer), certificate: try chain.cert(signer),
                                          chain: try extra.map { try chain.cert($0) }).utf8)
    }

    func verify(_ signature: [UInt8]?, trust: TrustAnchors? = nil, revoked: VIBRevocations = .none,
                content: [UInt8] = profile) throws -> ProfileSignatureVerification {
        ProfileSignatureVerifier.verify(profileBytes: content, signature: signature, trust: try trust ?? VIBTestChain.get().trust(),
                                        revoked: revoked, component: "p.profile.json")
    }

    func codes(_ v: ProfileSignatureVerification) -> Set<String> { Set(v.report.failures.map(\.code.rawValue)) }

    @Test func profileSignerVerifies() throws {
        let chain = try VIBTestChain.get()
        let v = try verify(try sign(chain.profileSigner, chain: [chain.profileCA]))
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.verified?.signer.subject.contains("profile-signer") == true)
    }

    @Test(arguments: [AcceptanceLevel.partner, .accepted, .certified])
    func vibSignerIsTheWrongRole(_ level: AcceptanceLevel) throws {
        let chain = try VIBTestChain.get()
        let v = try verify(try sign(chain.signers[level]!, chain: [chain.cas[level]!]))
        #expect(!v.isValid)
        #expect(codes(v) == ["chain.not-profile-signing", "chain.untrusted", "profile.signer-wrong-role", "profile.signer-not-profile-role"],
                "\(v.report.failures)")
    }

    @Test func vibRootItselfIsTheWrongRole() throws {
        let chain = try VIBTestChain.get()
        let v = try verify(try sign(chain.root))
        #expect(!v.isValid)
        #expect(codes(v).isSuperset(of: ["profile.signer-wrong-role", "chain.signer-is-ca", "chain.not-profile-signing"]), "\(v.report.failures)")
    }

    @Test func profileUsageUnderAVIBCAIsTheWrongRole() throws {
        let chain = try VIBTestChain.get(), odd = try OddSigners.get()
        let v = try verify(try sign(odd.profileEKUUnderPartner, chain: [chain.cas[.partner]!]))
        #expect(codes(v) == ["chain.untrusted", "profile.signer-wrong-role"], "\(v.report.failures)")
    }

    @Test func platformOrBootVendorKeyIsTheWrongRole() throws {
        let chain = try VIBTestChain.get(), odd = try OddSigners.get()
        // A key pinned for bootloaders (UEFI db) or carried as the boot vendor: trusted, but not for profiles.
        for pinAsPlatform in [true, false] {
            // Only that role and profiles are configured, so nothing else makes the signer known.
            var trust = TrustAnchors(profile: [try chain.cert(chain.profileCA)])
            let pinned = try chain.cert(odd.noEKU)
            if pinAsPlatform { trust.platform = [pinned] } else { trust.bootVendor = [pinned] }
            let v = try verify(try sign(odd.noEKU), trust: trust)
            #expect(codes(v) == ["chain.not-profile-signing", "chain.untrusted", "profile.signer-wrong-role", "profile.signer-not-profile-role"],
                    "\(v.report.failures)")
        }
    }

    @Test func selfMadeProfileSignerIsUntrusted() throws {
        let odd = try OddSigners.get()
        let v = try verify(try sign(odd.selfMadeProfileSigner))
        #expect(codes(v) == ["chain.untrusted", "profile.signer-untrusted"], "\(v.report.failures)")
    }

    @Test func profileCAChildThatIsACAIsRefused() throws {
        let chain = try VIBTestChain.get(), odd = try OddSigners.get()
        let v = try verify(try sign(odd.profileEKUCA, chain: [chain.profileCA]))
        #expect(codes(v) == ["chain.signer-is-ca", "profile.signer-not-profile-role"], "\(v.report.failures)")
    }

    @Test func olderTrustWithoutTheProfileRoleFailsClosed() throws {
        let chain = try VIBTestChain.get()
        var trust = try chain.trust()
        trust.profile = []
        let v = try verify(try sign(chain.profileSigner, chain: [chain.profileCA]), trust: trust)
        #expect(codes(v) == ["profile.no-trust-for-profiles"])
        #expect(v.report.failures.first?.message.contains("\"profile\"") == true)
        // Nor does a VIB signer pass through the old anchors.
        let byVIBSigner = try verify(try sign(chain.signers[.certified]!, chain: [chain.cas[.certified]!]), trust: trust)
        #expect(codes(byVIBSigner) == ["profile.no-trust-for-profiles"])
    }

    @Test func bareCertificateTrustSeparatesRolesByUsage() throws {
        let chain = try VIBTestChain.get()
        let trust = TrustAnchors.anchoringEverything([try chain.cert(chain.root)])
        let ok = try verify(try sign(chain.profileSigner, chain: [chain.profileCA]), trust: trust)
        #expect(ok.isValid, "\(ok.report.failures)")
        let vibSigner = try verify(try sign(chain.signers[.partner]!, chain: [chain.cas[.partner]!]), trust: trust)
        #expect(codes(vibSigner) == ["chain.not-profile-signing", "profile.signer-not-profile-role"])
    }

    @Test func unsignedTamperedAndMalformed() throws {
        let chain = try VIBTestChain.get()
        #expect(codes(try verify(nil)) == ["profile.unsigned"])
        #expect(codes(try verify(Array("  \n".utf8))) == ["profile.unsigned"])
        #expect(codes(try verify(Array("not a signature".utf8))) == ["profile.signature-invalid"])
        var altered = Self.profile
        altered[2] ^= 0x01
        let v = try verify(try sign(chain.profileSigner, chain: [chain.profileCA]), content: altered)
        #expect(codes(v).contains("profile.signature-invalid"))
        #expect(!v.isValid)
    }

    @Test func revokedProfileSignerOrCA() throws {
        let chain = try VIBTestChain.get()
        let sig = try sign(chain.profileSigner, chain: [chain.profileCA])
        let bySigner = try verify(sig, revoked: VIBRevocations(certificates: [try chain.cert(chain.profileSigner)]))
        #expect(codes(bySigner) == ["profile.signer-revoked"])
        let byCA = try verify(sig, revoked: VIBRevocations(certificates: [try chain.cert(chain.profileCA)]))
        #expect(codes(byCA) == ["profile.signer-revoked"])
    }

    @Test func trustFileProfileRoleIsOptionalAndLoaded() throws {
        let old = try TrustFile(jsonData: Array(#"{"format":"hostattest-trust/1","vib":{"root":["r.pem"],"partner":["p.pem"]}}"#.utf8))
        #expect(old.profile == nil)
        let new = try TrustFile(jsonData: Array(#"{"format":"hostattest-trust/1","vib":{"root":["r.pem"]},"profile":["profile-ca.crt.pem"]}"#.utf8))
        #expect(new.profile == ["profile-ca.crt.pem"])
        #expect(new.allFiles.contains("profile-ca.crt.pem"))
        // A misspelt role is still an error, not an empty role.
        #expect(throws: ParseError.self) { try TrustFile(jsonData: Array(#"{"format":"hostattest-trust/1","profiles":["x.pem"]}"#.utf8)) }
    }
}
