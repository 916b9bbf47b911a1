import AttestCore
@testable import AttestTPM
import Foundation
import Testing
import TestSupport

/// The software TPM's quote reuses the AK and the PCR banks it loaded last (``SoftwareTPMCache``);
/// these check that it never quotes what the state no longer holds.
@Suite struct SoftwareTPMCacheTests {
    static let nonce = Array("cache-nonce-0123456789".utf8)
    static let d = DigestAlgorithm.self

    static func quote(_ tpm: SoftwareTPM) throws -> (TPMQuote, Bool) {
        let q = try tpm.quote(nonce: nonce, selection: try PCRSelectionParser.parse("sha256:0,7+sha1:7"), key: .ecdsaP256)
        let verifier = QuoteVerifier(attestationKey: try AttestationKey(publicArea: q.attestationKey))
        let attest = try TPMSAttest(bytes: q.attest)
        let named = attest.qualifiedSigner == KeyTemplates.qualifiedName(primary: q.attestationKey, hierarchy: KeyTemplates.endorsementHierarchy)
        return (q, named && verifier.verify(attest: q.attest, signature: q.signature, pcrs: q.pcrs, nonce: nonce).isValid)
    }

    @Test func aQuoteAfterAnExtendOrAResetQuotesTheNewValues() throws {
        let tpm = try SoftwareTPM.inMemory()
        let (first, ok1) = try Self.quote(tpm)
        try tpm.extend(pcr: 7, digests: [.sha1: Self.d.sha1.hash([7]), .sha256: Self.d.sha256.hash([7]), .sha384: Self.d.sha384.hash([7])])
        let (second, ok2) = try Self.quote(tpm)
        #expect(ok1 && ok2)
        #expect(first.pcrs[.sha256, 7] == [UInt8](repeating: 0, count: 32))
        #expect(second.pcrs[.sha256, 7] == Self.d.sha256.hash([UInt8](repeating: 0, count: 32) + Self.d.sha256.hash([7])))
        #expect(second.pcrs[.sha1, 7] == Self.d.sha1.hash([UInt8](repeating: 0, count: 20) + Self.d.sha1.hash([7])))
        let read7 = try tpm.pcrRead(banks: [.sha256])[0].values[7]
        #expect(second.pcrs[.sha256, 7] == read7)
        try tpm.reset()
        let (third, ok3) = try Self.quote(tpm)
        #expect(ok3 && third.pcrs[.sha256, 7] == [UInt8](repeating: 0, count: 32))
    }

    /// Another process replacing the state file (here: another TPM's state) changes the AK and the
    /// PCRs a quote uses, although this object quoted (and cached) before.
    @Test func aReplacedStateFileIsQuotedWithItsOwnKeyAndPCRs() throws {
        let dir = TempDir("soft-tpm-cache")
        let tpm = try SoftwareTPM(path: dir.file("a.json").path)
        let other = try SoftwareTPM(path: dir.file("b.json").path)
        try other.extend(pcr: 0, digests: [.sha1: Self.d.sha1.hash([1]), .sha256: Self.d.sha256.hash([1]), .sha384: Self.d.sha384.hash([1])])
        let (before, ok1) = try Self.quote(tpm)
        let own = try tpm.attestationKey(.ecdsaP256)
        #expect(ok1 && before.attestationKey == own)
        let replacement = try Data(contentsOf: dir.file("b.json"))
        try replacement.write(to: dir.file("a.json"))
        let (after, ok2) = try Self.quote(tpm)
        #expect(ok2)
        let otherKey = try other.attestationKey(.ecdsaP256)
        let otherPCR0 = try other.pcrRead(banks: [.sha256])[0].values[0]
        #expect(after.attestationKey == otherKey)
        #expect(after.attestationKey != before.attestationKey)
        #expect(after.pcrs[.sha256, 0] == otherPCR0)
        #expect(after.pcrs[.sha256, 0] != before.pcrs[.sha256, 0])
    }
}
