import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// An AK given as a bare public key carries no TPM attributes: the verdict says so instead of passing
/// silently (issue #7), and a verifier may require the attributes.
@Suite struct AKAttributesNoteTests {
    typealias Fixture = QuoteVerifierTests.Fixture

    func quote(_ f: Fixture, requireAKAttributes: Bool = false) throws -> QuoteVerification {
        let msg = f.attest()
        let ak = try AttestationKey(pemEncoded: f.key.publicKey.pemRepresentation)
        return QuoteVerifier(attestationKey: ak, requireAKAttributes: requireAKAttributes)
            .verify(attest: msg, signature: f.sign(msg), pcrs: f.pcrs, nonce: f.nonce)
    }

    @Test func pemAKIsVerifiedWithAWarning() throws {
        let r = try quote(Fixture())
        #expect(r.isValid)
        #expect(r.report.warnings.map(\.code) == ["ak.attributes-unchecked"])
        #expect(r.report.warnings[0].message.contains("PEM"))
    }

    @Test func pemAKIsRefusedWhenAttributesAreRequired() throws {
        let r = try quote(Fixture(), requireAKAttributes: true)
        #expect(!r.isValid)
        #expect(r.report.failures.map(\.code) == ["ak.attributes-unchecked"])
    }

    @Test func tpmPublicAreaHasNoWarning() throws {
        let key = try AttestationKey(bytes: TPMVectors.eccAKPub)
        let r = QuoteVerifier(attestationKey: key, requireAKAttributes: true)
            .verify(attest: TPMVectors.eccQuoteMsg, signature: try TPMTSignature(bytes: TPMVectors.eccQuoteSig),
                    pcrs: TPMVectors.zeroPCRs, nonce: TPMVectors.eccQuoteNonce)
        #expect(r.report.warnings.isEmpty)
        #expect(!r.report.failures.map(\.code).contains("ak.attributes-unchecked"))
    }

    @Test func turningTheCheckOffIsAlsoReported() throws {
        let key = try AttestationKey(bytes: TPMVectors.eccAKPub)
        let r = QuoteVerifier(attestationKey: key, checkAKAttributes: false)
            .verify(attest: TPMVectors.eccQuoteMsg, signature: try TPMTSignature(bytes: TPMVectors.eccQuoteSig),
                    pcrs: TPMVectors.zeroPCRs, nonce: TPMVectors.eccQuoteNonce)
        #expect(r.report.warnings.map(\.code) == ["ak.attributes-unchecked"])
    }
}
