import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// Odd signer certificates under the partner CA of the shared VIB chain, made once.
final class OddSigners: @unchecked Sendable {
    let pki = TestPKI()
    /// keyUsage keyEncipherment only (no digitalSignature); EKU codeSigning.
    let keyEnciphermentOnly: TestPKI.Identity
    /// EKU serverAuth only.
    let serverAuthOnly: TestPKI.Identity
    /// CA:TRUE with digitalSignature and codeSigning.
    let caWithDigitalSignature: TestPKI.Identity
    /// No EKU extension at all.
    let noEKU: TestPKI.Identity
    /// No keyUsage extension at all.
    let noKeyUsage: TestPKI.Identity
    /// EKU anyExtendedKeyUsage only.
    let anyEKU: TestPKI.Identity
    /// The image-profile-signing EKU, but issued by the partner VIB CA.
    let profileEKUUnderPartner: TestPKI.Identity
    /// The image-profile-signing EKU under the profile CA, but CA:TRUE.
    let profileEKUCA: TestPKI.Identity
    /// A self-made profile signer: its own root, the profile EKU.
    let selfMadeProfileSigner: TestPKI.Identity

    static let shared: Result<OddSigners, any Error> = Result { try OddSigners(try VIBTestChain.get()) }
    static func get() throws -> OddSigners { try shared.get() }

