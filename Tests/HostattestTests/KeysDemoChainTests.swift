import AttestCore
import Foundation
import Testing
import TestSupport
import X509

/// The committed DEMO chain in `Keys/demo/`: complete, self-consistent, and marked demo-only everywhere.
@Suite struct KeysDemoChainTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Keys/demo")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    @Test(arguments: KeyChainRole.allCases)
    func certificateMatchesKeyAndIsDemo(_ role: KeyChainRole) throws {
        let cert = try Certificate(pemEncoded: try Self.text(role.certificateFile))
        let key = try Certificate.PrivateKey(pemEncoded: try Self.text(role.privateKeyFile))
        #expect(key.publicKey == cert.publicKey, "\(role.privateKeyFile) does not match \(role.certificateFile)")
        #expect(cert.subject.description == "CN=\(role.commonName(demo: true)),O=\(KeyChain.demoOrganization)")
        let issuerRole = role.issuer ?? role
        let issuer = try Certificate(pemEncoded: try Self.text(issuerRole.certificateFile))
        #expect(cert.issuer == issuer.subject)
        #expect(issuer.publicKey.isValidSignature(cert.signature, for: cert))
        #expect(cert.signatureAlgorithm == .sha256WithRSAEncryption, "the demo chain is RSA-2048 / SHA-256")
    }

    @Test func trustFileIsDemoOnly() throws {
        let trust = try TrustFile(jsonData: Array(try Self.text("trust.json").utf8))
        #expect(trust.demoOnly == true)
        for file in trust.allFiles {
            #expect(FileManager.default.fileExists(atPath: Self.path(file)), "\(file) named in trust.json is missing")
        }
    }

    @Test func readmesWarnInCapitals() throws {
        let chainReadme = try Self.text("README.md")
        #expect(chainReadme.contains("DEMO-ONLY AND PUBLIC"))
        #expect(chainReadme.contains("NEVER TRUST THEM FOR ANYTHING REAL"))
        #expect(chainReadme.contains("--trust"))
        let keysReadme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Keys/README.md"), encoding: .utf8)
        #expect(keysReadme.contains("DEMO-ONLY"))
        #expect(keysReadme.contains("0600"))
        #expect(keysReadme.contains("keys init --demo --out Keys/demo"))
    }

    @Test func chainVerifiesWithOpenSSL() throws {
        let chains: [(leaf: KeyChainRole, root: KeyChainRole, untrusted: KeyChainRole?)] = [
            (.platformRoot, .platformRoot, nil),
            (.kernelSigner, .bootVendorCA, nil),
            (.vibCertifiedSigner, .vibRootCA, .vibCertifiedCA),
            (.vibAcceptedSigner, .vibRootCA, .vibAcceptedCA),
            (.vibPartnerSigner, .vibRootCA, .vibPartnerCA),
            (.profileSigner, .vibRootCA, .profileCA),
        ]
        for c in chains {
            var args = ["verify", "-x509_strict", "-CAfile", Self.path(c.root.certificateFile)]
            if let u = c.untrusted { args += ["-untrusted", Self.path(u.certificateFile)] }
            args.append(Self.path(c.leaf.certificateFile))
            let r = try Run.process("openssl", args)
            #expect(r.status == 0, "\(c.leaf): \(r.stdout) \(r.stderr)")
        }
    }
}
