import AttestCore
@testable import AttestTPM
import Foundation
import Testing
import TestSupport

/// The tpm2-tss backend against a real swtpm (each test starts its own on a free loopback port).
@Suite struct TSSDeviceTests {
    @Test func infoKeysAndAKStableAcrossConnections() throws {
        let sw = try SWTPM()
        defer { sw.stop() }
        let tpm = try TSSDevice(tcti: sw.tcti, timeout: 60)
        let info = try tpm.info()
        #expect(!info.isSoftware)
        #expect(info.banks.contains(.sha256))
        let ak = try tpm.attestationKey(.ecdsaP256)
        #expect(AKPolicy.check(ak).isValid)
        // A second connection (as after a restart of hostattest) gets the same AK.
        let again = try TSSDevice(tcti: sw.tcti, timeout: 60)
        #expect(try again.attestationKey(.ecdsaP256) == ak)
        let ek = try tpm.endorsementKey(.eccP256)
        #expect(ek.publicArea.objectAttributes == KeyTemplates.ekAttributes)
        #expect(ek.certificateDER == nil)  // this swtpm was not manufactured with swtpm_setup
    }

    @Test func extendShowsInTPM2PCRReadAndQuoteVerifies() throws {
        let sw = try SWTPM()
        defer { sw.stop() }
        let tpm = try TSSDevice(tcti: sw.tcti, timeout: 60)
        let banks = try tpm.info().banks
        var digests: [DigestAlgorithm: [UInt8]] = [:]
        for b in banks { digests[b] = b.hash(Array("event".utf8)) }
        try tpm.extend(pcr: 9, digests: digests)
        let expected = DigestAlgorithm.sha256.hash([UInt8](repeating: 0, count: 32) + digests[.sha256]!)
        #expect(try tpm.pcrRead(banks: [.sha256])[0].values[9] == expected)
        let dir = TempDir("tss-pcr")
        let r = try sw.tool("tpm2_pcrread", ["sha256:9"], in: dir.url)
        #expect(r.stdout.uppercased().contains(expected.hex.uppercased()), "\(r.stdout)")

        let nonce = Array("tss quote nonce".utf8)
        let q = try tpm.quote(nonce: nonce, selection: try PCRSelectionParser.parse("sha256:0,9"), key: .ecdsaP256)
        let report = QuoteVerifier(attestationKey: try AttestationKey(publicArea: q.attestationKey))
            .verify(attest: q.attest, signature: q.signature, pcrs: q.pcrs, nonce: nonce)
        #expect(report.report.isValid, "\(report.report.failures)")
    }

    /// A credential made by tpm2_makecredential for the TPM's EK is activated by our backend (RSA and ECC EKs).
    @Test(arguments: EndorsementKeyType.allCases)
    func tpm2MakeCredentialActivates(_ ekType: EndorsementKeyType) throws {
        let sw = try SWTPM()
        defer { sw.stop() }
        let tpm = try TSSDevice(tcti: sw.tcti, timeout: 60)
        let dir = TempDir("tss-cred")
        let ek = try tpm.endorsementKey(ekType)
        let ak = try tpm.attestationKey(.ecdsaP256)
        try Data(TPM2BPublic(ek.publicArea).marshalled()).write(to: dir.file("ek.pub"))
        let secret = Array("credential for the swtpm AK".utf8)
        try Data(secret).write(to: dir.file("secret"))
        try Run.process("tpm2_makecredential", ["-T", "none", "-u", "ek.pub", "-s", "secret", "-n", ak.name.hex, "-o", "cred"], currentDirectory: dir.url, timeout: 60)
            .expectSuccess()
        let blob = try CredentialBlob(tpm2ToolsFile: [UInt8](try Data(contentsOf: dir.file("cred"))))
        #expect(try tpm.activateCredential(blob, ek: ekType, key: .ecdsaP256) == secret)
        // Made for another object name: the TPM refuses it, and we say so with the decoded code.
        let other = try MakeCredential.make(ekPublic: ek.publicArea, objectName: [0, 0x0B] + [UInt8](repeating: 1, count: 32), credential: secret)
        #expect { _ = try tpm.activateCredential(other, ek: ekType, key: .ecdsaP256) } throws: { e in
            guard let e = e as? TPMError else { return false }
            return e.code == "tpm.credential-invalid" && e.message.contains(sw.tcti) && e.message.contains("Esys_ActivateCredential")
        }
    }

    /// The TPM answers an error (PCR 17 cannot be extended from locality 0): the message names the TCTI,
    /// the call and the decoded return code.
    @Test func tpmErrorIsDecoded() throws {
        let sw = try SWTPM()
        defer { sw.stop() }
        let tpm = try TSSDevice(tcti: sw.tcti, timeout: 60)
        var digests: [DigestAlgorithm: [UInt8]] = [:]
        for b in try tpm.info().banks { digests[b] = b.hash([1]) }
        #expect { try tpm.extend(pcr: 17, digests: digests) } throws: { e in
            guard let e = e as? TPMError else { return false }
            return e.code == "tpm.command-failed" && e.message.contains(sw.tcti) && e.message.contains("Esys_PCR_Extend")
                && e.message.contains("locality")
        }
        // The connection stays usable after an error.
        #expect(try !tpm.info().banks.isEmpty)
    }

    /// Nothing listens: `tpm.unreachable` naming the TCTI.
    @Test func unreachableTPM() throws {
        let port = try #require(FreePort.pair())
        let tcti = "swtpm:host=127.0.0.1,port=\(port)"
        #expect { _ = try TSSDevice(tcti: tcti, timeout: 5) } throws: { e in
            guard let e = e as? TPMError else { return false }
            return e.code == "tpm.unreachable" && e.message.contains(tcti)
        }
    }

    @Test func unknownTCTIIsRefused() {
        #expect { _ = try TSSDevice(tcti: "no-such-tcti-xyz", timeout: 5) } throws: { e in
            guard let e = e as? TPMError else { return false }
            return (e.code == "tpm.unreachable" || e.code == "tpm.bad-spec") && e.message.contains("no-such-tcti-xyz")
        }
    }

    /// A peer that accepts the connection and never answers: the watchdog gives up (`tpm.timeout`)
    /// instead of hanging.
    @Test func silentTPMTimesOut() throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let tcti = "swtpm:host=127.0.0.1,port=\(listener.port)"
        #expect {
            let tpm = try TSSDevice(tcti: tcti, timeout: 2)
            _ = try tpm.info()
        } throws: { e in
            guard let e = e as? TPMError else { return false }
            return (e.code == "tpm.timeout" || e.code == "tpm.unreachable") && e.message.contains(tcti)
        }
    }
}

extension ProcessResult {
    func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 0, "\(stderr)", sourceLocation: sourceLocation)
    }
}

@Suite struct TSSEKCertificateTests {
    /// A swtpm manufactured by swtpm_setup holds the RSA EK certificate at 0x01c00002: we read the same
    /// bytes as tpm2_getekcertificate, and it certifies our EK.
    @Test func readsTheEKCertificateFromNV() throws {
        let sw = try SWTPM(manufactured: true)
        defer { sw.stop() }
        let tpm = try TSSDevice(tcti: sw.tcti, timeout: 60)
        let ek = try tpm.endorsementKey(.rsa2048)
        let der = try #require(ek.certificateDER)
        #expect(ek.certificateMatchesKey == true)
        let dir = TempDir("tss-ekcert")
        try sw.tool("tpm2_getekcertificate", ["-o", "rsa.der"], in: dir.url)
        #expect([UInt8](try Data(contentsOf: dir.file("rsa.der"))) == der)
    }
}