    private init(_ chain: VIBTestChain) throws {
        let ca = chain.cas[.partner]!
        let leaf = "basicConstraints=critical,CA:FALSE"
        keyEnciphermentOnly = try pki.issue("ke-only", by: ca, extensions: [leaf, "keyUsage=critical,keyEncipherment", "extendedKeyUsage=codeSigning"])
        serverAuthOnly = try pki.issue("server-auth", by: ca, extensions: [leaf, "keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth"])
        caWithDigitalSignature = try pki.issue("ca-signer", by: ca, extensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,digitalSignature,keyCertSign", "extendedKeyUsage=codeSigning"])
        noEKU = try pki.issue("no-eku", by: ca, extensions: [leaf, "keyUsage=critical,digitalSignature"])
        noKeyUsage = try pki.issue("no-ku", by: ca, extensions: [leaf, "extendedKeyUsage=codeSigning"])
        anyEKU = try pki.issue("any-eku", by: ca, extensions: [leaf, "keyUsage=critical,digitalSignature", "extendedKeyUsage=anyExtendedKeyUsage"])
        let profileEKU = "extendedKeyUsage=\(SignerPolicy.profileSigningOID)"
        profileEKUUnderPartner = try pki.issue("profile-eku-partner", by: ca, extensions: [leaf, "keyUsage=critical,digitalSignature", profileEKU])
        profileEKUCA = try pki.issue("profile-eku-ca", by: chain.profileCA, extensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,digitalSignature,keyCertSign", profileEKU])
        let rogue = try pki.root("rogue-profile-root")
        selfMadeProfileSigner = try pki.issue("rogue-profile-signer", by: rogue, extendedKeyUsage: SignerPolicy.profileSigningOID)
    }
}

/// VIB signatures are held to the usage the key chain issues (keyUsage digitalSignature, EKU
/// codeSigning, not a CA), as PE signatures are: issue #7.
@Suite struct VIBSignerUsageTests {
    func verify(signer: TestPKI.Identity, chain extra: [TestPKI.Identity]) throws -> VIBVerification {
        let chain = try VIBTestChain.get()
        let vib = try chain.sign(try VIBTestChain.unsignedVIB(level: .partner), with: signer, chain: extra)
        return VIBVerifier.verify(try VIB(bytes: vib), trust: try chain.trust())
    }

    func codes(_ v: VIBVerification) -> Set<String> { Set(v.report.failures.map(\.code.rawValue)) }

    @Test func vibSignedWithTheCAKeyItselfIsRefused() throws {
        let chain = try VIBTestChain.get()
        // vib-partner-ca: CA:TRUE, keyUsage keyCertSign and cRLSign only; it is its own level's anchor.
        let v = try verify(signer: chain.cas[.partner]!, chain: [])
        #expect(!v.isValid)
        #expect(codes(v).isSuperset(of: ["chain.not-digital-signature", "chain.eku-missing", "chain.signer-is-ca", "vib.signer-not-vib-signer"]), "\(v.report.failures)")
    }

    @Test func vibSignedWithTheRootKeyIsRefused() throws {
        let chain = try VIBTestChain.get()
        let v = try verify(signer: chain.root, chain: [])
        #expect(!v.isValid)
        #expect(codes(v).contains("chain.signer-is-ca"))
    }

    @Test func serverAuthOnlyLeafIsRefused() throws {
        let odd = try OddSigners.get(), chain = try VIBTestChain.get()
        let v = try verify(signer: odd.serverAuthOnly, chain: [chain.cas[.partner]!])
        #expect(codes(v) == ["chain.not-code-signing", "vib.signer-not-vib-signer"], "\(v.report.failures)")
    }

    @Test func keyEnciphermentOnlyLeafIsRefused() throws {
        let odd = try OddSigners.get(), chain = try VIBTestChain.get()
        let v = try verify(signer: odd.keyEnciphermentOnly, chain: [chain.cas[.partner]!])
        #expect(codes(v) == ["chain.not-digital-signature", "vib.signer-not-vib-signer"], "\(v.report.failures)")
    }

    @Test func caCertificateWithDigitalSignatureIsRefused() throws {
        let odd = try OddSigners.get(), chain = try VIBTestChain.get()
        let v = try verify(signer: odd.caWithDigitalSignature, chain: [chain.cas[.partner]!])
        #expect(codes(v) == ["chain.signer-is-ca", "vib.signer-not-vib-signer"], "\(v.report.failures)")
    }

    @Test func missingUsageExtensionsAreRefused() throws {
        let odd = try OddSigners.get(), chain = try VIBTestChain.get()
        let ca = chain.cas[.partner]!
        #expect(codes(try verify(signer: odd.noEKU, chain: [ca])) == ["chain.eku-missing", "vib.signer-not-vib-signer"])
        #expect(codes(try verify(signer: odd.noKeyUsage, chain: [ca])) == ["chain.key-usage-missing", "vib.signer-not-vib-signer"])
        // anyExtendedKeyUsage is not the codeSigning usage the key chain issues.
        #expect(codes(try verify(signer: odd.anyEKU, chain: [ca])) == ["chain.not-code-signing", "vib.signer-not-vib-signer"])
    }

    @Test func profileSignerCannotSignVIBs() throws {
        let chain = try VIBTestChain.get()
        let v = try verify(signer: chain.profileSigner, chain: [chain.profileCA])
        #expect(!v.isValid)
        #expect(codes(v).isSuperset(of: ["chain.not-code-signing", "vib.signer-untrusted"]), "\(v.report.failures)")
    }

    @Test func theKeyChainsVIBSignersStillVerify() throws {
        let chain = try VIBTestChain.get()
        for level in AcceptanceLevel.signedLevels {
            let v = VIBVerifier.verify(try VIB(bytes: try chain.signedVIB(level: level)), trust: try chain.trust())
            #expect(v.isValid, "\(level): \(v.report.failures)")
        }
    }
}

/// ``SignerPolicy`` on its own: one row per certificate and role.
@Suite struct SignerPolicyTableTests {
    func codes(_ policy: SignerPolicy, _ id: TestPKI.Identity) throws -> Set<String> {
        let cert = try X509Certificate.load(id.certPEM)[0]
        return Set(policy.check(cert, component: "t").failures.map(\.code.rawValue))
    }

    @Test func rolesAreSeparated() throws {
        let chain = try VIBTestChain.get(), odd = try OddSigners.get()
        let vibSigner = chain.signers[.certified]!
        #expect(try codes(.vibSigning, vibSigner).isEmpty)
        #expect(try codes(.authenticode, vibSigner).isEmpty)
        #expect(try codes(.profileSigning, vibSigner) == ["chain.not-profile-signing"])
        #expect(try codes(.profileSigning, chain.profileSigner).isEmpty)
        #expect(try codes(.vibSigning, chain.profileSigner) == ["chain.not-code-signing"])
        #expect(try codes(.authenticode, chain.profileSigner) == ["chain.not-code-signing"])
        #expect(try codes(.profileSigning, odd.profileEKUCA) == ["chain.signer-is-ca"])
        #expect(try codes(.profileSigning, odd.anyEKU) == ["chain.not-profile-signing"])
        #expect(try codes(.profileSigning, chain.root) == ["chain.not-profile-signing", "chain.signer-is-ca"])
        #expect(try codes(.vibSigning, chain.cas[.partner]!) == ["chain.not-digital-signature", "chain.eku-missing", "chain.signer-is-ca"])
    }

    @Test func authenticodeKeepsUEFIDbSemantics() throws {
        let chain = try VIBTestChain.get(), odd = try OddSigners.get()
        // The UEFI db role: a CA may sign directly; missing extensions do not restrict.
        #expect(try codes(.authenticode, odd.caWithDigitalSignature).isEmpty)
        #expect(try codes(.authenticode, odd.noEKU).isEmpty)
        #expect(try codes(.authenticode, odd.noKeyUsage).isEmpty)
        #expect(try codes(.authenticode, odd.anyEKU).isEmpty)
        // But a usage that is present must allow code signing.
        #expect(try codes(.authenticode, odd.serverAuthOnly) == ["chain.not-code-signing"])
        #expect(try codes(.authenticode, odd.keyEnciphermentOnly) == ["chain.not-digital-signature"])
        #expect(try codes(.authenticode, chain.cas[.partner]!) == ["chain.not-digital-signature"])
        #expect(try codes(.unrestricted, odd.serverAuthOnly).isEmpty)
    }
}
