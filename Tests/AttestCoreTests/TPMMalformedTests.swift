import Testing
import TestSupport
@testable import AttestCore

/// Malformed inputs for every TPM parser: each must throw a ParseError, never trap.
@Suite struct TPMMalformedTests {
    struct Parser: Sendable, CustomTestStringConvertible {
        var name: String
        var valid: [UInt8]
        var parse: @Sendable ([UInt8]) throws -> Void
        var testDescription: String { name }
    }

    static let parsers: [Parser] = [
        Parser(name: "TPMS_ATTEST", valid: TPMVectors.eccQuoteMsg) { _ = try TPMSAttest(bytes: $0) },
        Parser(name: "TPMT_SIGNATURE ecdsa", valid: TPMVectors.eccQuoteSig) { _ = try TPMTSignature(bytes: $0) },
        Parser(name: "TPMT_SIGNATURE rsassa", valid: TPMVectors.rsaQuoteSig) { _ = try TPMTSignature(bytes: $0) },
        Parser(name: "TPM2B_PUBLIC ecc", valid: TPMVectors.eccAKPub) { _ = try TPM2BPublic(bytes: $0) },
        Parser(name: "TPM2B_PUBLIC rsa", valid: TPMVectors.rsaEKPub) { _ = try TPM2BPublic(bytes: $0) },
        Parser(name: "TPMT_PUBLIC", valid: Array(TPMVectors.eccAKPub.dropFirst(2))) { _ = try TPMTPublic(bytes: $0) },
        Parser(name: "tpm2-tools credential file", valid: TPMVectors.makeCredentialFile) { _ = try CredentialBlob(tpm2ToolsFile: $0) },
        Parser(name: "tpm2-tools PCR file", valid: TPMVectors.zeroPCRs.tpm2ToolsSerialized()) { _ = try PCRValues(tpm2ToolsSerialized: $0) },
        Parser(name: "TPML_PCR_SELECTION", valid: TPMVectors.zeroPCRs.selection.marshalled()) { _ = try TPMLPCRSelection(bytes: $0) },
        Parser(name: "TPML_DIGEST", valid: TPMLDigest([[1, 2], [3]]).marshalled()) { _ = try TPMLDigest(bytes: $0) },
        Parser(name: "TPM2B_ID_OBJECT", valid: try! CredentialBlob(tpm2ToolsFile: TPMVectors.makeCredentialFile).idObject.marshalled()) { _ = try TPM2BIDObject(bytes: $0) },
        Parser(name: "TPM2B_ENCRYPTED_SECRET", valid: try! CredentialBlob(tpm2ToolsFile: TPMVectors.makeCredentialFile).encryptedSecret.marshalled()) { _ = try TPM2BEncryptedSecret(bytes: $0) },
    ]

    @Test(arguments: parsers)
    func validParsesAndEveryTruncationThrows(_ p: Parser) throws {
        try p.parse(p.valid)
        for n in 0..<p.valid.count {
            #expect(throws: ParseError.self, "\(p.name) truncated to \(n) bytes") { try p.parse(Array(p.valid.prefix(n))) }
        }
        #expect(throws: ParseError.self, "\(p.name) with a trailing byte") { try p.parse(p.valid + [0]) }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var code: String
        var parse: @Sendable () throws -> Void
        var testDescription: String { name }
    }

    static func patched(_ bytes: [UInt8], at offset: Int, _ patch: [UInt8]) -> [UInt8] {
        var b = bytes
        b.replaceSubrange(offset..<(offset + patch.count), with: patch)
        return b
    }

