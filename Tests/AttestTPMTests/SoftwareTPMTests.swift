import AttestCore
@testable import AttestTPM
import Crypto
import Foundation
import Testing
import TestSupport
import X509

@Suite struct SoftwareTPMTests {
    static func make() throws -> (TempDir, SoftwareTPM) {
        let dir = TempDir("soft-tpm")
        return (dir, try SoftwareTPM(path: dir.file("tpm.json").path))
    }

    static func mode(_ path: String) -> mode_t {
        var st = stat()
        _ = stat(path, &st)
        return st.st_mode & 0o777
    }

    static let nonce = Array("hostattest-nonce-0123456789".utf8)

    @Test func stateFileIs0600AndSaysSoftware() throws {
        let (dir, tpm) = try Self.make()
        #expect(Self.mode(tpm.path) == 0o600)
        let info = try tpm.info()
        #expect(info.isSoftware)
        #expect(info.banks == [.sha1, .sha256, .sha384])
        #expect(info.vendor.contains("SOFTWARE"))
        let ek = try tpm.endorsementKey(.eccP256)
        let cert = try Certificate(derEncoded: try #require(ek.certificateDER))
        #expect("\(cert.subject)".contains("not hardware"))
        #expect("\(cert.issuer)".contains("not hardware"))
        // The certificate certifies the EK's own key.
        guard case .ecc(_, let point) = ek.publicArea.key else { Issue.record("EK is not ECC"); return }
        let key = try P256.Signing.PublicKey(rawRepresentation: point.x + point.y)
        #expect(cert.publicKey == Certificate.PublicKey(key))
        #expect(ek.certificateMatchesKey == true)
        #expect(ek.publicArea.objectAttributes == KeyTemplates.ekAttributes)
        #expect(ek.publicArea.authPolicy == KeyTemplates.ekPolicy)
        _ = dir
    }

    @Test func quoteVerifiesWithQuoteVerifier() throws {
        let (dir, tpm) = try Self.make()
        try tpm.extend(pcr: 7, digests: [.sha1: DigestAlgorithm.sha1.hash([1]), .sha256: DigestAlgorithm.sha256.hash([1]), .sha384: DigestAlgorithm.sha384.hash([1])])
        let selection = try PCRSelectionParser.parse("sha256:0,7+sha1:7")
        let q = try tpm.quote(nonce: Self.nonce, selection: selection, key: .ecdsaP256)
        let verifier = QuoteVerifier(attestationKey: try AttestationKey(publicArea: q.attestationKey))
        let report = verifier.verify(attest: q.attest, signature: q.signature, pcrs: q.pcrs, nonce: Self.nonce)
        #expect(report.report.isValid, "\(report.report.failures)")
        let attest = try TPMSAttest(bytes: q.attest)
        #expect(attest.qualifiedSigner == KeyTemplates.qualifiedName(primary: q.attestationKey, hierarchy: KeyTemplates.endorsementHierarchy))
        #expect(attest.firmwareVersion == SoftwareTPM.firmwareVersion)
        #expect(attest.clockInfo.safe)
        #expect(q.pcrs[.sha256, 7] == DigestAlgorithm.sha256.hash([UInt8](repeating: 0, count: 32) + DigestAlgorithm.sha256.hash([1])))
        // Another nonce fails.
        #expect(!verifier.verify(attest: q.attest, signature: q.signature, pcrs: q.pcrs, nonce: [9]).isValid)
        _ = dir
    }

    @Test func stateSurvivesReopeningAndResetIsAPowerCycle() throws {
        let (dir, tpm) = try Self.make()
        let d = DigestAlgorithm.self
        try tpm.extend(pcr: 4, digests: [.sha1: d.sha1.hash([4]), .sha256: d.sha256.hash([4]), .sha384: d.sha384.hash([4])])
        let again = try SoftwareTPM(path: tpm.path)
        #expect(try again.attestationKey(.ecdsaP256) == tpm.attestationKey(.ecdsaP256))
        #expect(try again.pcrRead(banks: [.sha256])[0].values[4] == tpm.pcrRead(banks: [.sha256])[0].values[4])
        #expect(try again.pcrRead(banks: [.sha256])[0].values[4] != [UInt8](repeating: 0, count: 32))
        let clockBefore = try again.info().clockInfo
        try again.reset()
        let banks = try tpm.pcrRead(banks: nil)
        #expect(banks == [PCRBank.reset(.sha1), PCRBank.reset(.sha256), PCRBank.reset(.sha384)])
        #expect(banks[1].values[17] == [UInt8](repeating: 0xFF, count: 32))
        let clockAfter = try tpm.info().clockInfo
        #expect(clockAfter.resetCount == clockBefore.resetCount + 1)
        #expect(clockAfter.clock > clockBefore.clock)
        let q = try tpm.quote(nonce: Self.nonce, selection: try PCRSelectionParser.parse("sha256:0"), key: .ecdsaP256)
        #expect(try TPMSAttest(bytes: q.attest).clockInfo.resetCount == clockAfter.resetCount)
        _ = dir
    }

    static let good: [DigestAlgorithm: [UInt8]] = [.sha1: DigestAlgorithm.sha1.hash([0]), .sha256: DigestAlgorithm.sha256.hash([0]), .sha384: DigestAlgorithm.sha384.hash([0])]

    /// Extends that would corrupt a bank are refused before anything is extended.
    @Test(arguments: [
        (24, good, "tpm.bad-pcr-index"),
        (-1, good, "tpm.bad-pcr-index"),
        (Int.max, good, "tpm.bad-pcr-index"),
        (0, good.filter { $0.key != .sha384 }, "tpm.bad-digest"),
        (0, good.merging([.sha256: [1, 2, 3]]) { $1 }, "tpm.bad-digest"),
        (0, good.merging([.sha512: DigestAlgorithm.sha512.hash([0])]) { $1 }, "tpm.bad-digest"),
        (0, [:], "tpm.bad-digest"),
    ])
    func extendRefusals(_ pcr: Int, _ digests: [DigestAlgorithm: [UInt8]], _ code: String) throws {
        let (dir, tpm) = try Self.make()
        let before = try tpm.pcrRead(banks: nil)
        #expect { try tpm.extend(pcr: pcr, digests: digests) } throws: { ($0 as? TPMError)?.code.rawValue == code }
        #expect(try tpm.pcrRead(banks: nil) == before)
        _ = dir
    }

    @Test(arguments: [
        ([UInt8](), "sha256:0", "tpm.bad-nonce"),
        ([UInt8](repeating: 1, count: 65), "sha256:0", "tpm.bad-nonce"),
        ([UInt8](repeating: 1, count: 32), "sha512:0", "tpm.bad-selection"),
    ])
    func quoteRefusals(_ nonce: [UInt8], _ selection: String, _ code: String) throws {
        let (dir, tpm) = try Self.make()
        #expect { _ = try tpm.quote(nonce: nonce, selection: try PCRSelectionParser.parse(selection), key: .ecdsaP256) } throws: { ($0 as? TPMError)?.code.rawValue == code }
        #expect { _ = try tpm.quote(nonce: [1], selection: TPMLPCRSelection([]), key: .ecdsaP256) } throws: { ($0 as? TPMError)?.code == "tpm.bad-selection" }
        #expect { _ = try tpm.quote(nonce: [1], selection: TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [1]), TPMSPCRSelection(hash: .sha256, indices: [2])]), key: .ecdsaP256) } throws: { ($0 as? TPMError)?.code == "tpm.bad-selection" }
        _ = dir
    }

    @Test func credentialMadeForItsEKActivates() throws {
        let (dir, tpm) = try Self.make()
        let ek = try tpm.endorsementKey(.eccP256)
        let ak = try tpm.attestationKey(.ecdsaP256)
        let secret = Array("a secret of 32 bytes for the AK!".utf8)
        let blob = try MakeCredential.make(ekPublic: ek.publicArea, objectName: ak.name, credential: secret)
        #expect(try tpm.activateCredential(blob, ek: .eccP256, key: .ecdsaP256) == secret)
        // tpm2-tools' file form round-trips.
        let file = try CredentialBlob(tpm2ToolsFile: blob.tpm2ToolsFile())
        #expect(try tpm.activateCredential(file, ek: .eccP256, key: .ecdsaP256) == secret)
        _ = dir
    }

    /// A credential for another AK, another TPM's EK, or with any byte changed does not activate.
    @Test func credentialRefusals() throws {
        let (dir, tpm) = try Self.make()
        let (otherDir, other) = try Self.make()
        let ek = try tpm.endorsementKey(.eccP256)
        let ak = try tpm.attestationKey(.ecdsaP256)
        let secret: [UInt8] = Array(repeating: 7, count: 16)
        func refused(_ blob: CredentialBlob) {
            #expect { _ = try tpm.activateCredential(blob, ek: .eccP256, key: .ecdsaP256) } throws: { ($0 as? TPMError)?.code == "tpm.credential-invalid" }
        }
        refused(try MakeCredential.make(ekPublic: ek.publicArea, objectName: try other.attestationKey(.ecdsaP256).name, credential: secret))
        refused(try MakeCredential.make(ekPublic: try other.endorsementKey(.eccP256).publicArea, objectName: ak.name, credential: secret))
        let good = try MakeCredential.make(ekPublic: ek.publicArea, objectName: ak.name, credential: secret)
        var bytes = good.tpm2ToolsFile()
        for i in stride(from: 8, to: bytes.count, by: 7) {
            bytes[i] ^= 0x40
            if let b = try? CredentialBlob(tpm2ToolsFile: bytes) { refused(b) }
            bytes[i] ^= 0x40
        }
        // Made for the ECC EK, presented to the RSA EK.
        #expect { _ = try tpm.activateCredential(good, ek: .rsa2048, key: .ecdsaP256) } throws: { ($0 as? TPMError)?.code == "tpm.credential-invalid" }
        _ = (dir, otherDir)
    }

    @Test func refusesAStateFileOthersCanRead() throws {
        let (dir, tpm) = try Self.make()
        chmod(tpm.path, 0o644)
        #expect { _ = try SoftwareTPM(path: tpm.path) } throws: { ($0 as? TPMError)?.code == "tpm.state-permissions" }
        _ = dir
    }

    @Test(arguments: [
        "not json",
        "{}",
        #"{"format":"other/1"}"#,
    ])
    func refusesCorruptState(_ text: String) throws {
        let dir = TempDir("soft-tpm")
        let path = dir.file("tpm.json").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        #expect { _ = try SoftwareTPM(path: path) } throws: { ($0 as? TPMError)?.code == "tpm.state-corrupt" }
    }

    /// A bank cut short, a value of the wrong size, a key that does not load: each is refused.
    @Test(arguments: ["bank", "size", "key"])
    func refusesTamperedState(_ what: String) throws {
        let (dir, tpm) = try Self.make()
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tpm.path))) as? [String: Any])
        var pcrs = try #require(json["pcrs"] as? [String: [String]])
        switch what {
        case "bank": pcrs["sha256"] = Array(pcrs["sha256"]!.prefix(23))
        case "size": pcrs["sha1"]![3] = "00"
        default: json["akECC"] = "00"
        }
        json["pcrs"] = pcrs
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: tpm.path))
        #expect { _ = try SoftwareTPM(path: tpm.path) } throws: { ($0 as? TPMError)?.code == "tpm.state-corrupt" }
        _ = dir
    }

    /// The RSA EK (template L-1) and the RSASSA AK, made on first use and kept.
    @Test func rsaKeysQuoteAndActivate() throws {
        let (dir, tpm) = try Self.make()
        let ek = try tpm.endorsementKey(.rsa2048)
        #expect(ek.certificateMatchesKey == true)
        #expect(try tpm.endorsementKey(.rsa2048) == ek)
        let ak = try tpm.attestationKey(.rsassa2048)
        #expect(AKPolicy.check(ak).isValid)
        #expect(try SoftwareTPM(path: tpm.path).attestationKey(.rsassa2048) == ak)
        let q = try tpm.quote(nonce: Self.nonce, selection: try PCRSelectionParser.parse("sha256:0,1"), key: .rsassa2048)
        let report = QuoteVerifier(attestationKey: try AttestationKey(publicArea: q.attestationKey)).verify(attest: q.attest, signature: q.signature, pcrs: q.pcrs, nonce: Self.nonce)
        #expect(report.report.isValid, "\(report.report.failures)")
        let secret = Array("rsa-ek secret".utf8)
        for akType in AttestationKeyType.allCases {
            let name = try tpm.attestationKey(akType).name
            let blob = try MakeCredential.make(ekPublic: ek.publicArea, objectName: name, credential: secret)
            #expect(try tpm.activateCredential(blob, ek: .rsa2048, key: akType) == secret)
            var bytes = blob.tpm2ToolsFile()
            bytes[bytes.count - 10] ^= 1  // inside the OAEP-encrypted seed
            #expect { _ = try tpm.activateCredential(try CredentialBlob(tpm2ToolsFile: bytes), ek: .rsa2048, key: akType) } throws: { ($0 as? TPMError)?.code == "tpm.credential-invalid" }
        }
        _ = dir
    }

    /// The state path may not be a symbolic link (it would let another user point the TPM's key file elsewhere).
    @Test func refusesASymlinkedStateFile() throws {
        let (dir, tpm) = try Self.make()
        let link = dir.file("link.json").path
        #expect(symlink(tpm.path, link) == 0)
        #expect { _ = try SoftwareTPM(path: link) } throws: { ($0 as? TPMError)?.code == "tpm.state-corrupt" }
    }

    @Test func trimDERCutsNVPadding() {
        let cert: [UInt8] = [0x30, 0x82, 0x00, 0x03, 1, 2, 3]
        #expect(TSSDevice.trimDER(cert + [0xFF, 0xFF, 0x00]) == cert)
        #expect(TSSDevice.trimDER([0x30, 0x02, 9, 9, 0]) == [0x30, 0x02, 9, 9])
        #expect(TSSDevice.trimDER([0x04, 0x01]) == [0x04, 0x01])
        #expect(TSSDevice.trimDER([0x30, 0x84, 0, 0, 0, 1]) == [0x30, 0x84, 0, 0, 0, 1])
    }

    /// A batch of events equals the same events one by one; one bad event refuses the whole batch.
    @Test func batchedExtendEqualsSingleExtends() throws {
        let (dir, a) = try Self.make()
        let (dir2, b) = try Self.make()
        let events: [(pcr: Int, digests: [DigestAlgorithm: [UInt8]])] = (0..<10).map { i in
            (i % 3 + 4, Dictionary(uniqueKeysWithValues: SoftwareTPMState.banks.map { ($0, $0.hash([UInt8(i)])) }))
        }
        try a.extend(events: events)
        for e in events { try b.extend(pcr: e.pcr, digests: e.digests) }
        #expect(try a.pcrRead(banks: nil) == b.pcrRead(banks: nil))
        let before = try a.pcrRead(banks: nil)
        #expect { try a.extend(events: events + [(24, events[0].digests)]) } throws: { ($0 as? TPMError)?.code == "tpm.bad-pcr-index" }
        #expect(try a.pcrRead(banks: nil) == before)
        _ = (dir, dir2)
    }
}
