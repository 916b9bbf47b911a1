import AttestCore
import Crypto
import Foundation
import SwiftASN1
import Testing
@_spi(FixedExpiryValidationTime) import X509
import _CryptoExtras

/// `KeyChain.generate`: structure, extensions, signatures and validity of the generated chain.
@Suite struct KeyChainTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000) // 2026-09-21T14:13:20Z

    /// One RSA-2048 chain shared by the structural tests (key generation is the slow part).
    static let rsaChain: Result<GeneratedKeyChain, any Error> = Result {
        try KeyChain.generate(algorithm: .rsa2048, now: now)
    }

    static func chain() throws -> GeneratedKeyChain { try rsaChain.get() }

    static func certificate(_ chain: GeneratedKeyChain, _ role: KeyChainRole) throws -> Certificate {
        let entry = try #require(chain.entry(role))
        return try Certificate(pemEncoded: entry.certificatePEM)
    }

    @Test func everyRoleIsPresentInOrderWithItsFiles() throws {
        let chain = try Self.chain()
        #expect(chain.entries.map(\.role) == KeyChainRole.allCases)
        let names = Set(chain.files.map(\.name))
        for role in KeyChainRole.allCases {
            #expect(names.contains(role.certificateFile))
            #expect(names.contains(role.privateKeyFile))
        }
        #expect(names.contains("trust.json"))
        #expect(names.contains("README.md"))
        #expect(chain.files.count == KeyChainRole.allCases.count * 2 + 2)
        #expect(chain.files.map(\.name) == KeyChain.fileNames)
        // Only private keys are secret.
        for file in chain.files {
            #expect(file.isSecret == file.name.hasSuffix(".key.pem"), "\(file.name)")
        }
    }

    @Test func fileNamesAreTheContractOtherPartsUse() {
        #expect(KeyChainRole.platformRoot.certificateFile == "platform-root.crt.pem")
        #expect(KeyChainRole.platformRoot.privateKeyFile == "platform-root.key.pem")
        #expect(KeyChainRole.bootVendorCA.certificateFile == "boot-vendor-ca.crt.pem")
        #expect(KeyChainRole.kernelSigner.certificateFile == "kernel-signer.crt.pem")
        #expect(KeyChainRole.vibRootCA.certificateFile == "vib-root-ca.crt.pem")
        #expect(KeyChainRole.vibCertifiedCA.certificateFile == "vib-certified-ca.crt.pem")
        #expect(KeyChainRole.vibAcceptedCA.certificateFile == "vib-accepted-ca.crt.pem")
        #expect(KeyChainRole.vibPartnerCA.certificateFile == "vib-partner-ca.crt.pem")
        #expect(KeyChainRole.vibCertifiedSigner.privateKeyFile == "vib-certified-signer.key.pem")
        #expect(KeyChainRole.vibAcceptedSigner.privateKeyFile == "vib-accepted-signer.key.pem")
        #expect(KeyChainRole.vibPartnerSigner.privateKeyFile == "vib-partner-signer.key.pem")
    }

    @Test(arguments: KeyChainRole.allCases)
    func certificateIsSignedByItsIssuerAndNamesIt(_ role: KeyChainRole) throws {
        let chain = try Self.chain()
        let cert = try Self.certificate(chain, role)
        let issuer = try Self.certificate(chain, role.issuer ?? role)
        #expect(cert.issuer == issuer.subject)
        #expect(issuer.publicKey.isValidSignature(cert.signature, for: cert))
        #expect(cert.signatureAlgorithm == .sha256WithRSAEncryption)
        // And by no other key of the chain.
        for other in KeyChainRole.allCases where other != (role.issuer ?? role) {
            let otherCert = try Self.certificate(chain, other)
            #expect(!otherCert.publicKey.isValidSignature(cert.signature, for: cert), "\(role) must not verify under \(other)")
        }
    }

    @Test(arguments: KeyChainRole.allCases)
    func privateKeyMatchesCertificate(_ role: KeyChainRole) throws {
        let chain = try Self.chain()
        let entry = try #require(chain.entry(role))
        #expect(entry.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(entry.privateKeyPEM.hasSuffix("-----END PRIVATE KEY-----\n"))
        let key = try Certificate.PrivateKey(pemEncoded: entry.privateKeyPEM)
        let cert = try Self.certificate(chain, role)
        #expect(key.publicKey == cert.publicKey)
        let rsa = try #require(_RSA.Signing.PublicKey(cert.publicKey))
        #expect(rsa.keySizeInBits == 2048)
    }

    @Test(arguments: KeyChainRole.allCases)
    func extensionsMatchTheRole(_ role: KeyChainRole) throws {
        let chain = try Self.chain()
        let cert = try Self.certificate(chain, role)
        let ext = cert.extensions

        let basic = try #require(try ext.basicConstraints)
        let keyUsage = try #require(try ext.keyUsage)
        #expect(ext[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(ext[oid: .X509ExtensionID.keyUsage]?.critical == true)

        let ski = try #require(try ext.subjectKeyIdentifier)
        #expect(ski == SubjectKeyIdentifier(hash: cert.publicKey))
        if let issuerRole = role.issuer {
            let issuerSKI = try #require(try Self.certificate(chain, issuerRole).extensions.subjectKeyIdentifier)
            let aki = try #require(try ext.authorityKeyIdentifier)
            #expect(aki.keyIdentifier == issuerSKI.keyIdentifier)
        } else {
            #expect(try ext.authorityKeyIdentifier == nil)
        }

        let eku = try ext.extendedKeyUsage
        switch role {
        case .platformRoot:
            #expect(basic == .isCertificateAuthority(maxPathLength: nil))
            #expect(keyUsage == KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            #expect(eku?.contains(.codeSigning) == true)
        case .bootVendorCA:
            #expect(basic == .isCertificateAuthority(maxPathLength: nil))
            #expect(keyUsage == KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
        case .vibRootCA:
            #expect(basic == .isCertificateAuthority(maxPathLength: nil))
            #expect(keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
        case .vibCertifiedCA, .vibAcceptedCA, .vibPartnerCA, .profileCA:
            #expect(basic == .isCertificateAuthority(maxPathLength: 0))
            #expect(keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
            #expect(eku == nil)
        case .kernelSigner, .vibCertifiedSigner, .vibAcceptedSigner, .vibPartnerSigner:
            #expect(basic == .notCertificateAuthority)
            #expect(keyUsage == KeyUsage(digitalSignature: true))
            #expect(eku?.contains(.codeSigning) == true)
        case .profileSigner:
            // Its own usage and no other: it cannot sign VIBs, kernels or bootloaders.
            #expect(basic == .notCertificateAuthority)
            #expect(keyUsage == KeyUsage(digitalSignature: true))
            let oid = try ASN1ObjectIdentifier(dotRepresentation: SignerPolicy.profileSigningOID)
            #expect(eku.map(Array.init) == [ExtendedKeyUsage.Usage(oid: oid)])
        }
    }

    @Test(arguments: KeyChainRole.allCases)
    func validityAndSerial(_ role: KeyChainRole) throws {
        let chain = try Self.chain()
        let cert = try Self.certificate(chain, role)
        #expect(cert.notValidBefore == Self.now.addingTimeInterval(-3600))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let expected = try #require(calendar.date(byAdding: .year, value: role.validityYears, to: Self.now))
        #expect(cert.notValidAfter == expected)
        #expect(role.validityYears == [.root: 20, .intermediate: 10, .leaf: 5][role.kind])
        // Positive, exactly 16 bytes.
        let serial = Array(cert.serialNumber.bytes)
        #expect(serial.count == 16)
        #expect(serial[0] & 0x80 == 0)
        #expect(serial[0] != 0)
        #expect(cert.version == .v3)
    }

    @Test func descriptionsNeverShowPrivateKeys() throws {
        let chain = try Self.chain()
        let texts = [String(describing: chain), String(reflecting: chain)]
            + chain.entries.flatMap { [String(describing: $0), String(reflecting: $0)] }
            + chain.files.flatMap { [String(describing: $0), String(reflecting: $0)] }
        for text in texts {
            #expect(!text.contains("PRIVATE KEY"), "\(text)")
            #expect(!text.contains("MII"), "\(text)")
        }
        #expect(String(describing: chain.entries[0]).contains("<redacted>"))
    }

    @Test func serialsAreDistinct() throws {
        let chain = try Self.chain()
        #expect(Set(chain.entries.map(\.serialHex)).count == chain.entries.count)
    }

    @Test func subjectsCarryOrganizationAndDemoMarker() throws {
        let chain = try Self.chain()
        #expect(!chain.demoOnly)
        let root = try #require(chain.entry(.platformRoot))
        #expect(root.subject == "CN=hostattest Platform Root (db),O=hostattest")
        for e in chain.entries { #expect(!e.subject.contains("DEMO")) }
        #expect(chain.trustJSON.contains("\"demoOnly\": false"))
        #expect(!chain.readme.contains("DEMO-ONLY"))
    }

    @Test func progressIsReportedPerCertificate() throws {
        var calls: [Int] = []
        _ = try KeyChain.generate(algorithm: .p256, now: Self.now) { done, total in
            #expect(total == KeyChainRole.allCases.count)
            calls.append(done)
        }
        #expect(calls == Array(1...KeyChainRole.allCases.count))
    }

    @Test func customOrganization() throws {
        let chain = try KeyChain.generate(algorithm: .p256, organization: "Example Corp", now: Self.now)
        for e in chain.entries { #expect(e.subject.hasSuffix(",O=Example Corp"), "\(e.subject)") }
        #expect(chain.organization == "Example Corp")
    }

    @Test func demoChainIsMarkedEverywhere() throws {
        let chain = try KeyChain.generate(algorithm: .p256, demo: true, now: Self.now)
        #expect(chain.demoOnly)
        let root = try #require(chain.entry(.platformRoot))
        #expect(root.subject == "CN=hostattest DEMO Platform Root (db),O=hostattest demo")
        for e in chain.entries { #expect(e.subject.contains("DEMO")) }
        #expect(chain.trustJSON.contains("\"demoOnly\": true"))
        #expect(chain.readme.contains("DEMO-ONLY"))
        #expect(chain.readme.contains("NEVER TRUST"))
        #expect(chain.readme.contains("--trust"))
    }

    @Test(arguments: ["", "   ", String(repeating: "x", count: 65), "bad\norg", "tab\there"])
    func invalidOrganizationIsRejected(_ organization: String) {
        #expect(throws: KeyChainError.self) {
            try KeyChain.generate(algorithm: .p256, organization: organization, now: Self.now)
        }
    }

    @Test func trustFileNamesEveryAnchor() throws {
        let chain = try Self.chain()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(chain.trustJSON.utf8)) as? [String: Any])
        #expect(object["format"] as? String == "hostattest-trust/1")
        #expect(object["demoOnly"] as? Bool == false)
        #expect(object["platform"] as? [String] == ["platform-root.crt.pem"])
        #expect(object["bootVendor"] as? [String] == ["boot-vendor-ca.crt.pem"])
        let vib = try #require(object["vib"] as? [String: [String]])
        #expect(vib == [
            "root": ["vib-root-ca.crt.pem"],
            "certified": ["vib-certified-ca.crt.pem"],
            "accepted": ["vib-accepted-ca.crt.pem"],
            "partner": ["vib-partner-ca.crt.pem"],
        ])
        #expect((object["dbx"] as? [Any])?.isEmpty == true)
    }

    /// The trust file is accepted by AttestCore's own parser and names only files the chain writes.
    @Test(arguments: [false, true])
    func trustFileParsesWithTrustFile(_ demo: Bool) throws {
        let chain = demo ? try KeyChain.generate(algorithm: .p256, demo: true, now: Self.now) : try Self.chain()
        let trust = try TrustFile(jsonData: Array(chain.trustJSON.utf8))
        #expect(trust.format == TrustFile.formatIdentifier)
        #expect(trust.demoOnly == demo)
        #expect(trust.platform == [KeyChainRole.platformRoot.certificateFile])
        #expect(trust.bootVendor == [KeyChainRole.bootVendorCA.certificateFile])
        #expect(trust.vib?.files(for: .certified) == [KeyChainRole.vibCertifiedCA.certificateFile])
        #expect(trust.vib?.files(for: .accepted) == [KeyChainRole.vibAcceptedCA.certificateFile])
        #expect(trust.vib?.files(for: .partner) == [KeyChainRole.vibPartnerCA.certificateFile])
        #expect(trust.profile == [KeyChainRole.profileCA.certificateFile])
        #expect(trust.dbx == [])
        let written = Set(chain.files.map(\.name))
        for file in trust.allFiles { #expect(written.contains(file), "\(file)") }
    }

    @Test func readmeListsEveryFileAndFingerprint() throws {
        let chain = try Self.chain()
        for e in chain.entries {
            #expect(chain.readme.contains("`\(e.role.certificateFile)`"))
            #expect(chain.readme.contains(e.sha256Fingerprint))
        }
    }

    @Test func fingerprintAndDERMatchThePEM() throws {
        let chain = try Self.chain()
        for e in chain.entries {
            let pem = try PEMDocument(pemString: e.certificatePEM)
            #expect(pem.derBytes == e.certificateDER)
            #expect(Array(SHA256.hash(data: e.certificateDER)).hex == e.sha256Fingerprint)
        }
    }

    /// Every leaf validates to its root through swift-certificates' RFC 5280 verifier.
    @Test(arguments: [
        (KeyChainRole.platformRoot, [KeyChainRole]()),
        (.kernelSigner, []),
        (.vibCertifiedSigner, [.vibCertifiedCA]),
        (.vibAcceptedSigner, [.vibAcceptedCA]),
        (.vibPartnerSigner, [.vibPartnerCA]),
        (.profileSigner, [.profileCA]),
    ])
    func chainValidatesWithRFC5280Policy(leaf: KeyChainRole, intermediates: [KeyChainRole]) async throws {
        let chain = try Self.chain()
        var anchorRole = leaf
        while let next = anchorRole.issuer { anchorRole = next }
        let anchor = try Self.certificate(chain, anchorRole)
        let leafCert = try Self.certificate(chain, leaf)
        let intermediateCerts = try intermediates.map { try Self.certificate(chain, $0) }
        var verifier = Verifier(rootCertificates: CertificateStore([anchor])) {
            RFC5280Policy(fixedExpiryValidationTime: Self.now)
        }
        let result = await verifier.validate(leaf: leafCert, intermediates: CertificateStore(intermediateCerts))
        guard case .validCertificate(let path) = result else {
            Issue.record("\(leaf) did not validate: \(result)")
            return
        }
        #expect(path.last == anchor)
        #expect(path.count == intermediates.count + (leaf == anchorRole ? 1 : 2))

        // The same chain is not valid once the leaf has expired.
        var late = Verifier(rootCertificates: CertificateStore([anchor])) {
            RFC5280Policy(fixedExpiryValidationTime: leafCert.notValidAfter.addingTimeInterval(60))
        }
        let lateResult = await late.validate(leaf: leafCert, intermediates: CertificateStore(intermediateCerts))
        if case .validCertificate = lateResult { Issue.record("\(leaf) must not validate after notAfter") }
    }

    @Test(arguments: [KeyAlgorithm.p256, .p384, .rsa3072])
    func algorithmIsHonoured(_ algorithm: KeyAlgorithm) throws {
        let chain = try KeyChain.generate(algorithm: algorithm, now: Self.now)
        for e in chain.entries {
            let cert = try Certificate(pemEncoded: e.certificatePEM)
            let key = try Certificate.PrivateKey(pemEncoded: e.privateKeyPEM)
            #expect(key.publicKey == cert.publicKey)
            switch algorithm {
            case .p256:
                #expect(P256.Signing.PublicKey(cert.publicKey) != nil)
                #expect(cert.signatureAlgorithm == .ecdsaWithSHA256)
            case .p384:
                #expect(P384.Signing.PublicKey(cert.publicKey) != nil)
                #expect(cert.signatureAlgorithm == .ecdsaWithSHA384)
            case .rsa3072:
                #expect(_RSA.Signing.PublicKey(cert.publicKey)?.keySizeInBits == 3072)
                #expect(cert.signatureAlgorithm == .sha256WithRSAEncryption)
            default:
                Issue.record("unexpected algorithm \(algorithm)")
            }
            let issuer = try Certificate(pemEncoded: try #require(chain.entry(e.role.issuer ?? e.role)).certificatePEM)
            #expect(issuer.publicKey.isValidSignature(cert.signature, for: cert))
        }
    }

    @Test func algorithmNamesAreTheCLISpellings() {
        #expect(KeyAlgorithm.allCases.map(\.rawValue) == ["rsa2048", "rsa3072", "rsa4096", "p256", "p384"])
        #expect(KeyAlgorithm.default == .rsa2048)
        #expect(KeyAlgorithm(rawValue: "ed25519") == nil)
    }
}