    static let msg = TPMVectors.eccQuoteMsg
    static let pcrFile = TPMVectors.zeroPCRs.tpm2ToolsSerialized()
    // Offsets in the ECC quote: magic 0, type 4, qualifiedSigner.size 6, extraData.size 42,
    // clockInfo 52 (safe at 68), firmwareVersion 69, pcrSelect.count 77, hash 81, sizeofSelect 83, pcrDigest.size 87.
    static let cases: [Case] = [
        Case(name: "attest wrong magic", code: "parse.bad-magic") { _ = try TPMSAttest(bytes: patched(msg, at: 0, [0xFF, 0x54, 0x43, 0x48])) },
        Case(name: "attest unknown type", code: "parse.wrong-type") { _ = try TPMSAttest(bytes: patched(msg, at: 4, [0x80, 0x14])) },
        Case(name: "attest certify type with quote body", code: "parse.trailing-data") { _ = try TPMSAttest(bytes: patched(msg, at: 4, [0x80, 0x17])) },
        Case(name: "attest qualifiedSigner size past end", code: "parse.length") { _ = try TPMSAttest(bytes: Array(patched(msg, at: 6, [0x00, 0x42]).prefix(50))) },
        Case(name: "attest qualifiedSigner size over TPM2B_NAME max", code: "parse.length") { _ = try TPMSAttest(bytes: patched(msg, at: 6, [0xFF, 0xFF])) },
        Case(name: "attest extraData over TPM2B_DATA max", code: "parse.length") { _ = try TPMSAttest(bytes: patched(msg, at: 42, [0x00, 0x43])) },
        Case(name: "attest safe not a TPMI_YES_NO", code: "parse.malformed") { _ = try TPMSAttest(bytes: patched(msg, at: 68, [0x02])) },
        Case(name: "attest pcrSelect count 0xFFFFFFFF", code: "parse.count") { _ = try TPMSAttest(bytes: patched(msg, at: 77, [0xFF, 0xFF, 0xFF, 0xFF])) },
        Case(name: "attest pcrSelect unknown hash", code: "parse.unknown-algorithm") { _ = try TPMSAttest(bytes: patched(msg, at: 81, [0x00, 0x99])) },
        Case(name: "attest sizeofSelect 5", code: "parse.length") { _ = try TPMSAttest(bytes: patched(msg, at: 83, [0x05])) },
        Case(name: "attest pcrDigest size past end", code: "parse.length") { _ = try TPMSAttest(bytes: patched(msg, at: 87, [0x00, 0x21])) },
        Case(name: "selection count 0xFFFFFFFF", code: "parse.count") { _ = try TPMLPCRSelection(bytes: [0xFF, 0xFF, 0xFF, 0xFF]) },
        Case(name: "selection count 17", code: "parse.count") { _ = try TPMLPCRSelection(bytes: [0, 0, 0, 17] + [UInt8](repeating: 0, count: 200)) },
        Case(name: "selection sizeofSelect 255", code: "parse.length") { _ = try TPMLPCRSelection(bytes: [0, 0, 0, 1, 0, 0x0B, 0xFF]) },
        Case(name: "digest list count 9", code: "parse.count") { _ = try TPMLDigest(bytes: [0, 0, 0, 9] + [UInt8](repeating: 0, count: 18)) },
        Case(name: "digest list digest size 65", code: "parse.length") { _ = try TPMLDigest(bytes: [0, 0, 0, 1, 0, 65] + [UInt8](repeating: 0, count: 65)) },
        Case(name: "signature unknown sigAlg", code: "parse.unknown-algorithm") { _ = try TPMTSignature(bytes: patched(TPMVectors.eccQuoteSig, at: 0, [0x00, 0x99])) },
        Case(name: "signature HMAC sigAlg", code: "parse.unknown-algorithm") { _ = try TPMTSignature(bytes: patched(TPMVectors.eccQuoteSig, at: 0, [0x00, 0x05])) },
        Case(name: "signature unknown hash", code: "parse.unknown-algorithm") { _ = try TPMTSignature(bytes: patched(TPMVectors.eccQuoteSig, at: 2, [0x00, 0x12])) },
        Case(name: "signature r size past end", code: "parse.length") { _ = try TPMTSignature(bytes: patched(TPMVectors.eccQuoteSig, at: 4, [0x00, 0x70])) },
        Case(name: "signature rsa sig size over max", code: "parse.length") { _ = try TPMTSignature(bytes: patched(TPMVectors.rsaQuoteSig, at: 4, [0x02, 0x01])) },
        Case(name: "public size smaller than area", code: "parse.trailing-data") { _ = try TPM2BPublic(bytes: patched(TPMVectors.eccAKPub, at: 0, [0x00, 0x57]) + [0]) },
        Case(name: "public size past end", code: "parse.length") { _ = try TPM2BPublic(bytes: patched(TPMVectors.eccAKPub, at: 0, [0x00, 0x59])) },
        Case(name: "public keyedhash type", code: "parse.unknown-algorithm") { _ = try TPM2BPublic(bytes: patched(TPMVectors.eccAKPub, at: 2, [0x00, 0x08])) },
        Case(name: "public unknown nameAlg", code: "parse.unknown-algorithm") { _ = try TPM2BPublic(bytes: patched(TPMVectors.eccAKPub, at: 4, [0x00, 0x99])) },
        Case(name: "public reserved attribute bit", code: "parse.malformed") { _ = try TPM2BPublic(bytes: patched(TPMVectors.eccAKPub, at: 6, [0x80, 0x05, 0x00, 0x72])) },
        Case(name: "public unknown symmetric", code: "parse.unknown-algorithm") { _ = try TPM2BPublic(bytes: patched(TPMVectors.eccAKPub, at: 12, [0x00, 0x99])) },
        Case(name: "public unknown ecc scheme", code: "parse.unknown-algorithm") { _ = try TPM2BPublic(bytes: patched(TPMVectors.eccAKPub, at: 14, [0x00, 0x14])) },
        Case(name: "credential file wrong magic", code: "parse.bad-magic") { _ = try CredentialBlob(tpm2ToolsFile: patched(TPMVectors.makeCredentialFile, at: 0, [0xBA, 0xDC, 0xC0, 0xDF])) },
        Case(name: "credential file version 2", code: "parse.unsupported-version") { _ = try CredentialBlob(tpm2ToolsFile: patched(TPMVectors.makeCredentialFile, at: 4, [0, 0, 0, 2])) },
        Case(name: "credential id object size over max", code: "parse.length") { _ = try CredentialBlob(tpm2ToolsFile: patched(TPMVectors.makeCredentialFile, at: 8, [0x00, 0x85])) },
        Case(name: "credential hmac size over max", code: "parse.length") { _ = try CredentialBlob(tpm2ToolsFile: patched(TPMVectors.makeCredentialFile, at: 10, [0x00, 0x43])) },
        Case(name: "credential secret size over max", code: "parse.length") { _ = try CredentialBlob(tpm2ToolsFile: patched(TPMVectors.makeCredentialFile, at: 78, [0x02, 0x01])) },
        Case(name: "PCR file selection count 0xFFFFFFFF", code: "parse.count") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 0, [0xFF, 0xFF, 0xFF, 0xFF])) },
        Case(name: "PCR file sizeofSelect 5", code: "parse.length") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 6, [5])) },
        Case(name: "PCR file unknown hash", code: "parse.unknown-algorithm") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 4, [0x99, 0x00])) },
        Case(name: "PCR file list count 0xFFFFFFFF", code: "parse.count") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 132, [0xFF, 0xFF, 0xFF, 0xFF])) },
        Case(name: "PCR file digest count 9", code: "parse.count") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 136, [9, 0, 0, 0])) },
        Case(name: "PCR file digest size 65", code: "parse.length") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 140, [65, 0])) },
        Case(name: "PCR file digest size not the bank's", code: "parse.length") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 140, [20, 0])) },
        Case(name: "PCR file fewer digests than PCRs", code: "parse.count") { _ = try PCRValues(tpm2ToolsSerialized: patched(pcrFile, at: 136, [3, 0, 0, 0])) },
        Case(name: "PCR values file one byte short", code: "parse.length") { _ = try PCRValues(tpm2ToolsValues: [UInt8](repeating: 0, count: 127), selection: TPMVectors.zeroPCRs.selection) },
    ]

    @Test(arguments: cases)
    func malformedInputThrows(_ c: Case) {
        do {
            try c.parse()
            Issue.record("\(c.name): parsed")
        } catch let e as ParseError {
            #expect(e.code.rawValue == c.code, "\(c.name): \(e)")
        } catch {
            Issue.record("\(c.name): unexpected error \(error)")
        }
    }

    static let fuzzTargets: [(String, [UInt8], @Sendable ([UInt8]) -> Void)] = [
        ("TPMSAttest", TPMVectors.eccQuoteMsg, TPMSAttest.fuzz),
        ("TPMTSignature", TPMVectors.eccQuoteSig, TPMTSignature.fuzz),
        ("TPMTPublic", TPMVectors.eccAKPub, TPMTPublic.fuzz),
        ("TPMTPublic rsa", TPMVectors.rsaEKPub, TPMTPublic.fuzz),
        ("TPMLPCRSelection", TPMVectors.zeroPCRs.selection.marshalled(), TPMLPCRSelection.fuzz),
        ("TPMLDigest", TPMLDigest([[1, 2], [3]]).marshalled(), TPMLDigest.fuzz),
        ("TPM2BIDObject", Array(TPMVectors.makeCredentialFile[8..<78]), TPM2BIDObject.fuzz),
        ("TPM2BEncryptedSecret", Array(TPMVectors.makeCredentialFile[78...]), TPM2BEncryptedSecret.fuzz),
        ("CredentialBlob", TPMVectors.makeCredentialFile, CredentialBlob.fuzz),
        ("PCRValues", TPMVectors.zeroPCRs.tpm2ToolsSerialized(), PCRValues.fuzz),
        ("AttestationKey", TPMVectors.eccAKPub, AttestationKey.fuzz),
    ]

    /// Mutations of valid inputs (bit flips, byte sets, truncations, insertions) and random bytes.
    @Test func fuzzEntryPointsNeverTrap() {
        var rng = SplitMix64(seed: 0x7470_6d32)
        for (_, seed, fuzz) in Self.fuzzTargets {
            for i in 0..<400 {
                var b = seed
                if i % 10 == 0 {
                    b = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                } else {
                    for _ in 0..<Int.random(in: 1...4, using: &rng) where !b.isEmpty {
                        let at = Int.random(in: 0..<b.count, using: &rng)
                        switch Int.random(in: 0..<5, using: &rng) {
                        case 0: b[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                        case 1: b[at] = [0x00, 0xFF, 0x7F, 0x80, 0x01][Int.random(in: 0..<5, using: &rng)]
                        case 2: b.removeLast(Int.random(in: 0...b.count - at, using: &rng))
                        case 3: b.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                        default: if at + 1 < b.count { b[at] = 0xFF; b[at + 1] = 0xFF }
                        }
                    }
                }
                fuzz(b)
            }
        }
    }
}
