import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// SHA-1 Authenticode is refused unless allowed; data hidden in the certificate table is reported,
/// and refused when strict (issue #7).
@Suite struct AuthenticodeHardeningTests {
    typealias Setup = AuthenticodeTests.Setup

    func codes(_ findings: [Finding]) -> Set<String> { Set(findings.map(\.code.rawValue)) }

    /// A SHA-256-signed image and its anchors.
    func signedImage() throws -> (Data, [X509Certificate]) {
        let s = try Setup()
        let signed = try s.signer(chain: [s.intermediate]).sign(try AuthenticodeTests.unsigned())
        return (signed, [try s.cert(s.root)])
    }

    /// The image with its certificate table replaced by `table` (placed where the old one started).
    func withTable(_ signed: Data, _ table: [UInt8]) throws -> Data {
        let image = try PEImage(bytes: signed)
        let start = try #require(image.certificateTable).lowerBound
        var out = Data(signed[signed.startIndex..<(signed.startIndex + start)])
        out.append(contentsOf: table)
        let dir = try #require(image.certificateDirectoryOffset)
        withUnsafeBytes(of: UInt32(table.count).littleEndian) { out.replaceSubrange((dir + 4)..<(dir + 8), with: $0) }
        return out
    }

    func signatureDER(_ signed: Data) throws -> [UInt8] {
        let entry = try #require(try PEImage(bytes: signed).certificates.first)
        let length = try PEImage.derElementLength(entry.certificate[...], structure: "t", baseOffset: 0)
        return Array(entry.certificate[0..<length])
    }

    func verify(_ bytes: Data, _ anchors: [X509Certificate], strict: Bool = false) throws -> AuthenticodeVerification {
        AuthenticodeVerifier.verify(try PEImage(bytes: bytes), anchors: anchors,
                                    options: AuthenticodeOptions(strictCertificateTable: strict))
    }

    // MARK: SHA-1

    @Test func sha1AuthenticodeIsRefusedUnlessAllowed() throws {
        let s = try Setup(key: .rsa2048)
        let signer = try AuthenticodeSigner(key: SigningKey(pemEncoded: s.leaf.keyPEM), certificate: s.cert(s.leaf),
                                            chain: [try s.cert(s.intermediate)], digestAlgorithm: .sha1)
        let image = try PEImage(bytes: try signer.sign(try AuthenticodeTests.unsigned()))
        let anchors = [try s.cert(s.root)]
        let refused = AuthenticodeVerifier.verify(image, anchors: anchors)
        #expect(!refused.isValid)
        #expect(codes(refused.report.failures) == ["authenticode.weak-digest", "authenticode.weak-signer-digest"], "\(refused.report.failures)")
        let allowed = AuthenticodeVerifier.verify(image, anchors: anchors, options: AuthenticodeOptions(allowWeakAlgorithms: true))
        #expect(allowed.isValid, "\(allowed.report.failures)")
        // A SHA-256 signature is not affected.
        let (good, goodAnchors) = try signedImage()
        #expect(try verify(good, goodAnchors).isValid)
    }

    // MARK: Certificate table

    @Test func cleanTableHasNoFindings() throws {
        let (signed, anchors) = try signedImage()
        let v = try verify(signed, anchors, strict: true)
        #expect(v.isValid, "\(v.report.failures)")
        #expect(v.report.warnings.isEmpty)
    }

    /// Each hidden-data shape: reported as a warning by default, refused when strict.
    @Test(arguments: ["trailing-data", "trailing-nonzero-short", "padding-nonzero", "slack", "bogus-entry", "unparsable-entry"])
    func hiddenDataIsReportedAndRefusedWhenStrict(_ shape: String) throws {
        let (signed, anchors) = try signedImage()
        let der = try signatureDER(signed)
        var table: [UInt8]
        let expected: Set<String>
        switch shape {
        case "trailing-data":
            // 64 bytes hidden after the DER signature, inside dwLength.
            table = WinCertificate(certificate: der + Array(repeating: 0x41, count: 64)).encoded
            expected = ["pe.cert-trailing-data"]
        case "trailing-nonzero-short":
            // Within the 8-byte allowance, but not zero.
            table = WinCertificate(certificate: der + [0, 0, 0x99]).encoded
            expected = ["pe.cert-trailing-data"]
        case "padding-nonzero":
            var body = der
            if (body.count + 8) % 8 == 0 { body += [0, 0, 0] }  // make sure there is alignment padding
            table = WinCertificate(certificate: body).encoded
            let entryEnd = body.count + 8
            for i in entryEnd..<table.count { table[i] = 0xCC }
            expected = ["pe.cert-padding-nonzero"]
        case "slack":
            table = WinCertificate(certificate: der).encoded + Array(repeating: 0, count: 16)
            expected = ["pe.cert-table-slack"]
        case "bogus-entry":
            table = WinCertificate(certificate: der).encoded
                + WinCertificate(revision: 0x0100, certificateType: 0x0EF1, certificate: Array("hidden payload".utf8)).encoded
            expected = ["pe.cert-bad-revision", "pe.cert-unsupported-type"]
        default:
            table = WinCertificate(certificate: der).encoded + WinCertificate(certificate: Array(repeating: 0x30, count: 40)).encoded
            expected = ["pe.cert-unparsable"]
        }
        let bytes = try withTable(signed, table)
        let lenient = try verify(bytes, anchors)
        #expect(lenient.isValid, "\(shape): \(lenient.report.failures)")
        #expect(codes(lenient.report.warnings) == expected, "\(shape): \(lenient.report.warnings)")
        let strict = try verify(bytes, anchors, strict: true)
        #expect(!strict.isValid)
        #expect(codes(strict.report.failures) == expected, "\(shape): \(strict.report.failures)")
        // The Authenticode digest does not cover any of it: the same image digest either way.
        #expect(try PEImage(bytes: bytes).authenticodeDigest(.sha256) == (try PEImage(bytes: signed).authenticodeDigest(.sha256)))
    }

    @Test func zeroPaddingInsideTheEntryIsAllowed() throws {
        // signtool and sbsign pad the signature to 8 bytes inside dwLength.
        let (signed, anchors) = try signedImage()
        let der = try signatureDER(signed)
        let bytes = try withTable(signed, WinCertificate(certificate: der + Array(repeating: 0, count: 7)).encoded)
        let v = try verify(bytes, anchors, strict: true)
        #expect(v.isValid, "\(v.report.failures)")
    }
}
