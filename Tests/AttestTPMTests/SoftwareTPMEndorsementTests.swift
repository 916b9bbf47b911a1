import AttestCore
import AttestTPM
import Foundation
import Testing
import TestSupport

/// The server's EK verifier recognises hostattest's own software TPM by its certificate's issuer: it is
/// refused as a software TPM unless software TPMs are allowed, never taken for hardware.
@Suite struct SoftwareTPMEndorsementTests {
    @Test func softwareTPMCertificateIsRefusedUnlessAllowed() throws {
        let dir = TempDir("soft-tpm-ek")
        let tpm = try SoftwareTPM(path: dir.file("tpm.json").path)
        let ek = try tpm.endorsementKey(.eccP256)
        let cert = try #require(ek.certificateDER)
        let refused = EndorsementKeyVerifier(manufacturerCAs: []).verify(ek: ek.publicArea, certificate: cert, time: Date())
        #expect(refused.verified == nil && refused.report.failures.map(\.code) == [.ekSoftwareTpm], "\(refused.report.failures)")
        let allowed = EndorsementKeyVerifier(manufacturerCAs: [], allowSoftwareTPM: true).verify(ek: ek.publicArea, certificate: cert, time: Date())
        #expect(allowed.verified?.basis == .softwareTPM)
    }
}
